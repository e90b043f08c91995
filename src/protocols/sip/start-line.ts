/**
 * SIP start lines (RFC 3261 7.1, 7.2, 25.1):
 *
 * ```
 * Request-Line = Method SP Request-URI SP SIP-Version CRLF
 * Status-Line  = SIP-Version SP Status-Code SP Reason-Phrase CRLF
 * SIP-Version  = "SIP" "/" 1*DIGIT "." 1*DIGIT     (case-insensitive: ABNF literal)
 * ```
 */
import { latin1 } from '../../util/bytes.js';

export type StartLine =
  | { readonly kind: 'request'; readonly method: string; readonly requestUri: string; readonly version: string; readonly lax: boolean }
  | { readonly kind: 'response'; readonly statusCode: number; readonly reason: string; readonly version: string; readonly lax: boolean };

const TOKEN = "[A-Za-z0-9.!%*_+`'~-]+";
const REQUEST_STRICT = new RegExp(`^(${TOKEN}) ([^ \\t]+) (SIP/[0-9]+\\.[0-9]+)$`, 'i');
// A lenient form that passive capture must still understand: RFC 4475 3.1.2.8/3.1.2.9
// (white space in or around the Request-URI), trailing white space.
const REQUEST_LAX = new RegExp(`^(${TOKEN})[ \\t]+(.*?)[ \\t]+(SIP/[0-9]+\\.[0-9]+)[ \\t]*$`, 'i');
// Reason-Phrase may be empty (RFC 4475 3.1.1.13 "SIP/2.0 100 "); some stacks omit the SP too.
const STATUS_STRICT = /^(SIP\/[0-9]+\.[0-9]+) ([1-9][0-9]{2}) (.*)$/i;
const STATUS_LAX = /^(SIP\/[0-9]+\.[0-9]+)[ \t]+([1-9][0-9]{2})(?:[ \t]+(.*))?$/i;

/** Parses a start line (without its line terminator); null when it is neither form. */
export function parseStartLine(line: string): StartLine | null {
  if (line.length >= 4 && (line.charCodeAt(0) | 0x20) === 0x73 && line.slice(0, 4).toUpperCase() === 'SIP/') {
    let m = STATUS_STRICT.exec(line);
    const lax = m === null;
    if (m === null) m = STATUS_LAX.exec(line);
    if (m === null) return null;
    return { kind: 'response', version: m[1]!.toUpperCase(), statusCode: Number(m[2]), reason: m[3] ?? '', lax };
  }
  let m = REQUEST_STRICT.exec(line);
  const lax = m === null;
  if (m === null) m = REQUEST_LAX.exec(line);
  if (m === null || m[2]!.length === 0) return null;
  return { kind: 'request', method: m[1]!, requestUri: m[2]!.trim(), version: m[3]!.toUpperCase(), lax };
}

/** Longest start line inspected by {@link looksLikeSipStartLine}; longer lines are not SIP start lines here. */
export const MAX_START_LINE = 8192;

// Strict shapes for hunting start lines in garbage, where the lax forms would match prose
// ("more junk SIP/2.0"): an upper-case method, a Request-URI with a scheme (RFC 3261 25.1
// Request-URI = SIP-URI / SIPS-URI / absoluteURI), exactly SIP/2.0, single spaces.
const RESYNC_REQUEST = /^[A-Z][A-Za-z0-9.!%*_+`'~-]* [A-Za-z][A-Za-z0-9+.-]*:[^ \t]+ SIP\/2\.0$/;
const RESYNC_STATUS = /^SIP\/2\.0 [1-6][0-9]{2}(?: .*)?$/;

/**
 * Cheap probe: does `b[start, end)` (one line; a trailing CR is ignored) look like a SIP request
 * or status line? Never throws.
 *
 * @param strict false (default): anything {@link parseStartLine} accepts, for the first line at
 *   a known message boundary. true: only well-formed SIP/2.0 lines, for finding message starts
 *   in a stream after garbage or a gap, and for protocol detection.
 */
export function looksLikeSipStartLine(b: Uint8Array, start: number, end: number, strict = false): boolean {
  if (end - start < 12 || end - start > MAX_START_LINE) return false;
  const c0 = b[start]!;
  // Fast reject: start lines begin with a token character; methods are conventionally letters.
  if (!((c0 >= 0x41 && c0 <= 0x5a) || (c0 >= 0x61 && c0 <= 0x7a))) return false;
  let e = end;
  if (b[e - 1] === 0x0d) e--;
  const line = latin1(b, start, e);
  if (strict) return RESYNC_REQUEST.test(line) || RESYNC_STATUS.test(line);
  return parseStartLine(line) !== null;
}
