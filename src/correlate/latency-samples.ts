/**
 * Latency samples and their percentiles (issue 15: the trigger latency in stats and the bench).
 * The last {@link LATENCY_SAMPLES} samples are kept (a ring), so a long run keeps a bounded
 * memory and the percentiles describe its recent past; `count` and `max` cover every sample.
 */

/** Samples kept for the percentiles. */
export const LATENCY_SAMPLES = 4096;

/** Percentiles (nearest rank) of the kept samples, in the unit they were added in. */
export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export class LatencySamples {
  private readonly ring: number[] = [];
  private next = 0;
  private count = 0;
  private max = -Infinity;

  add(v: number): void {
    if (!Number.isFinite(v)) return;
    this.count++;
    if (v > this.max) this.max = v;
    if (this.ring.length < LATENCY_SAMPLES) this.ring.push(v);
    else this.ring[this.next] = v;
    this.next = (this.next + 1) % LATENCY_SAMPLES;
  }

  /** Null before the first sample. */
  percentiles(): Percentiles | null {
    if (this.count === 0) return null;
    const s = this.ring.slice().sort((a, b) => a - b);
    const at = (q: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
    return { count: this.count, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: this.max };
  }
}
