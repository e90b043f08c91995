/**
 * The BODY state of {@link MsrpFramer} (./msrp-framer.ts) over {@link MsrpFramerHead}: the body
 * streamed as views of the pushed data up to its end-line. Split from the framer's public
 * calls (push, gap, end) along the state machine's seam, like ./msrp-framer-head.ts; one object
 * at run time (the subclass), so the per-byte paths pay nothing for the split.
 *
 * Where a body ends (issue 12). RFC 4975 section 7.1 makes the end-line of THIS transaction the
 * only body delimiter:
 *
 *   T = CR LF "-------" transact-id flag CR LF
 *
 * but one TCP connection may carry several sessions (RFC 4975 section 8.1, RFC 4976 relays), so a
 * damaged T must not make this frame swallow the next requests, other sessions' included:
 *
 * - numeric Byte-Range end: the body has at most N = end - start + 1 bytes (an interrupted chunk
 *   ends earlier with "+"). T is checked right where N puts it (no search: the fast path), else
 *   searched in the first N bytes; missing, the frame is cut at N (`body_overrun`);
 * - a valid start line at a line start inside a body whose T was not verified in the same push
 *   is the next frame: the body ends before it (`boundary_in_body`); when T is verified the
 *   body is what the Byte-Range says, whatever it contains;
 * - without a numeric end (range-end "*", no Byte-Range) any line starting "MSRP " or "-------"
 *   plus an alphanumeric (a start line or an end-line, perhaps damaged) ends the body too, and
 *   so does "-------" tid followed by anything but flag CR LF (our T, damaged): only the
 *   next frame's own lines can bound such a body.
 *
 * Candidate lines are found with two native searches (CR LF "-------", CR LF "MSRP ") and
 * classified by ./classify-body-line.ts. At body start the blank line's CR LF is held as a
 * virtual candidate (not body bytes), so an end-line right after the blank line needs no
 * special case:
 *
 *   ... headers CR LF | CR LF | data ........ | CR LF ------- tid $ CR LF
 *                     `blank` `-- onBody --'   `-------- T ------------'
 *
 */
import { classifyBodyLine, classifyStartAnywhere, LINE_MORE, LINE_NONE, LINE_OWN_DAMAGED, LINE_OWN_END, LINE_START, LINE_START_LIKE, lineKind, lineLength, MAX_BODY_LINE } from './classify-body-line.js';
import type { MsrpEndFlag } from './msrp-frame.js';
import { CR, DASH, END_NEEDLE, indexOfBytes, isFlag, LF, MAGIC, nextStartAnywhere, START_NEEDLE } from './msrp-end-line.js';
import type { MsrpFramer } from './msrp-framer.js';
import { MsrpFramerHead } from './msrp-framer-head.js';
import { ST_BODY } from './msrp-framer-state.js';

/** The framer's BODY state over {@link MsrpFramerHead}; {@link MsrpFramer} adds the public calls. Not re-entrant (see there). */
export abstract class MsrpFramerBody extends MsrpFramerHead {
  // ------------------------------------------------------------------------------------------
  // BODY: stream bytes until CR LF "-------" tid flag CR LF, within the Byte-Range bound.

  protected body(data: Uint8Array, pos: number): number {
    if (this.heldLen > 0 && this.heldLen === this.heldVirtual && pos < data.length) {
      // Only the blank line's CR LF is held: it starts a candidate only if the body starts
      // with "-" or "M" (see classify-body-line.ts); most bodies do not, skip the stitching.
      const c = data[pos];
      if (c !== DASH && c !== MAGIC[0]) this.heldLen = this.heldVirtual = 0;
    }
    if (this.heldLen > 0) {
      pos = this.resolveHeld(data, pos);
      if (this.state !== ST_BODY || this.heldLen > 0) return pos;
    }
    return this.scan(data, pos);
  }

  /**
   * Decides the held candidate line (it starts in the previous push) with the first bytes of
   * this push, stitched in `scratch`. Returns where to continue in `data`.
   */
  private resolveHeld(data: Uint8Array, pos: number): number {
    const hl = this.heldLen;
    const hv = this.heldVirtual;
    const take = Math.min(data.length - pos, MAX_BODY_LINE);
    const sc = this.scratch;
    sc.set(this.held.subarray(0, hl), 0);
    sc.set(data.subarray(pos, pos + take), hl);
    const sl = hl + take;
    // Index in `sc` where this frame's end-line must start at the latest.
    const limitIdx = this.bodyLimit - this.bodyBytes + hv;
    for (let j = 0; j < hl && j <= limitIdx; j++) {
      if (sc[j] === MAGIC[0] && this.bodyLimit === Infinity && j >= hv) {
        // A start line glued to what precedes it (see scan).
        const a = classifyStartAnywhere(sc, j, sl);
        if (a === LINE_NONE) continue;
        this.emit(sc, hv, j);
        if (a === LINE_MORE) {
          this.held.set(sc.subarray(j, sl), 0);
          this.heldLen = sl - j;
          this.heldVirtual = 0;
          return data.length;
        }
        this.cutAtBoundary(LINE_START);
        return this.refeed(sc, j, hl, pos);
      }
      if (sc[j] !== CR) continue;
      const r = classifyBodyLine(sc, j, sl, this.tid);
      const kind = lineKind(r);
      if (this.isContent(kind)) continue;
      if (kind === LINE_MORE) {
        // Undecided still: only possible when this push ended inside the candidate.
        this.emit(sc, hv, j);
        this.held.set(sc.subarray(j, sl), 0);
        this.heldLen = sl - j;
        this.heldVirtual = Math.max(0, hv - j);
        return data.length;
      }
      const len = lineLength(r);
      if (kind === LINE_OWN_END) {
        this.emit(sc, hv, j);
        this.rawOut(sc, Math.max(hv, j), j + len);
        this.finish(String.fromCharCode(sc[j + len - 3]!) as MsrpEndFlag, 'end_line');
        return pos + (j + len - hl);
      }
      this.emit(sc, hv, j);
      this.cutAtBoundary(kind);
      return this.refeed(sc, j + 2, hl, pos);
    }
    if (limitIdx < hl) {
      // The end-line had to start inside the held bytes and is not there.
      const at = Math.max(hv, limitIdx);
      this.emit(sc, hv, at);
      this.cutOverrun();
      return this.refeed(sc, at, hl, pos);
    }
    this.emit(sc, hv, hl);
    this.heldLen = 0;
    this.heldVirtual = 0;
    return pos;
  }

  /** After a cut inside the held bytes: feeds `sc[from, hl)` to the next frame, then `data` from `pos`. */
  private refeed(sc: Uint8Array, from: number, hl: number, pos: number): number {
    if (from >= hl) return pos + (from - hl);
    this.run(sc.slice(from, hl));
    return pos;
  }

  /**
   * CR LF "-------" tid, built once per frame and only when a bounded body has to be searched:
   * written into one buffer per framer (a transaction id has at most 64 characters, see
   * parse-msrp-start-line.ts), no Buffer made from a string per frame.
   */
  private ownNeedle(): Uint8Array {
    if (this.ownNeedleTid !== this.tid) {
      const tid = this.tid;
      let store = this.ownNeedleStore;
      if (store.length < END_NEEDLE.length + tid.length) {
        store = this.ownNeedleStore = new Uint8Array(END_NEEDLE.length + Math.max(64, tid.length));
        store.set(END_NEEDLE, 0);
      }
      for (let i = 0; i < tid.length; i++) store[END_NEEDLE.length + i] = tid.charCodeAt(i);
      this.ownNeedleBuf = store.subarray(0, END_NEEDLE.length + tid.length);
      this.ownNeedleTid = tid;
    }
    return this.ownNeedleBuf;
  }

  /**
   * Start of the next line at or after `c` that is this transaction's end-line with damaged
   * dashes: tid flag CR LF after 7 bytes of which 4 to 6 are dashes (7 dashes is an end-line,
   * found by the end-line search). The start is the CR LF before it when there is one. -1: none.
   * A line split across pushes is not seen (two damages and a split: rare, see the report).
   */
  private nextDamagedEndLine(data: Uint8Array, c: number, bound: number): number {
    if (this.tidNeedleTid !== this.tid) {
      this.tidNeedle = Buffer.from(this.tid, 'latin1');
      this.tidNeedleTid = this.tid;
    }
    const len = this.tidNeedle.length;
    const n = data.length;
    // Lines starting before `bound` only: their id ends by bound + 9 + len.
    const from = c + 7;
    const to = Math.min(n, bound + 9 + len);
    if (to - from < len) return -1;
    const view = data.subarray(from, to);
    for (let r = indexOfBytes(view, this.tidNeedle, 0); r >= 0; r = indexOfBytes(view, this.tidNeedle, r + 1)) {
      const h = from + r;
      if (h + len + 2 >= n || !isFlag(data[h + len]!) || data[h + len + 1] !== CR || data[h + len + 2] !== LF) continue;
      let dashes = 0;
      for (let i = h - 7; i < h; i++) if (data[i] === DASH) dashes++;
      if (dashes < 4 || dashes === 7) continue;
      const start = h >= 9 && data[h - 9] === CR && data[h - 8] === LF ? h - 9 : h - 7;
      if (start >= c && start < bound) return start;
    }
    return -1;
  }

  /** Scans `data` from `pos` (nothing held) for this frame's end or a boundary. */
  private scan(data: Uint8Array, pos: number): number {
    const n = data.length;
    const tid = this.tid;
    // data[tpos] is where the end-line must start at the latest (Infinity: unbounded body).
    const tpos = this.bodyLimit - this.bodyBytes + pos;
    if (tpos + tid.length + 12 <= n && data[tpos] === CR) {
      // The declared length puts the end-line here: check it there instead of searching the
      // body. Found, the body is exactly what the Byte-Range announced (RFC 4975 section 7.1),
      // whatever it contains.
      const r = classifyBodyLine(data, tpos, n, tid);
      if (lineKind(r) === LINE_OWN_END) {
        const end = tpos + lineLength(r);
        this.emit(data, pos, tpos);
        this.rawOut(data, tpos, end);
        this.finish(String.fromCharCode(data[end - 3]!) as MsrpEndFlag, 'end_line');
        return end;
      }
    }
    const stop = Math.min(n, tpos + 1);
    // A bounded body only stops at its own end-line or a valid start line: search for its own
    // end-line (a longer needle, fewer false hits); an unbounded one at every "-------" line.
    const endNeedle = this.bodyLimit !== Infinity ? this.ownNeedle() : END_NEEDLE;
    // Next hit of each needle at or after c (-1: none left in this push).
    const unbounded = this.bodyLimit === Infinity;
    let q = -2;
    let s = -2;
    // Damaged-dashes end-line search (unbounded bodies): hit `t`, or none before `tTo`; only
    // searched up to the next other candidate, so a push is not searched past this frame.
    let t = -1;
    let tTo = pos;
    let c = pos;
    for (;;) {
      if (q !== -1 && q < c) q = indexOfBytes(data, endNeedle, c);
      if (s !== -1 && s < c) s = unbounded ? nextStartAnywhere(data, c) : indexOfBytes(data, START_NEEDLE, c);
      const k = q < 0 ? s : s < 0 ? q : Math.min(q, s);
      const bound = k < 0 ? stop : Math.min(k, stop);
      if (unbounded && t < c && tTo < bound) {
        t = this.nextDamagedEndLine(data, Math.max(c, tTo - this.tid.length - 12), bound);
        tTo = bound;
      }
      if (t >= c && t < bound) {
        // Unbounded body: our end-line with its dashes damaged. The frame ends before it; the
        // rest of that line is skipped on the way to the next start line.
        this.emit(data, pos, t);
        this.cutAtBoundary(LINE_OWN_DAMAGED);
        this.atLineStart = false;
        return t;
      }
      if (k < 0 || k >= stop) break;
      if (data[k] !== CR) {
        // Unbounded body: a whole valid start line not at a line start (its CR LF damaged). It
        // is the next frame: the body ends before it and the framer starts there.
        const a = classifyStartAnywhere(data, k, n);
        if (a === LINE_NONE) {
          c = k + 1;
          continue;
        }
        this.emit(data, pos, k);
        if (a === LINE_MORE) {
          this.hold(data, k, n);
          return this.checkBodyCap(n);
        }
        this.cutAtBoundary(LINE_START);
        return k;
      }
      const r = classifyBodyLine(data, k, n, tid);
      const kind = lineKind(r);
      if (this.isContent(kind)) {
        c = k + 1;
        continue;
      }
      this.emit(data, pos, k);
      if (kind === LINE_MORE) {
        this.hold(data, k, n);
        return this.checkBodyCap(n);
      }
      if (kind === LINE_OWN_END) {
        const end = k + lineLength(r);
        this.rawOut(data, k, end);
        this.finish(String.fromCharCode(data[end - 3]!) as MsrpEndFlag, 'end_line');
        return end;
      }
      this.cutAtBoundary(kind);
      return k + 2;
    }
    // Hold back a CR-led tail that may start a candidate line (the needles did not fit).
    let keep = n;
    for (let k = Math.max(c, n - Math.max(endNeedle.length, START_NEEDLE.length) + 1); k < stop; k++) {
      const b = data[k];
      if ((b === CR && lineKind(classifyBodyLine(data, k, n, tid)) === LINE_MORE) || (b === MAGIC[0] && unbounded && classifyStartAnywhere(data, k, n) === LINE_MORE)) {
        keep = k;
        break;
      }
    }
    if (keep === n && tpos < n) {
      // The byte where the end-line had to start has arrived and the end-line is not there.
      this.emit(data, pos, tpos);
      this.cutOverrun();
      return tpos;
    }
    this.emit(data, pos, keep);
    if (keep < n) this.hold(data, keep, n);
    return this.checkBodyCap(n);
  }

  /**
   * A candidate line that is content: anything in a body bounded by a numeric Byte-Range except
   * a valid start line (the bound stops the body anyway; a start line is only content when the
   * end-line is verified, which the caller does first); only NONE in an unbounded body.
   */
  private isContent(kind: number): boolean {
    if (kind === LINE_NONE) return true;
    return this.bodyLimit !== Infinity && kind !== LINE_START && kind !== LINE_MORE && kind !== LINE_OWN_END;
  }

  /**
   * RFC 4975 section 7.1: the end-line is a body's only delimiter, so a start line (or, in a body
   * without a numeric range-end, another transaction's end-line) can be content. But a body
   * whose end-line is damaged would then swallow the next requests of the connection, other
   * sessions' included (RFC 4975 section 8.1, RFC 4976): an unverified body ends before such a
   * line, which is framed as what it is.
   */
  private cutAtBoundary(kind: number): void {
    const line = kind === LINE_START || kind === LINE_START_LIKE ? 'start' : kind === LINE_OWN_DAMAGED ? 'damaged_end' : 'end';
    this.anomalies?.report('msrp.frame_boundary_in_body', this.curFrameNo, `line=${line} body=${this.bodyBytes}`);
    this.finish(null, 'boundary_in_body');
  }

  private cutOverrun(): void {
    this.anomalies?.report('msrp.body_overrun', this.curFrameNo, `body=${this.bodyBytes} declared=${this.bodyLimit}`);
    this.finish(null, 'body_overrun');
  }

  private hold(data: Uint8Array, from: number, to: number): void {
    this.held.set(data.subarray(from, to), 0);
    this.heldLen = to - from;
    this.heldVirtual = 0;
  }

  /** Body bytes `b[from, to)`: to the body and the raw sinks. */
  private emit(b: Uint8Array, from: number, to: number): void {
    if (to <= from) return;
    this.bodyBytes += to - from;
    const piece = b.subarray(from, to);
    this.sink.onBody?.(piece);
    this.frameBytes += to - from;
    this.sink.onRaw?.(piece);
  }

  private rawOut(data: Uint8Array, from: number, to: number): void {
    if (to <= from) return;
    this.frameBytes += to - from;
    this.sink.onRaw?.(data.subarray(from, to));
  }

  /** Cuts the frame when its body passed the cap without an end-line. */
  private checkBodyCap(pos: number): number {
    if (this.bodyBytes + this.heldLen - this.heldVirtual > this.maxBodyBytes) {
      this.anomalies?.report('msrp.body_too_large', this.curFrameNo, `bytes=${this.bodyBytes} cap=${this.maxBodyBytes}`);
      this.finish(null, 'body_too_large');
      this.atLineStart = false;
    }
    return pos;
  }
}
