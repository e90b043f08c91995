/**
 * `msrptap verify`, check "framing" (issue 12): every X3 payload must be exactly one MSRP request
 * of one of the LIID's sessions, judged from the delivered bytes alone. It re-frames each payload
 * with its own small reader of RFC 4975 section 7.1 (not the tap's framer, so a framer that
 * swallows the next requests of a shared connection cannot vouch for itself):
 *
 * - the payload starts with a request start line (`MSRP tid METHOD`);
 * - it ends with that transaction's end-line, or it is a cut frame (no end-line at all);
 * - its body is no longer than a numeric Byte-Range allows;
 * - unless the body is verified (its end-line right where a numeric Byte-Range puts it), no line
 *   inside it is a start line, its own end-line, or (without a numeric range-end) another
 *   transaction's end-line: such a payload holds more than one request;
 * - the session-id of the last URI of its To-Path or From-Path (the endpoints, RFC 4975
 *   section 6) is one of the LIID's sessions' (the audit's, from the SDP a=path).
 *
 * Problems name the rule, never content.
 */
import { latin1 } from '../util/bytes.js';

const IDENT = '[A-Za-z0-9][A-Za-z0-9.\\-+%=]{0,63}';
const REQ_START = new RegExp(`^MSRP (${IDENT}) ([A-Z]+)$`);
const ANY_START = new RegExp(`^MSRP ${IDENT} (?:[A-Z]+|[0-9]{3}(?: .*)?)$`);
const END_LINE = new RegExp(`^-------(${IDENT})[$+#]$`);
const BYTE_RANGE = /^[ \t]*([0-9]{1,15})-([0-9]{1,15}|\*)\/([0-9]{1,15}|\*)[ \t]*$/;

/** Session-id of the last URI of a path header value (`msrp://host:port/sid;tcp`), or null. */
function lastSessionId(path: string | undefined): string | null {
  if (path === undefined) return null;
  const uris = path.trim().split(/\s+/);
  const m = /^msrps?:\/\/[^/]*\/([^;?\s]+)/i.exec(uris[uris.length - 1] ?? '');
  return m === null ? null : m[1]!;
}

/** The lines of `text` after each CRLF, with their offsets (the first line is at 0 when `atStart`). */
function* linesAfterCrlf(text: string, atStart: boolean): Generator<string> {
  if (atStart) yield text.slice(0, text.indexOf('\r\n') < 0 ? text.length : text.indexOf('\r\n'));
  let i = text.indexOf('\r\n');
  while (i >= 0) {
    const next = text.indexOf('\r\n', i + 2);
    yield text.slice(i + 2, next < 0 ? text.length : next);
    i = next;
  }
}

/**
 * Why `payload` is not exactly one MSRP request of a session whose endpoint session-ids are
 * `sessionIds`, or null when it is.
 */
export function msrpFramingProblem(payload: Uint8Array, sessionIds: ReadonlySet<string>): string | null {
  // latin1 is a 1:1 byte mapping: offsets in the string are offsets in the payload.
  const text = latin1(payload);
  const firstEnd = text.indexOf('\r\n');
  const start = REQ_START.exec(firstEnd < 0 ? text : text.slice(0, firstEnd));
  if (firstEnd < 0 || start === null) return 'does not start with an MSRP request start line';
  const tid = start[1]!;
  const own = `-------${tid}`;

  // Head: header lines up to the blank line (a body follows) or to this request's end-line.
  const headers = new Map<string, string>();
  let pos = firstEnd + 2;
  let bodyStart = -1;
  let complete = false;
  for (;;) {
    const e = text.indexOf('\r\n', pos);
    if (e < 0) break; // cut inside the head
    const line = text.slice(pos, e);
    if (line === '') {
      bodyStart = e + 2;
      break;
    }
    if (line.startsWith(own) && line.length === own.length + 1 && '$+#'.includes(line[line.length - 1]!)) {
      if (e + 2 !== text.length) return 'bytes follow its end-line';
      complete = true;
      break;
    }
    if (ANY_START.test(line)) return 'another start line inside its headers';
    const colon = line.indexOf(':');
    if (colon > 0) {
      const name = line.slice(0, colon).toLowerCase();
      if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
    }
    pos = e + 2;
  }

  if (bodyStart >= 0) {
    // A complete body is followed by CRLF and its end-line: "...data" CRLF "-------tid" flag CRLF.
    // (The CRLF may be the blank line's when the body is empty.)
    const tail = text.length - (own.length + 3);
    complete = tail >= bodyStart && text.endsWith('\r\n') && text.startsWith(own, tail) && '$+#'.includes(text[tail + own.length]!) && text.slice(tail - 2, tail) === '\r\n';
    const bodyEnd = complete ? Math.max(bodyStart, tail - 2) : text.length;
    const body = text.slice(bodyStart, bodyEnd);
    const range = BYTE_RANGE.exec(headers.get('byte-range') ?? '');
    const declared = range !== null && range[2] !== '*' ? Number(range[2]) - Number(range[1]) + 1 : null;
    if (declared !== null && body.length > declared) return `body of ${body.length} bytes is longer than its Byte-Range (${declared})`;
    const verified = complete && declared !== null && body.length === declared;
    if (!verified) {
      for (const line of linesAfterCrlf(body, true)) {
        if (ANY_START.test(line)) return 'a start line inside its body (more than one request)';
        const m = END_LINE.exec(line);
        if (m !== null && (m[1] === tid || declared === null)) return m[1] === tid ? 'bytes follow its end-line' : "another transaction's end-line inside its body";
      }
    }
  }
  const to = lastSessionId(headers.get('to-path'));
  const from = lastSessionId(headers.get('from-path'));
  if ((to === null || !sessionIds.has(to)) && (from === null || !sessionIds.has(from))) return 'its To-Path and From-Path name no session of this LIID';
  return null;
}
