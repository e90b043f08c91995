/**
 * Looks for the first MSRP start line in a TCP direction joined mid-way (no SYN, or after a gap)
 * whose first CLASSIFY_WINDOW bytes held none (./stream-classifier.ts): RFC 4975 puts no limit on
 * a chunk's size (section 7.1: Byte-Range, section 5.1: chunking is the sender's choice), so a tap
 * that joins a file transfer inside a 16 KiB or 1 MiB chunk sees its next frame start only that
 * far in. Giving up at the window would lose the target's later messages for good.
 *
 * A candidate is a line start followed by `MSRP SP` and an alphanumeric first character of the
 * transaction id (section 7.1: `req-start = "MSRP" SP transact-id SP method CRLF`, `ident`
 * starts alphanumeric) — the same test as the classifier's and the framer's resynchronisation
 * (the framer validates the rest of the line and reports what is wrong). A gap position counts
 * as a line start, as in the framer.
 *
 * Cost: the search is ../protocols/msrp/msrp-start-search.ts (one native search per segment,
 * nothing held across segments but a count).
 */
import { MSRP_START_ID_OFFSET, MSRP_START_PREFIX, MsrpStartSearch } from '../protocols/msrp/msrp-start-search.js';

/** RFC 4975 section 9 `ident` starts with an ALPHA or DIGIT. */
function identFirst(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/**
 * Scans one direction's delivered bytes, segment by segment, for its first MSRP start line.
 * After {@link scan} returns true, the start line begins with {@link carry} (bytes of earlier
 * segments, often none) followed by `data.subarray(at)`.
 */
export class LateMsrpScanner {
  private readonly search = new MsrpStartSearch();
  /** Holds {@link carry}: the start line's bytes from earlier segments are a prefix of "MSRP ". */
  private readonly carryBytes = new Uint8Array(MSRP_START_PREFIX.length);
  /** Bytes scanned without finding a start line (the audit's "not seen as MSRP" count). */
  scanned = 0;
  /** Set by a successful scan: the start line's bytes from earlier segments (a view of a buffer of the scanner's). */
  carry: Uint8Array = this.carryBytes.subarray(0, 0);
  /** Set by a successful scan: where the rest of the start line begins in the scanned segment. */
  at = 0;

  /**
   * Primes the scanner as if its bytes were at a line start (after a gap, or at the first byte of
   * a direction whose start was never seen): a virtual LF, never handed on.
   */
  lineStart(): void {
    this.search.lineStart();
  }

  /**
   * Searches `data` (only read during the call). True when a start line begins in it or straddles
   * into it: see {@link carry} and {@link at}. False: `data` holds no start line; what of one its
   * end may begin is remembered.
   */
  scan(data: Uint8Array): boolean {
    const search = this.search;
    const len = data.length;
    for (let i = search.first(data); i < len; i = search.after(data, i)) {
      // A candidate: the transaction id's first character decides (the same test as the
      // classifier's and the framer's resynchronisation).
      if (!identFirst(data[i + MSRP_START_ID_OFFSET]!)) continue;
      const carried = i < 0 ? -i : 0;
      this.carryBytes.set(MSRP_START_PREFIX.subarray(0, carried));
      this.carry = this.carryBytes.subarray(0, carried);
      this.at = i < 0 ? 0 : i;
      return true;
    }
    this.scanned += len;
    search.advance(data);
    return false;
  }
}
