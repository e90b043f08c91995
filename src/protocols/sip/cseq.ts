/** The CSeq header (RFC 3261 20.16): `CSeq = 1*DIGIT LWS Method`. */

export interface SipCSeq {
  /** Sequence number, 0..2^31-1 (RFC 3261 8.1.1.5). */
  readonly seq: number;
  /** Method, case-sensitive as written (RFC 3261 7.1: methods are case-sensitive). */
  readonly method: string;
}

const CSEQ_RE = /^([0-9]{1,10})\s+([A-Za-z0-9.!%*_+`'~-]+)$/;

/** Parses a CSeq value; null when it is not `number method` or the number exceeds 2^32-1. */
export function parseCSeq(text: string): SipCSeq | null {
  const m = CSEQ_RE.exec(text.trim());
  if (m === null) return null;
  const seq = Number(m[1]);
  if (seq > 0xffffffff) return null;
  return { seq, method: m[2]! };
}
