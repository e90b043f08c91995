/**
 * MSRP start lines (RFC 4975 section 9):
 *
 *   req-start  = pMSRP SP transact-id SP method CRLF
 *   resp-start = pMSRP SP transact-id SP status-code [SP comment] CRLF
 *
 * Shared by the framer (a frame's first line) and the body boundary check (a start line inside
 * a body whose end is not verified is the next frame, see ./classify-body-line.ts).
 */
import { MSRP_METHODS } from './msrp-frame.js';

/** A parsed start line. */
export interface MsrpStartLine {
  readonly tid: string;
  readonly kind: 'request' | 'response';
  readonly method: string | null;
  readonly statusCode: number | null;
  readonly comment: string | null;
}

/**
 * ident = ALPHANUM 3*31ident-char, ident-char = alphanum / "." / "-" / "+" / "%" / "=" (section
 * 9), in the lenient 1..64 form of isMsrpIdent (./msrp-headers.ts).
 */
function isIdentAt(s: string, a: number, b: number): boolean {
  if (b - a < 1 || b - a > 64) return false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) continue;
    if (i > a && (c === 0x2e || c === 0x2d || c === 0x2b || c === 0x25 || c === 0x3d)) continue;
    return false;
  }
  return true;
}

/**
 * `s` has `t` at `at` (the caller checked the room). A loop: `startsWith` with a position is far
 * slower in V8 (measured: it dominated the header parser, ./parse-msrp-header-block.ts).
 */
export function sameAt(s: string, at: number, t: string): boolean {
  for (let i = 0; i < t.length; i++) if (s.charCodeAt(at + i) !== t.charCodeAt(i)) return false;
  return true;
}

/** Line terminators, which "." of a regular expression does not match. */
function isLineTerminator(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}

/**
 * `MSRP tid METHOD` or `MSRP tid code [comment]` (the line without its CRLF), or null. Written
 * char by char (it runs for every frame): the same as matching
 * `^MSRP ([^ ]+) (?:([A-Z]+)|([0-9]{3})(?: (.*))?)$` and checking the id with isMsrpIdent.
 */
export function parseMsrpStartLine(text: string): MsrpStartLine | null {
  const n = text.length;
  if (n < 5 || !sameAt(text, 0, 'MSRP ')) return null;
  const sp = text.indexOf(' ', 5);
  if (sp <= 5 || !isIdentAt(text, 5, sp)) return null;
  const r = sp + 1;
  if (r >= n) return null;
  const c = text.charCodeAt(r);
  if (c >= 0x41 && c <= 0x5a) {
    for (let i = r + 1; i < n; i++) {
      const d = text.charCodeAt(i);
      if (d < 0x41 || d > 0x5a) return null;
    }
    return { tid: text.slice(5, sp), kind: 'request', method: knownMethod(text, r, n), statusCode: null, comment: null };
  }
  if (r + 3 > n) return null;
  let code = 0;
  for (let i = r; i < r + 3; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return null;
    code = code * 10 + d;
  }
  let comment: string | null = null;
  if (r + 3 < n) {
    if (text.charCodeAt(r + 3) !== 0x20) return null;
    for (let i = r + 4; i < n; i++) if (isLineTerminator(text.charCodeAt(i))) return null;
    if (r + 4 < n) comment = text.slice(r + 4);
  }
  return { tid: text.slice(5, sp), kind: 'response', method: null, statusCode: code, comment };
}

/** The method name `s[a, b)`: a shared constant for the known ones (no copy per frame). */
function knownMethod(s: string, a: number, b: number): string {
  for (const m of MSRP_METHODS) if (m.length === b - a && sameAt(s, a, m)) return m;
  return s.slice(a, b);
}
