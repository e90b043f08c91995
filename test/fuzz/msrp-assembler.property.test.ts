/**
 * Property test of MSRP message reassembly (fast-check): a random message, split into random chunks
 * (random "*" totals), delivered in random order, with duplicates and re-chunked copies from a
 * second relay leg, through framers fed in random pieces, reassembles to exactly one complete
 * message with the same SHA-256. A second property feeds random chunk events and checks the
 * assembler never throws and keeps its buffers within the caps.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MsrpFramer } from '../../src/protocols/msrp/msrp-framer.js';
import { MsrpMessageAssembler, type MsrpMessage } from '../../src/protocols/msrp/msrp-message-assembler.js';
import { checkProperty, randOf } from '../helpers/check-property.js';
import { newCounter, sendFrame } from '../helpers/msrp-test-helpers.js';

function split(rnd: () => number, size: number, maxChunk: number): [number, number][] {
  const out: [number, number][] = [];
  for (let at = 0; at < size; ) {
    const n = Math.min(size - at, 1 + Math.floor(rnd() * maxChunk));
    out.push([at, at + n]);
    at += n;
  }
  return out;
}

function shuffle<T>(rnd: () => number, a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

describe('MsrpMessageAssembler property', () => {
  it('reassembles random chunkings in random order with duplicates to the same SHA-256', () => {
    checkProperty(
      { seed: 1, numRuns: 120 },
      fc.property(fc.gen(), fc.integer({ min: 0, max: 9 }), (g, largeOneInTen) => {
        const rnd = randOf(g);
        const size = 1 + Math.floor(rnd() * (largeOneInTen === 0 ? 200_000 : 5000));
        const body = rnd.bytes(size);
        const expected = createHash('sha256').update(body).digest('hex');
        const messages: MsrpMessage[] = [];
        const anomalies = newCounter();
        const asm = new MsrpMessageAssembler((m) => messages.push(m), anomalies, { retainBytes: 1024 });
        const legs = [new MsrpFramer(asm.sinkFor('sess'), anomalies), new MsrpFramer(asm.sinkFor('sess'), anomalies)];

        // Leg A: one chunking; leg B: a relay's re-chunking of the same message (a random subset).
        const frames: { leg: number; bytes: Uint8Array }[] = [];
        for (const leg of [0, 1]) {
          const ranges = split(rnd, size, Math.max(1, Math.floor(size / (1 + rnd() * 8))));
          for (const [i, [from, to]] of ranges.entries()) {
            if (leg === 1 && rnd() < 0.5) continue;
            const last = to === size;
            const total = last || rnd() < 0.5 ? String(size) : '*';
            frames.push({
              leg,
              bytes: sendFrame({ tid: `l${leg}c${i}x`, messageId: 'prop-msg', range: `${from + 1}-${to}/${total}`, body: body.subarray(from, to), flag: last ? '$' : '+', contentType: 'application/octet-stream' }),
            });
          }
        }
        // Exact duplicates of random frames.
        for (let k = Math.floor(rnd() * 4); k > 0; k--) frames.push({ ...frames[Math.floor(rnd() * frames.length)]! });
        shuffle(rnd, frames);
        // Keep each leg's own frames in the shuffled order; push each in random pieces.
        for (const f of frames) {
          for (let off = 0; off < f.bytes.length; ) {
            const n = 1 + Math.floor(rnd() * 3000);
            legs[f.leg]!.push(f.bytes.subarray(off, off + n), 1, 100, 0);
            off += n;
          }
        }
        asm.flush();
        expect(messages).toHaveLength(1);
        expect(messages[0]!.status).toBe('complete');
        expect(messages[0]!.sha256).toBe(expected);
        expect(messages[0]!.size).toBe(size);
        expect(messages[0]!.head.length).toBe(Math.min(1024, size));
        expect(anomalies.count('msrp.chunk_overlap_different_data')).toBe(0);
        expect(anomalies.count('msrp.total_mismatch')).toBe(0);
      }),
    );
  });

  it('never throws on random chunk events and keeps buffers within the caps', () => {
    const cap = 64 * 1024;
    checkProperty(
      { seed: 9001, numRuns: 100 },
      fc.property(fc.gen(), (g) => {
        const rnd = randOf(g);
        const anomalies = newCounter();
        const messages: MsrpMessage[] = [];
        const asm = new MsrpMessageAssembler((m) => messages.push(m), anomalies, {
          retainBytes: 256,
          maxPendingPerMessage: 16 * 1024,
          maxPendingTotal: cap,
          maxMessages: 8,
          maxSegmentsPerMessage: 16,
          completionGraceSec: rnd() * 3,
        });
        const framer = new MsrpFramer(asm.sinkFor('s'), anomalies);
        let t = 0;
        for (let k = 0; k < 60; k++) {
          t += rnd() * 2;
          const start = 1 + Math.floor(rnd() * 20_000);
          const len = Math.floor(rnd() * 2000);
          const end = rnd() < 0.1 ? '*' : String(start + len - 1 + (rnd() < 0.1 ? 3 : 0));
          const total = rnd() < 0.3 ? '*' : String(start + len - 1 + Math.floor(rnd() * 20_000));
          const range = rnd() < 0.05 ? 'garbage' : `${start}-${end}/${total}`;
          const body = rnd.bytes(len);
          const flag = (['$', '+', '+', '+', '#'] as const)[Math.floor(rnd() * 5)]!;
          framer.push(sendFrame({ tid: `r${k}xx`, messageId: `m${Math.floor(rnd() * 12)}`, range, body, flag }), k, Math.floor(t), 0);
          expect(asm.retainedBytes()).toBeLessThanOrEqual(cap + 8 * 256);
          expect(asm.inFlight()).toBeLessThanOrEqual(8);
          if (rnd() < 0.1) asm.tick(Math.floor(t), 0);
        }
        asm.flush();
        expect(asm.inFlight()).toBe(0);
        expect(asm.retainedBytes()).toBe(0);
        for (const m of messages) {
          if (m.status === 'complete') expect(m.missing).toEqual([]);
          else expect(m.sha256).toBeNull();
        }
      }),
    );
  });
});
