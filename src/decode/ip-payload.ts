/** Dispatch from an IP datagram's payload to its upper layer by IP protocol number. */
import type { AnomalySink } from '../core/anomaly.js';
import { enterTunnel, Layer, type Cursor, type LayerCode } from './cursor.js';
import { IpProto, Tunnel, type DecodedPacket } from './decoded-packet.js';
import { isIpv6ExtensionHeader, walkIpv6Extensions } from './ipv6.js';

/**
 * True when {@link decodeIpPayload} has a decoder for IP protocol `proto` (or walks it as an IPv6
 * extension header), so a datagram of any other protocol that ends decoding is one msrptap does
 * not look into: the pipeline counts those by number instead of dropping them silently.
 */
export function isDecodedIpProto(proto: number): boolean {
  switch (proto) {
    case IpProto.TCP:
    case IpProto.UDP:
    case IpProto.GRE:
    case IpProto.IPIP:
    case IpProto.IPV6:
    case IpProto.SCTP:
      return true;
    default:
      return isIpv6ExtensionHeader(proto);
  }
}

/**
 * Points the cursor at `out.ipPayload` and selects the decoder for `out.ipProto`: TCP, UDP, SCTP, or a
 * tunnel decapsulated here, at the IP layer: GRE, and IPv4/IPv6 directly in IPv4/IPv6 (IP
 * protocols 4 and 41: RFC 2003, RFC 4213 section 3.5, RFC 2473), counted against the tunnel depth
 * limit like the others. Other protocols (ICMP, ESP, ...) end decoding.
 *
 * An IPv6 datagram reassembled by the flow layer carries the Fragment header's next header,
 * which may be an extension header of the fragmentable part (RFC 8200 section 4.5, e.g.
 * destination options): those are walked first, so `ipProto`/`ipPayload` end up describing the
 * upper layer as for an unfragmented datagram.
 */
export function decodeIpPayload(c: Cursor, out: DecodedPacket, sink: AnomalySink): LayerCode {
  // The range, not the ipPayload view: reading the view would allocate it for every packet.
  c.buf = out.ipBuf;
  c.off = out.ipOff;
  c.end = out.ipEnd;
  const proto = out.ipProto;
  if (out.ipVersion === 6 && isIpv6ExtensionHeader(proto)) {
    return walkIpv6Extensions(c, out, sink, proto, c.off, c.end, false, out.ipTruncated);
  }
  switch (proto) {
    case IpProto.TCP:
      return Layer.TCP;
    case IpProto.UDP:
      return Layer.UDP;
    case IpProto.SCTP:
      return Layer.SCTP;
    case IpProto.GRE:
      return Layer.GRE;
    case IpProto.IPIP:
      return enterTunnel(c, out, sink, Tunnel.IPV4_IN_IP) ? Layer.IPV4 : Layer.DONE;
    case IpProto.IPV6:
      return enterTunnel(c, out, sink, Tunnel.IPV6_IN_IP) ? Layer.IPV6 : Layer.DONE;
    default:
      return Layer.DONE;
  }
}
