/**
 * The multipart body (RFC 2046 5.1.1, as SIP carries it: RFC 5621) of a message too large to
 * buffer, scanned line by line as it goes by (./sip-excerpt-collector.ts): every delimiter
 * line, the part headers (EXCERPT_LIMITS.partHeaders a part, its Content-Type always) and the
 * bodies of the first application/sdp part and of nested multipart parts (for findSdp, up to
 * EXCERPT_LIMITS.part each) are kept, so the excerpt is itself a multipart body whose SDP part
 * findSdp finds. Other part bodies are skipped without being buffered.
 *
 * ```
 * preamble  --bnd CRLF  headers CRLF  body CRLF --bnd CRLF  headers CRLF  body CRLF --bnd-- epilogue
 *           [kept]      [kept]        [SDP: kept] [kept]    [kept]        [skipped]  [kept]
 * ```
 */
import { latin1 } from '../../util/bytes.js';
import { parseContentType, type ContentType } from './content-type.js';
import { contentEnd, headerKey, isWsp, lfIn } from './line-scan.js';

/** Where kept bytes go: the excerpt's body, within its budget. */
export interface ExcerptBody {
  /** Keeps at most `max` bytes of `d[p, e)` (and the budget); returns how many were kept. */
  keep(d: Uint8Array, p: number, e: number, max: number): number;
  /** Ends the excerpt's last line if it does not end in LF (a part cut by its cap). */
  endLine(): void;
}

/** Bounds of the multipart excerpt (bytes). */
export interface MultipartLimits {
  /** Kept of an SDP or nested multipart part body. */
  readonly part: number;
  /** Header lines kept per part (its Content-Type is kept past this). */
  readonly partHeaders: number;
  /** Longest partial line left waiting in the caller's buffer. */
  readonly line: number;
}

const PREAMBLE = 0;
const PART_HEADERS = 1;
const PART_BODY = 2;
const EPILOGUE = 3;

/** Longest delimiter line recognised: "--" + 70-char boundary + "--" + some padding + CRLF. */
const MAX_DELIMITER_LINE = 256;

export class MultipartExcerpt {
  private readonly delim: Uint8Array;
  private state = PREAMBLE;
  /** Inside a line already classified; `keepLine` says whether its bytes are kept. */
  private inLine = false;
  private keepLine = false;
  /** Bytes of the waiting line already searched for its LF (resumed, not searched again). */
  private searched = 0;
  private partType: ContentType | null = null;
  private partHeaderBytes = 0;
  /** Bytes still kept of the current part body. */
  private keepLeft = 0;
  private sdpParts = 0;

  /** @param boundary the Content-Type boundary parameter (1 to 70 characters, RFC 2046 5.1.1). */
  constructor(
    boundary: string,
    private readonly out: ExcerptBody,
    private readonly limits: MultipartLimits,
  ) {
    this.delim = Buffer.from(`--${boundary}`, 'latin1');
  }

  /**
   * Body lines in `d[pos, limit)`; `last` says the body ends at `limit` (a partial line there is
   * complete). Returns the offset up to which bytes were consumed: short of `limit` only when a
   * line that may be a delimiter or part header must be seen whole.
   */
  lines(d: Uint8Array, pos: number, limit: number, last: boolean): number {
    while (pos < limit) {
      if (this.inLine) {
        const lf = lfIn(d, pos, limit);
        const stop = lf < 0 ? limit : lf + 1;
        if (this.keepLine) this.keepLeft -= this.out.keep(d, pos, stop, this.keepLeft);
        pos = stop;
        if (lf >= 0) this.inLine = false;
        continue;
      }
      const lf = lfIn(d, pos + this.searched, limit);
      this.searched = 0;
      const lineEnd = lf < 0 ? limit : lf + 1;
      const avail = lineEnd - pos;
      // A partial line that may still become a delimiter line waits for more bytes.
      if (lf < 0 && !last && avail < MAX_DELIMITER_LINE && prefixOf(d, pos, limit, this.delim)) {
        this.searched = avail;
        break;
      }
      if ((lf >= 0 || last) && avail <= MAX_DELIMITER_LINE && isDelimiterLine(d, pos, lineEnd, this.delim)) {
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

  /** Bytes were lost (a capture gap): the line they fell in is unknown, the part is not kept further. */
  lost(): void {
    this.searched = 0;
    this.inLine = true;
    this.keepLine = false;
    this.keepLeft = 0;
  }

  private delimiterLine(d: Uint8Array, p: number, next: number): void {
    const n = this.delim.length;
    const close = d[p + n] === 0x2d && d[p + n + 1] === 0x2d;
    // A kept part cut by its cap: the delimiter must still start a line of the excerpt.
    this.out.endLine();
    this.out.keep(d, p, next, next - p);
    this.state = close ? EPILOGUE : PART_HEADERS;
    this.partType = null;
    this.partHeaderBytes = 0;
    this.keepLeft = 0;
  }

  /** A line of the preamble, epilogue, part headers or part body; returns the next offset. */
  private partLine(d: Uint8Array, pos: number, lf: number, lineEnd: number, limit: number, last: boolean): number {
    if (this.state === PREAMBLE || this.state === EPILOGUE) {
      this.inLine = lf < 0;
      this.keepLine = false;
      return lineEnd;
    }
    if (this.state === PART_HEADERS) {
      if (lf < 0 && !last) {
        if (limit - pos < Math.min(this.limits.partHeaders, this.limits.line)) {
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
        this.out.keep(d, pos, lineEnd, lineEnd - pos);
        this.state = PART_BODY;
        const t = this.partType;
        const wanted = t !== null && ((t.mediaType === 'application/sdp' && this.sdpParts++ === 0) || t.type === 'multipart');
        this.keepLeft = wanted ? this.limits.part : 0;
        return lineEnd;
      }
      const h = headerKey(d, pos, e);
      const isType = h !== null && h.key === 'content-type' && this.partType === null;
      if (isType) this.partType = parseContentType(latin1(d, h.colon + 1, e).trim());
      if (isType || this.partHeaderBytes + (lineEnd - pos) <= this.limits.partHeaders) {
        this.partHeaderBytes += lineEnd - pos;
        this.out.keep(d, pos, lineEnd, lineEnd - pos);
      }
      return lineEnd;
    }
    // PART_BODY: a line that is no delimiter.
    this.keepLine = this.keepLeft > 0;
    if (this.keepLine) this.keepLeft -= this.out.keep(d, pos, lineEnd, this.keepLeft);
    this.inLine = lf < 0;
    return lineEnd;
  }
}

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
