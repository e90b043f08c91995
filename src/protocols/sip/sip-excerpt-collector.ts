/**
 * The excerpt of a SIP message too large to buffer (RFC 3261 18.3 stream framing): the
 * {@link SipStreamFramer} hands it the message's bytes as they come and it keeps, in wire
 * order, what interception needs, never more than {@link EXCERPT_LIMITS} bytes:
 *
 * ```
 *  start line                                       always
 *  header lines                                     the first 256 fields within 64 KiB, then only
 *                                                   the essential ones (SIP_PAST_CAP: From, To,
 *                                                   PAI, Call-ID, CSeq, Via, Contact, Content-*...)
 *                                                   within 64 KiB more
 *  CRLF
 *  body   application/sdp                           its first 64 KiB
 *         multipart/* (RFC 2046 5.1.1)              every delimiter line, part headers (4 KiB a
 *                                                   part), the bodies of application/sdp and
 *                                                   nested multipart parts (64 KiB each)
 *         anything else                             its first 64 KiB
 * ```
 *
 * Kept body bytes are at most 128 KiB in all, so an excerpt is at most 256 KiB. The excerpt is itself a well-formed message (the
 * Content-Length line is the original one: the parser is told the bytes are framed), so the
 * ordinary parser and findSdp read it. Bytes are copied as they are consumed: nothing beyond
 * one line of at most 64 KiB waits in the framer's buffer, whatever the message's size.
 */
import type { AnomalySink } from '../../core/anomaly.js';
import { ByteWriter, latin1 } from '../../util/bytes.js';
import { parseContentType, type ContentType } from './content-type.js';
import { canonicalHeaderKey, ESSENTIAL_HEADER_KEYS } from './header-names.js';
import { MAX_SIP_HEADER_FIELDS, SIP_PAST_CAP } from './parse-sip-message.js';

/** The bounds of an excerpt (bytes). */
export const EXCERPT_LIMITS = {
  /** Start line and header lines kept in wire order before only essential ones are. */
  head: 64 * 1024,
  /** Essential header lines kept past that (SIP_PAST_CAP also bounds their number and length). */
  essential: 64 * 1024,
  /** Longest line looked at (and at most the framer's cap); a longer one is skipped without being buffered. */
  line: 64 * 1024,
  /** Kept of an SDP body or part, of a nested multipart part, or of any other body. */
  part: 64 * 1024,
  /** Header lines kept per multipart part (its Content-Type is kept past this). */
  partHeaders: 4 * 1024,
  /** Body bytes kept in all. */
  body: 128 * 1024,
} as const;

const HEAD = 0;
const BODY = 1;
const DONE = 2;

// Multipart states (RFC 2046 5.1.1).
const PREAMBLE = 0;
const PART_HEADERS = 1;
const PART_BODY = 2;
const EPILOGUE = 3;

/** Longest delimiter line recognised: "--" + 70-char boundary + "--" + some padding + CRLF. */
const MAX_DELIMITER_LINE = 256;

function isWsp(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09;
}

/** Offset of the first LF in `d[from, to)`, or -1; never looks past `to` (stale buffer bytes). */
function lfIn(d: Uint8Array, from: number, to: number): number {
  if (to === d.length) return d.indexOf(0x0a, from);
  const i = d.subarray(from, to).indexOf(0x0a);
  return i < 0 ? -1 : from + i;
}

/** `name` and lookup key of a header line `d[p, e)`, or null when it is not `token *WSP ":"`. */
function headerKey(d: Uint8Array, p: number, e: number): { key: string; colon: number } | null {
  let q = p;
  while (q < e && d[q] !== 0x3a && !isWsp(d[q]) && d[q] !== 0x0d) q++;
  const nameEnd = q;
  while (q < e && isWsp(d[q])) q++;
  if (nameEnd === p || q >= e || d[q] !== 0x3a) return null;
  return { key: canonicalHeaderKey(latin1(d, p, nameEnd)), colon: q };
}

/** End of a line's content: before its LF and an optional CR. */
function contentEnd(d: Uint8Array, p: number, lf: number): number {
  return lf > p && d[lf - 1] === 0x0d ? lf - 1 : lf;
}

/**
 * Collects one oversized message. Call {@link feed} with the bytes from the message's first
 * byte on until {@link done}; {@link skip} for bytes the capture lost inside the body.
 */
export class SipExcerptCollector {
  private readonly out = new ByteWriter(4096);
  private phase = HEAD;
  private firstLine = true;
  /** Inside a line that is skipped or copied without being looked at again (`keepLine`). */
  private inLine = false;
  private keepLine = false;
  /** The current header field is kept (its continuation lines follow it). */
  private keepField = false;
  private headFields = 0;
  private readonly pastCounts = new Map<string, number>();
  private essentialBytes = 0;
  /** Header fields not kept (reported as `sip.too_many_headers`). */
  droppedFields = 0;
  private contentLength = -1;
  private contentType: ContentType | null = null;
  private bodyLeft = 0;
  private bodyKept = 0;
  /** Bytes of the message consumed by feed() so far, kept or not (lost bytes are not). */
  consumed = 0;
  // Body
  private multipart = false;
  private delimiter: Uint8Array | null = null;
  private partState = PREAMBLE;
  private partType: ContentType | null = null;
  private partHeaderBytes = 0;
  /** Bytes still kept of the current (non-multipart) body or part body. */
  private keepLeft = 0;
  private sdpParts = 0;
  /** Last byte written to the excerpt. */
  private lastKept = 0;

  private readonly lineLimit: number;
  /**
   * Bytes of the line the previous feed() stopped at that were already searched for its LF: the
   * next call resumes there, so a line arriving in tiny segments costs linear, not quadratic, work.
   */
  private searched = 0;

  /**
   * @param maxLine the framer's cap: no line longer than this (nor than EXCERPT_LIMITS.line)
   *   is left waiting in its buffer.
   * @param frameNo the frame being consumed, for anomalies.
   */
  constructor(
    private readonly sink: AnomalySink,
    maxLine: number,
    private readonly frameNo: () => number,
  ) {
    this.lineLimit = Math.min(EXCERPT_LIMITS.line, maxLine);
  }

  /** True once the header section and Content-Length bytes of body were consumed. */
  get done(): boolean {
    return this.phase === DONE;
  }

  /** True once the header section was consumed (the excerpt has the message's headers). */
  get headersComplete(): boolean {
    return this.phase !== HEAD;
  }

  /** Body bytes not yet consumed. */
  get bodyRemaining(): number {
    return this.phase === BODY ? this.bodyLeft : 0;
  }

  /** The excerpt (a copy) so far: complete when {@link done}. */
  excerpt(): Uint8Array {
    return this.out.finish();
  }

  /**
   * Consumes `d[pos, end)` from where the previous call stopped; returns the offset up to
   * which bytes were consumed. Stops early only at a line it must see whole (a header or
   * delimiter line shorter than the line limit): the caller keeps the rest and calls again
   * with it and more bytes.
   */
  feed(d: Uint8Array, pos: number, end: number): number {
    const from = pos;
    if (this.phase === HEAD) pos = this.feedHead(d, pos, end);
    if (this.phase === BODY) pos = this.feedBody(d, pos, end);
    this.consumed += pos - from;
    return pos;
  }

  /** `n` body bytes were lost (a capture gap); returns how many of them were in this message's body. */
  skip(n: number): number {
    if (this.phase !== BODY) return 0;
    const k = Math.min(n, this.bodyLeft);
    this.bodyLeft -= k;
    // The line the gap fell in is unknown: skip to its end.
    this.searched = 0;
    this.inLine = true;
    this.keepLine = false;
    this.keepLeft = 0;
    if (this.bodyLeft === 0) this.phase = DONE;
    return k;
  }

  private keep(d: Uint8Array, p: number, e: number): void {
    if (e <= p) return;
    this.out.bytes(d.subarray(p, e));
    this.lastKept = d[e - 1]!;
  }

  private feedHead(d: Uint8Array, pos: number, end: number): number {
    while (pos < end) {
      if (this.inLine) {
        const lf = lfIn(d, pos, end);
        const stop = lf < 0 ? end : lf + 1;
        if (this.keepLine) this.keep(d, pos, stop);
        pos = stop;
        if (lf >= 0) this.inLine = false;
        continue;
      }
      const lf = lfIn(d, pos + this.searched, end);
      this.searched = 0;
      if (lf < 0) {
        if (end - pos <= this.lineLimit) {
          this.searched = end - pos;
          break; // wait for the whole line
        }
        // Too long to look at: not kept; a continuation line keeps no field either.
        if (!isWsp(d[pos])) this.droppedFields++;
        this.keepField = false;
        this.inLine = true;
        this.keepLine = false;
        continue;
      }
      const e = contentEnd(d, pos, lf);
      if (this.firstLine) {
        this.firstLine = false;
        this.keep(d, pos, lf + 1);
      } else if (e === pos) {
        // RFC 3261 7: the empty line ends the header section.
        this.keep(d, pos, lf + 1);
        pos = lf + 1;
        this.startBody();
        return pos;
      } else if (isWsp(d[pos])) {
        // RFC 3261 7.3.1 continuation: belongs to the field above.
        if (this.keepField && this.out.length + (lf + 1 - pos) <= EXCERPT_LIMITS.head + EXCERPT_LIMITS.essential) this.keep(d, pos, lf + 1);
        else this.keepField = false;
      } else {
        this.headerLine(d, pos, e, lf + 1);
      }
      pos = lf + 1;
    }
    return pos;
  }

  private headerLine(d: Uint8Array, p: number, e: number, next: number): void {
    const h = headerKey(d, p, e);
    if (h !== null && h.key === 'content-length' && this.contentLength === -1) {
      // As the framer (./frame-sip-message.ts): the first Content-Length frames the message.
      const v = latin1(d, h.colon + 1, e).trim();
      this.contentLength = /^[0-9]{1,10}$/.test(v) ? Number(v) : -2;
    }
    if (h !== null && h.key === 'content-type' && this.contentType === null) this.contentType = parseContentType(latin1(d, h.colon + 1, e).trim());
    if (this.headFields < MAX_SIP_HEADER_FIELDS && this.out.length + (next - p) <= EXCERPT_LIMITS.head) {
      this.headFields++;
      this.keepField = true;
    } else if (
      h !== null &&
      ESSENTIAL_HEADER_KEYS.has(h.key) &&
      e - h.colon - 1 <= SIP_PAST_CAP.maxValueBytes &&
      (this.pastCounts.get(h.key) ?? 0) < SIP_PAST_CAP.maxPerKey &&
      this.essentialBytes + (next - p) <= EXCERPT_LIMITS.essential
    ) {
      this.pastCounts.set(h.key, (this.pastCounts.get(h.key) ?? 0) + 1);
      this.essentialBytes += next - p;
      this.keepField = true;
    } else {
      this.droppedFields++;
      this.keepField = false;
    }
    if (this.keepField) this.keep(d, p, next);
  }

  private startBody(): void {
    if (this.droppedFields > 0) this.sink.report('sip.too_many_headers', this.frameNo(), `dropped=${this.droppedFields} excerpt=1`);
    this.bodyLeft = this.contentLength > 0 ? this.contentLength : 0;
    this.phase = this.bodyLeft > 0 ? BODY : DONE;
    const ct = this.contentType;
    const boundary = ct?.type === 'multipart' ? ct.params.get('boundary') : undefined;
    if (boundary !== undefined && boundary !== null && boundary.length > 0 && boundary.length <= 70) {
      this.multipart = true;
      this.delimiter = Buffer.from(`--${boundary}`, 'latin1');
      this.partState = PREAMBLE;
    } else {
      this.keepLeft = EXCERPT_LIMITS.part;
    }
  }

  private feedBody(d: Uint8Array, pos: number, end: number): number {
    const limit = Math.min(end, pos + this.bodyLeft);
    const start = pos;
    pos = this.multipart ? this.multipartLines(d, pos, limit, limit - pos === this.bodyLeft) : this.plain(d, pos, limit);
    this.bodyLeft -= pos - start;
    if (this.bodyLeft === 0) this.phase = DONE;
    return pos;
  }

  private keepBody(d: Uint8Array, p: number, e: number): void {
    const n = Math.min(e - p, this.keepLeft, EXCERPT_LIMITS.body - this.bodyKept);
    if (n <= 0) return;
    this.keep(d, p, p + n);
    this.keepLeft -= n;
    this.bodyKept += n;
  }

  private plain(d: Uint8Array, pos: number, limit: number): number {
    this.keepBody(d, pos, limit);
    return limit;
  }

  /**
   * Multipart body lines in `d[pos, limit)`; `last` says the message ends at `limit` (a partial
   * line there is complete). Delimiters are "--boundary" at a line start (RFC 2046 5.1.1).
   */
  private multipartLines(d: Uint8Array, pos: number, limit: number, last: boolean): number {
    const delim = this.delimiter!;
    while (pos < limit) {
      if (this.inLine) {
        const lf = lfIn(d, pos, limit);
        const stop = lf < 0 ? limit : lf + 1;
        if (this.keepLine) this.keepBody(d, pos, stop);
        pos = stop;
        if (lf >= 0) this.inLine = false;
        continue;
      }
      const lf = lfIn(d, pos + this.searched, limit);
      this.searched = 0;
      const lineEnd = lf < 0 ? limit : lf + 1;
      const avail = lineEnd - pos;
      // A partial line that may still become a delimiter line waits for more bytes.
      if (lf < 0 && !last && avail < MAX_DELIMITER_LINE && prefixOf(d, pos, limit, delim)) {
        this.searched = avail;
        break;
      }
      if ((lf >= 0 || last) && avail <= MAX_DELIMITER_LINE && isDelimiterLine(d, pos, lineEnd, delim)) {
        this.delimiterLine(d, pos, lineEnd);
        pos = lineEnd;
        continue;
      }
      const next = this.partLine(d, pos, lf, lineEnd, limit, last);
      if (next === pos) break; // a part header line waits for more bytes
      pos = next;
    }
    return pos;
  }

  private delimiterLine(d: Uint8Array, p: number, next: number): void {
    const n = this.delimiter!.length;
    const close = d[p + n] === 0x2d && d[p + n + 1] === 0x2d;
    // A kept part cut by its cap: the delimiter must still start a line of the excerpt.
    if (this.lastKept !== 0x0a && this.bodyKept + 2 <= EXCERPT_LIMITS.body) {
      this.out.bytes(CRLF);
      this.lastKept = 0x0a;
      this.bodyKept += 2;
    }
    this.keepLeft = next - p;
    this.keepBody(d, p, next);
    this.partState = close ? EPILOGUE : PART_HEADERS;
    this.partType = null;
    this.partHeaderBytes = 0;
    this.keepLeft = 0;
  }

  /** A line of the preamble, epilogue, part headers or part body; returns the next offset. */
  private partLine(d: Uint8Array, pos: number, lf: number, lineEnd: number, limit: number, last: boolean): number {
    if (this.partState === PREAMBLE || this.partState === EPILOGUE) {
      this.inLine = lf < 0;
      this.keepLine = false;
      return lineEnd;
    }
    if (this.partState === PART_HEADERS) {
      if (lf < 0 && !last) {
        if (limit - pos < Math.min(EXCERPT_LIMITS.partHeaders, this.lineLimit)) {
          this.searched = limit - pos;
          return pos; // wait for the whole header line
        }
        this.inLine = true;
        this.keepLine = false;
        return lineEnd;
      }
      const e = lf < 0 ? lineEnd : contentEnd(d, pos, lf);
      if (e === pos) {
        // The empty line: the part's body follows. Keep the SDP, and nested multiparts for findSdp.
        this.keepLeft = lineEnd - pos;
        this.keepBody(d, pos, lineEnd);
        this.partState = PART_BODY;
        const t = this.partType;
        const wanted = t !== null && ((t.mediaType === 'application/sdp' && this.sdpParts++ === 0) || t.type === 'multipart');
        this.keepLeft = wanted ? EXCERPT_LIMITS.part : 0;
        return lineEnd;
      }
      const h = headerKey(d, pos, e);
      const isType = h !== null && h.key === 'content-type' && this.partType === null;
      if (isType) this.partType = parseContentType(latin1(d, h.colon + 1, e).trim());
      if (isType || this.partHeaderBytes + (lineEnd - pos) <= EXCERPT_LIMITS.partHeaders) {
        this.partHeaderBytes += lineEnd - pos;
        this.keepLeft = lineEnd - pos;
        this.keepBody(d, pos, lineEnd);
        this.keepLeft = 0;
      }
      return lineEnd;
    }
    // PART_BODY: a line that is no delimiter.
    this.keepLine = this.keepLeft > 0;
    if (this.keepLine) this.keepBody(d, pos, lineEnd);
    this.inLine = lf < 0;
    return lineEnd;
  }
}

const CRLF = new Uint8Array([0x0d, 0x0a]);

/** `d[p, e)` and `pat` agree on their common length. */
function prefixOf(d: Uint8Array, p: number, e: number, pat: Uint8Array): boolean {
  const n = Math.min(e - p, pat.length);
  for (let i = 0; i < n; i++) if (d[p + i] !== pat[i]) return false;
  return true;
}

/**
 * RFC 2046 5.1.1: `d[p, e)` (a whole line) is "--boundary" then "--" (close), or transport
 * padding (white space) and the line end; "--boundaryX" is body text.
 */
function isDelimiterLine(d: Uint8Array, p: number, e: number, delim: Uint8Array): boolean {
  if (e - p < delim.length) return false;
  for (let i = 0; i < delim.length; i++) if (d[p + i] !== delim[i]) return false;
  let q = p + delim.length;
  if (d[q] === 0x2d && d[q + 1] === 0x2d && q + 1 < e) return true;
  while (q < e && (isWsp(d[q]) || d[q] === 0x0d || d[q] === 0x0a)) q++;
  return q === e;
}
