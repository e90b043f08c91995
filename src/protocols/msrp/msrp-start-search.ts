/**
 * The one search for MSRP start lines in a byte stream delivered in segments (TCP), shared by
 * the late-start scanner (../../analyzers/late-msrp-scanner.ts: the first start line of a
 * direction joined mid-way) and the bypass watch (./msrp-start-watch.ts: every frame start in
 * bytes passed over unframed).
 *
 * A start line is `"MSRP" SP` at a line start (RFC 4975 section 7.1: `req-start = "MSRP" SP
 * transact-id SP method CRLF`, `resp-start = "MSRP" SP transact-id SP status-code ...`), that is
 * after LF, followed by at least one more byte (the transaction id's first): that byte is what
 * callers test (an alphanumeric `ident`, section 9) or where they read on. It is reported in the
 * segment that holds that byte, however the bytes before it were cut across segments.
 *
 * Each segment is searched in place with one native search for LF "MSRP " (Buffer#indexOf, no JS
 * loop over the bytes). Nothing is held across segments but a count: how many leading bytes of
 * LF "MSRP " the bytes searched so far end with. Since LF occurs once in that needle, at its
 * start, occurrences never overlap, and at most one of them can straddle a segment boundary: the
 * one that count describes. Allocates nothing.
 */

const LF = 0x0a;
/** LF "MSRP ": the end of the previous line, then what begins a start line. */
const NEEDLE = Buffer.from('\nMSRP ', 'latin1');
const NEEDLE_LEN = NEEDLE.length;
/** From a start line's "M" to the byte after "MSRP " (the transaction id's first). */
export const MSRP_START_ID_OFFSET = NEEDLE_LEN - 1;
/** Buffer's native search, called on a plain Uint8Array (no Buffer made per segment). */
const nativeIndexOf = Buffer.prototype.indexOf;

/** Bytes of "MSRP " (read-only: callers copy what they keep). */
export const MSRP_START_PREFIX: Uint8Array = NEEDLE.subarray(1);

export class MsrpStartSearch {
  /**
   * How many leading bytes of LF "MSRP " the bytes searched so far end with (0 to 6): 0 none,
   * 1 they end a line (or {@link lineStart}), 2 to 6 a start line cut by their end after
   * `held - 1` bytes of "MSRP ". Set by {@link advance}; a caller that refuses a segment may
   * leave it as it was (see {@link heldAfter}).
   */
  held = 0;

  /**
   * The next bytes begin at a line start (the first byte of a direction whose start was never
   * seen, or after a gap: the framer resynchronises at a line start too), as after a virtual LF.
   */
  lineStart(): void {
    this.held = 1;
  }

  /**
   * The first start line in `b`: the index of its "M". It may be negative: the start line began
   * `-result` bytes before `b`, those bytes being the first `-result` of "MSRP "
   * ({@link MSRP_START_PREFIX}). `b.length` when there is none: a start line cut by the end of
   * `b` is not one yet (see {@link advance}). The byte at `result + MSRP_START_ID_OFFSET` is
   * always in `b`. Reads `b` only during the call.
   */
  first(b: Uint8Array): number {
    const n = b.length;
    const h = this.held;
    // The start line the bytes before `b` began: its "M" at 1 - h, its id byte at NEEDLE_LEN - h.
    if (h > 0 && NEEDLE_LEN - h < n) {
      let k = h;
      while (k < NEEDLE_LEN && b[k - h] === NEEDLE[k]) k++;
      if (k === NEEDLE_LEN) return 1 - h;
    }
    return this.after(b, -1);
  }

  /** The first start line in `b` after the one at `i` (as {@link first}; `b.length` when none). */
  after(b: Uint8Array, i: number): number {
    // A start line wholly in `b` has its LF just before it, so from index `i` on. The first
    // occurrence is the only candidate: a later one cannot overlap it, so when "MSRP " ends `b`
    // (its id byte in the next segment, held by advance) there is none after it.
    const n = b.length;
    const lf = nativeIndexOf.call(b as Buffer, NEEDLE, i > 0 ? i : 0);
    return lf >= 0 && lf + NEEDLE_LEN < n ? lf + 1 : n;
  }

  /**
   * What {@link held} becomes once `b`, the bytes after those searched so far, is searched to its
   * end (pure: a caller may refuse `b` and keep the old count).
   */
  heldAfter(b: Uint8Array): number {
    const n = b.length;
    if (n === 0) return this.held;
    // The last LF among the last NEEDLE_LEN bytes: an earlier one would hold this one inside the
    // needle, where LF never is.
    const lo = n > NEEDLE_LEN ? n - NEEDLE_LEN : 0;
    for (let j = n - 1; j >= lo; j--) {
      if (b[j] !== LF) continue;
      for (let k = 1; k < n - j; k++) if (b[j + k] !== NEEDLE[k]) return 0;
      return n - j;
    }
    // No LF there: only a needle begun before `b` and continued by all of it.
    const h = this.held;
    if (h === 0 || h + n > NEEDLE_LEN) return 0;
    for (let k = 0; k < n; k++) if (b[k] !== NEEDLE[h + k]) return 0;
    return h + n;
  }

  /** `b`, the bytes after those searched so far, was searched to its end. */
  advance(b: Uint8Array): void {
    this.held = this.heldAfter(b);
  }
}
