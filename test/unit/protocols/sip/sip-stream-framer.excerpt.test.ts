/**
 * SIP messages larger than the stream framer's cap (issue 12): framed by Content-Length, cut to
 * an excerpt that still has the parties, the dialog keys and the SDP, without buffering the
 * message; the cut is reported.
 */
import { describe, expect, it } from 'vitest';
import type { AnomalyCounter } from '../../../../src/core/anomaly.js';
import { findSdp } from '../../../../src/protocols/sip/find-sdp.js';
import { EXCERPT_LIMITS } from '../../../../src/protocols/sip/sip-excerpt-collector.js';
import { DEFAULT_MAX_SIP_MESSAGE_BYTES, SipStreamFramer, type FramedSipMessage } from '../../../../src/protocols/sip/sip-stream-framer.js';
import { bytes, crlf, newSink, prng, sipMessage, text } from '../../../helpers/sip-test-helpers.js';

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
const junk = (n: number, width = 40): string[] => Array.from({ length: n }, (_, i) => `X-Junk-${i}: ${'j'.repeat(width)}`);
const DIALOG = [
  'Via: SIP/2.0/TCP pcscf.example.net;branch=z9hG4bKbig1',
  'From: "Alice" <sip:alice@example.net>;tag=a1',
  'To: <sip:bob@example.net>',
  'Call-ID: big-call-1@192.0.2.1',
  'CSeq: 1 INVITE',
  'Contact: <sip:alice@192.0.2.1:5060;transport=tcp>',
  'P-Asserted-Identity: <sip:alice@example.net>',
];
const NEXT = sipMessage('SIP/2.0 100 Trying', ['Via: SIP/2.0/TCP pcscf.example.net;branch=z9hG4bKbig1', 'From: <sip:alice@example.net>;tag=a1', 'To: <sip:bob@example.net>', 'Call-ID: big-call-1@192.0.2.1', 'CSeq: 1 INVITE']);

function setup(maxMessageBytes?: number): { f: SipStreamFramer; out: FramedSipMessage[]; sink: AnomalyCounter } {
  const out: FramedSipMessage[] = [];
  const sink = newSink();
  const f = new SipStreamFramer({ sink, onMessage: (m) => out.push(m), ...(maxMessageBytes === undefined ? {} : { maxMessageBytes }) });
  return { f, out, sink };
}

/** Pushes `s` in segments of `seg` bytes; returns the most the framer held between pushes. */
function pushAll(f: SipStreamFramer, s: string, seg: number, frame0 = 1): number {
  let most = 0;
  for (let i = 0; i < s.length; i += seg) {
    f.push(bytes(s.slice(i, i + seg)), frame0 + i / seg, 0, 0);
    most = Math.max(most, f.bufferedBytes);
  }
  return most;
}

function expectParties(m: FramedSipMessage['message']): void {
  expect(m.excerpt).toBe(true);
  expect(m.from?.uriText).toBe('sip:alice@example.net');
  expect(m.to?.uriText).toBe('sip:bob@example.net');
  expect(m.callId).toBe('big-call-1@192.0.2.1');
  expect(m.cseq).toEqual({ seq: 1, method: 'INVITE' });
  expect(m.viaBranch).toBe('z9hG4bKbig1');
  expect(m.pAssertedIdentity.map((n) => n.uriText)).toEqual(['sip:alice@example.net']);
  expect(m.contact.map((n) => n.uriText)).toEqual(['sip:alice@192.0.2.1:5060;transport=tcp']);
}

describe('SipStreamFramer: messages over the cap become excerpts', () => {
  for (const sdpFirst of [true, false]) {
    it(`an INVITE over 1 MiB (300 junk headers first, multipart with a 1.2 MB part ${sdpFirst ? 'after' : 'before'} the SDP)`, () => {
      const blob = crlf('--bnd', 'Content-Type: application/octet-stream', '', 'B'.repeat(1_200_000));
      const sdpPart = crlf('--bnd', 'Content-Type: application/sdp', '', SDP);
      const body = (sdpFirst ? [sdpPart, blob] : [blob, sdpPart]).join('\r\n') + '\r\n--bnd--\r\n';
      const invite = sipMessage('INVITE sip:bob@example.net SIP/2.0', [...junk(300), ...DIALOG, 'Content-Type: multipart/mixed;boundary=bnd'], body);
      expect(invite.length).toBeGreaterThan(DEFAULT_MAX_SIP_MESSAGE_BYTES);
      const { f, out, sink } = setup();
      const most = pushAll(f, invite + NEXT, 1448);
      expect(most).toBeLessThanOrEqual(EXCERPT_LIMITS.line + 1448);
      expect(out).toHaveLength(2);
      const m = out[0]!.message;
      expectParties(m);
      expect(m.contentLength).toBe(Buffer.byteLength(body, 'latin1'));
      expect(text(findSdp(m, sink)!)).toBe(SDP);
      expect(m.raw.length).toBeLessThan(EXCERPT_LIMITS.head + EXCERPT_LIMITS.essential + EXCERPT_LIMITS.body);
      expect(out[0]).toMatchObject({ firstFrameNo: 1, streamOffset: 0 });
      expect(text(out[1]!.message.raw)).toBe(NEXT);
      expect(out[1]!.streamOffset).toBe(invite.length);
      expect(sink.count('sip.message_too_large')).toBe(1);
      expect(sink.count('sip.too_many_headers')).toBe(1);
      expect(sink.count('sip.bad_multipart')).toBe(0);
    });
  }

  it('a header section over the cap (20 000 junk headers before From/To/Call-ID), SDP body', () => {
    const invite = sipMessage('INVITE sip:bob@example.net SIP/2.0', [...junk(20_000, 50), ...DIALOG, 'Content-Type: application/sdp'], SDP);
    expect(invite.length).toBeGreaterThan(DEFAULT_MAX_SIP_MESSAGE_BYTES);
    const { f, out, sink } = setup();
    expect(pushAll(f, invite + NEXT, 1448)).toBeLessThanOrEqual(DEFAULT_MAX_SIP_MESSAGE_BYTES + 1448);
    expect(out).toHaveLength(2);
    expectParties(out[0]!.message);
    expect(text(findSdp(out[0]!.message)!)).toBe(SDP);
    expect(sink.examplesOf('sip.message_too_large')[0]?.detail).toBe(`headers>${DEFAULT_MAX_SIP_MESSAGE_BYTES}`);
    expect(sink.count('sip.too_many_headers')).toBe(1);
    expect(sink.count('sip.stream_resync')).toBe(0);
  });

  it('an SDP body over the cap keeps its first 64 KiB', () => {
    const padded = SDP + Array.from({ length: 40_000 }, (_, i) => `a=x-pad-${i}:${'p'.repeat(20)}\r\n`).join('');
    const invite = sipMessage('INVITE sip:bob@example.net SIP/2.0', [...DIALOG, 'Content-Type: application/sdp'], padded);
    const { f, out } = setup();
    pushAll(f, invite, 1448);
    expect(out).toHaveLength(1);
    expectParties(out[0]!.message);
    expect(text(findSdp(out[0]!.message)!)).toBe(padded.slice(0, EXCERPT_LIMITS.part));
  });

  it('the excerpt does not depend on how the stream is segmented', () => {
    const blob = crlf('--bnd', 'Content-Type: image/jpeg', '', 'J\r\n--bn'.repeat(4000));
    const body = [blob, crlf('--bnd', ...junk(3), 'Content-Type: application/sdp', '', SDP)].join('\r\n') + '\r\n--bnd--';
    const msg = sipMessage('INVITE sip:bob@example.net SIP/2.0', [...junk(300, 8), ...DIALOG, 'Content-Type: multipart/mixed; boundary="bnd"'], body);
    const { f, out } = setup(4096);
    pushAll(f, msg + NEXT, 100_000);
    const whole = text(out[0]!.message.raw);
    expect(text(findSdp(out[0]!.message)!)).toBe(SDP);
    const rnd = prng(0x5eed);
    for (let k = 0; k < 30; k++) {
      const g = setup(4096);
      let i = 0;
      while (i < msg.length + NEXT.length) {
        const n = 1 + Math.floor(rnd() * (k < 10 ? 8 : 3000));
        g.f.push(bytes((msg + NEXT).slice(i, i + n)), 1, 0, 0);
        i += n;
      }
      expect(g.out.map((m) => text(m.message.raw))).toEqual([whole, NEXT]);
    }
  });

  it('a line that only starts like the delimiter ("--bndX") is part text, not a delimiter (RFC 2046 5.1.1)', () => {
    const fake = crlf('--bnd', 'Content-Type: application/octet-stream', '', ...Array.from({ length: 30_000 }, () => '--bndX is no delimiter'));
    const body = [fake, crlf('--bnd', 'Content-Type: application/sdp', '', SDP)].join('\r\n') + '\r\n--bnd--\r\n';
    const { f, out } = setup(4096);
    pushAll(f, sipMessage('INVITE sip:bob@example.net SIP/2.0', [...DIALOG, 'Content-Type: multipart/mixed;boundary=bnd'], body), 1448);
    expect(out).toHaveLength(1);
    // Had "--bndX" lines been taken as delimiters, their text would be kept as part headers.
    expect(text(out[0]!.message.raw)).not.toContain('--bndX');
    expect(text(findSdp(out[0]!.message)!)).toBe(SDP);
  });

  it('a gap inside the body still emits the excerpt; the gap is reported', () => {
    const invite = sipMessage('INVITE sip:bob@example.net SIP/2.0', [...DIALOG, 'Content-Type: application/sdp'], SDP + 'a=x:' + 'z'.repeat(2_000_000) + '\r\n');
    const cut = invite.indexOf('zzzz') + 100;
    const { f, out, sink } = setup();
    pushAll(f, invite.slice(0, cut), 1448);
    f.gap(500_000, 99);
    pushAll(f, invite.slice(cut + 500_000) + NEXT, 1448, 100);
    expect(out).toHaveLength(2);
    expectParties(out[0]!.message);
    expect(text(findSdp(out[0]!.message)!).startsWith(SDP)).toBe(true);
    expect(text(out[1]!.message.raw)).toBe(NEXT);
    expect(sink.count('sip.gap_in_message')).toBe(1);
  });

  it('a stream that ends inside the body still emits the excerpt', () => {
    const invite = sipMessage('INVITE sip:bob@example.net SIP/2.0', [...DIALOG, 'Content-Type: application/sdp'], SDP + 'a=x:' + 'z'.repeat(2_000_000) + '\r\n');
    const { f, out, sink } = setup();
    pushAll(f, invite.slice(0, 1_500_000), 1448);
    expect(out).toHaveLength(0);
    f.end(7);
    expect(out).toHaveLength(1);
    expectParties(out[0]!.message);
    expect(sink.count('sip.stream_truncated')).toBe(1);
  });
});
