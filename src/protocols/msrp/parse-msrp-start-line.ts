/**
 * MSRP start lines (RFC 4975 section 9):
 *
 *   req-start  = pMSRP SP transact-id SP method CRLF
 *   resp-start = pMSRP SP transact-id SP status-code [SP comment] CRLF
 *
 * Shared by the framer (a frame's first line) and the body boundary check (a start line inside
 * a body whose end is not verified is the next frame, see ./classify-body-line.ts).
 */
import { isMsrpIdent } from './msrp-headers.js';

/** A parsed start line. */
export interface MsrpStartLine {
  readonly tid: string;
  readonly kind: 'request' | 'response';
  readonly method: string | null;
  readonly statusCode: number | null;
  readonly comment: string | null;
}

const START_LINE = /^MSRP ([^ ]+) (?:([A-Z]+)|([0-9]{3})(?: (.*))?)$/;

/** `MSRP tid METHOD` or `MSRP tid code [comment]` (the line without its CRLF), or null. */
export function parseMsrpStartLine(text: string): MsrpStartLine | null {
  const m = START_LINE.exec(text);
  if (m === null || !isMsrpIdent(m[1]!)) return null;
  if (m[2] !== undefined) return { tid: m[1]!, kind: 'request', method: m[2], statusCode: null, comment: null };
  const comment = m[4] === undefined || m[4] === '' ? null : m[4];
  return { tid: m[1]!, kind: 'response', method: null, statusCode: Number(m[3]), comment };
}
