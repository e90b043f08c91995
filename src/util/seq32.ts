/**
 * Wrap-safe arithmetic on 32-bit sequence numbers (RFC 1982 serial number arithmetic, as TCP
 * uses it, RFC 9293 section 3.4). All values are unsigned 32-bit numbers.
 */

/** `a - b` as a signed 32-bit distance: positive when `a` is after `b` (within 2^31). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** `a + n` modulo 2^32. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** True when `a` comes before `b`. */
export function seqLt(a: number, b: number): boolean {
  return seqDiff(a, b) < 0;
}

/** True when `a` comes before or equals `b`. */
export function seqLe(a: number, b: number): boolean {
  return seqDiff(a, b) <= 0;
}
