/**
 * A deterministic capture clock. Scenarios take every frame time from a Timeline instead of the
 * wall clock, so regenerated files are byte-identical.
 */

/** A capture time as (seconds since the epoch, nanoseconds within the second). */
export interface Timestamp {
  readonly sec: number;
  readonly nsec: number;
}

export interface TimelineOptions {
  /** Start time, whole seconds since the Unix epoch. */
  startSec: number;
  /** Nanoseconds within the start second; default 0. */
  startNsec?: number;
  /** Default step of {@link Timeline.next}, in nanoseconds; default 1 ms. */
  stepNs?: number;
}

/** Monotonic clock advanced explicitly in µs or ns; never reads real time. */
export class Timeline {
  private sec: number;
  private nsec: number;
  private readonly stepNs: number;

  constructor(opts: TimelineOptions) {
    this.sec = opts.startSec;
    this.nsec = opts.startNsec ?? 0;
    this.stepNs = opts.stepNs ?? 1_000_000;
    if (!Number.isInteger(this.sec) || !Number.isInteger(this.nsec) || this.nsec < 0 || this.nsec >= 1e9) {
      throw new RangeError('Timeline: start must be integer seconds and 0 <= nsec < 1e9');
    }
  }

  /** The current time (does not advance). */
  now(): Timestamp {
    return { sec: this.sec, nsec: this.nsec };
  }

  /** Advances by `ns` nanoseconds (non-negative integer) and returns the new time. */
  advanceNs(ns: number): Timestamp {
    if (!Number.isInteger(ns) || ns < 0) throw new RangeError(`Timeline: step must be a non-negative integer (${ns})`);
    const total = this.nsec + ns;
    this.sec += Math.floor(total / 1e9);
    this.nsec = total % 1e9;
    return this.now();
  }

  /** Advances by `us` microseconds and returns the new time. */
  advanceUs(us: number): Timestamp {
    return this.advanceNs(us * 1000);
  }

  /** Returns the current time, then advances by `stepNs` (default: the timeline's step). */
  next(stepNs = this.stepNs): Timestamp {
    const t = this.now();
    this.advanceNs(stepNs);
    return t;
  }
}

/** `sec.nnnnnnnnn`, the way tshark prints `frame.time_epoch`. */
export function epochString(t: Timestamp): string {
  return `${t.sec}.${String(t.nsec).padStart(9, '0')}`;
}
