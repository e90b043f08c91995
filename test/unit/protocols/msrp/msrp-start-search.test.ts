/**
 * The one search for MSRP start lines across segments (src/protocols/msrp/msrp-start-search.ts):
 * `"MSRP" SP` at a line start and one more byte (RFC 4975 section 7.1), found whatever the cuts
 * of the stream, reported once, in the segment that holds the byte after "MSRP ", with the bytes
 * earlier segments held of it.
 */
import { describe, expect, it } from 'vitest';
import { MSRP_START_ID_OFFSET, MSRP_START_PREFIX, MsrpStartSearch } from '../../../../src/protocols/msrp/msrp-start-search.js';

const enc = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** One start found: the stream offset of its "M", and the bytes earlier segments held of it. */
interface Found {
  at: number;
  carried: string;
}

/** Feeds `parts` in order; every start line the search reports, by stream offset. */
function search(parts: readonly Uint8Array[], lineStart = false): Found[] {
  const s = new MsrpStartSearch();
  if (lineStart) s.lineStart();
  const out: Found[] = [];
  let seen = 0;
  for (const p of parts) {
    for (let i = s.first(p); i < p.length; i = s.after(p, i)) {
      // The id byte is always in the segment it is reported in.
      expect(i + MSRP_START_ID_OFFSET).toBeLessThan(p.length);
      out.push({ at: seen + i, carried: text(MSRP_START_PREFIX.subarray(0, i < 0 ? -i : 0)) });
    }
    s.advance(p);
    seen += p.length;
  }
  return out;
}

/** The start lines of the whole stream, by definition: after LF (or a virtual one), "MSRP " and one more byte. */
function reference(all: Uint8Array, lineStart: boolean): Found[] {
  const out: Found[] = [];
  for (let p = 0; p + MSRP_START_ID_OFFSET < all.length; p++) {
    const afterLf = p === 0 ? lineStart : all[p - 1] === 0x0a;
    if (afterLf && text(all.subarray(p, p + 5)) === 'MSRP ') out.push({ at: p, carried: '' });
  }
  return out;
}

describe('MsrpStartSearch', () => {
  const stream = enc('xxxxxxxxxx\r\nMSRP a1 SEND\r\nTo-Path: y\r\n-------a1$\r\nMSRP b2 200 OK\r\n');
  const starts = [12, 50];

  it('finds a start line split at every byte across two segments, with the bytes held of it', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const parts = [stream.subarray(0, cut), stream.subarray(cut)];
      const found = search(parts);
      expect(
        found.map((f) => f.at),
        `cut ${cut}`,
      ).toEqual(starts);
      for (const f of found) {
        // Reported in the segment holding the id byte; what came before the cut was held.
        const held = cut > f.at && cut <= f.at + MSRP_START_ID_OFFSET ? cut - f.at : 0;
        expect(f.carried, `cut ${cut}`).toBe('MSRP '.slice(0, held));
      }
    }
  });

  it('finds every start line of a stream cut at every pair of positions', () => {
    for (let a = 0; a <= stream.length; a++) {
      for (let b = a; b <= stream.length; b++) {
        const parts = [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)];
        expect(
          search(parts).map((f) => f.at),
          `cuts ${a} ${b}`,
        ).toEqual(starts);
      }
    }
  });

  it('finds start lines cut across many one-byte segments', () => {
    const parts = [...stream].map((c) => Uint8Array.of(c));
    expect(search(parts).map((f) => f.at)).toEqual(starts);
  });

  it('takes offset 0 as a line start only when told (a gap, a direction joined mid-way)', () => {
    const b = enc('MSRP x SEND\r\n');
    expect(search([b])).toEqual([]);
    expect(search([b], true)).toEqual([{ at: 0, carried: '' }]);
    // Cut after the virtual LF: the held "MSR" is the start line's.
    expect(search([enc('MSR'), enc('P x SEND\r\n')], true)).toEqual([{ at: 0, carried: 'MSR' }]);
  });

  it('ignores "MSRP " not at a line start, "MSRP" without SP, and a start line the stream ends in', () => {
    expect(search([enc('a MSRP x\r\n\nMSRPx\r\nxMSRP y\r\n')])).toEqual([]);
    // "MSRP " ends the stream: no byte after it yet, so no start line (held for the next bytes).
    const s = new MsrpStartSearch();
    const b = enc('abc\nMSRP ');
    expect(s.first(b)).toBe(b.length);
    s.advance(b);
    expect(s.held).toBe(6);
    expect(s.first(enc('z'))).toBe(-5);
  });

  it('heldAfter does not change the search (a refused segment leaves it as it was)', () => {
    const s = new MsrpStartSearch();
    s.lineStart();
    expect(s.heldAfter(enc('abc\nMS'))).toBe(3);
    expect(s.heldAfter(enc('abc\n'))).toBe(1);
    expect(s.heldAfter(enc('abc'))).toBe(0);
    expect(s.heldAfter(enc('MSR'))).toBe(4);
    expect(s.held).toBe(1);
  });

  it('agrees with the definition on streams rich in LF, "MSRP " pieces and cuts', () => {
    // Deterministic pseudo-random streams over the bytes that matter, cut at pseudo-random points.
    let x = 12345;
    const rnd = (n: number): number => {
      x = (x * 1103515245 + 12345) >>> 0;
      return (x >>> 8) % n;
    };
    const alphabet = enc('\nMSRP x');
    for (let c = 0; c < 2000; c++) {
      const all = Uint8Array.from({ length: 1 + rnd(40) }, () => alphabet[rnd(alphabet.length)]!);
      const parts: Uint8Array[] = [];
      for (let o = 0; o < all.length; ) {
        const n = Math.min(all.length - o, rnd(8));
        parts.push(all.subarray(o, o + n));
        o += n;
      }
      const lineStart = rnd(2) === 1;
      expect(
        search(parts, lineStart).map((f) => f.at),
        text(all),
      ).toEqual(reference(all, lineStart).map((f) => f.at));
    }
  });
});
