/**
 * Capture times are kept as (seconds, nanoseconds) pairs of plain numbers: a float cannot hold
 * nanoseconds since 1970 exactly, and bigint arithmetic is too slow for the per-packet path.
 */

/** RFC 3339 / ISO-8601 UTC with nanoseconds, e.g. 2026-11-28T09:00:00.123456789Z. */
export function formatTimestamp(sec: number, nsec: number): string {
  const iso = new Date(sec * 1000).toISOString(); // yyyy-mm-ddThh:mm:ss.000Z
  return `${iso.slice(0, 19)}.${String(nsec).padStart(9, '0')}Z`;
}

/** Seconds as a float (for durations and rates, where nanosecond exactness does not matter). */
export function toSeconds(sec: number, nsec: number): number {
  return sec + nsec / 1e9;
}
