/** TCP header decoding (RFC 9293 section 3.1). */
import type { AnomalySink } from '../core/anomaly.js';
import { u16be, u32be } from '../util/bytes.js';
import { Layer, type Cursor, type LayerCode } from './cursor.js';
import { IpProto, type DecodedPacket } from './decoded-packet.js';

/**
 * Decodes the TCP header at the cursor: ports, sequence and acknowledgment numbers, the 8 flag
 * bits (CWR..FIN), window, and the segment data after Data Offset. Options are skipped, not
 * interpreted. A Data Offset below 5 or beyond the available bytes leaves the segment
 * undecoded (`tcp.truncated_header`). The checksum is not verified (offloaded on capture hosts).
 */
export function decodeTcp(c: Cursor, out: DecodedPacket, sink: AnomalySink): LayerCode {
  const b = c.buf;
  const off = c.off;
  const avail = c.end - off;
  if (avail < 20) {
    sink.report('tcp.truncated_header', c.frameNo, 'header');
    return Layer.DONE;
  }
  const doff = (b[off + 12]! >> 4) << 2;
  if (doff < 20) {
    sink.report('tcp.truncated_header', c.frameNo, 'data offset below 5');
    return Layer.DONE;
  }
  if (doff > avail) {
    sink.report('tcp.truncated_header', c.frameNo, 'options');
    return Layer.DONE;
  }
  out.l4 = IpProto.TCP;
  out.srcPort = u16be(b, off);
  out.dstPort = u16be(b, off + 2);
  out.tcpSeq = u32be(b, off + 4);
  out.tcpAck = u32be(b, off + 8);
  out.tcpFlags = b[off + 13]!;
  out.tcpWindow = u16be(b, off + 14);
  out.setPayload(b, off + doff, c.end);
  return Layer.DONE;
}
