/**
 * The time of capture by the tap for the `cap` backend, whose binding gives no pcap timestamp
 * (./live-capture.ts, module comment).
 */
import type { CapturedFrame } from '../core/frame.js';

/** Anchor brackets at or below this are accepted at once (ns). */
const ANCHOR_GOOD_NS = 20_000n;

/**
 * Finds an hrtime reading that coincides with the start of a Date.now() millisecond: the tick
 * lies between the hrtime read before the last Date.now() that returned the old value and the
 * hrtime read after the first one that returned the new value; the anchor is the middle of
 * that bracket. Up to five ticks (about 5 ms of spinning, once per open) are tried and the
 * narrowest bracket kept.
 */
function anchorToWallClock(): { hr: bigint; ms: number } {
  let best: { hr: bigint; ms: number; width: bigint } | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    let prevHr = process.hrtime.bigint();
    const prevMs = Date.now();
    // Bounded in case the wall clock does not move.
    for (let i = 0; i < 5_000_000; i++) {
      const hr = process.hrtime.bigint();
      const ms = Date.now();
      if (ms !== prevMs) {
        const width = process.hrtime.bigint() - prevHr;
        if (best === undefined || width < best.width) best = { hr: prevHr + width / 2n, ms, width };
        break;
      }
      prevHr = hr;
    }
    if (best !== undefined && best.width <= ANCHOR_GOOD_NS) break;
  }
  return best ?? { hr: process.hrtime.bigint(), ms: Date.now() };
}

/** Re-base the monotonic offset before it leaves the range where a double is exact in ns. */
const REBASE_NS = 2 ** 50; // about 13 days

/**
 * Wall-clock time of capture with nanosecond resolution: process.hrtime (monotonic) anchored
 * once to Date.now(). The anchor is taken at a millisecond tick of Date.now(), bracketed by
 * two hrtime readings, so it is exact to the bracket (normally a microsecond or less) instead
 * of up to a millisecond; a bracket widened by preemption or GC is retried.
 */
export class CaptureClock {
  private baseHr: bigint;
  private baseSec: number;
  private baseNsec: number;

  constructor() {
    const { hr, ms } = anchorToWallClock();
    this.baseHr = hr;
    this.baseSec = Math.floor(ms / 1000);
    this.baseNsec = (ms - this.baseSec * 1000) * 1_000_000;
  }

  /** Writes the current time into `f.tsSec` / `f.tsNsec`. */
  stamp(f: CapturedFrame): void {
    let d = Number(process.hrtime.bigint() - this.baseHr);
    if (d >= REBASE_NS) {
      const s = Math.floor(d / 1e9);
      this.baseHr += BigInt(s) * 1_000_000_000n;
      this.baseSec += s;
      d -= s * 1e9;
    }
    let sec = Math.floor(d / 1e9);
    let nsec = d - sec * 1e9 + this.baseNsec;
    // d is an exact integer below 2^50, so only the division can be off, by one second at most.
    while (nsec < 0) {
      nsec += 1e9;
      sec--;
    }
    while (nsec >= 1e9) {
      nsec -= 1e9;
      sec++;
    }
    f.tsSec = this.baseSec + sec;
    f.tsNsec = nsec;
  }
}
