/**
 * Parses one whole SIP message (RFC 3261 7): a UDP datagram payload, or a message that the
 * {@link SipStreamFramer} cut out of a TCP stream.
 *
 * Passive capture must not lose signalling a real UA would have accepted, so the parser is
 * lenient where RFC 3261 lets receivers be (header name case, LWS, folding, compact forms) and
 * also where real stacks are sloppy (bare LF, white space in the start line); each deviation is
 * reported as an anomaly. Only a first line that is no SIP start line drops the message.
 */
import type { AnomalySink } from '../../core/anomaly.js';
import { latin1 } from '../../util/bytes.js';
import { parseContentType } from './content-type.js';
import { parseCSeq } from './cseq.js';
import { parseNameAddr, type NameAddr } from './name-addr.js';
import { ESSENTIAL_HEADER_KEYS } from './header-names.js';
import { parseHeaderFields, type HeaderField, type PastCapRule } from './parse-header-fields.js';
import { SipMessage } from './sip-message.js';
import { splitHeaderValues } from './split-header-values.js';
import { parseStartLine } from './start-line.js';
import { parseVia } from './via.js';

/**
 * Header fields kept per message in wire order; past them only the {@link ESSENTIAL_HEADER_KEYS}
 * are kept (see {@link SIP_PAST_CAP}), the rest is reported as `sip.too_many_headers`.
 */
export const MAX_SIP_HEADER_FIELDS = 256;

/**
 * What is kept past {@link MAX_SIP_HEADER_FIELDS}: the identity, dialog and body headers, at
 * most 8 fields of each (a real message repeats only Via and Record-Route, and lists them in
 * few lines), each value at most 8 KiB (a long P-Asserted-Identity or Via list is under 1 KiB):
 * at most 17 x 8 more fields. The work stays one pass over the header section with one name
 * lookup per line past the cap.
 */
export const SIP_PAST_CAP: PastCapRule = { keys: ESSENTIAL_HEADER_KEYS, maxPerKey: 8, maxValueBytes: 8192 };

/** Options of {@link parseSipMessage}. */
export interface ParseSipOptions {
  /**
   * The bytes are exactly one message already delimited by Content-Length (stream transports,
   * RFC 3261 18.3): the body is everything after the header section and Content-Length is not
   * checked again (the framer reported its problems). Default false: datagram rules.
   */
  readonly framed?: boolean;
  /** The bytes are an excerpt of a larger message ({@link SipMessage.excerpt}). Default false. */
  readonly excerpt?: boolean;
}

const CONTENT_LENGTH_RE = /^[0-9]{1,10}$/;

/**
 * Parses a SIP request or response.
 *
 * Datagram rules (RFC 3261 18.3): leading CRLFs (keep-alives) are skipped; the body is
 * Content-Length bytes, or the rest of the datagram when the header is absent; a Content-Length
 * beyond the datagram is reported (`sip.content_length_mismatch`) and the body truncated to
 * what is there; bytes after the body are reported (`sip.trailing_bytes`) and left out of `raw`.
 *
 * @param bytes one datagram payload (or one framed stream message with `options.framed`).
 * @param sink receives anomaly codes; `frameNo` is attached to them.
 * @returns the message, or null when `bytes` holds only CR/LF (a keep-alive, no anomaly) or the
 *   first line is not a SIP start line (`sip.bad_start_line`).
 * @remarks The message's `raw`, `body` and header offsets alias `bytes`.
 */
export function parseSipMessage(bytes: Uint8Array, sink: AnomalySink, frameNo?: number, options?: ParseSipOptions): SipMessage | null {
  let p = 0;
  while (p < bytes.length && (bytes[p] === 0x0d || bytes[p] === 0x0a)) p++;
  if (p >= bytes.length) return null;
  const buf = p === 0 ? bytes : bytes.subarray(p);

  let lf = buf.indexOf(0x0a);
  let lineEnd = lf < 0 ? buf.length : lf;
  let bareLf = false;
  if (lf >= 0) {
    if (lineEnd > 0 && buf[lineEnd - 1] === 0x0d) lineEnd--;
    else bareLf = true;
  }
  const start = parseStartLine(latin1(buf, 0, lineEnd));
  if (start === null) {
    sink.report('sip.bad_start_line', frameNo, `len=${lineEnd}`);
    return null;
  }
  if (start.lax) sink.report('sip.lax_start_line', frameNo);
  if (start.version !== 'SIP/2.0') sink.report('sip.bad_version', frameNo);
  if (lf < 0) lf = buf.length - 1;

  const hs = parseHeaderFields(buf, lf + 1, buf.length, MAX_SIP_HEADER_FIELDS, SIP_PAST_CAP);
  if (bareLf || hs.bareLf) sink.report('sip.bare_lf', frameNo);
  if (hs.badLines > 0) sink.report('sip.bad_header', frameNo, `lines=${hs.badLines}`);
  if (hs.dropped > 0) sink.report('sip.too_many_headers', frameNo, `dropped=${hs.dropped} kept_past_cap=${hs.keptPastCap}`);
  if (!hs.complete) sink.report('sip.truncated_headers', frameNo);
  const fields = hs.fields;

  // One pass over the fields (issue 13: a find() per header read was most of this function's
  // work): the first field of each dialog-critical key, and Content-Length (RFC 3261 20.14),
  // where several values that differ make the framing ambiguous.
  let contentLength: number | null = null;
  let clSeen = false;
  let callIdField: HeaderField | undefined;
  let cseqField: HeaderField | undefined;
  let fromField: HeaderField | undefined;
  let toField: HeaderField | undefined;
  let viaField: HeaderField | undefined;
  let ctField: HeaderField | undefined;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    switch (f.key) {
      case 'content-length': {
        const ok = CONTENT_LENGTH_RE.test(f.value);
        const n = ok ? Number(f.value) : -1;
        if (!clSeen) {
          clSeen = true;
          if (ok) contentLength = n;
          else sink.report('sip.bad_content_length', frameNo);
        } else if (n !== contentLength) {
          sink.report('sip.bad_content_length', frameNo, 'differing');
        }
        break;
      }
      case 'call-id':
        callIdField ??= f;
        break;
      case 'cseq':
        cseqField ??= f;
        break;
      case 'from':
        fromField ??= f;
        break;
      case 'to':
        toField ??= f;
        break;
      case 'via':
        viaField ??= f;
        break;
      case 'content-type':
        ctField ??= f;
        break;
    }
  }

  const bodyStart = hs.bodyStart;
  const avail = buf.length - bodyStart;
  let bodyLen = avail;
  if (options?.framed !== true && contentLength !== null) {
    if (contentLength > avail) {
      sink.report('sip.content_length_mismatch', frameNo, `declared=${contentLength} available=${avail}`);
    } else {
      bodyLen = contentLength;
      const extra = avail - contentLength;
      if (extra > 0 && !onlyCrLf(buf, bodyStart + contentLength, buf.length)) {
        sink.report('sip.trailing_bytes', frameNo, `bytes=${extra}`);
      }
    }
  }
  const raw = buf.subarray(0, bodyStart + bodyLen);

  // RFC 3261 8.1.1 (in the order to, from, cseq, call-id, via).
  if (toField === undefined) sink.report('sip.missing_header', frameNo, 'to');
  if (fromField === undefined) sink.report('sip.missing_header', frameNo, 'from');
  if (cseqField === undefined) sink.report('sip.missing_header', frameNo, 'cseq');
  if (callIdField === undefined) sink.report('sip.missing_header', frameNo, 'call-id');
  if (viaField === undefined) sink.report('sip.missing_header', frameNo, 'via');

  const callId = callIdField?.value ?? null;
  const cseq = cseqField === undefined ? null : parseCSeq(cseqField.value);
  if (cseqField !== undefined && cseq === null) sink.report('sip.bad_cseq', frameNo);
  if (start.kind === 'request' && cseq !== null && cseq.method !== start.method) {
    sink.report('sip.cseq_method_mismatch', frameNo);
  }
  const from = nameAddrOf(fromField, 'from', sink, frameNo);
  const to = nameAddrOf(toField, 'to', sink, frameNo);
  const topViaText = viaField === undefined ? undefined : splitHeaderValues(viaField.value)[0];
  const topVia = topViaText === undefined ? null : parseVia(topViaText);
  const contentType = ctField === undefined ? null : parseContentType(ctField.value);

  return new SipMessage({
    raw,
    body: raw.subarray(bodyStart),
    bodyOffset: bodyStart,
    method: start.kind === 'request' ? start.method : null,
    requestUri: start.kind === 'request' ? start.requestUri : null,
    statusCode: start.kind === 'response' ? start.statusCode : 0,
    reason: start.kind === 'response' ? start.reason : null,
    version: start.version,
    fields,
    callId,
    cseq,
    from,
    to,
    topVia,
    contentType,
    contentLength,
    frameNo,
    excerpt: options?.excerpt === true,
  });
}

function nameAddrOf(f: HeaderField | undefined, what: string, sink: AnomalySink, frameNo: number | undefined): NameAddr | null {
  if (f === undefined) return null;
  const na = parseNameAddr(f.value);
  if (na === null || na.uri === null) sink.report('sip.bad_name_addr', frameNo, what);
  return na;
}

function onlyCrLf(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0x0d && b[i] !== 0x0a) return false;
  return true;
}
