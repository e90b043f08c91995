/**
 * Multipart bodies (RFC 2046 5.1.1; multipart/mixed and multipart/related, RFC 2387), as SIP
 * carries them (RFC 3261 7.4, RFC 5621): SDP next to resource-lists in an RCS group-chat INVITE,
 * SDP next to ISUP, etc.
 *
 * ```
 * [preamble CRLF] "--" boundary *WSP CRLF  part  CRLF "--" boundary *WSP CRLF  part
 *                 CRLF "--" boundary "--" [epilogue]
 * part = MIME headers CRLF body         (a part without headers starts with the CRLF)
 * ```
 */
import type { AnomalySink } from '../../core/anomaly.js';
import { canonicalHeaderKey } from './header-names.js';
import { parseContentType, type ContentType } from './content-type.js';
import { parseHeaderFields, type HeaderField, type PastCapRule } from './parse-header-fields.js';

/** Parts kept per multipart body; more are ignored. */
export const MAX_MULTIPART_PARTS = 64;
const MAX_PART_HEADERS = 64;
/** Past MAX_PART_HEADERS a part's Content-Type is still read: it says whether the part is the SDP. */
const PART_PAST_CAP: PastCapRule = { keys: new Set(['content-type']), maxPerKey: 1, maxValueBytes: 1024 };

/** One body part. */
export interface MimePart {
  /** The part's MIME header fields (offsets relative to the multipart body). */
  readonly fields: readonly HeaderField[];
  /** Parsed Content-Type; RFC 2046 5.1: absent means text/plain, reported here as null. */
  readonly contentType: ContentType | null;
  /** The part's content (a view into the multipart body). */
  readonly body: Uint8Array;
  /** First value of a header by name (case-insensitive), undefined when absent. */
  header(name: string): string | undefined;
}

function boundaryBytes(boundary: string): Uint8Array {
  return Buffer.from('--' + boundary, 'latin1');
}

/** Index of `pat` in `b` at or after `from`, -1 when absent. */
function indexOfBytes(b: Uint8Array, pat: Uint8Array, from: number): number {
  return Buffer.from(b.buffer, b.byteOffset, b.length).indexOf(pat, from);
}

/**
 * Finds the next delimiter line at or after `from`: `--boundary` at a line start (start of body
 * or after LF), followed by `--` (close) or transport padding and a line end. Returns the
 * delimiter's start, the offset after its line and whether it closes; null when there is none.
 */
function nextDelimiter(b: Uint8Array, pat: Uint8Array, from: number): { at: number; next: number; close: boolean } | null {
  let i = from;
  for (;;) {
    i = indexOfBytes(b, pat, i);
    if (i < 0) return null;
    if (i === 0 || b[i - 1] === 0x0a) {
      let j = i + pat.length;
      if (b[j] === 0x2d && b[j + 1] === 0x2d) return { at: i, next: b.length, close: true };
      while (j < b.length && (b[j] === 0x20 || b[j] === 0x09)) j++;
      if (j < b.length && b[j] === 0x0d) j++;
      if (j >= b.length) return { at: i, next: b.length, close: false };
      if (b[j] === 0x0a) return { at: i, next: j + 1, close: false };
    }
    i++;
  }
}

/**
 * Splits a multipart body into its parts.
 *
 * @param contentType the body's Content-Type (its `boundary` parameter is required).
 * @returns the parts in order, or null when the type is not multipart, the boundary is missing,
 *   or no delimiter is found (`sip.bad_multipart`). A missing close delimiter is reported and
 *   the last part runs to the end of the body.
 * @remarks Part bodies are views into `body`.
 */
export function parseMultipart(body: Uint8Array, contentType: ContentType, sink?: AnomalySink, frameNo?: number): MimePart[] | null {
  if (contentType.type !== 'multipart') return null;
  const boundary = contentType.params.get('boundary');
  // RFC 2046 5.1.1: boundary := 0*69<bchars> bcharsnospace (1 to 70 characters).
  if (boundary === undefined || boundary === null || boundary.length === 0 || boundary.length > 70) {
    sink?.report('sip.bad_multipart', frameNo, 'boundary');
    return null;
  }
  const pat = boundaryBytes(boundary);
  let d = nextDelimiter(body, pat, 0);
  if (d === null) {
    sink?.report('sip.bad_multipart', frameNo, 'no_delimiter');
    return null;
  }
  const parts: MimePart[] = [];
  while (!d.close && parts.length < MAX_MULTIPART_PARTS) {
    const partStart = d.next;
    const nd = nextDelimiter(body, pat, partStart);
    let partEnd: number;
    if (nd === null) {
      sink?.report('sip.bad_multipart', frameNo, 'unterminated');
      partEnd = body.length;
    } else {
      // The CRLF before the delimiter belongs to the delimiter (RFC 2046 5.1.1).
      partEnd = nd.at;
      if (partEnd > partStart && body[partEnd - 1] === 0x0a) partEnd--;
      if (partEnd > partStart && body[partEnd - 1] === 0x0d) partEnd--;
    }
    parts.push(makePart(body, partStart, partEnd));
    if (nd === null) break;
    d = nd;
  }
  return parts;
}

function makePart(body: Uint8Array, start: number, end: number): MimePart {
  const hs = parseHeaderFields(body, start, end, MAX_PART_HEADERS, PART_PAST_CAP);
  const fields = hs.fields;
  const header = (name: string): string | undefined => {
    const key = canonicalHeaderKey(name);
    return fields.find((f) => f.key === key)?.value;
  };
  const ct = header('content-type');
  return {
    fields,
    contentType: ct === undefined ? null : parseContentType(ct),
    body: body.subarray(hs.bodyStart, end),
    header,
  };
}
