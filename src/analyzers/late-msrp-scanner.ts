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
 * Cost: nothing is held but the last {@link TAIL} bytes of the previous segment (a start line may
 * straddle a segment boundary); each segment is searched in place with one native search for
 * LF "MSRP " (Buffer#indexOf, no JS loop over the bytes).
 */

/** LF "MSRP ": a line that starts like an MSRP start line (the LF ends the previous line). */
const NEEDLE = Buffer.from('\nMSRP ', 'latin1');
/** LF "MSRP " and the transaction id's first character. */
const CANDIDATE = NEEDLE.length + 1;
/** Bytes kept across a segment boundary: a candidate less its last byte. */
const TAIL = CANDIDATE - 1;
const LF = 0x0a;
const bufferIndexOf = Buffer.prototype.indexOf;

/** RFC 4975 section 9 `ident` starts with an ALPHA or DIGIT. */
function identFirst(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** Does `b[i, i + CANDIDATE)` read LF "MSRP " alnum? `b` holds at least CANDIDATE bytes from `i`. */
function candidateAt(b: Uint8Array, i: number): boolean {
  for (let k = 0; k < NEEDLE.length; k++) if (b[i + k] !== NEEDLE[k]) return false;
  return identFirst(b[i + NEEDLE.length]!);
}

/**
 * Scans one direction's delivered bytes, segment by segment, for its first MSRP start line.
 * After {@link scan} returns true, the start line begins with {@link carry} (bytes of earlier
 * segments, often none) followed by `data.subarray(at)`.
 */
export class LateMsrpScanner {
  /** Stitch buffer: the kept tail of earlier bytes, then the first bytes of the new segment. */
  private readonly stitch = new Uint8Array(2 * TAIL);
  private tailLen = 0;
  /** Bytes scanned without finding a start line (the audit's "not seen as MSRP" count). */
  scanned = 0;
  /** Set by a successful scan: the start line's bytes from earlier segments (a view of the stitch buffer). */
  carry: Uint8Array = this.stitch.subarray(0, 0);
  /** Set by a successful scan: where the rest of the start line begins in the scanned segment. */
  at = 0;

  /**
   * Primes the scanner as if its bytes were at a line start (after a gap, or at the first byte of
   * a direction whose start was never seen): a virtual LF, never handed on.
   */
  lineStart(): void {
    this.stitch[0] = LF;
    this.tailLen = 1;
  }

  /**
   * Searches `data` (only read during the call). True when a start line begins in it or straddles
   * into it: see {@link carry} and {@link at}. False: `data` holds no start line; its last bytes are kept.
   */
  scan(data: Uint8Array): boolean {
    const t = this.tailLen;
    const len = data.length;
    if (t > 0) {
      // Candidates that begin in the kept tail: stitch it to the segment's first bytes.
      const n = Math.min(len, TAIL);
      this.stitch.set(data.subarray(0, n), t);
      const end = t + n;
      for (let i = 0; i < t && i + CANDIDATE <= end; i++) {
        if (this.stitch[i] === LF && candidateAt(this.stitch, i)) {
          // The LF is the previous line's (or virtual): the start line is what follows it.
          const m = i + 1;
          this.carry = this.stitch.subarray(Math.min(m, t), t);
          this.at = Math.max(0, m - t);
          return true;
        }
      }
    }
    for (let i = bufferIndexOf.call(data, NEEDLE, 0); i >= 0; i = bufferIndexOf.call(data, NEEDLE, i + 1)) {
      if (i + CANDIDATE > len) break; // the id's first byte is in the next segment: kept below
      if (identFirst(data[i + NEEDLE.length]!)) {
        this.carry = this.stitch.subarray(0, 0);
        this.at = i + 1;
        return true;
      }
    }
    this.scanned += len;
    // Keep the last TAIL bytes of (tail + data) for a candidate that straddles the boundary.
    if (len >= TAIL) {
      this.stitch.set(data.subarray(len - TAIL), 0);
      this.tailLen = TAIL;
    } else {
      const keep = Math.min(t, TAIL - len);
      this.stitch.copyWithin(0, t - keep, t);
      this.stitch.set(data, keep);
      this.tailLen = keep + len;
    }
    return false;
  }
}
