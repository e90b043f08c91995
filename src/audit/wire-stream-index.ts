/**
 * The TCP byte streams of the connections a delivery names, as they were on the wire, for
 * `msrptap verify`: each X3 payload must occur byte for byte in the stream of its 5-tuple and
 * end in a segment captured at the PDU's timestamp (TS 103 221-2 attributes 9-16). This check
 * does not use the MSRP framer, the correlator or the encoders whose output it verifies: only
 * the capture reader and the TCP reassembly feed it.
 *
 * Bounded: only the directions in `wanted` are kept, up to `maxBytes` overall; past the cap a
 * direction is marked `overflow` and its payloads are reported unverifiable, never "verified".
 */

/** Key of one TCP direction: `src-dst` with `ip:port` / `[v6]:port` endpoints. */
export function directionKey(src: string, dst: string): string {
  return `${src}-${dst}`;
}

interface Segment {
  /** Offset of the segment's first byte in the direction's stream. */
  readonly offset: number;
  readonly length: number;
  readonly frameNo: number;
  readonly tsSec: number;
  readonly tsNsec: number;
}

interface Direction {
  pieces: Uint8Array[];
  length: number;
  readonly segments: Segment[];
  /** Stream offsets where bytes were never captured (a match must not span one). */
  readonly gaps: number[];
  flat: Uint8Array | null;
  overflow: boolean;
}

/** Where a payload was found. */
export interface WireMatch {
  readonly offset: number;
  readonly firstFrame: number;
  readonly lastFrame: number;
  /** The payload ends where the capture lost bytes (a frame the tap cut at a gap). */
  readonly endsAtGap: boolean;
}

export type WireFind = { readonly found: true; readonly match: WireMatch } | { readonly found: false; readonly reason: 'no_stream' | 'overflow' | 'not_found' | 'wrong_time' | 'out_of_order'; readonly earlier?: WireMatch };

export class WireStreamIndex {
  private readonly dirs = new Map<string, Direction>();
  private total = 0;

  constructor(
    private readonly wanted: ReadonlySet<string>,
    private readonly maxBytes = 1024 * 1024 * 1024,
  ) {}

  /** True when the direction is one the delivery names. */
  wants(key: string): boolean {
    return this.wanted.has(key);
  }

  private dir(key: string): Direction {
    let d = this.dirs.get(key);
    if (d === undefined) {
      d = { pieces: [], length: 0, segments: [], gaps: [], flat: null, overflow: false };
      this.dirs.set(key, d);
    }
    return d;
  }

  /** In-order bytes of a wanted direction (copied). */
  data(key: string, bytes: Uint8Array, frameNo: number, tsSec: number, tsNsec: number): void {
    if (!this.wanted.has(key) || bytes.length === 0) return;
    const d = this.dir(key);
    if (d.overflow) return;
    if (this.total + bytes.length > this.maxBytes) {
      d.overflow = true;
      return;
    }
    d.segments.push({ offset: d.length, length: bytes.length, frameNo, tsSec, tsNsec });
    d.pieces.push(bytes.slice());
    d.length += bytes.length;
    d.flat = null;
    this.total += bytes.length;
  }

  /** Bytes never captured at the current end of a direction. */
  gap(key: string): void {
    if (!this.wanted.has(key)) return;
    const d = this.dir(key);
    if (d.gaps[d.gaps.length - 1] !== d.length) d.gaps.push(d.length);
  }

  private flat(d: Direction): Uint8Array {
    if (d.flat !== null) return d.flat;
    const out = new Uint8Array(d.length);
    let o = 0;
    for (const p of d.pieces) {
      out.set(p, o);
      o += p.length;
    }
    d.pieces = [out];
    d.flat = out;
    return out;
  }

  /** The segment holding stream byte `off` (binary search). */
  private segmentAt(d: Direction, off: number): Segment {
    let lo = 0;
    let hi = d.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (d.segments[mid]!.offset <= off) lo = mid;
      else hi = mid - 1;
    }
    return d.segments[lo]!;
  }

  private matchAt(d: Direction, off: number, len: number): WireMatch | null {
    const end = off + len;
    // A payload spanning a capture gap cannot be the wire bytes.
    for (const g of d.gaps) if (g > off && g < end) return null;
    const first = this.segmentAt(d, off);
    const last = this.segmentAt(d, end - 1);
    return { offset: off, firstFrame: first.frameNo, lastFrame: last.frameNo, endsAtGap: d.gaps.includes(end) };
  }

  /**
   * Finds `payload` in direction `key` at or after stream offset `from`, ending in a segment
   * captured at (`tsSec`, `tsNsec`) (or at a gap, for a frame cut by one). A payload found only
   * before `from` is `out_of_order` (records delivered in another order than on the wire).
   */
  find(key: string, payload: Uint8Array, from: number, tsSec: number, tsNsec: number): WireFind {
    const d = this.dirs.get(key);
    if (d === undefined) return { found: false, reason: 'no_stream' };
    if (d.overflow) return { found: false, reason: 'overflow' };
    if (payload.length === 0) return { found: false, reason: 'not_found' };
    const hay = Buffer.from(this.flat(d).buffer, this.flat(d).byteOffset, d.length);
    const needle = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
    let sawAtOtherTime = false;
    for (let at = hay.indexOf(needle, from); at >= 0; at = hay.indexOf(needle, at + 1)) {
      const m = this.matchAt(d, at, payload.length);
      if (m === null) continue;
      const last = this.segmentAt(d, at + payload.length - 1);
      if ((last.tsSec === tsSec && last.tsNsec === tsNsec) || m.endsAtGap) return { found: true, match: m };
      sawAtOtherTime = true;
    }
    if (from > 0) {
      const before = hay.subarray(0, Math.min(d.length, from + payload.length - 1)).indexOf(needle);
      if (before >= 0 && before < from) {
        const m = this.matchAt(d, before, payload.length);
        if (m !== null) return { found: false, reason: 'out_of_order', earlier: m };
      }
    }
    return { found: false, reason: sawAtOtherTime ? 'wrong_time' : 'not_found' };
  }
}
