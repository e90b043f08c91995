/**
 * ERSPAN headers inside GRE (draft-foschiano-erspan-03; Linux include/net/erspan.h).
 * Type II: 8 octets, version 1. Type III: 12 octets, version 2, plus an 8-octet
 * platform-specific subheader when the O bit is set.
 */
import type { AnomalySink } from '../core/anomaly.js';
import { u16be } from '../util/bytes.js';
import { enterTunnel, Layer, type Cursor, type LayerCode } from './cursor.js';
import { Tunnel, type DecodedPacket } from './decoded-packet.js';

/**
 * ERSPAN type II: Ver(4) VLAN(12) COS(3) En(2) T(1) Session ID(10) | Reserved(12) Index(20),
 * then the mirrored Ethernet frame.
 */
export function decodeErspanII(c: Cursor, out: DecodedPacket, sink: AnomalySink): LayerCode {
  if (c.end - c.off < 8) {
    sink.report('erspan.truncated', c.frameNo);
    return Layer.DONE;
  }
  if (c.buf[c.off]! >> 4 !== 1) {
    sink.report('erspan.bad_version', c.frameNo, 'type II');
    return Layer.DONE;
  }
  if (!enterTunnel(c, out, sink, Tunnel.ERSPAN_II)) return Layer.DONE;
  c.off += 8;
  return Layer.ETHERNET;
}

/**
 * ERSPAN type III: Ver(4) VLAN(12) COS(3) BSO(2) T(1) Session ID(10) | Timestamp(32) |
 * SGT(16) P(1) FT(5) Hw ID(6) D(1) Gra(2) O(1), then, when O is set, an 8-octet
 * platform-specific subheader. Frame type (FT) 0 is an Ethernet frame, 2 an IP packet
 * without a link header; other frame types are not decoded.
 */
export function decodeErspanIII(c: Cursor, out: DecodedPacket, sink: AnomalySink): LayerCode {
  const b = c.buf;
  const off = c.off;
  if (c.end - off < 12) {
    sink.report('erspan.truncated', c.frameNo);
    return Layer.DONE;
  }
  if (b[off]! >> 4 !== 2) {
    sink.report('erspan.bad_version', c.frameNo, 'type III');
    return Layer.DONE;
  }
  const w = u16be(b, off + 10);
  const hl = (w & 0x0001) !== 0 ? 20 : 12;
  if (c.end - off < hl) {
    sink.report('erspan.truncated', c.frameNo, 'platform subheader');
    return Layer.DONE;
  }
  const frameType = (w >> 10) & 0x1f;
  if (frameType !== 0 && frameType !== 2) {
    sink.report('erspan.unsupported_frame_type', c.frameNo, `ft=${frameType}`);
    return Layer.DONE;
  }
  if (!enterTunnel(c, out, sink, Tunnel.ERSPAN_III)) return Layer.DONE;
  c.off = off + hl;
  return frameType === 0 ? Layer.ETHERNET : Layer.RAW_IP;
}
