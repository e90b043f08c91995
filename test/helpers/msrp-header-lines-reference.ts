/**
 * The MSRP header-line parser msrptap used before round 22 (one string per line, regular
 * expressions), kept as the reference of test/fuzz/msrp-head-equivalence.property.test.ts: the
 * framer's parser (src/protocols/msrp/parse-msrp-header-block.ts) must give the same headers and
 * anomalies. Not used by msrptap.
 */
import type { AnomalySink } from '../../src/core/anomaly.js';
import { isMsrpIdent, type MsrpByteRange, type MsrpHeaderField, type MsrpHeaders, type MsrpStatusHeader, parseMsrpStatus } from '../../src/protocols/msrp/msrp-headers.js';
import { parseMsrpUriList, type MsrpUri } from '../../src/protocols/msrp/msrp-uri.js';

const DIGITS = /^[0-9]{1,15}$/;

/**
 * Parses a Byte-Range value. Rejects start 0, end before start-1, and a total smaller than the
 * end (section 7.1.1: the range lies inside the message).
 */
export function referenceParseByteRange(value: string): MsrpByteRange | null {
  const m = /^[ \t]*([0-9]{1,15})-([0-9]{1,15}|\*)\/([0-9]{1,15}|\*)[ \t]*$/.exec(value);
  if (m === null) return null;
  const start = Number(m[1]);
  const end = m[2] === '*' ? '*' : Number(m[2]);
  const total = m[3] === '*' ? '*' : Number(m[3]);
  if (start < 1) return null;
  // An empty chunk is written with end = start - 1 (e.g. "1-0/0" for an empty message).
  if (end !== '*' && end < start - 1) return null;
  if (total !== '*' && end !== '*' && total < end) return null;
  if (total !== '*' && start > total + 1) return null;
  return { start, end, total };
}

const SINGLE = [
  'to-path',
  'from-path',
  'message-id',
  'byte-range',
  'success-report',
  'failure-report',
  'status',
  'content-type',
  'use-path',
  'expires',
  'min-expires',
  'max-expires',
  'authentication-info',
  'use-nickname',
  'content-id',
  'content-description',
  'content-disposition',
];

// Helpers of parseMsrpHeaderLines, at module level: closures would be allocated for every frame.
function badValue(anomalies: AnomalySink | undefined, frameNo: number | undefined, name: string): void {
  anomalies?.report('msrp.bad_header_value', frameNo, `header=${name}`);
}

function pathsOf(anomalies: AnomalySink | undefined, frameNo: number | undefined, name: string, value: string): readonly MsrpUri[] {
  const { uris, invalid } = parseMsrpUriList(value);
  if (invalid > 0) anomalies?.report('msrp.bad_uri', frameNo, `header=${name} invalid=${invalid}`);
  return uris;
}

function numberOf(anomalies: AnomalySink | undefined, frameNo: number | undefined, name: string, value: string): number | null {
  const v = value.trim();
  if (!DIGITS.test(v)) {
    badValue(anomalies, frameNo, name);
    return null;
  }
  return Number(v);
}

/**
 * Lower-case names of the headers this parser knows: a known name needs no token check (header
 * text is latin1-decoded, and no latin1 character lower-cases into ASCII, so only a name spelled
 * with ASCII token characters can match).
 */
/** Known name → its bit in a frame's "seen" mask (single-valued), or 0 (may repeat). */
const KNOWN = new Map<string, number>([...SINGLE.map((n, i): [string, number] => [n, 1 << i]), ['www-authenticate', 0], ['authorization', 0]]);
const NONE: readonly string[] = Object.freeze([]);
const NO_URIS: readonly MsrpUri[] = Object.freeze([]);
const TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

/**
 * Parses the header lines of one frame (the lines between the start line and the blank line or
 * end-line, without their CRLF).
 *
 * @param lines header lines, ISO-8859-1 decoded.
 * @param anomalies where `msrp.bad_header_line`, `msrp.bad_header_value`, `msrp.bad_uri`,
 *   `msrp.duplicate_header` go.
 * @param frameNo capture frame of the frame's first byte, for anomaly reports.
 */
export function referenceParseMsrpHeaderLines(lines: readonly string[], anomalies?: AnomalySink, frameNo?: number): MsrpHeaders {
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
  // Allocated only when present (rare): most frames have neither.
  let wwwAuthenticate: string[] | null = null;
  let authorization: string[] | null = null;
  let authenticationInfo: string | null = null;
  let useNickname: string | null = null;
  let contentId: string | null = null;
  let contentDescription: string | null = null;
  let contentDisposition: string | null = null;
  let seen = 0;

  for (const line of lines) {
    const colon = line.indexOf(':');
    // RFC 4975 section 9: header-name ":" SP value; no folding (a leading SP/HT is not a header).
    if (colon <= 0 || line.charCodeAt(0) === 0x20 || line.charCodeAt(0) === 0x09) {
      anomalies?.report('msrp.bad_header_line', frameNo, `length=${line.length}`);
      continue;
    }
    const name = line.slice(0, colon);
    const lname = name.toLowerCase();
    const bit = KNOWN.get(lname);
    if (bit === undefined && !TOKEN.test(name)) {
      anomalies?.report('msrp.bad_header_line', frameNo, `length=${line.length}`);
      continue;
    }
    // The grammar has exactly one SP after the colon; tolerate none or several.
    let vs = colon + 1;
    while (vs < line.length && (line.charCodeAt(vs) === 0x20 || line.charCodeAt(vs) === 0x09)) vs++;
    let ve = line.length;
    while (ve > vs && (line.charCodeAt(ve - 1) === 0x20 || line.charCodeAt(ve - 1) === 0x09)) ve--;
    const value = line.slice(vs, ve);
    all.push({ name, value });

    if (bit !== undefined && bit !== 0) {
      if ((seen & bit) !== 0) {
        anomalies?.report('msrp.duplicate_header', frameNo, `header=${name}`);
        continue;
      }
      seen |= bit;
    }
    switch (lname) {
      case 'to-path':
        toPath = pathsOf(anomalies, frameNo, name, value);
        if (toPath.length === 0) badValue(anomalies, frameNo, name);
        break;
      case 'from-path':
        fromPath = pathsOf(anomalies, frameNo, name, value);
        if (fromPath.length === 0) badValue(anomalies, frameNo, name);
        break;
      case 'use-path':
        usePath = pathsOf(anomalies, frameNo, name, value);
        if (usePath.length === 0) badValue(anomalies, frameNo, name);
        break;
      case 'message-id':
        if (isMsrpIdent(value)) messageId = value;
        else badValue(anomalies, frameNo, name);
        break;
      case 'byte-range':
        byteRange = referenceParseByteRange(value);
        if (byteRange === null) badValue(anomalies, frameNo, name);
        break;
      case 'success-report': {
        const v = value.toLowerCase();
        if (v === 'yes' || v === 'no') successReport = v;
        else badValue(anomalies, frameNo, name);
        break;
      }
      case 'failure-report': {
        const v = value.toLowerCase();
        if (v === 'yes' || v === 'no' || v === 'partial') failureReport = v;
        else badValue(anomalies, frameNo, name);
        break;
      }
      case 'status':
        status = parseMsrpStatus(value);
        if (status === null) badValue(anomalies, frameNo, name);
        break;
      case 'content-type':
        // type "/" subtype *( ";" gen-param ): checked loosely, kept as written.
        if (/^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+/.test(value)) contentType = value;
        else badValue(anomalies, frameNo, name);
        break;
      case 'expires':
        expires = numberOf(anomalies, frameNo, name, value);
        break;
      case 'min-expires':
        minExpires = numberOf(anomalies, frameNo, name, value);
        break;
      case 'max-expires':
        maxExpires = numberOf(anomalies, frameNo, name, value);
        break;
      case 'www-authenticate':
        wwwAuthenticate ??= [];
        wwwAuthenticate.push(value);
        break;
      case 'authorization':
        authorization ??= [];
        authorization.push(value);
        break;
      case 'authentication-info':
        authenticationInfo = value;
        break;
      case 'use-nickname':
        useNickname = value;
        break;
      case 'content-id':
        contentId = value;
        break;
      case 'content-description':
        contentDescription = value;
        break;
      case 'content-disposition':
        contentDisposition = value;
        break;
      default:
        break;
    }
  }
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
