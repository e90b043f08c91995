/** VXLAN (RFC 7348 section 5): an 8-octet header on UDP destination port 4789, then Ethernet. */
import type { AnomalySink } from '../core/anomaly.js';
import { enterTunnel, Layer, type Cursor, type LayerCode } from './cursor.js';
import { Tunnel, type DecodedPacket } from './decoded-packet.js';

/** IANA-assigned VXLAN UDP port (RFC 7348 section 5). */
export const VXLAN_PORT = 4789;

/** The I flag: "MUST be set to 1 for a valid VXLAN Network ID (VNI)". */
const VXLAN_I = 0x08;

/**
 * VXLAN header: Flags(8) Reserved(24) | VNI(24) Reserved(8). The reserved bits are ignored on
 * receipt as RFC 7348 asks. Without the I flag the datagram is reported and left as plain UDP:
 * something else may be using the port.
 */
export function decodeVxlan(c: Cursor, out: DecodedPacket, sink: AnomalySink): LayerCode {
  if (c.end - c.off < 8) {
    sink.report('vxlan.truncated', c.frameNo);
    return Layer.DONE;
  }
  if ((c.buf[c.off]! & VXLAN_I) === 0) {
    sink.report('vxlan.bad_flags', c.frameNo);
    return Layer.DONE;
  }
  if (!enterTunnel(c, out, sink, Tunnel.VXLAN)) return Layer.DONE;
  c.off += 8;
  return Layer.ETHERNET;
}
