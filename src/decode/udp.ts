/** UDP header decoding (RFC 768). */
import type { AnomalySink } from '../core/anomaly.js';
import { u16be } from '../util/bytes.js';
import { Layer, type Cursor, type LayerCode } from './cursor.js';
import { IpProto, type DecodedPacket } from './decoded-packet.js';
import { VXLAN_PORT } from './vxlan.js';

/**
 * Decodes the UDP header at the cursor. The payload ends at the smaller of the Length field
 * and the available bytes:
 * - Length below 8 cannot hold the header: `udp.bad_length`, nothing decoded.
 * - Length beyond the IP payload is `udp.bad_length` unless the capture was cut (ipTruncated),
 *   where it is expected.
 * - Length 0 is legal for IPv6 jumbograms (RFC 2675 section 4); it is also produced by
 *   segmentation offload, so the available bytes are used. Reported for IPv4 only.
 * - IP payload past Length is the UDP "surplus area" (draft-ietf-tsvwg-udp-options): ignored.
 * The checksum is not verified (offloaded on capture hosts, optional over IPv4).
 * Datagrams to port 4789 continue into VXLAN.
 */
export function decodeUdp(c: Cursor, out: DecodedPacket, sink: AnomalySink): LayerCode {
  const b = c.buf;
  const off = c.off;
  const avail = c.end - off;
  if (avail < 8) {
    sink.report('udp.truncated_header', c.frameNo);
    return Layer.DONE;
  }
  const len = u16be(b, off + 4);
  let end: number;
  if (len === 0) {
    if (out.ipVersion !== 6) sink.report('udp.bad_length', c.frameNo, 'zero');
    end = c.end;
  } else if (len < 8) {
    sink.report('udp.bad_length', c.frameNo, 'below header');
    return Layer.DONE;
  } else if (len > avail) {
    if (!out.ipTruncated) sink.report('udp.bad_length', c.frameNo, 'beyond datagram');
    end = c.end;
  } else {
    end = off + len;
  }
  out.l4 = IpProto.UDP;
  out.sawUdp = true;
  out.srcPort = u16be(b, off);
  out.dstPort = u16be(b, off + 2);
  out.setPayload(b, off + 8, end);
  if (out.dstPort === VXLAN_PORT) {
    c.off = off + 8;
    c.end = end;
    return Layer.VXLAN;
  }
  return Layer.DONE;
}
