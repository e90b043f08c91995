/**
 * What a line inside an MSRP body is, for the framer's body scan (RFC 4975 sections 7.1, 9).
 *
 * The framer only looks at lines that start with CR LF "-------" or CR LF "MSRP " (found with a
 * native search): everything else is content. Such a line is
 *
 *   OWN_END    CR LF "-------" <this transact-id> flag CR LF: the end of this frame;
 *   OTHER_END  the same with another transact-id: content by RFC 4975 section 7.1, but the
 *              trace of another frame when this body's end cannot be verified;
 *   START      CR LF followed by a valid request or response start line and its CR LF: a new
 *              frame when this body's end cannot be verified (a damaged end-line must not make
 *              this frame swallow the next requests of a shared connection, RFC 4975 section 8.1,
 *              RFC 4976);
 *   OWN_DAMAGED CR LF "-------" <this transact-id> followed by anything but a flag and CR LF
 *              (a damaged end-line, e.g. its CR LF lost so the next start line is glued to it):
 *              the end of this frame, cut;
 *   START_LIKE CR LF "MSRP " and anything else: a start line, perhaps damaged;
 *   END_LIKE   CR LF "-------" and an alphanumeric byte, not one of the above: an end-line,
 *              perhaps damaged (the two LIKE kinds bound a body without a numeric range-end:
 *              there nothing else would stop it at a damaged next frame);
 *   MORE       a prefix of one of the above that the bytes at hand do not decide;
 *   NONE       content (including "-------" followed by a dash or a space, common in text).
 *
 * Pure and allocation-free except for START candidates (their line is decoded to be validated;
 * they are rare in bodies).
 */
import { latin1 } from '../../util/bytes.js';
import { parseMsrpStartLine } from './parse-msrp-start-line.js';

export const LINE_NONE = 0;
export const LINE_MORE = 1;
export const LINE_OWN_END = 2;
export const LINE_OTHER_END = 3;
export const LINE_START = 4;
export const LINE_OWN_DAMAGED = 5;
export const LINE_START_LIKE = 6;
export const LINE_END_LIKE = 7;

/**
 * Longest candidate looked at, CR LF to CR LF inclusive: "MSRP " + a 64-character id + SP +
 * a method or a status code with a short comment. A longer line is content; so is a longer
 * end-line (ids are at most 64 characters here).
 */
export const MAX_BODY_LINE = 192;

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
/** "MSRP " */
const MAGIC = [0x4d, 0x53, 0x52, 0x50, 0x20] as const;
const MAX_ID = 64;

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** ident-char = alphanum / "." / "-" / "+" / "%" / "=" (RFC 4975 section 9). */
function isIdentChar(c: number): boolean {
  return isAlnum(c) || c === 0x2e || c === 0x2d || c === 0x2b || c === 0x25 || c === 0x3d;
}

function isFlag(c: number): boolean {
  return c === 0x24 || c === 0x2b || c === 0x23;
}

/**
 * Classifies the line that starts with the CR at `b[i]`, looking at `b[i, end)`. Returns
 * `kind | (length << 3)`, where length counts CR LF ... CR LF (set for OWN_END, OTHER_END and
 * START). Use {@link lineKind} and {@link lineLength} to read it.
 *
 * @param tid this frame's transaction id.
 */
export function classifyBodyLine(b: Uint8Array, i: number, end: number, tid: string): number {
  if (i + 1 >= end) return LINE_MORE;
  if (b[i + 1] !== LF) return LINE_NONE;
  const j = i + 2;
  if (j >= end) return LINE_MORE;
  if (b[j] === DASH) {
    for (let k = 1; k < 7; k++) {
      if (j + k >= end) return LINE_MORE;
      if (b[j + k] !== DASH) return LINE_NONE;
    }
    const idStart = j + 7;
    // Our id followed by a flag and not CR LF, or by a byte that can neither continue an id nor be
    // a flag: our end-line, damaged. (Our id followed by an ident-char may be a longer id.)
    let k = 0;
    while (k < tid.length && idStart + k < end && b[idStart + k] === tid.charCodeAt(k)) k++;
    if (k === tid.length) {
      const q = idStart + k;
      if (q >= end) return LINE_MORE;
      const f = b[q]!;
      if (isFlag(f)) {
        if (q + 1 >= end) return LINE_MORE;
        if (b[q + 1] !== CR) return b[q + 1] === LF || !isIdentChar(b[q + 1]!) || f !== 0x2b ? LINE_OWN_DAMAGED | ((q + 1 - i) << 3) : LINE_NONE;
        if (q + 2 >= end) return LINE_MORE;
        return b[q + 2] === LF ? LINE_OWN_END | ((q + 3 - i) << 3) : LINE_OWN_DAMAGED | ((q + 1 - i) << 3);
      }
      if (!isIdentChar(f)) return LINE_OWN_DAMAGED | ((q - i) << 3);
    } else if (idStart + k >= end) return LINE_MORE;
    // ident flag CR LF; "+" is both an ident-char and a flag, so the flag is the byte before CR.
    if (!isAlnum(b[idStart]!)) return LINE_NONE;
    let p = idStart;
    while (p < end && b[p] !== CR && b[p] !== LF && p - idStart <= MAX_ID + 1) p++;
    if (p - idStart > MAX_ID + 1) return LINE_END_LIKE;
    if (p >= end) return LINE_MORE;
    if (b[p] !== CR) return LINE_END_LIKE;
    if (p + 1 >= end) return LINE_MORE;
    if (b[p + 1] !== LF) return LINE_END_LIKE;
    const idLen = p - 1 - idStart;
    if (idLen < 1 || !isFlag(b[p - 1]!)) return LINE_END_LIKE;
    for (let k = idStart + 1; k < p - 1; k++) if (!isIdentChar(b[k]!)) return LINE_END_LIKE;
    return LINE_OTHER_END | ((p + 2 - i) << 3);
  }
  if (b[j] === MAGIC[0]) {
    for (let k = 1; k < MAGIC.length; k++) {
      if (j + k >= end) return LINE_MORE;
      if (b[j + k] !== MAGIC[k]) return LINE_NONE;
    }
    const limit = Math.min(end, i + MAX_BODY_LINE - 1);
    let p = j + MAGIC.length;
    while (p < limit && b[p] !== CR && b[p] !== LF) p++;
    if (p >= limit) return limit === end && end - i < MAX_BODY_LINE - 1 ? LINE_MORE : LINE_START_LIKE;
    if (b[p] !== CR) return LINE_START_LIKE;
    if (p + 1 >= end) return LINE_MORE;
    if (b[p + 1] !== LF) return LINE_START_LIKE;
    if (parseMsrpStartLine(latin1(b, j, p)) === null) return LINE_START_LIKE;
    return LINE_START | ((p + 2 - i) << 3);
  }
  return LINE_NONE;
}

export function lineKind(r: number): number {
  return r & 7;
}

export function lineLength(r: number): number {
  return r >>> 3;
}

/**
 * In a body without a numeric range-end: is `b[m..]` ("M" at `m`) a whole valid start line,
 * CR LF included, even though it is not at a line start (its CR LF damaged)? LINE_START with
 * its length, LINE_MORE when the bytes at hand end inside a possible one, else LINE_NONE.
 */
export function classifyStartAnywhere(b: Uint8Array, m: number, end: number): number {
  for (let k = 0; k < MAGIC.length; k++) {
    if (m + k >= end) return LINE_MORE;
    if (b[m + k] !== MAGIC[k]) return LINE_NONE;
  }
  const limit = m + MAX_BODY_LINE - 2;
  let p = m + MAGIC.length;
  while (p < end && p < limit && b[p] !== CR && b[p] !== LF) p++;
  if (p >= limit) return LINE_NONE;
  if (p >= end) return LINE_MORE;
  if (b[p] !== CR) return LINE_NONE;
  if (p + 1 >= end) return LINE_MORE;
  if (b[p + 1] !== LF || parseMsrpStartLine(latin1(b, m, p)) === null) return LINE_NONE;
  return LINE_START | ((p + 2 - m) << 3);
}
