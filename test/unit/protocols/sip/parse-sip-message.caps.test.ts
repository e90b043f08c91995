/**
 * Caps limit what the parser keeps, never whether it reads the identity and dialog headers
 * (issue 12): an INVITE with hundreds of junk headers before From/To/Call-ID still yields its
 * parties, its dialog keys and its SDP, and the cut is reported.
 */
import { describe, expect, it } from 'vitest';
import { findSdp } from '../../../../src/protocols/sip/find-sdp.js';
import { MAX_SIP_HEADER_FIELDS, parseSipMessage, SIP_PAST_CAP } from '../../../../src/protocols/sip/parse-sip-message.js';
import { bytes, crlf, newSink, sipMessage, text } from '../../../helpers/sip-test-helpers.js';

const SDP = crlf(
  'v=0',
  'o=alice 2890844526 2890844527 IN IP4 192.0.2.1',
  's=-',
  'c=IN IP4 192.0.2.1',
  't=0 0',
  'm=message 7654 TCP/MSRP *',
  'a=accept-types:message/cpim',
  'a=path:msrp://192.0.2.1:7654/jshA7weztas;tcp',
  'a=setup:active',
  '',
);

const junk = (n: number): string[] => Array.from({ length: n }, (_, i) => `X-Junk-${i}: ${'j'.repeat(i % 40)}`);

/** The identity and dialog headers of an INVITE, full names or compact forms (RFC 3261 7.3.3). */
function dialogHeaders(compact: boolean): string[] {
  const [f, t, i, v, m, c] = compact ? ['f', 't', 'i', 'v', 'm', 'c'] : ['From', 'To', 'Call-ID', 'Via', 'Contact', 'Content-Type'];
  return [
    `${v}: SIP/2.0/UDP pcscf.example.net;branch=z9hG4bKjunk1`,
    `${f}: "Alice" <sip:alice@example.net>;tag=a1`,
    `${t}: <sip:bob@example.net>`,
    `${i}: junk-call-1@192.0.2.1`,
    'CSeq: 1 INVITE',
    `${m}: <sip:alice@192.0.2.1:5060>`,
    'Record-Route: <sip:pcscf.example.net;lr>',
    'P-Asserted-Identity: <sip:alice@example.net>, <tel:+4915112345678>',
    'P-Preferred-Identity: <sip:alice.pref@example.net>',
    `${c}: application/sdp`,
  ];
}

describe('parseSipMessage: identity and dialog headers past the header-field cap', () => {
  for (const compact of [false, true]) {
    it(`reads From/To/Call-ID/Via/CSeq/PAI/Contact/Content-Type after 300 junk headers (${compact ? 'compact' : 'full'} names)`, () => {
      const sink = newSink();
      const m = parseSipMessage(bytes(sipMessage('INVITE sip:bob@example.net SIP/2.0', [...junk(300), ...dialogHeaders(compact)], SDP)), sink, 7)!;
      expect(m.from?.uriText).toBe('sip:alice@example.net');
      expect(m.from?.tag).toBe('a1');
      expect(m.to?.uriText).toBe('sip:bob@example.net');
      expect(m.callId).toBe('junk-call-1@192.0.2.1');
      expect(m.cseq).toEqual({ seq: 1, method: 'INVITE' });
      expect(m.viaBranch).toBe('z9hG4bKjunk1');
      expect(m.contact.map((n) => n.uriText)).toEqual(['sip:alice@192.0.2.1:5060']);
      expect(m.headers('record-route')).toEqual(['<sip:pcscf.example.net;lr>']);
      expect(m.pAssertedIdentity.map((n) => n.uriText)).toEqual(['sip:alice@example.net', 'tel:+4915112345678']);
      expect(m.pPreferredIdentity.map((n) => n.uriText)).toEqual(['sip:alice.pref@example.net']);
      expect(m.contentType?.mediaType).toBe('application/sdp');
      expect(m.contentLength).toBe(SDP.length);
      expect(text(findSdp(m)!)).toBe(SDP);
      // The generic headers are capped: the first 256 are kept, the other junk is not.
      expect(m.fields.slice(0, MAX_SIP_HEADER_FIELDS).every((f) => f.key.startsWith('x-junk-'))).toBe(true);
      expect(m.fields.length).toBe(MAX_SIP_HEADER_FIELDS + dialogHeaders(compact).length + 1);
      expect(sink.count('sip.too_many_headers')).toBe(1);
      expect(sink.examplesOf('sip.too_many_headers')).toEqual([{ frame: 7, detail: `dropped=44 kept_past_cap=${dialogHeaders(compact).length + 1}` }]);
      expect(sink.count('sip.missing_header')).toBe(0);
    });
  }

  it('keeps the fields past the cap in wire order, with offsets into the message', () => {
    const raw = bytes(sipMessage('INVITE sip:bob@example.net SIP/2.0', [...junk(260), ...dialogHeaders(false)], SDP));
    const m = parseSipMessage(raw, newSink())!;
    const past = m.fields.slice(MAX_SIP_HEADER_FIELDS);
    expect(past.map((f) => f.key)).toEqual(['via', 'from', 'to', 'call-id', 'cseq', 'contact', 'record-route', 'p-asserted-identity', 'p-preferred-identity', 'content-type', 'content-length']);
    for (const f of past) expect(text(raw.subarray(f.offset, f.offset + f.length))).toBe(`${f.name}: ${f.value}`);
  });

  it('bounds what it keeps past the cap: per header name, and per value length', () => {
    const vias = Array.from({ length: 50 }, (_, i) => `Via: SIP/2.0/UDP relay${i}.example.net;branch=z9hG4bKr${i}`);
    const longPai = `P-Asserted-Identity: <sip:${'a'.repeat(SIP_PAST_CAP.maxValueBytes)}@example.net>`;
    const sink = newSink();
    const m = parseSipMessage(bytes(sipMessage('INVITE sip:bob@example.net SIP/2.0', [...junk(300), ...vias, longPai, 'From: <sip:alice@example.net>;tag=1', 'To: <sip:bob@example.net>', 'Call-ID: c2', 'CSeq: 2 INVITE'])), sink)!;
    // 50 repeated Vias cannot use up what From, To and Call-ID after them need.
    expect(m.headerFields('via')).toHaveLength(SIP_PAST_CAP.maxPerKey);
    expect(m.from?.uriText).toBe('sip:alice@example.net');
    expect(m.callId).toBe('c2');
    expect(m.pAssertedIdentity).toHaveLength(0);
    expect(sink.examplesOf('sip.too_many_headers')[0]?.detail).toBe(`dropped=${44 + 50 - SIP_PAST_CAP.maxPerKey + 1} kept_past_cap=${SIP_PAST_CAP.maxPerKey + 5}`);
  });

  it('finds the SDP part of a multipart body whose part headers exceed the part header cap', () => {
    const body = crlf('--b', ...junk(80), 'Content-Type: application/sdp', '', SDP, '--b--', '');
    const m = parseSipMessage(bytes(sipMessage('INVITE sip:bob@example.net SIP/2.0', [...dialogHeaders(false).slice(0, -1), 'Content-Type: multipart/mixed;boundary=b'], body)), newSink())!;
    expect(text(findSdp(m)!)).toBe(SDP);
  });
});
