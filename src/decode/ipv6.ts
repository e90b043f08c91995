/** IPv6 header and extension-header chain decoding (RFC 8200 sections 3 and 4). */
import type { AnomalySink } from '../core/anomaly.js';
import { u16be, u32be } from '../util/bytes.js';
import { EMPTY_BYTES, Layer, type Cursor, type LayerCode } from './cursor.js';
import { IpProto, type DecodedPacket } from './decoded-packet.js';

const HEADER = 40;
/** IPsec Authentication Header (RFC 4302): its length counts 4-octet units minus 2. */
const AH = 51;

/**
 * Extension headers in the generic RFC 8200 section 4 format (next header, length in 8-octet
 * units not counting the first 8): hop-by-hop, routing, destination options, and the later
 * ones RFC 7045 lists as extension headers (Mobility 135, HIP 139, Shim6 140, experimental
 * 253/254).
 */
function isGenericExtension(nh: number): boolean {
  return nh === IpProto.HOPOPTS || nh === IpProto.IPV6_ROUTE || nh === IpProto.IPV6_OPTS || nh === 135 || nh === 139 || nh === 140 || nh === 253 || nh === 254;
}

/**
 * Decodes the IPv6 header and walks its extension headers into `out` (overwriting any outer IP
 * header's fields). `ipProto` becomes the final upper-layer protocol and `ipPayload` the bytes
 * after the last extension header.
 *
 * - Payload Length bounds the datagram (trims link padding); a shorter capture sets ipTruncated.
 *   Payload Length 0 (a jumbogram, RFC 2675, or segmentation offload) uses the captured bytes.
 * - A Fragment header (RFC 8200 section 4.5) with offset 0 and M = 0 is an atomic fragment
 *   (RFC 6946): the datagram is whole and the chain continues. Any other Fragment header makes
 *   this a fragment: ipProto is the Fragment header's next header, ipPayload the fragment data,
 *   and decoding stops (the flow layer reassembles).
 * - Hop-by-hop options anywhere but first violate RFC 8200 section 4.1: reported, then skipped
 *   like the other options headers so the packet is still seen.
 * - No Next Header (59) and ESP (50) end the walk with no transport to decode.
 */
export function decodeIpv6(c: Cursor, out: DecodedPacket, sink: AnomalySink): LayerCode {
  const b = c.buf;
  const off = c.off;
  const avail = c.end - off;
  out.sawIpv6 = true;
  // The version is checked first (when there is a byte) as the more telling of the two faults.
  if (avail > 0 && b[off]! >> 4 !== 6) {
    sink.report('ipv6.bad_version', c.frameNo);
    return Layer.DONE;
  }
  if (avail < HEADER) {
    sink.report('ipv6.truncated', c.frameNo, 'header');
    return Layer.DONE;
  }
  const plen = u16be(b, off + 4);
  let ipEnd: number;
  let truncated = false;
  if (plen === 0) {
    sink.report('ipv6.zero_payload_length', c.frameNo);
    ipEnd = c.end;
  } else if (plen > avail - HEADER) {
    truncated = true;
    ipEnd = c.end;
    if (!c.snapCut) sink.report('ipv6.truncated', c.frameNo, 'datagram');
  } else {
    ipEnd = off + HEADER + plen;
  }

  out.ipVersion = 6;
  // Addresses are copied into the packet's own slots: cheaper than two views per header.
  const src = out.addrSlots.src6;
  const dst = out.addrSlots.dst6;
  for (let i = 0; i < 16; i++) {
    src[i] = b[off + 8 + i]!;
    dst[i] = b[off + 24 + i]!;
  }
  out.src = src;
  out.dst = dst;
  out.ttl = b[off + 7]!;
  out.ipTruncated = truncated;
  out.isFragment = false;
  out.fragId = 0;
  out.fragOffset = 0;
  out.fragMore = false;

  return walkIpv6Extensions(c, out, sink, b[off + 6]!, off + HEADER, ipEnd, true, truncated);
}

/** True for the next-header values walkIpv6Extensions steps over (generic format, AH, Fragment). */
export function isIpv6ExtensionHeader(nh: number): boolean {
  return isGenericExtension(nh) || nh === AH || nh === IpProto.IPV6_FRAG;
}

/**
 * Walks the extension headers of `c.buf[p, ipEnd)` starting with next-header value `nh`, then
 * sets `out.ipProto` / `out.ipPayload` (or the fragment fields). `first` is true when `p` is
 * right after the fixed IPv6 header (the only place hop-by-hop options may be, RFC 8200 section
 * 4.1); it is false for the fragmentable part of a reassembled datagram, which may itself start
 * with extension headers (section 4.5).
 */
export function walkIpv6Extensions(c: Cursor, out: DecodedPacket, sink: AnomalySink, nh: number, p: number, ipEnd: number, first: boolean, truncated: boolean): LayerCode {
  const b = c.buf;
  let misplacedReported = false; // once per header chain: anomalies per frame stay bounded
  for (; ; first = false) {
    let len: number;
    if (isGenericExtension(nh)) {
      if (nh === IpProto.HOPOPTS && !first && !misplacedReported) {
        sink.report('ipv6.bad_extension_header', c.frameNo, 'hop-by-hop not first');
        misplacedReported = true;
      }
      if (ipEnd - p < 2) return extensionCut(c, out, sink, nh, truncated);
      len = (b[p + 1]! + 1) << 3;
    } else if (nh === AH) {
      if (ipEnd - p < 2) return extensionCut(c, out, sink, nh, truncated);
      len = (b[p + 1]! + 2) << 2;
    } else if (nh === IpProto.IPV6_FRAG) {
      if (ipEnd - p < 8) return extensionCut(c, out, sink, nh, truncated);
      // Fragment header: next header, reserved, offset (13 bits, 8-octet units) | res | M, id.
      const fo = u16be(b, p + 2);
      const fragOffset = fo & 0xfff8;
      const more = (fo & 1) !== 0;
      const inner = b[p]!;
      p += 8;
      if (fragOffset === 0 && !more) {
        nh = inner; // atomic fragment: a whole datagram (RFC 6946 section 4)
        continue;
      }
      out.isFragment = true;
      out.fragId = u32be(b, p - 4);
      out.fragOffset = fragOffset;
      out.fragMore = more;
      out.ipProto = inner;
      out.setIpPayload(b, p, ipEnd);
      return Layer.DONE;
    } else {
      // Upper-layer header (or 59 No Next Header, RFC 8200 section 4.7).
      out.ipProto = nh;
      out.setIpPayload(b, p, ipEnd);
      return nh === IpProto.IPV6_NONXT ? Layer.DONE : Layer.TRANSPORT;
    }
    if (len > ipEnd - p) return extensionCut(c, out, sink, nh, truncated);
    nh = b[p]!;
    p += len;
  }
}

/**
 * An extension header does not fit: a short capture is a truncation, a header running past
 * Payload Length is a malformed chain. Either way there is no upper layer to hand on.
 */
function extensionCut(c: Cursor, out: DecodedPacket, sink: AnomalySink, nh: number, truncated: boolean): LayerCode {
  if (truncated) sink.report('ipv6.truncated', c.frameNo, 'extension header');
  else sink.report('ipv6.bad_extension_header', c.frameNo, 'length');
  out.ipProto = nh;
  out.ipPayload = EMPTY_BYTES;
  return Layer.DONE;
}
