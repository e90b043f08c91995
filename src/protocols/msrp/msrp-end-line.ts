/**
 * Byte-level recognisers of MSRP frame delimiters (RFC 4975 sections 7.1 and 9), shared by the
 * head and body states of the framer (./msrp-framer-head.ts, ./msrp-framer-body.ts): pure functions
 * over a byte array, no state.
 *
 *   end-line = "-------" transact-id continuation-flag CRLF
 */
import type { MsrpEndFlag } from './msrp-frame.js';

export const CR = 0x0d;
export const LF = 0x0a;
export const DASH = 0x2d;
const DOLLAR = 0x24;
export const PLUS = 0x2b;
const HASH = 0x23;
/** "MSRP " */
export const MAGIC = Uint8Array.of(0x4d, 0x53, 0x52, 0x50, 0x20);

/** The two lines a body scan stops at (./classify-body-line.ts). */
export const END_NEEDLE = Buffer.from('\r\n-------', 'latin1');
export const START_NEEDLE = Buffer.from('\r\nMSRP ', 'latin1');

export function isFlag(b: number): boolean {
  return b === DOLLAR || b === PLUS || b === HASH;
}

const bufferIndexOf = Buffer.prototype.indexOf;
const MAGIC_BUF = Buffer.from('MSRP ', 'latin1');

/**
 * Next start-line candidate at or after `c` in an unbounded body: the CR of CR LF "MSRP " (a
 * line candidate), or the "M" of an "MSRP " not preceded by CR LF; -1 if none.
 */
export function nextStartAnywhere(data: Uint8Array, c: number): number {
  for (let m = bufferIndexOf.call(data, MAGIC_BUF, c); m >= 0; m = bufferIndexOf.call(data, MAGIC_BUF, m + 1)) {
    if (m >= 2 && data[m - 2] === CR && data[m - 1] === LF) {
      if (m - 2 >= c) return m - 2;
      continue; // that line candidate was already classified
    }
    return m;
  }
  return -1;
}

/** First index of `needle` in `hay` at or after `from`, -1 if none (native search). */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number): number {
  return bufferIndexOf.call(hay, needle, from);
}

/** The flag when `b[ls, le)` is "-------" + `tid` + flag, else null. */
export function endLineFlag(b: Uint8Array, ls: number, le: number, tid: string): MsrpEndFlag | null {
  if (le - ls !== 8 + tid.length) return null;
  for (let i = 0; i < 7; i++) if (b[ls + i] !== DASH) return null;
  for (let i = 0; i < tid.length; i++) if (b[ls + 7 + i] !== tid.charCodeAt(i)) return null;
  const f = b[le - 1]!;
  return isFlag(f) ? (String.fromCharCode(f) as MsrpEndFlag) : null;
}

/**
 * `b[ls, le)` is the end-line of transaction `tid`, damaged: it starts "-------" + tid but is not
 * an end-line (see classify-body-line.ts, OWN_DAMAGED), or it ends with tid + flag after 7
 * bytes of which at least 4 are dashes (bytes inserted before it, or its dashes damaged).
 */
export function isDamagedEndLine(b: Uint8Array, ls: number, le: number, tid: string): boolean {
  const tl = tid.length;
  if (le - ls >= 8 + tl && isFlag(b[le - 1]!)) {
    let same = true;
    for (let i = 0; i < tl; i++) {
      if (b[le - 1 - tl + i] !== tid.charCodeAt(i)) {
        same = false;
        break;
      }
    }
    let dashes = 0;
    for (let i = le - 8 - tl; i < le - 1 - tl; i++) if (b[i] === DASH) dashes++;
    if (same && dashes >= 4) return true;
  }
  if (le - ls < 7 + tid.length) return false;
  for (let i = 0; i < 7; i++) if (b[ls + i] !== DASH) return false;
  for (let i = 0; i < tid.length; i++) if (b[ls + 7 + i] !== tid.charCodeAt(i)) return false;
  // Our id then an ident-char (not "+"): another, longer id.
  const next = ls + 7 + tid.length < le ? b[ls + 7 + tid.length]! : -1;
  return next === -1 || next === PLUS || !/[A-Za-z0-9.\-%=]/.test(String.fromCharCode(next));
}
