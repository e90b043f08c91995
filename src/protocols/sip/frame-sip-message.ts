/**
 * Delimits one SIP message at the start of a stream buffer (RFC 3261 18.3: on stream
 * transports the message ends Content-Length bytes after the empty line ending the headers).
 *
 * Result contract, as in Suricata's app-layer parsers:
 * - OK: a whole message of `length` bytes starts at `start`.
 * - INCOMPLETE: more bytes are needed; `needed` is the total message length when the header
 *   section is complete (-1 while it is not), `scanned` says how far the header-end search got
 *   so the next call resumes there instead of rescanning (no quadratic cost on tiny segments).
 * - INVALID: the first line is not a SIP start line; the caller resynchronises.
 *
 * ```
 *  start                 headerLength                    length
 *  |Request-Line CRLF headers CRLF CRLF|<-- Content-Length -->|
 * ```
 */
import { looksLikeSipStartLine, MAX_START_LINE } from './start-line.js';

export const SipFrameStatus = { OK: 0, INCOMPLETE: 1, INVALID: 2 } as const;
export type SipFrameStatusValue = (typeof SipFrameStatus)[keyof typeof SipFrameStatus];

/** Reusable result object of {@link frameSipMessage} (one per framer: no per-call allocation). */
export interface SipFrameResult {
  status: SipFrameStatusValue;
  /** OK: bytes of the whole message. */
  length: number;
  /** OK, or INCOMPLETE with `needed >= 0`: bytes of start line + headers + empty line. */
  headerLength: number;
  /** Content-Length value; -1 when absent, -2 when malformed (both framed as 0 by the caller). */
  contentLength: number;
  /** INCOMPLETE: total message length when known, else -1. */
  needed: number;
  /** INCOMPLETE: bytes after `start` already searched for the header end. */
  scanned: number;
}

/** A fresh result object. */
export function createSipFrameResult(): SipFrameResult {
  return { status: SipFrameStatus.INCOMPLETE, length: 0, headerLength: 0, contentLength: -1, needed: -1, scanned: 0 };
}

function isLetter(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a));
}

/** Lower-cases an ASCII letter code. */
function lc(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

const CL_NAME = [...'content-length'].map((ch) => ch.charCodeAt(0));

/**
 * Value of the first Content-Length (or compact `l`) header in `b[from, to)`:
 * -1 when absent, -2 when not `*WSP 1*DIGIT *WSP`.
 */
function findContentLength(b: Uint8Array, from: number, to: number): number {
  let p = from;
  while (p < to) {
    let lf = b.indexOf(0x0a, p);
    if (lf < 0 || lf >= to) lf = to;
    // Name: "content-length" or "l", case-insensitive, then *WSP ":" (RFC 3261 7.3.1, 7.3.3).
    let q = p;
    let isCl = false;
    if (lc(b[q]!) === 0x6c && (b[q + 1] === 0x3a || b[q + 1] === 0x20 || b[q + 1] === 0x09)) {
      q += 1;
      isCl = true;
    } else if (lf - p > CL_NAME.length) {
      isCl = true;
      for (let k = 0; k < CL_NAME.length; k++) {
        if (lc(b[p + k]!) !== CL_NAME[k]) {
          isCl = false;
          break;
        }
      }
      if (isCl) q += CL_NAME.length;
    }
    if (isCl) {
      while (q < lf && (b[q] === 0x20 || b[q] === 0x09)) q++;
      if (b[q] === 0x3a) {
        q++;
        while (q < lf && (b[q] === 0x20 || b[q] === 0x09)) q++;
        let n = 0;
        let digits = 0;
        while (q < lf && b[q]! >= 0x30 && b[q]! <= 0x39) {
          n = n * 10 + (b[q]! - 0x30);
          q++;
          digits++;
        }
        while (q < lf && (b[q] === 0x20 || b[q] === 0x09 || b[q] === 0x0d)) q++;
        return digits === 0 || digits > 10 || q !== lf ? -2 : n;
      }
    }
    p = lf + 1;
  }
  return -1;
}

/**
 * Frames the message starting at `b[start]` (the caller has skipped keep-alive CRLFs) within
 * `b[start, end)`, writing the outcome to `out`. Never throws.
 *
 * @param scanned `out.scanned` of the previous INCOMPLETE call for the same message, else 0.
 */
export function frameSipMessage(b: Uint8Array, start: number, end: number, scanned: number, out: SipFrameResult): void {
  out.needed = -1;
  out.length = 0;
  // 1. The start line must be complete and valid before anything else.
  const lf = b.indexOf(0x0a, start);
  if (lf < 0 || lf >= end) {
    if (end - start > MAX_START_LINE || !isLetter(b[start])) out.status = SipFrameStatus.INVALID;
    else {
      out.status = SipFrameStatus.INCOMPLETE;
      out.scanned = 0;
    }
    return;
  }
  if (!looksLikeSipStartLine(b, start, lf)) {
    out.status = SipFrameStatus.INVALID;
    return;
  }
  // 2. The empty line: LF followed by LF or CRLF. Resume a little before where we stopped.
  let s = Math.max(lf, start + scanned - 3);
  let headerEnd = -1;
  for (;;) {
    const k = b.indexOf(0x0a, s);
    if (k < 0 || k >= end) break;
    if (k + 1 >= end) break;
    if (b[k + 1] === 0x0a) {
      headerEnd = k + 2;
      break;
    }
    if (b[k + 1] === 0x0d) {
      if (k + 2 >= end) break;
      if (b[k + 2] === 0x0a) {
        headerEnd = k + 3;
        break;
      }
    }
    s = k + 1;
  }
  if (headerEnd < 0) {
    out.status = SipFrameStatus.INCOMPLETE;
    out.scanned = end - start;
    return;
  }
  // 3. Content-Length decides the body (RFC 3261 18.3); absent or malformed frames as 0.
  const cl = findContentLength(b, lf + 1, headerEnd);
  out.contentLength = cl;
  out.headerLength = headerEnd - start;
  const total = out.headerLength + (cl > 0 ? cl : 0);
  if (end - start >= total) {
    out.status = SipFrameStatus.OK;
    out.length = total;
  } else {
    out.status = SipFrameStatus.INCOMPLETE;
    out.needed = total;
    // Resume the next search just before the empty line (s = start + scanned - 3 ≤ its LF).
    out.scanned = out.headerLength - 3;
  }
}
