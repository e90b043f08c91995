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
 *         multipart/* (RFC 2046 5.1.1)              delimiter lines, part headers (4 KiB a part),
 *                                                   the SDP part's body, nested multiparts' bodies
 *                                                   (64 KiB each): ./multipart-excerpt.ts
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
import { ESSENTIAL_HEADER_KEYS } from './header-names.js';
import { contentEnd, headerKey, isWsp, lfIn } from './line-scan.js';
import { MultipartExcerpt, type ExcerptBody } from './multipart-excerpt.js';
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

/**
 * Collects one oversized message. Call {@link feed} with the bytes from the message's first
 * byte on until {@link done}; {@link skip} for bytes the capture lost inside the body.
 */
export class SipExcerptCollector implements ExcerptBody {
  private readonly out = new ByteWriter(4096);
  private phase = HEAD;
  private firstLine = true;
  /** Inside a header line too long to look at: skipped to its LF. */
  private inLine = false;
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
  /** The body scanner when the body is multipart; else `plainLeft` bytes are still kept. */
  private multipart: MultipartExcerpt | null = null;
  private plainLeft = 0;
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
    // The bytes after the gap are not kept: they may not belong where they would land.
    this.multipart?.lost();
    this.plainLeft = 0;
    if (this.bodyLeft === 0) this.phase = DONE;
    return k;
  }

  private append(d: Uint8Array, p: number, e: number): void {
    if (e <= p) return;
    this.out.bytes(d.subarray(p, e));
    this.lastKept = d[e - 1]!;
  }

  private feedHead(d: Uint8Array, pos: number, end: number): number {
    while (pos < end) {
      if (this.inLine) {
        const lf = lfIn(d, pos, end);
        pos = lf < 0 ? end : lf + 1;
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
        continue;
      }
      const e = contentEnd(d, pos, lf);
      if (this.firstLine) {
        this.firstLine = false;
        this.append(d, pos, lf + 1);
      } else if (e === pos) {
        // RFC 3261 7: the empty line ends the header section.
        this.append(d, pos, lf + 1);
        pos = lf + 1;
        this.startBody();
        return pos;
      } else if (isWsp(d[pos])) {
        // RFC 3261 7.3.1 continuation: belongs to the field above.
        if (this.keepField && this.out.length + (lf + 1 - pos) <= EXCERPT_LIMITS.head + EXCERPT_LIMITS.essential) this.append(d, pos, lf + 1);
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
    } else if (h !== null && ESSENTIAL_HEADER_KEYS.has(h.key) && e - h.colon - 1 <= SIP_PAST_CAP.maxValueBytes && (this.pastCounts.get(h.key) ?? 0) < SIP_PAST_CAP.maxPerKey && this.essentialBytes + (next - p) <= EXCERPT_LIMITS.essential) {
      this.pastCounts.set(h.key, (this.pastCounts.get(h.key) ?? 0) + 1);
      this.essentialBytes += next - p;
      this.keepField = true;
    } else {
      this.droppedFields++;
      this.keepField = false;
    }
    if (this.keepField) this.append(d, p, next);
  }

  private startBody(): void {
    if (this.droppedFields > 0) this.sink.report('sip.too_many_headers', this.frameNo(), `dropped=${this.droppedFields} excerpt=1`);
    this.bodyLeft = this.contentLength > 0 ? this.contentLength : 0;
    this.phase = this.bodyLeft > 0 ? BODY : DONE;
    const ct = this.contentType;
    const boundary = ct?.type === 'multipart' ? ct.params.get('boundary') : undefined;
    // RFC 2046 5.1.1: boundary := 1 to 70 characters.
    if (boundary !== undefined && boundary !== null && boundary.length > 0 && boundary.length <= 70) {
      this.multipart = new MultipartExcerpt(boundary, this, { part: EXCERPT_LIMITS.part, partHeaders: EXCERPT_LIMITS.partHeaders, line: this.lineLimit });
    } else {
      this.plainLeft = EXCERPT_LIMITS.part;
    }
  }

  private feedBody(d: Uint8Array, pos: number, end: number): number {
    const limit = Math.min(end, pos + this.bodyLeft);
    const start = pos;
    if (this.multipart !== null) pos = this.multipart.lines(d, pos, limit, limit - pos === this.bodyLeft);
    else {
      this.plainLeft -= this.keep(d, pos, limit, this.plainLeft);
      pos = limit;
    }
    this.bodyLeft -= pos - start;
    if (this.bodyLeft === 0) this.phase = DONE;
    return pos;
  }

  /** ExcerptBody: body bytes, within the body budget. */
  keep(d: Uint8Array, p: number, e: number, max: number): number {
    const n = Math.min(e - p, max, EXCERPT_LIMITS.body - this.bodyKept);
    if (n <= 0) return 0;
    this.append(d, p, p + n);
    this.bodyKept += n;
    return n;
  }

  /** ExcerptBody: a CRLF when the excerpt's last line is open. */
  endLine(): void {
    if (this.lastKept === 0x0a || this.bodyKept + 2 > EXCERPT_LIMITS.body) return;
    this.out.bytes(CRLF);
    this.lastKept = 0x0a;
    this.bodyKept += 2;
  }
}

const CRLF = new Uint8Array([0x0d, 0x0a]);
