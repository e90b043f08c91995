/**
 * Property test of the shared reassembly store (src/util/segment-store.ts) against a byte-array
 * model: random ranges inserted in random order keep the first bytes at every offset, count
 * overlaps and differing bytes as the model does, and report the holes (`gaps`) and the bytes
 * held (`bytesWithin`) the model has. The growable `put` path (the MSRP assembler's) is checked
 * the same way, with its segment cap counting runs of contiguous bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SegmentStore } from '../../src/util/segment-store.js';

const SPACE = 96;

/** Random ranges (offset, bytes) within [0, SPACE); small alphabet so overlaps often agree. */
const ranges = fc.array(
  fc.record({
    start: fc.integer({ min: 0, max: SPACE - 1 }),
    bytes: fc.uint8Array({ minLength: 0, maxLength: 24, min: 0, max: 3 }),
  }),
  { maxLength: 24 },
);

/** Model: one slot per offset, undefined = not received. */
function modelGaps(model: (number | undefined)[], from: number, limit: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let at = from;
  while (at < limit) {
    if (at < model.length && model[at] !== undefined) {
      at++;
      continue;
    }
    const s = at;
    while (at < limit && (at >= model.length || model[at] === undefined)) {
      if (at >= model.length) {
        at = limit;
        break;
      }
      at++;
    }
    out.push({ start: s, end: at });
  }
  return out;
}

function checkAgainstModel(st: SegmentStore, model: (number | undefined)[]): void {
  let prevEnd = -1;
  let held = 0;
  for (const s of st.segments()) {
    expect(s.start).toBeGreaterThanOrEqual(prevEnd);
    expect(s.end).toBeGreaterThan(s.start);
    expect(s.data.length).toBe(s.end - s.start);
    for (let i = 0; i < s.data.length; i++) expect(s.data[i]).toBe(model[s.start + i]);
    prevEnd = s.end;
    held += s.end - s.start;
  }
  const modelHeld = model.filter((b) => b !== undefined).length;
  expect(held).toBe(modelHeld);
  expect(st.bytes).toBe(modelHeld);
}

describe('SegmentStore property', () => {
  it('insert keeps the first bytes at every offset and reports overlap like the model', () => {
    fc.assert(
      fc.property(ranges, fc.integer({ min: 0, max: SPACE }), fc.integer({ min: 0, max: SPACE + 8 }), (rs, from, lim) => {
        const st = new SegmentStore();
        const model: (number | undefined)[] = new Array(SPACE + 24).fill(undefined);
        for (const { start, bytes } of rs) {
          let added = 0;
          let overlap = 0;
          let differing = 0;
          let firstDiff = -1;
          for (let i = 0; i < bytes.length; i++) {
            const old = model[start + i];
            if (old === undefined) {
              model[start + i] = bytes[i];
              added++;
            } else {
              overlap++;
              if (old !== bytes[i]) {
                differing++;
                if (firstDiff < 0) firstDiff = start + i;
              }
            }
          }
          st.insert(start, bytes, 1, 0, 0);
          expect([st.lastAdded, st.lastOverlap, st.lastDiffering, st.lastFirstDiff]).toEqual([added, overlap, differing, firstDiff]);
        }
        checkAgainstModel(st, model);
        const limit = Math.max(from, lim);
        expect(st.gaps(from, limit)).toEqual(modelGaps(model, from, limit));
        expect(st.bytesWithin(from, limit)).toBe(model.slice(from, limit).filter((b) => b !== undefined).length);
        // Open end: the last hole runs to Infinity.
        const open = st.gaps(from, Infinity);
        expect(open[open.length - 1]!.end).toBe(Infinity);
      }),
      { numRuns: 500 },
    );
  });

  it('growable put over the holes found with findEndingAfter equals insert, one segment per contiguous run', () => {
    fc.assert(
      fc.property(ranges, fc.integer({ min: 1, max: 6 }), (rs, maxSegments) => {
        const grow = new SegmentStore(true);
        const model: (number | undefined)[] = new Array(SPACE + 24).fill(undefined);
        for (const { start, bytes } of rs) {
          // Walk the range as the MSRP assembler does: compare over stored bytes, put the holes.
          let at = start;
          const end = start + bytes.length;
          while (at < end) {
            const seg = grow.findEndingAfter(at);
            if (seg !== undefined && seg.start <= at) {
              expect(seg.end).toBeGreaterThan(at);
              at = Math.min(end, seg.end);
              continue;
            }
            const stop = seg === undefined ? end : Math.min(end, seg.start);
            const part = bytes.subarray(at - start, stop - start);
            const before = grow.count;
            const joins = grow.segments().some((s) => s.end === at);
            const ok = grow.put(at, part, 1, 0, 0, maxSegments, 8);
            // Refused only when a new segment was needed and the cap was reached.
            expect(ok).toBe(joins || before < maxSegments);
            if (ok) for (let i = at; i < stop; i++) model[i] = bytes[i - start];
            at = stop;
          }
        }
        checkAgainstModel(grow, model);
        expect(grow.count).toBeLessThanOrEqual(maxSegments);
        // Contiguous runs are merged only where put appended to the end of a segment; never two
        // segments overlap (checked above), and each segment's bytes are a copy.
        for (const { bytes } of rs) bytes.fill(9);
        checkAgainstModel(grow, model);
      }),
      { numRuns: 500 },
    );
  });
});
