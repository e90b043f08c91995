/**
 * Streaming MSRP framer over one direction of a reassembled TCP byte stream (RFC 4975 sections 7
 * and 9):
 *
 *   msrp-request  = req-start headers [content-stuff] end-line
 *   msrp-response = resp-start headers end-line
 *   req-start     = "MSRP" SP transact-id SP method CRLF
 *   resp-start    = "MSRP" SP transact-id SP status-code [SP comment] CRLF
 *   content-stuff = *(Other-Mime-header CRLF) Content-Type 1*(Other-Mime-header CRLF) CRLF data CRLF
 *   end-line      = "-------" transact-id continuation-flag CRLF
 *
 * Memory is bounded whatever the body size: the head (start line + headers) is buffered up to a
 * cap, the body is streamed as views of the pushed data, and only one candidate line (at most
 * MAX_BODY_LINE bytes) is held back when a push ends inside it.
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
 * Resynchronisation: after garbage, a bad start line or a gap, the framer skips to the next
 * line that starts with "MSRP " (a gap position counts as a line start) and reports the bytes
 * skipped.
 */
import type { AnomalySink } from '../../core/anomaly.js';
import { latin1 } from '../../util/bytes.js';
import { MSRP_METHODS, type MsrpEndFlag, type MsrpFrameEndReason, type MsrpFrameHead, type MsrpFrameSink } from './msrp-frame.js';
import { parseMsrpHeaderLines, type MsrpHeaders } from './msrp-headers.js';
import { parseMsrpStartLine as parseStartLine } from './parse-msrp-start-line.js';
import { classifyBodyLine, classifyStartAnywhere, LINE_MORE, LINE_NONE, LINE_OWN_DAMAGED, LINE_OWN_END, LINE_START, LINE_START_LIKE, lineKind, lineLength, MAX_BODY_LINE } from './classify-body-line.js';

/** Limits. Defaults suit real traffic; tests lower them. */
export interface MsrpFramerOptions {
  /** Cap on start line + headers, bytes (default 64 KiB). Beyond it: `msrp.headers_too_large`. */
  readonly maxHeaderBytes?: number;
  /** Cap on one frame's body, bytes (default 64 MiB). Beyond it: `msrp.body_too_large`. */
  readonly maxBodyBytes?: number;
  /**
   * The stream is joined in the middle (capture started after the TCP handshake): leading bytes
   * before the first start line are expected and not reported as garbage.
   */
  readonly midStream?: boolean;
}

/** Counters for the audit report. */
export interface MsrpFramerStats {
  /** Frames that ended with an end-line. */
  framesComplete: number;
  /** Frames cut by a gap, the end of the stream or the body cap. */
  framesCut: number;
  /** Heads dropped before they were emitted (bad start line, header cap, gap inside the head). */
  headsDropped: number;
  /** Bytes skipped while resynchronising. */
  bytesSkipped: number;
  /** Bytes pushed. */
  bytesIn: number;
}

const ST_SYNC = 0;
const ST_HEAD = 1;
const ST_BODY = 2;

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const DOLLAR = 0x24;
const PLUS = 0x2b;
const HASH = 0x23;
/** "MSRP " */
const MAGIC = Uint8Array.of(0x4d, 0x53, 0x52, 0x50, 0x20);
const INITIAL_HEAD = 1024;
/** A head buffer grown past this is dropped after the frame, so idle streams stay small. */
const SHRINK_ABOVE = 8192;

const NO_BYTES = new Uint8Array(0);
/** The two lines a body scan stops at (./classify-body-line.ts). */
const END_NEEDLE = Buffer.from('\r\n-------', 'latin1');
const START_NEEDLE = Buffer.from('\r\nMSRP ', 'latin1');

function isFlag(b: number): boolean {
  return b === DOLLAR || b === PLUS || b === HASH;
}

/** Headers a frame must carry, in report order (bits 0..4), and their lower-case forms. */
const REQUIRED_HEADERS = ['To-Path', 'From-Path', 'Message-ID', 'Status', 'Use-Nickname'] as const;
const REQUIRED_LOWER = REQUIRED_HEADERS.map((n) => n.toLowerCase());
/** To-Path and From-Path: every request and response (RFC 4975 section 7.1.1). */
const REQUIRED_ALWAYS = 0b11;

/** `s` equals the lower-case ASCII `lower`, ignoring ASCII case, without allocating. */
function equalsIgnoreAsciiCase(s: string, lower: string): boolean {
  if (s.length !== lower.length) return false;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

const bufferIndexOf = Buffer.prototype.indexOf;
const MAGIC_BUF = Buffer.from('MSRP ', 'latin1');

/**
 * Next start-line candidate at or after `c` in an unbounded body: the CR of CR LF "MSRP " (a
 * line candidate), or the "M" of an "MSRP " not preceded by CR LF; -1 if none.
 */
function nextStartAnywhere(data: Uint8Array, c: number): number {
  for (let m = bufferIndexOf.call(data, MAGIC_BUF, c); m >= 0; m = bufferIndexOf.call(data, MAGIC_BUF, m + 1)) {
    if (m >= 2 && data[m - 2] === CR && data[m - 1] === LF) {
      if (m - 2 >= c) return m - 2;
      continue; // that line candidate was already classified
    }
    return m;
  }
  return -1;
}

/** First index of `needle` in `hay` at or after `from`, -1 if none (native search). */
function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number): number {
  return bufferIndexOf.call(hay, needle, from);
}

/**
 * Frames one direction of an MSRP stream. Not re-entrant: call `push`/`gap`/`end` from one place.
 * Sink callbacks run synchronously inside those calls.
 */
export class MsrpFramer {
  readonly stats: MsrpFramerStats = { framesComplete: 0, framesCut: 0, headsDropped: 0, bytesSkipped: 0, bytesIn: 0 };

  private readonly maxHeaderBytes: number;
  private readonly maxBodyBytes: number;

  private state = ST_SYNC;
  // --- SYNC ---
  private atLineStart = true;
  private afterGap: boolean;
  private syncMatched = 0;
  private skipped = 0;
  // --- HEAD ---
  /** Allocated at the first frame (most directions that get a framer never carry one). */
  private headBuf: Uint8Array = NO_BYTES;
  private headLen = 0;
  private lineStart = 0;
  private startParsed = false;
  private headerLines: string[] = [];
  private bareLfReported = false;
  private kind: 'request' | 'response' = 'request';
  private method: string | null = null;
  private statusCode: number | null = null;
  private comment: string | null = null;
  private tid = '';
  // --- BODY ---
  /** Candidate line held from the previous push (see classify-body-line.ts), and the stitch buffer. */
  private held: Uint8Array = NO_BYTES;
  private scratch: Uint8Array = NO_BYTES;
  /** Most body bytes the Byte-Range allows (Infinity: range-end "*" or no Byte-Range). */
  private bodyLimit = Infinity;
  private ownNeedleBuf: Buffer = END_NEEDLE;
  private ownNeedleTid = '';
  private tidNeedle: Buffer = END_NEEDLE;
  private tidNeedleTid = '';
  private heldLen = 0;
  /** Leading bytes of `held` that are the blank line, not body. */
  private heldVirtual = 0;
  private bodyBytes = 0;
  // --- frame ---
  private frameBytes = 0;
  private firstFrameNo = 0;
  private firstTsSec = 0;
  private firstTsNsec = 0;
  // --- current push ---
  private curFrameNo = 0;
  private curTsSec = 0;
  private curTsNsec = 0;

  /**
   * @param sink receives frames (see {@link MsrpFrameSink} for view lifetimes).
   * @param anomalies receives `msrp.*` framing anomalies.
   */
  constructor(
    private readonly sink: MsrpFrameSink,
    private readonly anomalies?: AnomalySink,
    options: MsrpFramerOptions = {},
  ) {
    this.maxHeaderBytes = options.maxHeaderBytes ?? 64 * 1024;
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
    this.afterGap = options.midStream ?? false;
  }

  /**
   * Feeds the next in-order bytes of the stream.
   *
   * @param data bytes; only read during the call (pieces handed to the sink alias it).
   * @param frameNo capture frame that carried the last of these bytes.
   */
  push(data: Uint8Array, frameNo: number, tsSec: number, tsNsec: number): void {
    this.curFrameNo = frameNo;
    this.curTsSec = tsSec;
    this.curTsNsec = tsNsec;
    this.stats.bytesIn += data.length;
    this.run(data);
  }

  /** Runs the state machine over `data` (a push, or held bytes handed to the next frame). */
  private run(data: Uint8Array): void {
    const n = data.length;
    let pos = 0;
    while (pos < n) {
      if (this.state === ST_SYNC) pos = this.sync(data, pos);
      else if (this.state === ST_HEAD) pos = this.head(data, pos);
      else pos = this.body(data, pos);
    }
  }

  /**
   * Reports `length` bytes lost at this point of the stream (a TCP gap; 0: bytes seen in two
   * different versions, see StreamConsumer.conflict). A frame in progress is lost: its head is
   * dropped, or its body ends with `flag: null`; the framer then resynchronises.
   */
  gap(length: number, frameNo: number, tsSec: number, tsNsec: number): void {
    this.curFrameNo = frameNo;
    this.curTsSec = tsSec;
    this.curTsNsec = tsNsec;
    if (this.state === ST_HEAD) {
      this.anomalies?.report('msrp.frame_lost_in_gap', frameNo, `received=${this.headLen} gap=${length}`);
      this.stats.headsDropped++;
      this.resetHead();
    } else if (this.state === ST_BODY) {
      this.anomalies?.report('msrp.frame_lost_in_gap', frameNo, `received=${this.frameBytes} gap=${length}`);
      this.finish(null, 'gap');
    } else {
      this.skipped += this.syncMatched;
      this.syncMatched = 0;
      this.flushSkipped();
    }
    this.state = ST_SYNC;
    this.atLineStart = true;
    this.afterGap = true;
  }

  /** The stream ended: a frame in progress is reported truncated and ended with `flag: null`. */
  end(): void {
    if (this.state === ST_HEAD) {
      this.anomalies?.report('msrp.truncated_frame', this.curFrameNo, `received=${this.headLen}`);
      this.stats.headsDropped++;
      this.resetHead();
    } else if (this.state === ST_BODY) {
      this.anomalies?.report('msrp.truncated_frame', this.curFrameNo, `received=${this.frameBytes}`);
      this.finish(null, 'end_of_stream');
    }
    this.skipped += this.syncMatched;
    this.syncMatched = 0;
    this.flushSkipped();
    this.state = ST_SYNC;
    this.atLineStart = true;
    this.afterGap = false;
    // Nothing is buffered between frames: give the buffers back (a framer may outlive its
    // stream for a while), they are allocated again if bytes ever follow.
    this.headBuf = NO_BYTES;
    this.held = NO_BYTES;
    this.scratch = NO_BYTES;
  }

  /** Bytes of buffers this framer holds (head buffer + end-line tail): bounded by the caps. */
  retainedBytes(): number {
    return this.headBuf.length + this.held.length + this.scratch.length;
  }

  // ------------------------------------------------------------------------------------------
  // SYNC: find "MSRP " at a line start.

  private sync(data: Uint8Array, pos: number): number {
    const n = data.length;
    while (pos < n) {
      if (this.atLineStart) {
        let k = this.syncMatched;
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
          if (this.headBuf.length === 0) this.headBuf = new Uint8Array(INITIAL_HEAD);
          this.headBuf.set(MAGIC, 0);
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

  private markFirst(): void {
    this.firstFrameNo = this.curFrameNo;
    this.firstTsSec = this.curTsSec;
    this.firstTsNsec = this.curTsNsec;
  }

  private flushSkipped(): void {
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

  private head(data: Uint8Array, pos: number): number {
    const n = data.length;
    while (pos < n && this.state === ST_HEAD) {
      const lf = data.indexOf(LF, pos);
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
      this.appendHead(data, pos, end);
      pos = end;
      if (lf < 0) break;
      this.completeLine();
    }
    return pos;
  }

  private appendHead(data: Uint8Array, from: number, to: number): void {
    const need = this.headLen + (to - from);
    if (need > this.headBuf.length) {
      let cap = Math.max(INITIAL_HEAD, this.headBuf.length * 2);
      while (cap < need) cap *= 2;
      const next = new Uint8Array(Math.min(cap, Math.max(need, this.maxHeaderBytes)));
      next.set(this.headBuf.subarray(0, this.headLen));
      this.headBuf = next;
    }
    this.headBuf.set(data.subarray(from, to), this.headLen);
    this.headLen = need;
  }

  /** Handles the line that ends at headBuf[headLen - 1] (an LF). */
  private completeLine(): void {
    const b = this.headBuf;
    const ls = this.lineStart;
    let le = this.headLen - 1;
    if (le > ls && b[le - 1] === CR) le--;
    else if (!this.bareLfReported) {
      this.bareLfReported = true;
      this.anomalies?.report('msrp.bare_lf', this.curFrameNo);
    }
    this.lineStart = this.headLen;

    if (!this.startParsed) {
      if (!this.parseStartLine(latin1(b, ls, le))) {
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
      this.enterBody(this.emitHead(true));
      return;
    }
    const flag = this.endLineFlag(b, ls, le);
    if (flag !== null) {
      // Bodiless frame: the end-line follows the headers directly.
      this.emitHead(false);
      this.finish(flag, 'end_line');
      return;
    }
    if (this.isDamagedEndLine(b, ls, le)) {
      // This bodiless frame's end-line, damaged (e.g. its CR LF lost and the next start line glued
      // to it): the frame ends before it, cut, rather than take the next frame's lines as headers.
      this.headLen = ls;
      this.emitHead(false);
      this.anomalies?.report('msrp.frame_boundary_in_body', this.curFrameNo, `line=damaged_end body=0`);
      this.finish(null, 'boundary_in_body');
      return;
    }
    if (le - ls > MAGIC.length && b[ls] === MAGIC[0] && b[ls + 1] === MAGIC[1] && b[ls + 2] === MAGIC[2] && b[ls + 3] === MAGIC[3] && b[ls + 4] === MAGIC[4]) {
      const text = latin1(b, ls, le);
      if (parseStartLine(text) !== null) {
        // The previous head never ended: it was cut (e.g. by a sender reset) or we misparsed.
        this.anomalies?.report('msrp.unterminated_frame', this.curFrameNo, `dropped=${ls}`);
        this.stats.headsDropped++;
        this.stats.bytesSkipped += ls;
        const line = b.slice(ls, this.headLen);
        this.resetHead();
        this.appendHead(line, 0, line.length);
        this.lineStart = line.length;
        this.markFirst();
        this.parseStartLine(text);
        return;
      }
    }
    this.headerLines.push(latin1(b, ls, le));
  }

  /** Parses a start line into the frame fields; false when it is not one. */
  private parseStartLine(text: string): boolean {
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

  /** The flag when headBuf[ls, le) is "-------" + tid + flag, else null. */
  private endLineFlag(b: Uint8Array, ls: number, le: number): MsrpEndFlag | null {
    const tid = this.tid;
    if (le - ls !== 8 + tid.length) return null;
    for (let i = 0; i < 7; i++) if (b[ls + i] !== DASH) return null;
    for (let i = 0; i < tid.length; i++) if (b[ls + 7 + i] !== tid.charCodeAt(i)) return null;
    const f = b[le - 1]!;
    return isFlag(f) ? (String.fromCharCode(f) as MsrpEndFlag) : null;
  }

  /**
   * headBuf[ls, le) is this transaction's end-line, damaged: it starts "-------" + tid but is not
   * an end-line (see classify-body-line.ts, OWN_DAMAGED), or it ends with tid + flag after 7
   * bytes of which at least 4 are dashes (bytes inserted before it, or its dashes damaged).
   */
  private isDamagedEndLine(b: Uint8Array, ls: number, le: number): boolean {
    const tid = this.tid;
    const tl = tid.length;
    if (le - ls >= 8 + tl && isFlag(b[le - 1]!)) {
      let same = true;
      for (let i = 0; i < tl; i++) {
        if (b[le - 1 - tl + i] !== tid.charCodeAt(i)) {
          same = false;
          break;
        }
      }
      let dashes = 0;
      for (let i = le - 8 - tl; i < le - 1 - tl; i++) if (b[i] === DASH) dashes++;
      if (same && dashes >= 4) return true;
    }
    if (le - ls < 7 + tid.length) return false;
    for (let i = 0; i < 7; i++) if (b[ls + i] !== DASH) return false;
    for (let i = 0; i < tid.length; i++) if (b[ls + 7 + i] !== tid.charCodeAt(i)) return false;
    // Our id then an ident-char (not "+"): another, longer id.
    const next = ls + 7 + tid.length < le ? b[ls + 7 + tid.length]! : -1;
    return next === -1 || next === PLUS || !/[A-Za-z0-9.\-%=]/.test(String.fromCharCode(next));
  }

  private emitHead(hasBody: boolean): MsrpHeaders {
    const fno = this.firstFrameNo;
    const headers = parseMsrpHeaderLines(this.headerLines, this.anomalies, fno);
    this.checkRequired(headers, fno);
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
    this.sink.onRaw?.(this.headBuf.subarray(0, this.headLen));
    return headers;
  }

  /**
   * RFC 4975 sections 7.1.1, 7.1.2, 7.2; RFC 4976 section 5; RFC 7701 section 5. One pass over
   * the header names, compared without allocating (this runs for every frame).
   */
  private checkRequired(h: MsrpHeaders, fno: number): void {
    const a = this.anomalies;
    if (a === undefined) return;
    const m = this.method;
    let want = REQUIRED_ALWAYS;
    if (m === 'SEND' || m === 'REPORT') want |= 1 << 2;
    if (m === 'REPORT') want |= 1 << 3;
    if (m === 'NICKNAME') want |= 1 << 4;
    let seen = 0;
    for (const f of h.all) {
      for (let i = 0; i < REQUIRED_HEADERS.length; i++) if (equalsIgnoreAsciiCase(f.name, REQUIRED_LOWER[i]!)) seen |= 1 << i;
    }
    const missing = want & ~seen;
    if (missing === 0) return;
    for (let i = 0; i < REQUIRED_HEADERS.length; i++) if (missing & (1 << i)) a.report('msrp.missing_header', fno, `${m ?? 'response'} ${REQUIRED_HEADERS[i]}`);
  }

  private resetHead(): void {
    this.headLen = 0;
    this.lineStart = 0;
    this.startParsed = false;
    this.headerLines = [];
    this.bareLfReported = false;
    if (this.headBuf.length > SHRINK_ABOVE) this.headBuf = new Uint8Array(INITIAL_HEAD);
  }

  // ------------------------------------------------------------------------------------------
  // BODY: stream bytes until CR LF "-------" tid flag CR LF, within the Byte-Range bound.

  private enterBody(headers: MsrpHeaders): void {
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

  private body(data: Uint8Array, pos: number): number {
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

  /** CR LF "-------" tid, built once per frame and only when a bounded body has to be searched. */
  private ownNeedle(): Buffer {
    if (this.ownNeedleTid !== this.tid) {
      this.ownNeedleBuf = Buffer.from(`\r\n-------${this.tid}`, 'latin1');
      this.ownNeedleTid = this.tid;
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

  // ------------------------------------------------------------------------------------------

  private finish(flag: MsrpEndFlag | null, reason: MsrpFrameEndReason): void {
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
