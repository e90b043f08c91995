/**
 * Conversion of pcapng timestamps (64-bit tick counts, split in two 32-bit halves) into
 * (seconds, nanoseconds), exactly, per interface resolution.
 *
 * draft-ietf-opsawg-pcapng, section 4.2 (IDB options): if_tsresol (code 9, 1 byte): "If the Most
 * Significant Bit is equal to zero, the remaining bits indicates the resolution of the timestamp
 * as a negative power of 10 (e.g. 6 means microsecond resolution). If the Most Significant Bit is
 * equal to one, the remaining bits indicates the resolution as negative power of 2"; absent means
 * 10^-6. if_tsoffset (code 14, signed 64-bit) is "an offset (in seconds) that must be added to the
 * timestamp of each packet".
 *
 * Speed and exactness: a double holds integers up to 2^53 exactly. Microsecond ticks since 1970
 * (~1.7e15) fit, so the common case is one multiply-add and one division. Nanosecond ticks (~1.7e18)
 * do not: the seconds are estimated in floating point and corrected with the exact remainder taken
 * modulo 2^32 (Math.imul). Other decimal resolutions up to 10^-9, when the ticks pass 2^53, are
 * split as hi*2^32 = (hi*2^16)*2^16 and divided piecewise, every intermediate below 2^53; binary and finer-than-ns
 * resolutions (rare) use BigInt. Sub-nanosecond remainders are truncated, as Wireshark does.
 */

/** Receives a converted time (a CapturedFrame fits). */
export interface TimeTarget {
  tsSec: number;
  tsNsec: number;
}

const TWO32 = 4294967296;
const TWO16 = 65536;
const NS_PER_SEC = 1_000_000_000;
/** hi below this keeps hi*2^32+lo under 2^53. */
const HI_EXACT = 0x200000;

/** Integer division of a non-negative safe integer, result fixed up against rounding. */
function divInto(x: number, u: number, out: { q: number; r: number }): void {
  let q = Math.floor(x / u);
  let r = x - q * u;
  // x/u is correctly rounded, so q can be off by one only when r is within one ulp of u or 0.
  if (r < 0) {
    q--;
    r += u;
  } else if (r >= u) {
    q++;
    r -= u;
  }
  out.q = q;
  out.r = r;
}

/** How one interface's ticks become time. Build once per IDB with {@link TimeScale.fromTsresol}. */
export class TimeScale {
  private readonly qr = { q: 0, r: 0 };

  private constructor(
    /** Ticks per second when it is a power of ten up to 10^9 (Number path); 0 for the BigInt path. */
    private readonly units: number,
    /** Nanoseconds per tick on the Number path. */
    private readonly nsPerUnit: number,
    /** Ticks per second on the BigInt path. */
    private readonly bigUnits: bigint,
    /** if_tsoffset in seconds. */
    private readonly offsetSec: number,
  ) {}

  /**
   * @param tsresol raw if_tsresol byte, or undefined for the default (microseconds)
   * @param offsetSec if_tsoffset in seconds (0 when absent)
   */
  static fromTsresol(tsresol: number | undefined, offsetSec = 0): TimeScale {
    const r = tsresol ?? 6;
    if ((r & 0x80) === 0 && r <= 9) {
      const units = 10 ** r;
      return new TimeScale(units, 1_000_000_000 / units, 0n, offsetSec);
    }
    const bigUnits = r & 0x80 ? 1n << BigInt(r & 0x7f) : 10n ** BigInt(r);
    return new TimeScale(0, 0, bigUnits, offsetSec);
  }

  /** Ticks per second (for display and tests). */
  get ticksPerSecond(): bigint {
    return this.units !== 0 ? BigInt(this.units) : this.bigUnits;
  }

  /** Converts the tick count `hi*2^32 + lo` and writes it to `out.tsSec` / `out.tsNsec`. */
  apply(hi: number, lo: number, out: TimeTarget): void {
    const u = this.units;
    if (u !== 0) {
      const qr = this.qr;
      let sec: number;
      let rem: number;
      if (u === NS_PER_SEC) {
        // Nanoseconds: estimate the seconds from the rounded double (off by at most one, the
        // rounding error of hi*2^32+lo being below 2^11 ticks), then get the exact remainder from
        // the low 32 bits alone: rem = lo - sec*1e9 (mod 2^32), and fix the estimate by its range.
        sec = Math.floor((hi * TWO32 + lo) / NS_PER_SEC);
        rem = (lo - Math.imul(sec, NS_PER_SEC)) >>> 0; // imul takes sec modulo 2^32 (ToInt32)
        if (rem >= NS_PER_SEC) {
          if (rem < 2 * NS_PER_SEC) {
            sec++;
            rem -= NS_PER_SEC;
          } else {
            sec--;
            rem = rem + NS_PER_SEC - TWO32;
          }
        }
      } else if (hi < HI_EXACT) {
        divInto(hi * TWO32 + lo, u, qr);
        sec = qr.q;
        rem = qr.r;
      } else {
        // hi*2^32 + lo = (qa*u + ra)*2^16 + lo = qa*2^16*u + (ra*2^16 + lo)
        divInto(hi * TWO16, u, qr);
        const qa = qr.q;
        divInto(qr.r * TWO16 + lo, u, qr);
        sec = qa * TWO16 + qr.q;
        rem = qr.r;
      }
      out.tsSec = sec + this.offsetSec;
      out.tsNsec = rem * this.nsPerUnit;
      return;
    }
    const ticks = (BigInt(hi) << 32n) | BigInt(lo);
    const units = this.bigUnits;
    out.tsSec = Number(ticks / units) + this.offsetSec;
    out.tsNsec = Number(((ticks % units) * 1_000_000_000n) / units);
  }
}
