/**
 * The start of every MSRP frame, for MsrpFramer (./msrp-framer.ts; ./msrp-framer-body.ts adds the body
 * states; the fields all states share are in ./msrp-framer-state.ts): resynchronisation (SYNC:
 * "MSRP " at a line start) and the head (HEAD: start line and headers up to the blank line or
 * the end-line, RFC 4975 section 7.1), then the frame's end. Split from the body scanner along the state machine's seam; one object
 * at run time (the subclass), so the per-byte paths pay nothing for the split.
 *
 *   req-start  = "MSRP" SP transact-id SP method CRLF
 *   resp-start = "MSRP" SP transact-id SP status-code [SP comment] CRLF
 */
import { MAX_BODY_LINE } from './classify-body-line.js';
import { MSRP_METHODS, type MsrpEndFlag, type MsrpFrameEndReason, type MsrpFrameHead } from './msrp-frame.js';
import { CR, endLineFlag, isDamagedEndLine, LF, MAGIC } from './msrp-end-line.js';
import { MsrpFramerState, NO_BYTES, ST_BODY, ST_HEAD, ST_SYNC } from './msrp-framer-state.js';
import type { MsrpHeaders } from './msrp-headers.js';
import { parseMsrpHeaderBlock } from './parse-msrp-header-block.js';
import { parseMsrpStartLine as parseStartLine } from './parse-msrp-start-line.js';

const INITIAL_HEAD = 1024;
/** A head buffer grown past this is dropped after the frame, so idle streams stay small. */
const SHRINK_ABOVE = 8192;

/**
 * ISO-8859-1 text of `b[start, end)` for any Uint8Array (Buffer's native decoder, called on the
 * array itself: no Buffer made per call). Node has had it on Buffer.prototype since v0.x.
 */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }).latin1Slice;
const bufferIndexOf = Buffer.prototype.indexOf;

/**
 * The framer's SYNC and HEAD states over {@link MsrpFramerState}; MsrpFramerBody adds the
 * body. Not re-entrant (see there).
 */
export abstract class MsrpFramerHead extends MsrpFramerState {
  // ------------------------------------------------------------------------------------------
  // SYNC: find "MSRP " at a line start.

  protected sync(data: Uint8Array, pos: number): number {
    const n = data.length;
    while (pos < n) {
      if (this.atLineStart) {
        const k0 = this.syncMatched;
        let k = k0;
        let p = pos;
        while (k < MAGIC.length && p < n && data[p] === MAGIC[k]) {
          if (k === 0) this.markFirst();
          k++;
          p++;
        }
        if (k === MAGIC.length) {
          this.syncMatched = 0;
          this.flushSkipped();
          this.afterGap = false;
          this.state = ST_HEAD;
          if (k0 === 0 && p < n) {
            // "MSRP " is in this push, and more: the head is read where it is.
            this.hb = data;
            this.hbase = p - MAGIC.length;
          } else {
            if (this.headBuf.length === 0) this.allocHead(INITIAL_HEAD);
            this.headBuf.set(MAGIC, 0);
            this.hb = this.headBuf;
            this.hbase = 0;
          }
          this.headLen = MAGIC.length;
          this.lineStart = 0;
          return p;
        }
        if (p === n) {
          // All bytes so far match a prefix of "MSRP ": wait for more.
          this.syncMatched = k;
          return n;
        }
        // Mismatch: the partial match was garbage; look for the next line.
        this.skipped += k;
        this.syncMatched = 0;
        this.atLineStart = false;
        pos = p;
      }
      const lf = data.indexOf(LF, pos);
      if (lf < 0) {
        this.skipped += n - pos;
        return n;
      }
      this.skipped += lf + 1 - pos;
      pos = lf + 1;
      this.atLineStart = true;
    }
    return pos;
  }

  protected markFirst(): void {
    this.firstFrameNo = this.curFrameNo;
    this.firstTsSec = this.curTsSec;
    this.firstTsNsec = this.curTsNsec;
  }

  protected flushSkipped(): void {
    if (this.skipped === 0) return;
    const skippedBytes = this.skipped;
    this.stats.bytesSkipped += skippedBytes;
    this.skipped = 0;
    // Skipping after a gap (or when joining mid-stream) is expected; the gap was reported.
    if (!this.afterGap) this.anomalies?.report('msrp.garbage_skipped', this.curFrameNo, `bytes=${skippedBytes}`);
    this.sink.onResync?.({ skippedBytes, afterGap: this.afterGap, frameNo: this.curFrameNo });
  }

  // ------------------------------------------------------------------------------------------
  // HEAD: buffer lines up to the blank line or the end-line.

  protected head(data: Uint8Array, pos: number): number {
    const n = data.length;
    while (pos < n && this.state === ST_HEAD) {
      const lf: number = bufferIndexOf.call(data, LF, pos);
      const end = lf < 0 ? n : lf + 1;
      if (this.headLen + (end - pos) > this.maxHeaderBytes) {
        this.anomalies?.report('msrp.headers_too_large', this.curFrameNo, `bytes=${this.headLen + (end - pos)} cap=${this.maxHeaderBytes}`);
        this.stats.headsDropped++;
        this.skipped += this.headLen + (end - pos);
        this.resetHead();
        this.state = ST_SYNC;
        this.atLineStart = lf >= 0;
        this.afterGap = false;
        return end;
      }
      if (this.hb === data) this.headLen += end - pos;
      else this.appendHead(data, pos, end);
      pos = end;
      if (lf < 0) break;
      this.completeLine();
    }
    if (this.state === ST_HEAD && this.hb === data) {
      // The push ends inside a head read in place: keep what there is of it.
      const from = this.hbase;
      const len = this.headLen;
      this.headLen = 0;
      this.appendHead(data, from, from + len);
    }
    return pos;
  }

  protected appendHead(data: Uint8Array, from: number, to: number): void {
    const need = this.headLen + (to - from);
    if (need > this.headBuf.length) {
      let cap = Math.max(INITIAL_HEAD, this.headBuf.length * 2);
      while (cap < need) cap *= 2;
      const old = this.headBuf;
      this.allocHead(Math.min(cap, Math.max(need, this.maxHeaderBytes)));
      this.headBuf.set(old.subarray(0, this.headLen));
    }
    this.headBuf.set(data.subarray(from, to), this.headLen);
    this.headLen = need;
    this.hb = this.headBuf;
    this.hbase = 0;
  }

  /** Gives the head buffer back (./msrp-framer.ts, at the end of the stream). */
  protected releaseHead(): void {
    this.headBuf = NO_BYTES;
    this.hb = NO_BYTES;
  }

  private allocHead(size: number): void {
    this.headBuf = new Uint8Array(size);
  }

  /** Handles the line that ends at hb[hbase + headLen - 1] (an LF). */
  protected completeLine(): void {
    const b = this.hb;
    const base = this.hbase;
    const ls = base + this.lineStart;
    let le = base + this.headLen - 1;
    if (le > ls && b[le - 1] === CR) le--;
    else if (!this.bareLfReported) {
      this.bareLfReported = true;
      this.anomalies?.report('msrp.bare_lf', this.curFrameNo);
    }
    this.lineStart = this.headLen;

    if (!this.startParsed) {
      this.headersStart = this.headLen;
      if (!this.parseStartLine(latin1Slice.call(b, ls, le))) {
        this.anomalies?.report('msrp.bad_start_line', this.curFrameNo, `length=${le - ls}`);
        this.stats.headsDropped++;
        this.skipped += this.headLen;
        this.resetHead();
        this.state = ST_SYNC;
        this.atLineStart = true;
      }
      return;
    }
    if (le === ls) {
      // Blank line: the body follows (content-stuff).
      if (this.kind === 'response') this.anomalies?.report('msrp.response_with_body', this.firstFrameNo);
      this.enterBody(this.emitHead(true, ls - base));
      return;
    }
    const flag = endLineFlag(b, ls, le, this.tid);
    if (flag !== null) {
      // Bodiless frame: the end-line follows the headers directly.
      this.emitHead(false, ls - base);
      this.finish(flag, 'end_line');
      return;
    }
    if (isDamagedEndLine(b, ls, le, this.tid)) {
      // This bodiless frame's end-line, damaged (e.g. its CR LF lost and the next start line glued
      // to it): the frame ends before it, cut, rather than take the next frame's lines as headers.
      this.headLen = ls - base;
      this.emitHead(false, ls - base);
      this.anomalies?.report('msrp.frame_boundary_in_body', this.curFrameNo, `line=damaged_end body=0`);
      this.finish(null, 'boundary_in_body');
      return;
    }
    if (le - ls > MAGIC.length && b[ls] === MAGIC[0] && b[ls + 1] === MAGIC[1] && b[ls + 2] === MAGIC[2] && b[ls + 3] === MAGIC[3] && b[ls + 4] === MAGIC[4]) {
      const text: string = latin1Slice.call(b, ls, le);
      if (parseStartLine(text) !== null) {
        // The previous head never ended: it was cut (e.g. by a sender reset) or we misparsed.
        const dropped = ls - base;
        this.anomalies?.report('msrp.unterminated_frame', this.curFrameNo, `dropped=${dropped}`);
        this.stats.headsDropped++;
        this.stats.bytesSkipped += dropped;
        const lineLen = this.headLen - dropped;
        if (b === this.headBuf) {
          const line = b.slice(ls, base + this.headLen);
          this.resetHead();
          this.appendHead(line, 0, line.length);
        } else {
          // The head is read in the push: it now starts at this line.
          this.resetHead();
          this.hb = b;
          this.hbase = ls;
          this.headLen = lineLen;
        }
        this.lineStart = lineLen;
        this.markFirst();
        this.headersStart = this.headLen;
        this.parseStartLine(text);
        return;
      }
    }
    // A header line: it stays in headBuf, parsed with the others when the head ends.
  }

  /** Parses a start line into the frame fields; false when it is not one. */
  protected parseStartLine(text: string): boolean {
    const sl = parseStartLine(text);
    if (sl === null) return false;
    const tid = sl.tid;
    // ident is ALPHANUM 3*31ident-char (RFC 4975 section 9): 4..32 characters.
    if (tid.length < 4 || tid.length > 32) this.anomalies?.report('msrp.bad_transaction_id', this.curFrameNo, `length=${tid.length}`);
    this.tid = tid;
    this.kind = sl.kind;
    this.method = sl.method;
    this.statusCode = sl.statusCode;
    this.comment = sl.comment;
    if (sl.method !== null && !(MSRP_METHODS as readonly string[]).includes(sl.method)) {
      this.anomalies?.report('msrp.unknown_method', this.curFrameNo, `length=${sl.method.length}`);
    }
    this.startParsed = true;
    return true;
  }

  /** Emits the head whose header lines end at headBuf[blockEnd] (the blank line or end-line). */
  protected emitHead(hasBody: boolean, blockEnd: number): MsrpHeaders {
    const fno = this.firstFrameNo;
    const hb = this.hb;
    const base = this.hbase;
    this.headerBlock = blockEnd > this.headersStart ? latin1Slice.call(hb, base + this.headersStart, base + blockEnd) : '';
    const headers = parseMsrpHeaderBlock(this.headerBlock, hb, base + this.headersStart, this.anomalies, fno, this.headScratch);
    if (this.anomalies !== undefined) this.headScratch.reportMissing(this.anomalies, this.method, fno);
    const head: MsrpFrameHead = {
      kind: this.kind,
      transactionId: this.tid,
      method: this.method,
      statusCode: this.statusCode,
      comment: this.comment,
      headers,
      hasBody,
      headLength: this.headLen,
      frameNo: fno,
      tsSec: this.firstTsSec,
      tsNsec: this.firstTsNsec,
    };
    this.frameBytes = this.headLen;
    this.sink.onFrameStart(head);
    // A plain Uint8Array whatever the push is (a sink copies it with slice(), which a Buffer would alias).
    this.sink.onRaw?.(new Uint8Array(hb.buffer, hb.byteOffset + base, this.headLen));
    // The head is parsed: the push it was read in is not held.
    this.hb = this.headBuf;
    this.hbase = 0;
    return headers;
  }

  protected resetHead(): void {
    this.headLen = 0;
    this.lineStart = 0;
    this.startParsed = false;
    this.headersStart = 0;
    this.headerBlock = '';
    this.bareLfReported = false;
    if (this.headBuf.length > SHRINK_ABOVE) this.allocHead(INITIAL_HEAD);
    this.hb = this.headBuf;
    this.hbase = 0;
  }

  // ------------------------------------------------------------------------------------------
  // BODY entry (the body states are in ./msrp-framer-body.ts).

  protected enterBody(headers: MsrpHeaders): void {
    this.state = ST_BODY;
    if (this.held.length === 0) {
      this.held = new Uint8Array(MAX_BODY_LINE);
      this.scratch = new Uint8Array(2 * MAX_BODY_LINE);
    }
    this.held[0] = CR;
    this.held[1] = LF;
    this.heldLen = 2;
    this.heldVirtual = 2;
    this.bodyBytes = 0;
    // RFC 4975 sections 7.1 and 9: a numeric range-end says how many bytes the chunk carries
    // (end - start + 1); a sender that interrupts the chunk ends it earlier with "+", never later.
    const br = headers.byteRange;
    this.bodyLimit = br !== null && br.end !== '*' ? br.end - br.start + 1 : Infinity;
  }

  // ------------------------------------------------------------------------------------------

  protected finish(flag: MsrpEndFlag | null, reason: MsrpFrameEndReason): void {
    if (flag === null) this.stats.framesCut++;
    else this.stats.framesComplete++;
    const frameLength = this.state === ST_HEAD ? this.headLen : this.frameBytes;
    this.sink.onFrameEnd({
      flag,
      reason,
      bodyLength: this.bodyBytes,
      frameLength,
      firstFrameNo: this.firstFrameNo,
      firstTsSec: this.firstTsSec,
      firstTsNsec: this.firstTsNsec,
      lastFrameNo: this.curFrameNo,
      lastTsSec: this.curTsSec,
      lastTsNsec: this.curTsNsec,
    });
    this.resetHead();
    this.heldLen = 0;
    this.heldVirtual = 0;
    this.bodyBytes = 0;
    this.frameBytes = 0;
    this.state = ST_SYNC;
    this.atLineStart = true;
    this.afterGap = false;
  }
}
