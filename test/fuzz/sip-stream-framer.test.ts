/**
 * Fuzz/property tests of the SIP stream framer: random segmentation, gaps and mutations never
 * throw, always terminate, keep buffering under the cap; clean streams are framed exactly
 * whatever the segmentation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAnomalyCode } from '../../src/core/anomaly.js';
import { SipStreamFramer } from '../../src/protocols/sip/sip-stream-framer.js';
import { MAX_START_LINE } from '../../src/protocols/sip/start-line.js';
import { checkProperty, type Rand, randOf } from '../helpers/check-property.js';
import { bytes, interestingBytes, msrpInvite, mutate, sipMessage, text } from '../helpers/sip-test-helpers.js';

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
    checkProperty(
      { seed: 1234, numRuns: 300 },
      fc.property(fc.gen(), (gen) => {
        const rnd = randOf(gen);
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
      }),
    );
  });

  it('never throws and stays under the buffer cap on mutated streams with gaps and garbage', () => {
    const t0 = Date.now();
    let emitted = 0;
    checkProperty(
      { seed: 0xfeed, numRuns: 400 },
      fc.property(fc.gen(), (gen) => {
        const rnd = randOf(gen);
        const parts: Uint8Array[] = [];
        for (let k = 0; k < 1 + Math.floor(rnd() * 6); k++) {
          const r = rnd();
          const m = bytes(MESSAGES[Math.floor(rnd() * MESSAGES.length)]!);
          parts.push(r < 0.4 ? mutate(m, rnd) : r < 0.5 ? rnd.draw(interestingBytes(3000)) : m);
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
      }),
    );
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

describe('fuzz: SipStreamFramer on messages over the cap (excerpts)', () => {
  const SDP = 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=message 7654 TCP/MSRP *\r\na=path:msrp://192.0.2.1:7654/fz;tcp\r\n';
  const DIALOG = ['Via: SIP/2.0/TCP h;branch=z9hG4bKfz', 'From: <sip:a@h>;tag=1', 'To: <sip:b@h>', 'Call-ID: fz-big', 'CSeq: 1 INVITE', 'f: <sip:a2@h>', 'i: fz-dup'];

  /** A message over CAP: junk headers (some long), the dialog headers somewhere, a body of a random kind. */
  function bigMessage(rnd: Rand): string {
    const junk = Array.from({ length: Math.floor(rnd() * 400) }, (_, i) => `X-J${i}: ${'j'.repeat(Math.floor(rnd() * (rnd() < 0.05 ? 6000 : 60)))}`);
    const at = Math.floor(rnd() * (junk.length + 1));
    const headers = [...junk.slice(0, at), ...DIALOG, ...junk.slice(at)];
    const kind = Math.floor(rnd() * 3);
    // At least CAP bytes of body, so the message is over the cap even when every draw is 0.
    const filler = (n: number): string => (rnd() < 0.5 ? 'B'.repeat(CAP + n) : 'line\r\n--b'.repeat(Math.ceil((CAP + n) / 10)).slice(0, CAP + n));
    if (kind === 0) return sipMessage('INVITE sip:b@h SIP/2.0', [...headers, 'Content-Type: application/sdp'], SDP + 'a=x:' + filler(Math.floor(rnd() * 30_000)) + '\r\n');
    if (kind === 1) return sipMessage('MESSAGE sip:b@h SIP/2.0', [...headers, 'Content-Type: text/plain'], filler(Math.floor(rnd() * 30_000)));
    const parts = [`--b\r\nContent-Type: application/sdp\r\n\r\n${SDP}`, `--b\r\nContent-Type: image/png\r\n${rnd() < 0.3 ? 'X-P: p\r\n'.repeat(800) : ''}\r\n${filler(Math.floor(rnd() * 30_000))}`];
    if (rnd() < 0.5) parts.reverse();
    return sipMessage('INVITE sip:b@h SIP/2.0', [...headers, 'Content-Type: multipart/mixed;boundary=b'], parts.join('\r\n') + '\r\n--b--\r\n');
  }

  it('never throws, buffers at most the cap, keeps a bounded excerpt, and finds the dialog in clean ones', () => {
    const t0 = Date.now();
    let bytesFed = 0;
    checkProperty(
      { seed: 0xb16, numRuns: 60 },
      fc.property(fc.gen(), fc.integer({ min: 0, max: 2 }), (gen, cleanOneInThree) => {
        const rnd = randOf(gen);
        const clean = cleanOneInThree === 0;
        const raw = bytes(bigMessage(rnd) + MESSAGES[1]);
        const stream = clean || rnd() < 0.5 ? raw : mutate(raw, rnd);
        const { f, bad } = framer();
        const msgs: { callId: string | null; sdp: boolean; excerpt: boolean; len: number }[] = [];
        const g = new SipStreamFramer({
          sink: { report() {} },
          onMessage: (m) => msgs.push({ callId: m.message.callId, sdp: text(m.message.raw).includes('a=path:msrp://192.0.2.1:7654/fz;tcp'), excerpt: m.message.excerpt, len: m.message.raw.length }),
          maxMessageBytes: CAP,
        });
        let pos = 0;
        while (pos < stream.length) {
          const n = 1 + Math.floor(rnd() * (rnd() < 0.3 ? 16 : 3000));
          if (!clean && rnd() < 0.02) {
            f.gap(n);
            g.gap(n);
          } else {
            f.push(stream.subarray(pos, pos + n), 1, 0, 0);
            g.push(stream.subarray(pos, pos + n), 1, 0, 0);
            // Resynchronising (mutated input) may hold a partial start line of up to MAX_START_LINE.
            expect(f.bufferedBytes).toBeLessThanOrEqual(Math.max(CAP, MAX_START_LINE));
          }
          pos += n;
        }
        bytesFed += stream.length;
        f.end();
        g.end();
        expect(bad()).toBeNull();
        for (const m of msgs) expect(m.len).toBeLessThanOrEqual(256 * 1024);
        if (clean) {
          expect(msgs[0]).toMatchObject({ callId: 'fz-big', excerpt: true });
          // Every body kind but text/plain carries the SDP; the excerpt keeps it.
          if (!text(stream).includes('Content-Type: text/plain')) expect(msgs[0]!.sdp).toBe(true);
          expect(msgs[1]).toMatchObject({ callId: 'fuzz-1', excerpt: false });
        }
      }),
    );
    expect(bytesFed).toBeGreaterThan(500_000);
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it('a header line arriving one byte at a time costs linear work', () => {
    const { f, out } = framer();
    const line = 'X-Long: ' + 'z'.repeat(CAP - 100) + '\r\n';
    const head = 'INVITE sip:a@b SIP/2.0\r\n' + 'X-F: f\r\n'.repeat(400);
    f.push(bytes(head), 1, 0, 0); // over the cap: the framer is cutting an excerpt now
    const t0 = Date.now();
    for (let r = 0; r < 20; r++) for (let i = 0; i < line.length; i++) f.push(bytes(line[i]!), 2, 0, 0);
    f.push(bytes('Call-ID: slow\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n'), 3, 0, 0);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(out).toHaveLength(1);
    expect(out[0]).toContain('Call-ID: slow');
  });
});
