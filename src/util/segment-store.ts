/**
 * Generic offset-based store of byte ranges that arrived out of order: the shared core of IP
 * defragmentation, TCP stream reassembly and MSRP message reassembly (the design of Zeek's
 * `Reassem.cc` block list, which its `FileReassembler` reuses for files as the MSRP assembler
 * reuses this for messages; gopacket's `tcpassembly` page list), reduced to what the users need.
 *
 * Offsets are plain numbers (stream, datagram or message positions, exact up to 2^53); the
 * caller maps protocol numbers (TCP sequence numbers, fragment offsets, Byte-Range) onto them.
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
 *
 * Two ways in: {@link SegmentStore.insert} places a whole range (holes filled, overlaps
 * compared); callers that stream in-order bytes themselves and apply caps per hole (the MSRP
 * assembler) walk the range with {@link SegmentStore.findEndingAfter} and store each hole with
 * {@link SegmentStore.put}, which in a `growable` store appends to the segment ending exactly
 * there (one segment per run of contiguous bytes, so a per-segment cap counts runs, not packets).
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

  /**
   * @param growable - {@link put} extends the segment ending where new bytes start, in a buffer
   *   that doubles (the segment's `data` is then a view of a larger buffer the store owns).
   */
  constructor(private readonly growable = false) {}

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

  /**
   * The first segment whose end is after `offset` (it covers `offset` when its start is at or
   * before it), or undefined: where a caller walking a range meets stored bytes next.
   */
  findEndingAfter(offset: number): StoredSegment | undefined {
    return this.segs[this.firstEndingAfter(offset)];
  }

  /**
   * Stores a copy of `data` at `start`, a range the caller knows is not stored (a hole found with
   * {@link findEndingAfter}). In a growable store, bytes that start exactly where a segment ends
   * extend it; a new segment's buffer gets at least `reserve` bytes of room.
   *
   * @returns false (nothing stored) when a new segment would be needed and `maxSegments` are held.
   */
  put(start: number, data: Uint8Array, frameNo: number, tsSec: number, tsNsec: number, maxSegments = Infinity, reserve = 0): boolean {
    const segs = this.segs;
    const n = data.length;
    const idx = this.firstEndingAfter(start);
    const prev = idx > 0 ? segs[idx - 1] : undefined;
    if (this.growable && prev !== undefined && prev.end === start) {
      const len = prev.end - prev.start;
      let buf = prev.data;
      // A growable store's buffers are its own allocations (offset 0), so the ArrayBuffer is the capacity.
      if (len + n > buf.buffer.byteLength) {
        const next = new Uint8Array(Math.max(len + n, buf.buffer.byteLength * 2));
        next.set(buf);
        buf = next;
      } else buf = new Uint8Array(buf.buffer, 0, len + n);
      buf.set(data, len);
      segs[idx - 1] = { start: prev.start, end: start + n, data: buf.subarray(0, len + n), frameNo: prev.frameNo, tsSec: prev.tsSec, tsNsec: prev.tsNsec };
    } else {
      if (segs.length >= maxSegments) return false;
      let copy: Uint8Array;
      if (this.growable) {
        copy = new Uint8Array(Math.max(n, reserve)).subarray(0, n);
        copy.set(data);
      } else copy = data.slice();
      segs.splice(idx, 0, { start, end: start + n, data: copy, frameNo, tsSec, tsNsec });
    }
    this.held += n;
    return true;
  }

  /**
   * Holes in `[from, limit)` (0-based, half-open), in order, the last one ending at `limit`
   * (Infinity when the caller does not know the end yet). Segments starting at or past `limit`
   * are ignored.
   */
  gaps(from: number, limit: number): { start: number; end: number }[] {
    const out: { start: number; end: number }[] = [];
    let cursor = from;
    for (const s of this.segs) {
      if (s.start >= limit) break;
      if (s.start > cursor) out.push({ start: cursor, end: s.start });
      if (s.end > cursor) cursor = s.end;
    }
    if (cursor < limit) out.push({ start: cursor, end: limit });
    return out;
  }

  /** Stored bytes within `[from, limit)`. */
  bytesWithin(from: number, limit: number): number {
    let n = 0;
    for (const s of this.segs) n += Math.max(0, Math.min(s.end, limit) - Math.max(s.start, from));
    return n;
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
