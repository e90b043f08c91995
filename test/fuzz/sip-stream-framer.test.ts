/**
 * Fuzz/property tests of the SIP stream framer: random segmentation, gaps and mutations never
 * throw, always terminate, keep buffering under the cap; clean streams are framed exactly
 * whatever the segmentation.
 */
import { describe, expect, it } from 'vitest';
import { isAnomalyCode } from '../../src/core/anomaly.js';
import { SipStreamFramer } from '../../src/protocols/sip/sip-stream-framer.js';
import { bytes, msrpInvite, mutate, prng, randomBytes, sipMessage, text } from '../unit/protocols/sip/sip-test-helpers.js';

const CAP = 2048;
const MESSAGES = [
  msrpInvite('fuzz-1'),
  sipMessage('SIP/2.0 180 Ringing', ['Via: SIP/2.0/TCP h;branch=z9hG4bK1', 'Call-ID: fuzz-1', 'CSeq: 1 INVITE', 'From: <sip:a@h>;tag=1', 'To: <sip:b@h>;tag=2']),
  sipMessage('MESSAGE sip:b@h SIP/2.0', ['Call-ID: m', 'CSeq: 2 MESSAGE', 'Content-Type: text/plain'], 'hello\r\n\r\nINVITE sip:x@y SIP/2.0\r\n'),
  '\r\n\r\n',
];

function framer() {
  const out: string[] = [];
  let bad: string | null = null;
  const f = new SipStreamFramer({
    sink: {
      report(code) {
        if (!isAnomalyCode(code)) bad = String(code);
      },
    },
    onMessage: (m) => out.push(text(m.message.raw)),
    maxMessageBytes: CAP,
  });
  return { f, out, bad: () => bad };
}

describe('fuzz: SipStreamFramer', () => {
  it('frames clean streams exactly under any segmentation', () => {
    const rnd = prng(1234);
    for (let round = 0; round < 300; round++) {
      const picked: string[] = [];
      for (let k = 0; k < 1 + Math.floor(rnd() * 6); k++) picked.push(MESSAGES[Math.floor(rnd() * MESSAGES.length)]!);
      const stream = bytes(picked.join(''));
      const { f, out, bad } = framer();
      let pos = 0;
      let frame = 1;
      while (pos < stream.length) {
        const n = 1 + Math.floor(rnd() * (rnd() < 0.5 ? 8 : 400));
        f.push(stream.subarray(pos, pos + n), frame++, 0, 0);
        pos += n;
      }
      f.end();
      expect(out).toEqual(picked.filter((m) => m !== '\r\n\r\n'));
      expect(bad()).toBeNull();
    }
  });

  it('never throws and stays under the buffer cap on mutated streams with gaps and garbage', () => {
    const rnd = prng(0xfeed);
    const t0 = Date.now();
    let emitted = 0;
    for (let round = 0; round < 400; round++) {
      const parts: Uint8Array[] = [];
      for (let k = 0; k < 1 + Math.floor(rnd() * 6); k++) {
        const r = rnd();
        const m = bytes(MESSAGES[Math.floor(rnd() * MESSAGES.length)]!);
        parts.push(r < 0.4 ? mutate(m, rnd) : r < 0.5 ? randomBytes(rnd, 3000) : m);
      }
      const stream = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        stream.set(p, o);
        o += p.length;
      }
      const { f, out, bad } = framer();
      let pos = 0;
      while (pos < stream.length) {
        const n = 1 + Math.floor(rnd() * 700);
        if (rnd() < 0.05) {
          f.gap(1 + Math.floor(rnd() * 500));
          pos += n; // those bytes are "lost"
          continue;
        }
        f.push(stream.subarray(pos, pos + n), 1, 0, 0);
        pos += n;
        expect(f.bufferedBytes).toBeLessThanOrEqual(CAP);
      }
      f.end();
      expect(f.bufferedBytes).toBe(0);
      expect(bad()).toBeNull();
      emitted += out.length;
    }
    expect(emitted).toBeGreaterThan(0);
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it('holds at most the cap while swallowing an endless header section', () => {
    const { f } = framer();
    f.push(bytes('INVITE sip:a@b SIP/2.0\r\n'), 1, 0, 0);
    for (let i = 0; i < 500; i++) {
      f.push(bytes('X-Long: ' + 'z'.repeat(90) + '\r\n'), 2, 0, 0);
      expect(f.bufferedBytes).toBeLessThanOrEqual(CAP);
    }
  });
});
