/**
 * Generic offset-based store of byte ranges that arrived out of order: the shared core of IP
 * defragmentation and TCP stream reassembly (the design of Zeek's `Reassem.cc` block list and
 * gopacket's `tcpassembly` page list, reduced to what both users need).
 *
 * Offsets are plain numbers (stream or datagram positions, exact up to 2^53); the caller maps
 * protocol numbers (TCP sequence numbers, fragment offsets) onto them.
 *
 * ```
 *  offset:  0 ....... s1 ==== e1 ...... s2 ======== e2 ....
 *                     [ seg 1 )         [  seg 2   )
 *  invariants: sorted by start; no two segments overlap; none is empty;
 *              each segment owns a copy of its bytes (input views are temporary).
 * ```
 *
 * Overlap policy: **first data wins**. Bytes already stored are never replaced; the overlapping
 * part of a new range is compared with them and the number of differing bytes is reported to
 * the caller, which decides what that means (RFC 9293 leaves the choice to the receiver; for a
 * passive tap "first wins" is the policy of Zeek and Suricata's default "first" policy).
 */

/** One stored range. `data` is owned by the store (a copy), `data.length === end - start`. */
export interface StoredSegment {
  readonly start: number;
  readonly end: number;
  readonly data: Uint8Array;
  /** Frame and capture time of the packet that carried these bytes (first carrier wins). */
  readonly frameNo: number;
  readonly tsSec: number;
  readonly tsNsec: number;
}

/**
 * Sorted, non-overlapping byte ranges with first-data-wins insertion.
 *
 * @remarks Results of the last {@link SegmentStore.insert} are left in public fields
 * (`lastAdded`, `lastOverlap`, `lastDiffering`, `lastFirstDiff`) instead of a returned
 * object so the insert path allocates only the copies it stores.
 */
export class SegmentStore {
  private readonly segs: StoredSegment[] = [];
  private held = 0;

  /** Bytes the last insert stored (new bytes). */
  lastAdded = 0;
  /** Bytes of the last insert that were already stored (and therefore dropped). */
  lastOverlap = 0;
  /** How many of the `lastOverlap` bytes differ from the stored ones. */
  lastDiffering = 0;
  /** Offset of the first differing byte of the last insert, or -1. */
  lastFirstDiff = -1;

  /** Total bytes held. */
  get bytes(): number {
    return this.held;
  }

  /** Number of stored segments. */
  get count(): number {
    return this.segs.length;
  }

  /** The segment with the lowest offset, or undefined when empty. */
  first(): StoredSegment | undefined {
    return this.segs[0];
  }

  /** The segment with the highest offset, or undefined when empty. */
  last(): StoredSegment | undefined {
    return this.segs[this.segs.length - 1];
  }

  /** Removes and returns the segment with the lowest offset. */
  shift(): StoredSegment | undefined {
    const s = this.segs.shift();
    if (s !== undefined) this.held -= s.end - s.start;
    return s;
  }

  /** Drops everything. */
  clear(): void {
    this.segs.length = 0;
    this.held = 0;
  }

  /** Read-only view of the segments, in offset order (for assembly and tests). */
  segments(): readonly StoredSegment[] {
    return this.segs;
  }

  /** Earliest capture time (seconds, fractional) among the stored segments; Infinity when empty. */
  oldestTime(): number {
    let t = Infinity;
    for (const s of this.segs) {
      const v = s.tsSec + s.tsNsec * 1e-9;
      if (v < t) t = v;
    }
    return t;
  }

  /**
   * Stores the bytes of `data` (placed at `start`) that no stored segment already covers, as
   * copies; compares the covered bytes with the stored ones. Results in the `last*` fields.
   *
   * @param data - read only during the call; the store copies what it keeps.
   */
  insert(start: number, data: Uint8Array, frameNo: number, tsSec: number, tsNsec: number): void {
    let added = 0;
    let overlap = 0;
    let differing = 0;
    let firstDiff = -1;
    const end = start + data.length;
    const segs = this.segs;
    let i = this.firstEndingAfter(start);
    let cur = start;
    while (cur < end) {
      const seg = segs[i];
      if (seg !== undefined && seg.start <= cur) {
        // `cur` lies inside an existing segment: the old bytes stay (first data wins).
        const stop = end < seg.end ? end : seg.end;
        const sd = seg.data;
        const delta = seg.start - start;
        for (let o = cur - start, n = stop - start; o < n; o++) {
          if (data[o] !== sd[o - delta]) {
            differing++;
            if (firstDiff < 0) firstDiff = start + o;
          }
        }
        overlap += stop - cur;
        cur = stop;
        i++;
      } else {
        // `cur` is in a hole: store the new bytes up to the next segment (or the end).
        const stop = seg === undefined || end < seg.start ? end : seg.start;
        segs.splice(i, 0, { start: cur, end: stop, data: data.slice(cur - start, stop - start), frameNo, tsSec, tsNsec });
        added += stop - cur;
        cur = stop;
        i++;
      }
    }
    this.held += added;
    this.lastAdded = added;
    this.lastOverlap = overlap;
    this.lastDiffering = differing;
    this.lastFirstDiff = firstDiff;
  }

  /** Copies every segment into `out` at `segment.start - base`. Caller sizes `out`. */
  copyInto(out: Uint8Array, base: number): void {
    for (const s of this.segs) out.set(s.data, s.start - base);
  }

  /** Index of the first segment whose end is after `offset` (binary search). */
  private firstEndingAfter(offset: number): number {
    let lo = 0;
    let hi = this.segs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segs[mid]!.end <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
