/**
 * Classifier for the first bytes of a TCP direction: a TLS handshake record (RFC 5246 6.2.1,
 * RFC 8446 5.1): content type 22, legacy version 0x0301..0x0304 (0x0300 SSL 3.0 too, to report
 * it), length 1..2^14.
 */

/** 0: not TLS, 1: a TLS handshake record starts here, 2: need more bytes (fewer than 5 and consistent so far). */
export function looksLikeTlsStart(b: Uint8Array, end: number = b.length): 0 | 1 | 2 {
  const n = Math.min(end, b.length);
  if (n >= 1 && b[0] !== 22) return 0;
  if (n >= 2 && b[1] !== 3) return 0;
  if (n >= 3 && b[2]! > 4) return 0;
  if (n < 5) return 2;
  const len = (b[3]! << 8) | b[4]!;
  // RFC 8446 5.1: a plaintext record is at most 2^14 bytes; an empty handshake record is not allowed.
  if (len === 0 || len > 16384) return 0;
  return 1;
}
