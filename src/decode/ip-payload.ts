/** Dispatch from an IP datagram's payload to its upper layer by IP protocol number. */
import type { AnomalySink } from '../core/anomaly.js';
import { Layer, type Cursor, type LayerCode } from './cursor.js';
import { IpProto, type DecodedPacket } from './decoded-packet.js';
import { isIpv6ExtensionHeader, walkIpv6Extensions } from './ipv6.js';

/**
 * Points the cursor at `out.ipPayload` and selects the decoder for `out.ipProto`: TCP, UDP, or
 * GRE (decapsulated here, at the IP layer). Other protocols (ICMP, ESP, SCTP, ...) end decoding.
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
    case IpProto.GRE:
      return Layer.GRE;
    default:
      return Layer.DONE;
  }
}
