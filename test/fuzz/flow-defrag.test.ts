/**
 * Property tests of IP defragmentation (fast-check: shrinking, replayable seeds).
 *
 * 1. Several datagrams (IPv4 and IPv6) fragmented at random 8-byte boundaries, interleaved,
 *    shuffled, with duplicates and re-fragmented copies of the same bytes: each completes
 *    exactly once with its exact payload.
 * 2. Random fragments (offsets, lengths, flags, ids, truncation): never throws, held bytes and
 *    datagrams in flight stay within the caps, counters stay consistent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecodedPacket } from '../../src/decode/decoded-packet.js';
import { IpDefragmenter } from '../../src/flow/ip-defragmenter.js';
import { checkProperty, randOf } from '../helpers/check-property.js';
import { fragPacket, randInt, RecordingSink, shuffle } from '../helpers/flow-test-helpers.js';

/** Splits [0, len) at random multiples of 8. */
function cut(rnd: () => number, len: number): [number, number][] {
  const out: [number, number][] = [];
  for (let off = 0; off < len; ) {
    const n = Math.min(len - off, 8 * randInt(rnd, 1, 200));
    out.push([off, off + n]);
    off += n;
  }
  return out;
}

describe('fuzz: IP defragmentation, every fragment eventually arrives', () => {
  it('completes each datagram once with its exact payload (300 cases)', () => {
    checkProperty(
      { seed: 31337, numRuns: 300 },
      fc.property(fc.gen(), (g) => {
        const rnd = randOf(g);
        const n = randInt(rnd, 1, 6);
        const payloads: Uint8Array[] = [];
        const frags: { pkt: DecodedPacket; dg: number }[] = [];
        for (let k = 0; k < n; k++) {
          const v6 = rnd() < 0.5;
          const len = randInt(rnd, 9, rnd() < 0.1 ? 65535 : 6000);
          const payload = rnd.bytes(len);
          payloads.push(payload);
          const base = { src: v6 ? '2001:db8::1' : '192.0.2.1', dst: v6 ? '2001:db8::2' : '192.0.2.2', id: 1000 + k };
          // The main cut, a second different cut of the same bytes (re-fragmented copy, only
          // sometimes: it overlaps), and a few exact duplicates.
          let cuts = cut(rnd, len);
          if (cuts.length === 1)
            cuts = [
              [0, 8],
              [8, len],
            ]; // at least two: an atomic one is trivial
          const ranges = [...cuts];
          if (rnd() < 0.3) ranges.push(...cut(rnd, len).filter(() => rnd() < 0.5));
          for (let d = randInt(rnd, 0, 3); d > 0; d--) ranges.push(cuts[randInt(rnd, 0, cuts.length - 1)]!);
          for (const [a, b] of ranges) {
            frags.push({ pkt: fragPacket({ ...base, offset: a, more: b < len, data: payload.slice(a, b) }), dg: k });
          }
        }
        shuffle(rnd, frags);
        const sink = new RecordingSink();
        const d = new IpDefragmenter(sink);
        const completed: number[] = [];
        frags.forEach(({ pkt, dg }, i) => {
          if (d.push(pkt, i + 1, 1, 0)) {
            completed.push(dg);
            expect(Buffer.from(pkt.ipPayload).equals(Buffer.from(payloads[dg]!)), `datagram ${dg}`).toBe(true);
          }
        });
        // A fragment arriving after completion starts a new, never-completed datagram: only
        // count first completions, and require every datagram to have completed.
        expect(new Set(completed).size).toBe(n);
        expect(sink.codes().filter((c) => c !== 'ip.fragment_overlap')).toEqual([]);
      }),
    );
  });
});

describe('fuzz: IP defragmentation on random fragments', () => {
  it('never throws and stays within its caps (300 cases)', () => {
    const maxBytes = 100_000;
    const maxDatagrams = 16;
    /** Percent chance: an integer 0..99 below `p`. */
    const chance = (p: number): fc.Arbitrary<boolean> => fc.integer({ min: 0, max: 99 }).map((n) => n < p);
    const fragment = fc.record({
      v6: chance(30),
      host: fc.integer({ min: 1, max: 3 }),
      proto: fc.integer({ min: 0, max: 2 }).map((n) => n * 6),
      id: fc.integer({ min: 0, max: 40 }),
      offset: fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 0, max: 70000 }) }, { weight: 9, arbitrary: fc.integer({ min: 0, max: 300 }).map((n) => 8 * n) }),
      more: chance(70),
      len: fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 0, max: 20000 }) }, { weight: 9, arbitrary: fc.integer({ min: 0, max: 1500 }) }),
      fill: fc.integer({ min: 0, max: 255 }), // contents do not matter here
      truncated: chance(5),
      dt: fc.integer({ min: -1, max: 2 }),
      expire: chance(5),
    });
    checkProperty(
      { seed: 7, numRuns: 300 },
      fc.property(fc.array(fragment, { minLength: 300, maxLength: 300 }), (frags) => {
        const sink = new RecordingSink();
        const d = new IpDefragmenter(sink, { maxBytes, maxDatagrams, timeoutSec: 5 });
        let t = 100;
        frags.forEach((f, i) => {
          const pkt = fragPacket({
            src: f.v6 ? '2001:db8::1' : `192.0.2.${f.host}`,
            dst: f.v6 ? '2001:db8::2' : '192.0.2.9',
            proto: f.proto,
            id: f.id,
            offset: f.offset,
            more: f.more,
            data: new Uint8Array(f.len).fill(f.fill),
            truncated: f.truncated,
          });
          t += f.dt;
          const whole = d.push(pkt, i + 1, t, 0);
          if (whole && pkt.isFragment) expect.fail(`packet ${i}: whole but still a fragment`);
          if (f.expire) d.expire(t);
          // Plain checks in the loop (expect() per packet would dominate the run time).
          const st = d.stats();
          if (st.bytesHeld > maxBytes || st.bytesHeld < 0 || st.inFlight > maxDatagrams) {
            expect.fail(`packet ${i}: bytesHeld=${st.bytesHeld} inFlight=${st.inFlight}`);
          }
        });
        d.expire(t + 1000);
        expect(d.stats()).toMatchObject({ inFlight: 0, bytesHeld: 0 });
      }),
    );
  });
});
