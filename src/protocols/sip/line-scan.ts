/**
 * Line helpers of the incremental scanners (./sip-excerpt-collector.ts, ./multipart-excerpt.ts):
 * header-style lines (RFC 3261 7.3, RFC 2045) looked at in a buffer that may hold stale bytes
 * past the data, so no search looks beyond the end it is given.
 */
import { latin1 } from '../../util/bytes.js';
import { canonicalHeaderKey } from './header-names.js';

/** SP or HTAB (RFC 3261 25.1 WSP). */
export function isWsp(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09;
}

/** Offset of the first LF in `d[from, to)`, or -1; never looks past `to` (stale buffer bytes). */
export function lfIn(d: Uint8Array, from: number, to: number): number {
  if (to === d.length) return d.indexOf(0x0a, from);
  const i = d.subarray(from, to).indexOf(0x0a);
  return i < 0 ? -1 : from + i;
}

/** `name` and lookup key of a header line `d[p, e)`, or null when it is not `token *WSP ":"`. */
export function headerKey(d: Uint8Array, p: number, e: number): { key: string; colon: number } | null {
  let q = p;
  while (q < e && d[q] !== 0x3a && !isWsp(d[q]) && d[q] !== 0x0d) q++;
  const nameEnd = q;
  while (q < e && isWsp(d[q])) q++;
  if (nameEnd === p || q >= e || d[q] !== 0x3a) return null;
  return { key: canonicalHeaderKey(latin1(d, p, nameEnd)), colon: q };
}

/** End of a line's content: before its LF and an optional CR. */
export function contentEnd(d: Uint8Array, p: number, lf: number): number {
  return lf > p && d[lf - 1] === 0x0d ? lf - 1 : lf;
}
