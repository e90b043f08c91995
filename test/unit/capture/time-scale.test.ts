import { describe, expect, it } from 'vitest';
import { TimeScale } from '../../../src/capture/time-scale.js';

/** Reference conversion in BigInt, the obviously-correct (slow) way. */
function reference(hi: number, lo: number, tsresol: number | undefined, offset = 0): { tsSec: number; tsNsec: number } {
  const r = tsresol ?? 6;
  const units = r & 0x80 ? 1n << BigInt(r & 0x7f) : 10n ** BigInt(r);
  const t = (BigInt(hi) << 32n) | BigInt(lo);
  return { tsSec: Number(t / units) + offset, tsNsec: Number(((t % units) * 1_000_000_000n) / units) };
}

function convert(hi: number, lo: number, tsresol: number | undefined, offset = 0): { tsSec: number; tsNsec: number } {
  const out = { tsSec: -1, tsNsec: -1 };
  TimeScale.fromTsresol(tsresol, offset).apply(hi, lo, out);
  return out;
}

function split(ticks: bigint): [number, number] {
  return [Number(ticks >> 32n), Number(ticks & 0xffffffffn)];
}

describe('TimeScale', () => {
  it.each([
    // [description, tsresol, ticks, expected sec, expected nsec]
    ['default µs', undefined, 1_700_000_000_123_456n, 1_700_000_000, 123_456_000],
    ['µs explicit', 6, 1_700_000_000_999_999n, 1_700_000_000, 999_999_000],
    ['ns', 9, 1_700_000_000_123_456_789n, 1_700_000_000, 123_456_789],
    ['ns, last ns of a second', 9, 1_700_000_000_999_999_999n, 1_700_000_000, 999_999_999],
    ['ns, first ns of a second', 9, 1_700_000_001_000_000_000n, 1_700_000_001, 0],
    ['ns, after 2106 (sec > 2^32)', 9, 4_300_000_000_000_000_001n, 4_300_000_000, 1],
    ['ns, maximum ticks', 9, 0xffffffffffffffffn, 18_446_744_073, 709_551_615],
    ['ms', 3, 1_700_000_000_123n, 1_700_000_000, 123_000_000],
    ['seconds', 0, 1_700_000_000n, 1_700_000_000, 0],
    ['binary 2^-20', 0x80 | 20, (1_700_000_000n << 20n) | 524_288n, 1_700_000_000, 500_000_000],
    ['binary 2^-32', 0x80 | 32, (5n << 32n) | 0x40000000n, 5, 250_000_000],
    ['picoseconds (10^-12)', 12, 1_700_000_000_123_456_789_999n % (1n << 64n), -1, -1],
  ] as const)('%s', (_name, tsresol, ticks, sec, nsec) => {
    const [hi, lo] = split(ticks);
    const got = convert(hi, lo, tsresol);
    const ref = reference(hi, lo, tsresol);
    expect(got).toEqual(ref);
    if (sec >= 0) expect(got).toEqual({ tsSec: sec, tsNsec: nsec });
  });

  it('adds if_tsoffset (signed seconds)', () => {
    const [hi, lo] = split(1_000_000_500n);
    expect(convert(hi, lo, 9, 1_700_000_000)).toEqual({ tsSec: 1_700_000_001, tsNsec: 500 });
    expect(convert(hi, lo, 9, -1)).toEqual({ tsSec: 0, tsNsec: 500 });
  });

  it('is exact for random tick counts at every decimal and some binary resolutions', () => {
    let s = 12345;
    const rnd32 = (): number => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s;
    };
    const resolutions = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 0x80 | 10, 0x80 | 20, 0x80 | 30];
    for (const r of resolutions) {
      for (let i = 0; i < 2000; i++) {
        // Mix realistic high words (near now at this resolution) with arbitrary ones.
        const hi = i % 2 === 0 ? rnd32() : rnd32() % 0x200000;
        const lo = rnd32();
        expect(convert(hi, lo, r), `tsresol ${r} hi ${hi} lo ${lo}`).toEqual(reference(hi, lo, r));
      }
    }
  });

  it('is exact at the ns estimate boundaries (remainder near 0 and near 1e9)', () => {
    for (const sec of [0n, 1n, 1_700_000_000n, 4_294_967_295n, 4_294_967_296n, 18_446_744_072n]) {
      for (const ns of [0n, 1n, 999_999_999n, 999_999_998n, 500_000_000n]) {
        const [hi, lo] = split(sec * 1_000_000_000n + ns);
        expect(convert(hi, lo, 9)).toEqual({ tsSec: Number(sec), tsNsec: Number(ns) });
      }
    }
  });

  it('reports ticks per second', () => {
    expect(TimeScale.fromTsresol(undefined).ticksPerSecond).toBe(1_000_000n);
    expect(TimeScale.fromTsresol(0x80 | 20).ticksPerSecond).toBe(1_048_576n);
    expect(TimeScale.fromTsresol(12).ticksPerSecond).toBe(1_000_000_000_000n);
  });
});
