/**
 * The Internet checksum (RFC 1071) and the transport pseudo-headers it covers for UDP and TCP
 * over IPv4 (RFC 768, RFC 9293 section 3.1) and IPv6 (RFC 8200 section 8.1).
 */
import { concatBytes } from '../../../src/util/bytes.js';

/**
 * 16-bit one's complement of the one's complement sum of `parts`, concatenated (RFC 1071
 * section 4.1). An odd total length is padded with one zero byte.
 */
export function internetChecksum(parts: readonly Uint8Array[]): number {
  const b = parts.length === 1 ? parts[0]! : concatBytes(parts);
  let sum = 0;
  let i = 0;
  for (; i + 1 < b.length; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (i < b.length) sum += b[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * The pseudo-header a UDP/TCP checksum covers: IPv4 (src, dst, zero, protocol, length: RFC 768)
 * or IPv6 (src, dst, 32-bit length, zeros, next header: RFC 8200 section 8.1), chosen by the
 * address length (4 or 16 bytes).
 */
export function pseudoHeader(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): Uint8Array {
  if (src.length !== dst.length || (src.length !== 4 && src.length !== 16)) {
    throw new RangeError(`pseudoHeader: addresses must both be 4 or 16 bytes (got ${src.length}, ${dst.length})`);
  }
  const v6 = src.length === 16;
  const out = new Uint8Array(v6 ? 40 : 12);
  out.set(src, 0);
  out.set(dst, src.length);
  if (v6) {
    new DataView(out.buffer).setUint32(32, length >>> 0);
    out[39] = protocol;
  } else {
    out[9] = protocol;
    out[10] = (length >>> 8) & 0xff;
    out[11] = length & 0xff;
  }
  return out;
}

/**
 * Checksum of a UDP datagram or TCP segment whose checksum field is zero, over its pseudo-header.
 * For UDP a computed 0 is sent as 0xffff (RFC 768: 0 means "no checksum").
 */
export function transportChecksum(src: Uint8Array, dst: Uint8Array, protocol: number, segment: Uint8Array): number {
  const c = internetChecksum([pseudoHeader(src, dst, protocol, segment.length), segment]);
  return protocol === 17 && c === 0 ? 0xffff : c;
}
