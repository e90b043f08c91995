/** SegmentStore (first-data-wins range store shared by defragmentation, TCP and MSRP reassembly). */
import { describe, expect, it } from 'vitest';
import { SegmentStore } from '../../../src/util/segment-store.js';

const ascii = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** Renders the store as `start:text` pieces. */
function pieces(st: SegmentStore): string[] {
  return st.segments().map((s) => `${s.start}:${text(s.data)}`);
}

describe('SegmentStore.insert', () => {
  it.each([
    { name: 'into empty', ins: [[10, 'abc']], out: ['10:abc'], added: 3, overlap: 0, diff: 0 },
    {
      name: 'disjoint, kept sorted',
      ins: [
        [10, 'abc'],
        [0, 'xy'],
      ],
      out: ['0:xy', '10:abc'],
      added: 2,
      overlap: 0,
      diff: 0,
    },
    {
      name: 'exact duplicate',
      ins: [
        [10, 'abc'],
        [10, 'abc'],
      ],
      out: ['10:abc'],
      added: 0,
      overlap: 3,
      diff: 0,
    },
    {
      name: 'duplicate, different bytes: first wins',
      ins: [
        [10, 'abc'],
        [10, 'aXc'],
      ],
      out: ['10:abc'],
      added: 0,
      overlap: 3,
      diff: 1,
    },
    {
      name: 'fills a hole between two',
      ins: [
        [0, 'ab'],
        [5, 'fg'],
        [1, 'bcdef'],
      ],
      out: ['0:ab', '2:cde', '5:fg'],
      added: 3,
      overlap: 2,
      diff: 0,
    },
    {
      name: 'covers several, new bytes around',
      ins: [
        [2, 'c'],
        [4, 'e'],
        [0, 'abcdefg'],
      ],
      out: ['0:ab', '2:c', '3:d', '4:e', '5:fg'],
      added: 5,
      overlap: 2,
      diff: 0,
    },
    {
      name: 'starts inside, ends after',
      ins: [
        [0, 'abcd'],
        [2, 'CDef'],
      ],
      out: ['0:abcd', '4:ef'],
      added: 2,
      overlap: 2,
      diff: 2,
    },
    {
      name: 'adjacent, no overlap',
      ins: [
        [0, 'ab'],
        [2, 'cd'],
      ],
      out: ['0:ab', '2:cd'],
      added: 2,
      overlap: 0,
      diff: 0,
    },
  ] as { name: string; ins: [number, string][]; out: string[]; added: number; overlap: number; diff: number }[])('$name', ({ ins, out, added, overlap, diff }) => {
    const st = new SegmentStore();
    for (const [off, s] of ins) st.insert(off, ascii(s), 1, 0, 0);
    expect(pieces(st)).toEqual(out);
    expect(st.lastAdded).toBe(added);
    expect(st.lastOverlap).toBe(overlap);
    expect(st.lastDiffering).toBe(diff);
    expect(st.bytes).toBe(out.reduce((n, p) => n + p.split(':')[1]!.length, 0));
  });

  it('reports the offset of the first differing byte', () => {
    const st = new SegmentStore();
    st.insert(100, ascii('hello'), 1, 0, 0);
    st.insert(98, ascii('..heLLo'), 2, 0, 0);
    expect(st.lastFirstDiff).toBe(102);
    expect(st.lastDiffering).toBe(2);
  });

  it('copies: changing the input afterwards does not change the store', () => {
    const st = new SegmentStore();
    const b = ascii('abc');
    st.insert(0, b, 1, 0, 0);
    b.fill(0);
    expect(pieces(st)).toEqual(['0:abc']);
  });

  it('shift, clear, oldestTime and copyInto', () => {
    const st = new SegmentStore();
    st.insert(4, ascii('ef'), 1, 20, 500_000_000);
    st.insert(0, ascii('ab'), 2, 10, 0);
    expect(st.oldestTime()).toBe(10);
    const out = new Uint8Array(6);
    st.copyInto(out, 0);
    expect([...out]).toEqual([97, 98, 0, 0, 101, 102]);
    expect(st.shift()?.start).toBe(0);
    expect(st.bytes).toBe(2);
    st.clear();
    expect(st.count).toBe(0);
    expect(st.bytes).toBe(0);
    expect(st.oldestTime()).toBe(Infinity);
  });
});
