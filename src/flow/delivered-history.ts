/**
 * The last bytes delivered on one TCP direction, kept so a retransmission of already delivered
 * data can be compared with what was delivered (RFC 9293 section 3.10.7.4 lets a receiver trim
 * old data silently; a tap must notice when the "same" bytes differ: evasion or corruption).
 *
 * Zeek keeps delivered blocks until the peer acknowledges them; a fixed-size ring is simpler,
 * bounded, and covers the common case (a retransmission repeats the last flight). Bytes older
 * than the ring cannot be compared and count as equal.
 *
 * ```
 *   stream:   ... [ ------------- valid ------------- ) end
 *   ring:     byte at stream offset o lives at buf[o % buf.length]
 * ```
 */

const EMPTY = new Uint8Array(0);
const MIN_RING = 4096;

/**
 * Released rings, by size, for reuse: every MSRP/SIP direction grows a ring (4, 8, 16 KiB) and
 * frees it at its end; allocating them afresh (zero-filled, off-heap) cost more than the copies
 * into them, and the external-memory churn triggered full GCs. At most POOL_PER_SIZE rings per
 * size are kept (16 × (4+8+16) KiB with the default ring size), outside the history budget.
 */
const POOL_PER_SIZE = 16;
const pool = new Map<number, Uint8Array[]>();

function takeRing(size: number): Uint8Array {
  const free = pool.get(size);
  // Contents are stale but never read: `valid` says which bytes count.
  return free !== undefined && free.length > 0 ? free.pop()! : new Uint8Array(size);
}

function giveRing(buf: Uint8Array): void {
  if (buf.length === 0) return;
  let free = pool.get(buf.length);
  if (free === undefined) {
    free = [];
    pool.set(buf.length, free);
  }
  if (free.length < POOL_PER_SIZE) free.push(buf);
}

/** Global accounting of history memory, shared by all directions of a tracker. */
export interface HistoryBudget {
  historyBytes: number;
  readonly maxHistoryBytes: number;
}

/**
 * A ring of recently delivered bytes, allocated lazily and grown by doubling up to `maxBytes`
 * while the shared budget allows; a direction that cannot grow keeps comparing what it has.
 */
export class DeliveredHistory {
  private buf: Uint8Array = EMPTY;
  /** Stream offset just after the newest byte. */
  private end = 0;
  /** Number of valid bytes ending at `end` (≤ buf.length). */
  private valid = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly budget: HistoryBudget,
  ) {}

  /** Bytes of memory this ring holds. */
  get capacity(): number {
    return this.buf.length;
  }

  /**
   * Records `data`, delivered at stream offset `offset`. A discontinuity (a gap was skipped)
   * forgets everything before it: the ring only describes one contiguous run. Runs for every
   * delivered byte of MSRP and SIP: no view is made unless the write wraps around the ring.
   */
  append(offset: number, data: Uint8Array): void {
    if (this.maxBytes <= 0) return;
    if (offset !== this.end) {
      this.valid = 0;
      this.end = offset;
    }
    const n = data.length;
    if (this.valid + n > this.buf.length) this.grow(this.valid + n);
    this.end = offset + n;
    const size = this.buf.length;
    if (size === 0) return;
    // Only the last `size` bytes of a large write can survive.
    const src = n > size ? data.subarray(n - size) : data;
    const first = offset + n - src.length;
    const pos = first % size;
    const k = Math.min(src.length, size - pos);
    if (k === src.length) this.buf.set(src, pos);
    else {
      this.buf.set(src.subarray(0, k), pos);
      this.buf.set(src.subarray(k), 0);
    }
    this.valid = Math.min(size, this.valid + n);
  }

  /**
   * Counts the bytes of `data[from, to)` (placed at stream offset `offset`) that differ from the
   * recorded ones. Bytes outside the recorded window are not compared. A range, so a
   * retransmission is compared in the frame's bytes without a view.
   */
  countDifferent(offset: number, data: Uint8Array, from = 0, to = data.length): number {
    const lo = Math.max(offset, this.end - this.valid);
    const hi = Math.min(offset + to - from, this.end);
    if (lo >= hi) return 0;
    const size = this.buf.length;
    const buf = this.buf;
    const base = from - offset;
    let diff = 0;
    for (let o = lo; o < hi; o++) if (buf[o % size] !== data[base + o]) diff++;
    return diff;
  }

  /** Frees the ring and returns its memory to the budget. */
  release(): void {
    this.budget.historyBytes -= this.buf.length;
    giveRing(this.buf);
    this.buf = EMPTY;
    this.valid = 0;
  }

  private grow(want: number): void {
    const old = this.buf;
    if (old.length >= this.maxBytes) return;
    let size = Math.max(MIN_RING, old.length);
    while (size < want && size < this.maxBytes) size *= 2;
    size = Math.min(size, this.maxBytes);
    const delta = size - old.length;
    if (delta <= 0 || this.budget.historyBytes + delta > this.budget.maxHistoryBytes) return;
    const next = takeRing(size);
    // Re-place the valid bytes under the new modulus, in contiguous runs (at most a few).
    const oldSize = old.length;
    for (let o = this.end - this.valid; o < this.end; ) {
      const from = o % oldSize;
      const to = o % size;
      const run = Math.min(this.end - o, oldSize - from, size - to);
      next.set(old.subarray(from, from + run), to);
      o += run;
    }
    this.buf = next;
    giveRing(old);
    this.budget.historyBytes += delta;
  }
}
