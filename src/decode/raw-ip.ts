/** Raw IP frames: LINKTYPE_RAW (101) and DLT_RAW written as 12 or 14, which have no link header at all. */
import type { AnomalySink } from '../core/anomaly.js';
import { Layer, type Cursor, type LayerCode } from './cursor.js';
import type { DecodedPacket } from './decoded-packet.js';

/**
 * Raw IP (LINKTYPE_RAW; also ERSPAN type III frames of type "IP"): the version nibble of the
 * first byte selects IPv4 or IPv6 (RFC 791 section 3.1, RFC 8200 section 3).
 */
export function decodeRawIp(c: Cursor, _out: DecodedPacket, sink: AnomalySink): LayerCode {
  if (c.end - c.off < 1) {
    sink.report('link.truncated_header', c.frameNo, 'raw');
    return Layer.DONE;
  }
  const version = c.buf[c.off]! >> 4;
  if (version === 4) return Layer.IPV4;
  if (version === 6) return Layer.IPV6;
  sink.report('link.bad_ip_version', c.frameNo);
  return Layer.DONE;
}
