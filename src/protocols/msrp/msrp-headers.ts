/**
 * MSRP header fields, RFC 4975 section 9 (grammar) with RFC 4976 (Use-Path, Expires,
 * Min-Expires, Max-Expires, WWW-Authenticate, Authorization, Authentication-Info) and RFC 7701
 * (Use-Nickname). Each function here parses one header value or a whole header block; values
 * are strings decoded as ISO-8859-1, which is lossless (re-encode with `Buffer.from(s, 'latin1')`
 * to get the wire bytes back, e.g. to read a UTF-8 Content-Description).
 */
import type { MsrpUri } from './msrp-uri.js';

/**
 * Byte-Range (RFC 4975 section 7.1.1 / 9): `range-start "-" range-end "/" total`, 1-based and
 * inclusive; `*` marks an unknown end or total.
 */
export interface MsrpByteRange {
  readonly start: number;
  readonly end: number | '*';
  readonly total: number | '*';
}

/** Status header of REPORT requests (RFC 4975 section 9): `namespace SP status-code [SP comment]`. */
export interface MsrpStatusHeader {
  /** Always 0 in RFC 4975 ("000"). */
  readonly namespace: number;
  readonly code: number;
  readonly comment: string | null;
}

/** One header line as on the wire (name case kept). */
export interface MsrpHeaderField {
  readonly name: string;
  readonly value: string;
}

/** The headers of one frame: typed fields for the known ones, and every field in order. */
export interface MsrpHeaders {
  /** To-Path URIs in order (RFC 4975 section 7.1); empty when absent or unparsable. */
  readonly toPath: readonly MsrpUri[];
  readonly fromPath: readonly MsrpUri[];
  readonly messageId: string | null;
  readonly byteRange: MsrpByteRange | null;
  readonly successReport: 'yes' | 'no' | null;
  readonly failureReport: 'yes' | 'no' | 'partial' | null;
  readonly status: MsrpStatusHeader | null;
  /** Content-Type value as written (with parameters), or null. */
  readonly contentType: string | null;
  /** RFC 4976 section 5.1: the path a relay returns in its 200 to AUTH. */
  readonly usePath: readonly MsrpUri[];
  readonly expires: number | null;
  readonly minExpires: number | null;
  readonly maxExpires: number | null;
  /** RFC 4976 digest headers, kept raw (they may repeat). */
  readonly wwwAuthenticate: readonly string[];
  readonly authorization: readonly string[];
  readonly authenticationInfo: string | null;
  /** RFC 7701 section 6.1. */
  readonly useNickname: string | null;
  /** MIME headers allowed in content-stuff (RFC 4975 section 9, Other-Mime-header). */
  readonly contentId: string | null;
  readonly contentDescription: string | null;
  readonly contentDisposition: string | null;
  /** Every header line, in wire order, including the ones above. */
  readonly all: readonly MsrpHeaderField[];
}

// ident = ALPHANUM 3*31ident-char, ident-char = alphanum / "." / "-" / "+" / "%" / "=" (section 9);
// accepted here with any length 1..64 so a sloppy peer is still followed.
const IDENT = /^[A-Za-z0-9][A-Za-z0-9.\-+%=]{0,63}$/;

/** Parses a Status value (`000 200 OK`). */
export function parseMsrpStatus(value: string): MsrpStatusHeader | null {
  const m = /^[ \t]*([0-9]{3}) ([0-9]{3})(?: (.*))?$/.exec(value);
  if (m === null) return null;
  const comment = m[3] === undefined ? null : m[3].trim();
  return { namespace: Number(m[1]), code: Number(m[2]), comment: comment === '' ? null : comment };
}

/** True when `s` is an RFC 4975 ident (transaction id, Message-ID) in the lenient 1..64 form. */
export function isMsrpIdent(s: string): boolean {
  return IDENT.test(s);
}

/** Single-valued headers: a repeat is reported once and ignored (first wins). */
