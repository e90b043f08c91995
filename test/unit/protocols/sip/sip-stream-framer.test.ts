import { describe, expect, it } from 'vitest';
import { SipStreamFramer, type FramedSipMessage } from '../../../../src/protocols/sip/sip-stream-framer.js';
import { EXCERPT_LIMITS } from '../../../../src/protocols/sip/sip-excerpt-collector.js';
import type { AnomalyCounter } from '../../../../src/core/anomaly.js';
import { bytes, msrpInvite, newSink, sipMessage, text } from '../../../helpers/sip-test-helpers.js';

const M1 = msrpInvite('call-one');
const M2 = sipMessage(
  'SIP/2.0 200 OK',
  [
    'Via: SIP/2.0/TCP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
    'To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
    'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: call-one',
    'CSeq: 314159 INVITE',
    'Content-Type: text/plain',
  ],
  'ok body',
);

function setup(maxMessageBytes?: number): { f: SipStreamFramer; out: FramedSipMessage[]; sink: AnomalyCounter } {
  const out: FramedSipMessage[] = [];
  const sink = newSink();
  const f = new SipStreamFramer({ sink, onMessage: (m) => out.push(m), ...(maxMessageBytes === undefined ? {} : { maxMessageBytes }) });
  return { f, out, sink };
}

describe('SipStreamFramer', () => {
  it('emits several messages from one push, with stream offsets', () => {
    const { f, out, sink } = setup();
    f.push(bytes(M1 + M2), 10, 100, 5);
    expect(out.map((m) => text(m.message.raw))).toEqual([M1, M2]);
    expect(out.map((m) => m.streamOffset)).toEqual([0, M1.length]);
    expect(out[0]).toMatchObject({ firstFrameNo: 10, frameNo: 10, firstTsSec: 100, tsNsec: 5 });
    expect(out[0]!.message.frameNo).toBe(10);
    expect(out[1]!.message.statusCode).toBe(200);
    expect(text(out[1]!.message.body)).toBe('ok body');
    expect(f.bufferedBytes).toBe(0);
    expect(sink.total()).toBe(0);
  });

  it('frames a 2-message stream split at every byte position', () => {
    const s = M1 + M2;
    const L1 = M1.length;
    for (let k = 0; k <= s.length; k++) {
      const { f, out, sink } = setup();
      f.push(bytes(s.slice(0, k)), 1, 1, 0);
      f.push(bytes(s.slice(k)), 2, 2, 0);
      expect(
        out.map((m) => text(m.message.raw)),
        `split ${k}`,
      ).toEqual([M1, M2]);
      // message 1 is [0, L1), message 2 is [L1, end)
      expect(out[0]!.firstFrameNo, `split ${k}`).toBe(k > 0 ? 1 : 2);
      expect(out[0]!.frameNo, `split ${k}`).toBe(L1 <= k ? 1 : 2);
      expect(out[1]!.firstFrameNo, `split ${k}`).toBe(L1 < k ? 1 : 2);
      expect(out[1]!.frameNo, `split ${k}`).toBe(k === s.length ? 1 : 2);
      expect(sink.total(), `split ${k}`).toBe(0);
      expect(f.bufferedBytes).toBe(0);
    }
  });

  it('frames a stream fed one byte per push, tracking first and completing frames', () => {
    const s = M1 + M2;
    const { f, out } = setup();
    for (let i = 0; i < s.length; i++) f.push(bytes(s[i]!), i + 1, i, 0);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ firstFrameNo: 1, frameNo: M1.length, streamOffset: 0 });
    expect(out[1]).toMatchObject({ firstFrameNo: M1.length + 1, frameNo: s.length, firstTsSec: M1.length });
  });

  it('skips CRLF keep-alives before and between messages (RFC 5626 4.4.1)', () => {
    const { f, out, sink } = setup();
    f.push(bytes('\r\n\r\n'), 1, 0, 0);
    f.push(bytes(M1 + '\r\n\r\n' + M2 + '\r\n'), 2, 0, 0);
    expect(out.map((m) => text(m.message.raw))).toEqual([M1, M2]);
    expect(out[1]!.streamOffset).toBe(4 + M1.length + 4);
    expect(sink.total()).toBe(0);
    f.end();
    expect(sink.total()).toBe(0);
  });

  it('resynchronises after a garbage prefix and reports the skipped bytes', () => {
    const garbage = 'this is no SIP\r\n\x00\x01\x02binary\nmore junk SIP/2.0\r\n';
    const { f, out, sink } = setup();
    f.push(bytes(garbage + M1), 1, 0, 0);
    expect(out.map((m) => text(m.message.raw))).toEqual([M1]);
    expect(out[0]!.streamOffset).toBe(garbage.length);
    expect(sink.count('sip.stream_resync')).toBe(1);
    expect(sink.examplesOf('sip.stream_resync')[0]!.detail).toBe(`skipped=${garbage.length} gap=0`);
    expect(f.skippedBytes).toBe(garbage.length);
  });

  it('resynchronises on garbage split across pushes, holding only a partial line', () => {
    const { f, out, sink } = setup();
    // Until its line ends, a first line that starts with a letter may still be a start line.
    f.push(bytes('junk without line end '), 1, 0, 0);
    expect(f.bufferedBytes).toBe(22);
    f.push(bytes('still junk\r\nINVITE sip:bob@biloxi.example.com SI'), 2, 0, 0);
    expect(f.bufferedBytes).toBe('INVITE sip:bob@biloxi.example.com SI'.length);
    f.push(bytes(M1.slice('INVITE sip:bob@biloxi.example.com SI'.length)), 3, 0, 0);
    expect(out.map((m) => text(m.message.raw))).toEqual([M1]);
    expect(out[0]).toMatchObject({ firstFrameNo: 2, frameNo: 3 });
    expect(sink.count('sip.stream_resync')).toBe(1);
  });

  it('drops a message hit by a gap in its body and continues at the known boundary', () => {
    const { f, out, sink } = setup();
    const cut = M1.length - 20; // inside the SDP body
    f.push(bytes(M1.slice(0, cut)), 1, 0, 0);
    f.gap(10, 2);
    f.push(bytes(M1.slice(cut + 10) + M2), 3, 0, 0);
    expect(out.map((m) => text(m.message.raw))).toEqual([M2]);
    expect(out[0]!.streamOffset).toBe(M1.length);
    expect(sink.count('sip.gap_in_message')).toBe(1);
    expect(sink.count('sip.stream_resync')).toBe(0);
  });

  it('resynchronises when a gap hits the headers', () => {
    const { f, out, sink } = setup();
    f.push(bytes(M1.slice(0, 40)), 1, 0, 0);
    f.gap(25, 2);
    f.push(bytes(M1.slice(65) + M2), 3, 0, 0);
    expect(out.map((m) => text(m.message.raw))).toEqual([M2]);
    expect(out[0]!.streamOffset).toBe(M1.length);
    expect(sink.count('sip.gap_in_message')).toBe(1);
    expect(sink.count('sip.stream_resync')).toBe(1);
    expect(sink.examplesOf('sip.stream_resync')[0]!.detail).toBe(`skipped=${M1.length - 65} gap=25`);
  });

  it('continues without resync when a gap falls between messages and the next segment starts one', () => {
    const { f, out, sink } = setup();
    f.push(bytes(M1), 1, 0, 0);
    f.gap(100, 2);
    f.push(bytes(M2), 3, 0, 0);
    expect(out.map((m) => m.streamOffset)).toEqual([0, M1.length + 100]);
    expect(sink.total()).toBe(0);
  });

  it('reports a missing Content-Length and frames the message with an empty body', () => {
    const noCl = sipMessage('OPTIONS sip:bob@biloxi.example.com SIP/2.0', ['Call-ID: x', 'CSeq: 1 OPTIONS', 'From: <sip:a@h>;tag=1', 'To: <sip:bob@biloxi.example.com>', 'Via: SIP/2.0/TCP h;branch=z9hG4bK2'], '', null);
    const { f, out, sink } = setup();
    f.push(bytes(noCl + M2), 1, 0, 0);
    expect(out.map((m) => text(m.message.raw))).toEqual([noCl, M2]);
    expect(sink.count('sip.missing_content_length')).toBe(1);
    expect(sink.total()).toBe(1);
  });

  it('cuts a message longer than the cap to an excerpt by its Content-Length, without buffering it', () => {
    const big = sipMessage('MESSAGE sip:b@h SIP/2.0', ['Call-ID: big', 'CSeq: 1 MESSAGE', 'Content-Type: text/plain'], 'x'.repeat(200_000));
    const { f, out, sink } = setup(4096);
    for (let i = 0; i < big.length; i += 1000) {
      f.push(bytes(big.slice(i, i + 1000)), 1 + i / 1000, 0, 0);
      expect(f.bufferedBytes).toBeLessThanOrEqual(4096);
    }
    f.push(bytes(M2), 500, 0, 0);
    expect(out).toHaveLength(2);
    const m = out[0]!.message;
    expect(m.excerpt).toBe(true);
    expect(m.callId).toBe('big');
    expect(m.contentLength).toBe(200_000);
    expect(m.body.length).toBe(EXCERPT_LIMITS.part);
    expect(out[0]).toMatchObject({ firstFrameNo: 1, frameNo: 201, streamOffset: 0 });
    expect(text(out[1]!.message.raw)).toBe(M2);
    expect(out[1]!.message.excerpt).toBe(false);
    expect(out[1]!.streamOffset).toBe(big.length);
    expect(sink.count('sip.message_too_large')).toBe(1);
    expect(f.skippedBytes).toBe(200_000 - EXCERPT_LIMITS.part);
  });

  it('cuts a message whose header section is longer than the cap to an excerpt', () => {
    const huge = 'OPTIONS sip:b@h SIP/2.0\r\n' + 'X-Filler: yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\r\n'.repeat(200) + 'Call-ID: huge\r\nCSeq: 1 OPTIONS\r\n';
    const { f, out, sink } = setup(4096);
    for (let i = 0; i < huge.length; i += 500) {
      f.push(bytes(huge.slice(i, i + 500)), 1, 0, 0);
      expect(f.bufferedBytes).toBeLessThanOrEqual(4096 + 500);
    }
    f.push(bytes('\r\n' + M2), 2, 0, 0);
    expect(out.map((m) => text(m.message.raw))).toEqual([huge + '\r\n', M2]);
    expect(out[0]!.message.callId).toBe('huge');
    expect(sink.count('sip.message_too_large')).toBe(1);
    expect(sink.count('sip.stream_resync')).toBe(0);
  });

  it('reports a stream that ends inside a message, and resets', () => {
    const { f, out, sink } = setup();
    f.push(bytes(M1.slice(0, 100)), 1, 0, 0);
    f.end(5);
    expect(out).toHaveLength(0);
    expect(sink.examplesOf('sip.stream_truncated')[0]).toEqual({ frame: 5, detail: 'buffered=100' });
    expect(f.bufferedBytes).toBe(0);
    f.push(bytes(M2), 6, 0, 0);
    expect(out).toHaveLength(1);
  });

  it('frames messages whose lines end in bare LF (tolerated, reported by the parser)', () => {
    const lf = 'MESSAGE sip:b@h SIP/2.0\nCall-ID: lf\nCSeq: 1 MESSAGE\nContent-Length: 2\n\nhi';
    const { f, out, sink } = setup();
    f.push(bytes(lf + M2), 1, 0, 0);
    expect(out.map((m) => text(m.message.raw))).toEqual([lf, M2]);
    expect(text(out[0]!.message.body)).toBe('hi');
    expect(sink.count('sip.bare_lf')).toBe(1);
  });

  it('copies emitted messages: later pushes do not change them', () => {
    const { f, out } = setup();
    const seg = bytes(M1);
    f.push(seg, 1, 0, 0);
    seg.fill(0x41);
    expect(text(out[0]!.message.raw)).toBe(M1);
  });
});
