import { describe, expect, it } from 'vitest';
import { parseSipMessage } from '../../../../src/protocols/sip/parse-sip-message.js';
import { bytes, newSink, SDP_150, sipMessage, text } from '../../../helpers/sip-test-helpers.js';

describe('parseSipMessage: RFC 4475 invalid messages become anomalies', () => {
  const base = [
    'Max-Forwards: 80',
    'To: sip:j.user@example.com',
    'From: sip:caller@example.net;tag=93942939o2',
    'Call-ID: clerr.0ha0isndaksdjweiafasdk3',
    'CSeq: 8 INVITE',
    'Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bK-39234-23523',
    'Content-Type: application/sdp',
  ];

  it('3.1.2.2 clerr: Content-Length larger than the datagram', () => {
    const sink = newSink();
    const m = parseSipMessage(bytes(sipMessage('INVITE sip:user@example.com SIP/2.0', [...base, 'Content-Length: 9999'], SDP_150)), sink)!;
    expect(sink.count('sip.content_length_mismatch')).toBe(1);
    expect(m.contentLength).toBe(9999);
    expect(text(m.body)).toBe(SDP_150);
  });

  it('3.1.2.3 ncl: negative Content-Length', () => {
    const sink = newSink();
    const m = parseSipMessage(bytes(sipMessage('INVITE sip:user@example.com SIP/2.0', [...base, 'Content-Length: -999'], SDP_150)), sink)!;
    expect(sink.count('sip.bad_content_length')).toBe(1);
    expect(m.contentLength).toBeNull();
    expect(m.body.length).toBe(150);
  });

  it('3.1.2.7 quotbal: unterminated quoted display name', () => {
    const sink = newSink();
    const msg = sipMessage('INVITE sip:user@example.com SIP/2.0', [...base.filter((h) => !h.startsWith('To')), 'To: "Mr. J. User <sip:j.user@example.com>']);
    const m = parseSipMessage(bytes(msg), sink)!;
    expect(sink.count('sip.bad_name_addr')).toBe(1);
    expect(sink.examplesOf('sip.bad_name_addr')[0]!.detail).toBe('to');
    expect(m.to).toBeNull();
  });

  it('3.1.2.9 lwsruri / 3.1.2.10 lwsstart: white space in the start line is understood and reported', () => {
    for (const line of ['INVITE sip:user@example.com; lr SIP/2.0', 'INVITE  sip:user@example.com  SIP/2.0']) {
      const sink = newSink();
      const m = parseSipMessage(bytes(sipMessage(line, base)), sink)!;
      expect(sink.count('sip.lax_start_line')).toBe(1);
      expect(m.method).toBe('INVITE');
    }
  });

  it('3.1.2.15 badvers: SIP/7.0', () => {
    const sink = newSink();
    const m = parseSipMessage(bytes(sipMessage('OPTIONS sip:t.watson@example.org SIP/7.0', base)), sink)!;
    expect(sink.count('sip.bad_version')).toBe(1);
    expect(m.version).toBe('SIP/7.0');
  });

  it('3.1.2.16 mismatch01: CSeq method differs from the request method', () => {
    const sink = newSink();
    parseSipMessage(bytes(sipMessage('OPTIONS sip:user@example.com SIP/2.0', base)), sink);
    expect(sink.count('sip.cseq_method_mismatch')).toBe(1);
  });

  it.each([
    ['binary (STUN-like)', '\x00\x01\x00\x00\x21\x12\xa4\x42abcdefghijkl'],
    ['HTTP', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['status code of two digits', 'SIP/2.0 20 OK\r\n\r\n'],
    ['no version', 'INVITE sip:a@b\r\n\r\n'],
  ])('drops a first line that is not a SIP start line: %s', (_n, t) => {
    const sink = newSink();
    expect(parseSipMessage(bytes(t), sink)).toBeNull();
    expect(sink.count('sip.bad_start_line')).toBe(1);
  });

  it('reports missing mandatory headers, a bad CSeq and a header line without colon', () => {
    const sink = newSink();
    const m = parseSipMessage(bytes(sipMessage('BYE sip:a@b.example SIP/2.0', ['From: <sip:c@d.example>;tag=1', 'CSeq: one BYE', 'this is not a header'])), sink)!;
    expect(sink.count('sip.missing_header')).toBe(3); // to, call-id, via
    expect(sink.examplesOf('sip.missing_header').map((e) => e.detail)).toEqual(['to', 'call-id', 'via']);
    expect(sink.count('sip.bad_cseq')).toBe(1);
    expect(sink.count('sip.bad_header')).toBe(1);
    expect(m.cseq).toBeNull();
    expect(m.callId).toBeNull();
  });

  it('reports a header section without an empty line, and bare LF line ends', () => {
    const sink = newSink();
    const m = parseSipMessage(bytes('MESSAGE sip:a@b.example SIP/2.0\nCall-ID: x\nCSeq: 1 MESSAGE'), sink)!;
    expect(sink.count('sip.truncated_headers')).toBe(1);
    expect(sink.count('sip.bare_lf')).toBe(1);
    expect(m.callId).toBe('x');
    expect(m.cseq).toEqual({ seq: 1, method: 'MESSAGE' });
  });

  it('caps the number of header fields (past the cap only the essential ones, here Content-Length)', () => {
    const many = Array.from({ length: 300 }, (_, i) => `X-H${i}: ${i}`);
    const sink = newSink();
    const m = parseSipMessage(bytes(sipMessage('OPTIONS sip:a@b SIP/2.0', many)), sink)!;
    expect(m.fields.length).toBe(257);
    expect(m.fields[256]!.key).toBe('content-length');
    expect(sink.count('sip.too_many_headers')).toBe(1);
  });
});
