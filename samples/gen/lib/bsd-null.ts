/**
 * BSD loopback encapsulation, LINKTYPE_NULL (0): a 4-byte address family in the capturing
 * host's byte order, then the IP packet (tcpdump.org LINKTYPE_NULL page).
 */
import { ByteWriter } from '../../../src/util/bytes.js';

/** Address family values readers must accept (IPv6 differs between BSDs). */
export const BsdAf = {
  INET: 2,
  INET6_BSD: 24, // NetBSD, OpenBSD, BSD/OS
  INET6_FREEBSD: 28,
  INET6_DARWIN: 30,
} as const;

/**
 * LINKTYPE_NULL frame. `family` defaults from the IP version (2, or 30 = Darwin for IPv6);
 * `littleEndian` (default true) is the capturing host's byte order.
 */
export function bsdNull(payload: Uint8Array, opts: { family?: number; littleEndian?: boolean } = {}): Uint8Array {
  const family = opts.family ?? (payload[0]! >> 4 === 6 ? BsdAf.INET6_DARWIN : BsdAf.INET);
  return new ByteWriter(4 + payload.length)
    .u32(family, opts.littleEndian ?? true)
    .bytes(payload)
    .finish();
}
