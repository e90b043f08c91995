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
 * cap, the body is streamed as views of the pushed data, and only a tail shorter than one
 * end-line is held back to find an end-line split across pushes.
 *
 * Body scanning. RFC 4975 section 7.1 makes the end-line the only body delimiter, and only the
 * end-line of THIS transaction, preceded by CRLF, counts: a body may contain `-------other$`.
 * The framer therefore searches for the terminator
 *
 *   T = CR LF "-------" transact-id flag CR LF        (length L = tid.length + 12)
 *
 * `held` is always a proper prefix of T (the bytes at the end of the last push that may start
 * one). At body start it holds the blank line's CR LF, flagged as not being body bytes, so an
 * empty body (`CRLF` + end-line right after the blank line) needs no special case:
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
import { isMsrpIdent, parseMsrpHeaderLines, type MsrpHeaders } from './msrp-headers.js';

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
/** Transaction ids are at most 64 characters here, so T is at most 76 bytes. */
const MAX_TID = 64;

const NO_BYTES = new Uint8Array(0);
const NO_NEEDLE = Buffer.alloc(0);

const START_LINE = /^MSRP ([^ ]+) (?:([A-Z]+)|([0-9]{3})(?: (.*))?)$/;

/** A parsed start line, before the frame fields are set. */
interface StartLine {
  readonly tid: string;
  readonly kind: 'request' | 'response';
  readonly method: string | null;
  readonly statusCode: number | null;
  readonly comment: string | null;
}

/** `MSRP tid METHOD` or `MSRP tid code [comment]` (line without CRLF), or null. */
function parseStartLine(text: string): StartLine | null {
  const m = START_LINE.exec(text);
  if (m === null || !isMsrpIdent(m[1]!)) return null;
  if (m[2] !== undefined) return { tid: m[1]!, kind: 'request', method: m[2], statusCode: null, comment: null };
  const comment = m[4] === undefined || m[4] === '' ? null : m[4];
  return { tid: m[1]!, kind: 'response', method: null, statusCode: Number(m[3]), comment };
}

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
  /** CR LF "-------" tid: the fixed prefix P of the terminator T. */
  private needle: Buffer = NO_NEEDLE;
  private held: Uint8Array = NO_BYTES;
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
    const n = data.length;
    let pos = 0;
    while (pos < n) {
      if (this.state === ST_SYNC) pos = this.sync(data, pos);
      else if (this.state === ST_HEAD) pos = this.head(data, pos);
      else pos = this.body(data, pos);
    }
  }

  /**
   * Reports `length` bytes lost at this point of the stream (a TCP gap). A frame in progress is
   * lost: its head is dropped, or its body ends with `flag: null`; the framer then resynchronises.
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
    this.needle = NO_NEEDLE;
  }

  /** Bytes of buffers this framer holds (head buffer + end-line tail): bounded by the caps. */
  retainedBytes(): number {
    return this.headBuf.length + this.held.length + this.needle.length;
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
      this.emitHead(true);
      this.enterBody();
      return;
    }
    const flag = this.endLineFlag(b, ls, le);
    if (flag !== null) {
      // Bodiless frame: the end-line follows the headers directly.
      this.emitHead(false);
      this.finish(flag, 'end_line');
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

  private emitHead(hasBody: boolean): void {
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
  // BODY: stream bytes until CR LF "-------" tid flag CR LF.

  private enterBody(): void {
    this.state = ST_BODY;
    this.needle = Buffer.from(`\r\n-------${this.tid}`, 'latin1');
    if (this.held.length === 0) this.held = new Uint8Array(MAX_TID + 12);
    this.held[0] = CR;
    this.held[1] = LF;
    this.heldLen = 2;
    this.heldVirtual = 2;
    this.bodyBytes = 0;
  }

  /** Expected byte at position k of T (flag position accepts any flag). */
  private matchesT(k: number, b: number): boolean {
    const p = this.needle.length;
    if (k < p) return this.needle[k] === b;
    if (k === p) return isFlag(b);
    return k === p + 1 ? b === CR : b === LF;
  }

  private body(data: Uint8Array, pos: number): number {
    const n = data.length;
    const rawFrom = pos;
    const P = this.needle;
    const L = P.length + 3;

    // 1. Continue a terminator candidate held from the previous push.
    while (this.heldLen > 0 && pos < n) {
      let k = this.heldLen;
      let p = pos;
      while (k < L && p < n && this.matchesT(k, data[p]!)) {
        this.held[k++] = data[p++]!;
      }
      if (k === L) {
        this.rawOut(data, rawFrom, p);
        this.heldLen = 0;
        this.finish(String.fromCharCode(this.held[P.length]!) as MsrpEndFlag, 'end_line');
        return p;
      }
      pos = p;
      if (p === n) {
        this.heldLen = k;
        break;
      }
      // Mismatch: held[0..k) does not start a terminator at held[0]. The only later byte of a
      // T-prefix that can start another candidate is a CR (T has CRs at 0 and L-2 only).
      let r = 1;
      while (r < k && this.held[r] !== CR) r++;
      if (r > this.heldVirtual) this.bodyOut(this.held.subarray(this.heldVirtual, r));
      this.held.copyWithin(0, r, k);
      this.heldLen = k - r;
      this.heldVirtual = 0;
    }
    if (pos >= n) {
      this.rawOut(data, rawFrom, n);
      return this.checkBodyCap(n);
    }

    // 2. Search the rest of this push (Buffer's native search works on any Uint8Array: no
    // Buffer wrapper per push).
    const bodyFrom = pos;
    let s = pos;
    for (;;) {
      const j = indexOfBytes(data, P, s);
      if (j < 0) break;
      let k = P.length;
      let p = j + k;
      while (k < L && p < n && this.matchesT(k, data[p]!)) {
        k++;
        p++;
      }
      if (k === L) {
        this.bodyOut(data.subarray(bodyFrom, j));
        this.rawOut(data, rawFrom, p);
        this.finish(String.fromCharCode(data[j + P.length]!) as MsrpEndFlag, 'end_line');
        return p;
      }
      if (p === n) {
        // A terminator may continue in the next push: hold it.
        this.bodyOut(data.subarray(bodyFrom, j));
        this.hold(data, j, n);
        this.rawOut(data, rawFrom, n);
        return this.checkBodyCap(n);
      }
      s = j + 1; // a look-alike (wrong flag, longer id sharing our prefix, no CRLF)
    }
    // 3. No terminator: hold back a tail that is a proper prefix of P, if any.
    let keep = n;
    for (let c = Math.max(bodyFrom, n - P.length + 1); c < n; c++) {
      if (data[c] !== CR) continue;
      let ok = true;
      for (let i = c + 1; i < n; i++) {
        if (data[i] !== P[i - c]) {
          ok = false;
          break;
        }
      }
      if (ok) {
        keep = c;
        break;
      }
    }
    this.bodyOut(data.subarray(bodyFrom, keep));
    if (keep < n) this.hold(data, keep, n);
    this.rawOut(data, rawFrom, n);
    return this.checkBodyCap(n);
  }

  private hold(data: Uint8Array, from: number, to: number): void {
    this.held.set(data.subarray(from, to), 0);
    this.heldLen = to - from;
    this.heldVirtual = 0;
  }

  private bodyOut(piece: Uint8Array): void {
    if (piece.length === 0) return;
    this.bodyBytes += piece.length;
    this.sink.onBody?.(piece);
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
