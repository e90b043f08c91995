/**
 * The framer's header parser (issue 13): the same result and the same anomaly reports, in the
 * same order, as {@link parseMsrpHeaderLines} (./msrp-headers.ts, the reference, kept for callers
 * that hold lines and as the oracle of test/fuzz/msrp-head-equivalence.property.test.ts), but over
 * one string holding the whole header block, decoded once per frame, instead of one string per
 * line; header names recognised by length and ASCII case folding, without `toLowerCase` or a map;
 * Byte-Range, Message-ID and Content-Type checked char by char instead of by regular expression;
 * and To-Path/From-Path/Use-Path values looked up in a per-direction cache first (every frame of
 * a session repeats them, RFC 4975 section 7.1), so a repeated path costs one comparison.
 *
 *   header-line = header-name ":" SP value CRLF   (RFC 4975 section 9; no folding)
 */
import type { AnomalySink } from '../../core/anomaly.js';
import { isMsrpIdent, type MsrpByteRange, type MsrpHeaderField, type MsrpHeaders, type MsrpStatusHeader, parseMsrpStatus } from './msrp-headers.js';
import { MsrpHeadScratch } from './msrp-head-scratch.js';
import type { MsrpUri } from './msrp-uri.js';
import { sameAt } from './parse-msrp-start-line.js';

// Header indexes: the single-valued ones first, in the bit order of msrp-headers.ts (SINGLE).
const TO_PATH = 0;
const FROM_PATH = 1;
const MESSAGE_ID = 2;
const BYTE_RANGE = 3;
const SUCCESS_REPORT = 4;
const FAILURE_REPORT = 5;
const STATUS = 6;
const CONTENT_TYPE = 7;
const USE_PATH = 8;
const EXPIRES = 9;
const MIN_EXPIRES = 10;
const MAX_EXPIRES = 11;
const AUTHENTICATION_INFO = 12;
const USE_NICKNAME = 13;
const CONTENT_ID = 14;
const CONTENT_DESCRIPTION = 15;
const CONTENT_DISPOSITION = 16;
/** Repeatable (no duplicate check). */
const WWW_AUTHENTICATE = 17;
const AUTHORIZATION = 18;
const UNKNOWN = -1;

/** Canonical spellings (RFC 4975, 4976, 7701), index order; a name written so is not copied. */
const NAMES = [
  'To-Path',
  'From-Path',
  'Message-ID',
  'Byte-Range',
  'Success-Report',
  'Failure-Report',
  'Status',
  'Content-Type',
  'Use-Path',
  'Expires',
  'Min-Expires',
  'Max-Expires',
  'Authentication-Info',
  'Use-Nickname',
  'Content-ID',
  'Content-Description',
  'Content-Disposition',
  'WWW-Authenticate',
  'Authorization',
] as const;
const LOWER = NAMES.map((n) => n.toLowerCase());
/** Candidate indexes per name length. */
const BY_LENGTH: number[][] = [];
for (let i = 0; i < LOWER.length; i++) {
  const len = LOWER[i]!.length;
  const list = BY_LENGTH[len] ?? [];
  list.push(i);
  BY_LENGTH[len] = list;
}

/** Required-header bits of MsrpHeadScratch.reportMissing (./msrp-head-scratch.ts): To-Path, From-Path, Message-ID, Status, Use-Nickname. */
const REQUIRED_BIT: readonly number[] = NAMES.map((_, i) => [TO_PATH, FROM_PATH, MESSAGE_ID, STATUS, USE_NICKNAME].indexOf(i)).map((b) => (b < 0 ? 0 : 1 << b));

const NONE: readonly string[] = Object.freeze([]);
const NO_URIS: readonly MsrpUri[] = Object.freeze([]);

/** Index of the known header `s[a, b)` (ASCII case ignored), or UNKNOWN. */
function knownHeader(s: string, a: number, b: number): number {
  const cands = BY_LENGTH[b - a];
  if (cands === undefined) return UNKNOWN;
  outer: for (const i of cands) {
    const l = LOWER[i]!;
    for (let k = 0; k < l.length; k++) {
      let c = s.charCodeAt(a + k);
      if (c >= 0x41 && c <= 0x5a) c += 0x20;
      if (c !== l.charCodeAt(k)) continue outer;
    }
    return i;
  }
  return UNKNOWN;
}

/** token = 1*(alphanum / "!" "#" "$" "%" "&" "'" "*" "+" "-" "." "^" "_" "`" "|" "~") (the reference's TOKEN). */
function isTokenChar(c: number): boolean {
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return true;
  return c === 0x21 || (c >= 0x23 && c <= 0x27) || c === 0x2a || c === 0x2b || c === 0x2d || c === 0x2e || c === 0x5e || c === 0x5f || c === 0x60 || c === 0x7c || c === 0x7e;
}

/** Content-Type's loose check of the reference: `[A-Za-z0-9!#$&^_.+-]+ "/" [A-Za-z0-9!#$&^_.+-]+` at the start. */
function isMediaChar(c: number): boolean {
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return true;
  return c === 0x21 || c === 0x23 || c === 0x24 || c === 0x26 || c === 0x5e || c === 0x5f || c === 0x2e || c === 0x2b || c === 0x2d;
}

function looksLikeMediaType(s: string, a: number, b: number): boolean {
  let i = a;
  while (i < b && isMediaChar(s.charCodeAt(i))) i++;
  if (i === a || i >= b || s.charCodeAt(i) !== 0x2f) return false;
  return i + 1 < b && isMediaChar(s.charCodeAt(i + 1));
}

/** 1 to 15 decimal digits at `s[a, b)`, or -1. Exact: 15 digits stay below 2^53. */
function digits(s: string, a: number, b: number): number {
  if (b <= a || b - a > 15) return -1;
  let v = 0;
  for (let i = a; i < b; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** {@link parseByteRange} of the (already trimmed) value `s[a, b)`. */
function byteRangeAt(s: string, a: number, b: number): MsrpByteRange | null {
  const dash = s.indexOf('-', a);
  if (dash < 0 || dash >= b) return null;
  const slash = s.indexOf('/', dash + 1);
  if (slash < 0 || slash >= b) return null;
  const start = digits(s, a, dash);
  if (start < 0) return null;
  let end: number | '*';
  if (slash - dash === 2 && s.charCodeAt(dash + 1) === 0x2a) end = '*';
  else {
    end = digits(s, dash + 1, slash);
    if (end < 0) return null;
  }
  let total: number | '*';
  if (b - slash === 2 && s.charCodeAt(slash + 1) === 0x2a) total = '*';
  else {
    total = digits(s, slash + 1, b);
    if (total < 0) return null;
  }
  if (start < 1) return null;
  // An empty chunk is written with end = start - 1 (e.g. "1-0/0" for an empty message).
  if (end !== '*' && end < start - 1) return null;
  if (total !== '*' && end !== '*' && total < end) return null;
  if (total !== '*' && start > total + 1) return null;
  return { start, end, total };
}

/** ASCII-case-insensitive `s[a, b)` equals the lower-case `lower` (the reference lower-cases the value). */
function valueIs(s: string, a: number, b: number, lower: string): boolean {
  if (b - a !== lower.length) return false;
  for (let k = 0; k < lower.length; k++) {
    let c = s.charCodeAt(a + k);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== lower.charCodeAt(k)) return false;
  }
  return true;
}

function badValue(anomalies: AnomalySink | undefined, frameNo: number | undefined, name: string): void {
  anomalies?.report('msrp.bad_header_value', frameNo, `header=${name}`);
}

function numberAt(anomalies: AnomalySink | undefined, frameNo: number | undefined, name: string, value: string): number | null {
  // The reference trims with String.prototype.trim (more than SP/HT: NBSP, VT, FF, CR...).
  const v = value.trim();
  const n = digits(v, 0, v.length);
  if (n < 0) {
    badValue(anomalies, frameNo, name);
    return null;
  }
  return n;
}

/**
 * Parses a frame's header lines, each ended by LF (with the CR before it, if any, not part of the
 * line): the same as `parseMsrpHeaderLines(lines, anomalies, frameNo)` for those lines.
 *
 * @param block ISO-8859-1 text of the header lines, each with its line end; "" for none.
 * @param bytes the same lines as bytes: `bytes[at + i]` is `block.charCodeAt(i)` (read only
 *   during the call, for the path cache).
 * @param scratch the direction's cache; `requiredSeen` is set for the framer's required-header check.
 */
export function parseMsrpHeaderBlock(block: string, bytes: Uint8Array, at: number, anomalies: AnomalySink | undefined, frameNo: number | undefined, scratch: MsrpHeadScratch): MsrpHeaders {
  const all: MsrpHeaderField[] = [];
  let toPath: readonly MsrpUri[] = NO_URIS;
  let fromPath: readonly MsrpUri[] = NO_URIS;
  let usePath: readonly MsrpUri[] = NO_URIS;
  let messageId: string | null = null;
  let byteRange: MsrpByteRange | null = null;
  let successReport: 'yes' | 'no' | null = null;
  let failureReport: 'yes' | 'no' | 'partial' | null = null;
  let status: MsrpStatusHeader | null = null;
  let contentType: string | null = null;
  let expires: number | null = null;
  let minExpires: number | null = null;
  let maxExpires: number | null = null;
  let wwwAuthenticate: string[] | null = null;
  let authorization: string[] | null = null;
  let authenticationInfo: string | null = null;
  let useNickname: string | null = null;
  let contentId: string | null = null;
  let contentDescription: string | null = null;
  let contentDisposition: string | null = null;
  let seen = 0;
  let required = 0;

  const n = block.length;
  let ls = 0;
  while (ls < n) {
    let lf = block.indexOf('\n', ls);
    if (lf < 0) lf = n;
    let le = lf;
    if (le > ls && block.charCodeAt(le - 1) === 0x0d) le--;
    const lineStart = ls;
    ls = lf + 1;

    const colon = block.indexOf(':', lineStart);
    const c0 = block.charCodeAt(lineStart);
    // RFC 4975 section 9: header-name ":" SP value; no folding (a leading SP/HT is not a header).
    if (colon < 0 || colon >= le || colon === lineStart || c0 === 0x20 || c0 === 0x09) {
      anomalies?.report('msrp.bad_header_line', frameNo, `length=${le - lineStart}`);
      continue;
    }
    const h = knownHeader(block, lineStart, colon);
    if (h === UNKNOWN) {
      let ok = true;
      for (let i = lineStart; i < colon; i++) {
        if (!isTokenChar(block.charCodeAt(i))) {
          ok = false;
          break;
        }
      }
      if (!ok) {
        anomalies?.report('msrp.bad_header_line', frameNo, `length=${le - lineStart}`);
        continue;
      }
    }
    const canon = h === UNKNOWN ? undefined : NAMES[h]!;
    const name = canon !== undefined && sameAt(block, lineStart, canon) ? canon : block.slice(lineStart, colon);
    // The grammar has exactly one SP after the colon; tolerate none or several.
    let vs = colon + 1;
    while (vs < le && (block.charCodeAt(vs) === 0x20 || block.charCodeAt(vs) === 0x09)) vs++;
    let ve = le;
    while (ve > vs && (block.charCodeAt(ve - 1) === 0x20 || block.charCodeAt(ve - 1) === 0x09)) ve--;
    const value = block.slice(vs, ve);
    all.push({ name, value });
    if (h === UNKNOWN) continue;
    required |= REQUIRED_BIT[h]!;

    if (h < WWW_AUTHENTICATE) {
      const bit = 1 << h;
      if ((seen & bit) !== 0) {
        anomalies?.report('msrp.duplicate_header', frameNo, `header=${name}`);
        continue;
      }
      seen |= bit;
    }
    switch (h) {
      case TO_PATH:
      case FROM_PATH:
      case USE_PATH: {
        const { uris, invalid } = scratch.paths(value, bytes, at + vs, at + ve);
        if (invalid > 0) anomalies?.report('msrp.bad_uri', frameNo, `header=${name} invalid=${invalid}`);
        if (uris.length === 0) badValue(anomalies, frameNo, name);
        if (h === TO_PATH) toPath = uris;
        else if (h === FROM_PATH) fromPath = uris;
        else usePath = uris;
        break;
      }
      case MESSAGE_ID:
        if (isMsrpIdent(value)) messageId = value;
        else badValue(anomalies, frameNo, name);
        break;
      case BYTE_RANGE:
        byteRange = byteRangeAt(block, vs, ve);
        if (byteRange === null) badValue(anomalies, frameNo, name);
        break;
      case SUCCESS_REPORT:
        if (valueIs(block, vs, ve, 'yes')) successReport = 'yes';
        else if (valueIs(block, vs, ve, 'no')) successReport = 'no';
        else badValue(anomalies, frameNo, name);
        break;
      case FAILURE_REPORT:
        if (valueIs(block, vs, ve, 'yes')) failureReport = 'yes';
        else if (valueIs(block, vs, ve, 'no')) failureReport = 'no';
        else if (valueIs(block, vs, ve, 'partial')) failureReport = 'partial';
        else badValue(anomalies, frameNo, name);
        break;
      case STATUS:
        status = parseMsrpStatus(value);
        if (status === null) badValue(anomalies, frameNo, name);
        break;
      case CONTENT_TYPE:
        // type "/" subtype *( ";" gen-param ): checked loosely, kept as written.
        if (looksLikeMediaType(block, vs, ve)) contentType = value;
        else badValue(anomalies, frameNo, name);
        break;
      case EXPIRES:
        expires = numberAt(anomalies, frameNo, name, value);
        break;
      case MIN_EXPIRES:
        minExpires = numberAt(anomalies, frameNo, name, value);
        break;
      case MAX_EXPIRES:
        maxExpires = numberAt(anomalies, frameNo, name, value);
        break;
      case WWW_AUTHENTICATE:
        wwwAuthenticate ??= [];
        wwwAuthenticate.push(value);
        break;
      case AUTHORIZATION:
        authorization ??= [];
        authorization.push(value);
        break;
      case AUTHENTICATION_INFO:
        authenticationInfo = value;
        break;
      case USE_NICKNAME:
        useNickname = value;
        break;
      case CONTENT_ID:
        contentId = value;
        break;
      case CONTENT_DESCRIPTION:
        contentDescription = value;
        break;
      case CONTENT_DISPOSITION:
        contentDisposition = value;
        break;
      default:
        break;
    }
  }
  scratch.requiredSeen = required;
  return {
    toPath,
    fromPath,
    messageId,
    byteRange,
    successReport,
    failureReport,
    status,
    contentType,
    usePath,
    expires,
    minExpires,
    maxExpires,
    wwwAuthenticate: wwwAuthenticate ?? NONE,
    authorization: authorization ?? NONE,
    authenticationInfo,
    useNickname,
    contentId,
    contentDescription,
    contentDisposition,
    all,
  };
}

/**
 * Parses a Byte-Range value (RFC 4975 section 7.1.1), spaces and tabs around it allowed. Rejects
 * start 0, end before start-1, and a total smaller than the end (the range lies inside the message).
 */
export function parseByteRange(value: string): MsrpByteRange | null {
  let a = 0;
  let b = value.length;
  while (a < b && (value.charCodeAt(a) === 0x20 || value.charCodeAt(a) === 0x09)) a++;
  while (b > a && (value.charCodeAt(b - 1) === 0x20 || value.charCodeAt(b - 1) === 0x09)) b--;
  return byteRangeAt(value, a, b);
}

/**
 * The headers of a frame given as lines without their line ends (for callers outside the
 * framer; the framer calls {@link parseMsrpHeaderBlock} on the head's bytes in place).
 * @param lines ISO-8859-1 text of the header lines.
 */
export function parseMsrpHeaderLines(lines: readonly string[], anomalies?: AnomalySink, frameNo?: number): MsrpHeaders {
  let block = '';
  for (const l of lines) block += `${l}\r\n`;
  return parseMsrpHeaderBlock(block, Buffer.from(block, 'latin1'), 0, anomalies, frameNo, new MsrpHeadScratch());
}
