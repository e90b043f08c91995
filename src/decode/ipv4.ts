/** IPv4 header decoding (RFC 791 section 3.1). */
import type { AnomalySink } from '../core/anomaly.js';
import { u16be } from '../util/bytes.js';
import { Layer, type Cursor, type LayerCode } from './cursor.js';
import type { DecodedPacket } from './decoded-packet.js';

const MIN_HEADER = 20;

/**
 * True when the Internet checksum (RFC 1071) over `b[off, off + len)` (the IPv4 header,
 * checksum field included) verifies, i.e. the one's-complement sum is 0xFFFF.
 * `len` is a multiple of 4 (IHL * 4), so the 16-bit words never straddle the end.
 */
export function ipv4HeaderChecksumOk(b: Uint8Array, off: number, len: number): boolean {
  let sum = 0;
  for (let i = off, end = off + len; i < end; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  // At most 30 words of 0xFFFF: two folds bring any such sum into 16 bits.
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff;
}

/**
 * Decodes the IPv4 header at the cursor into `out` (overwriting any outer IP header's fields)
 * and returns TRANSPORT for a whole datagram, DONE for a fragment or a header that cannot be used.
 *
 * - Options (IHL > 5) are skipped, not interpreted.
 * - The datagram ends at Total Length: bytes past it (Ethernet minimum-size padding, FCS) are
 *   trimmed. A capture shorter than Total Length sets `ipTruncated` and keeps what there is.
 * - Total Length 0 is what captures of sent packets show under TCP segmentation offload (the
 *   NIC fills it in); the captured bytes are used and `ipv4.zero_total_length` noted.
 * - A wrong header checksum is reported (`ipv4.bad_checksum`, info: checksum offload leaves 0
 *   in captured sent packets) and the datagram is still processed.
 * - Fragments (MF set or offset non-zero, RFC 791 section 3.2) set isFragment/fragId/
 *   fragOffset (bytes)/fragMore; their transport header is left to the reassembler.
 */
export function decodeIpv4(c: Cursor, out: DecodedPacket, sink: AnomalySink): LayerCode {
  const b = c.buf;
  const off = c.off;
  const avail = c.end - off;
  out.sawIpv4 = true;
  // The version is checked first (when there is a byte) as the more telling of the two faults.
  if (avail > 0 && b[off]! >> 4 !== 4) {
    sink.report('ipv4.bad_version', c.frameNo);
    return Layer.DONE;
  }
  if (avail < MIN_HEADER) {
    sink.report('ipv4.truncated', c.frameNo, 'header');
    return Layer.DONE;
  }
  const vihl = b[off]!;
  const hl = (vihl & 0x0f) << 2;
  if (hl < MIN_HEADER) {
    sink.report('ipv4.bad_header_length', c.frameNo);
    return Layer.DONE;
  }
  if (hl > avail) {
    sink.report('ipv4.truncated', c.frameNo, 'options');
    return Layer.DONE;
  }
  const totalLen = u16be(b, off + 2);
  let ipEnd: number;
  let truncated = false;
  if (totalLen === 0) {
    sink.report('ipv4.zero_total_length', c.frameNo);
    ipEnd = c.end;
  } else if (totalLen < hl) {
    sink.report('ipv4.bad_total_length', c.frameNo);
    return Layer.DONE;
  } else if (totalLen > avail) {
    truncated = true;
    ipEnd = c.end;
    if (!c.snapCut) sink.report('ipv4.truncated', c.frameNo, 'datagram');
  } else {
    ipEnd = off + totalLen;
  }
  if (!ipv4HeaderChecksumOk(b, off, hl)) {
    sink.report('ipv4.bad_checksum', c.frameNo, u16be(b, off + 10) === 0 ? 'zero (offload?)' : undefined);
  }

  out.ipVersion = 4;
  // Addresses are copied into the packet's own slots: cheaper than two views per header.
  const src = out.addrSlots.src4;
  const dst = out.addrSlots.dst4;
  src[0] = b[off + 12]!;
  src[1] = b[off + 13]!;
  src[2] = b[off + 14]!;
  src[3] = b[off + 15]!;
  dst[0] = b[off + 16]!;
  dst[1] = b[off + 17]!;
  dst[2] = b[off + 18]!;
  dst[3] = b[off + 19]!;
  out.src = src;
  out.dst = dst;
  out.ttl = b[off + 8]!;
  out.ipProto = b[off + 9]!;
  out.setIpPayload(b, off + hl, ipEnd);
  out.ipTruncated = truncated;
  // RFC 791: flags are the top 3 bits of the word at offset 6 (reserved, DF, MF), the fragment
  // offset the low 13 bits in units of 8 octets.
  const ff = u16be(b, off + 6);
  const more = (ff & 0x2000) !== 0;
  const fragOffset = (ff & 0x1fff) << 3;
  if (more || fragOffset !== 0) {
    out.isFragment = true;
    out.fragId = u16be(b, off + 4);
    out.fragOffset = fragOffset;
    out.fragMore = more;
    return Layer.DONE;
  }
  out.isFragment = false;
  out.fragId = 0;
  out.fragOffset = 0;
  out.fragMore = false;
  return Layer.TRANSPORT;
}
