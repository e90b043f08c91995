/**
 * BSD loopback encapsulations (tcpdump.org link-layer header types): LINKTYPE_NULL (0), a 4-byte
 * address family in the byte order of the capturing host, and LINKTYPE_LOOP (108), the same in
 * network byte order.
 */
import type { AnomalySink } from '../core/anomaly.js';
import { u32be, u32le } from '../util/bytes.js';
import { Layer, type Cursor, type LayerCode } from './cursor.js';
import type { DecodedPacket } from './decoded-packet.js';

/**
 * Address family to next layer. AF_INET is 2 everywhere; AF_INET6 differs per OS: 24 (NetBSD,
 * OpenBSD, BSD/OS), 28 (FreeBSD, DragonFly), 30 (macOS/Darwin); all three occur in files.
 */
function familyLayer(c: Cursor, family: number, sink: AnomalySink): LayerCode {
  c.off += 4;
  if (family === 2) return Layer.IPV4;
  if (family === 24 || family === 28 || family === 30) return Layer.IPV6;
  sink.report('link.unknown_family', c.frameNo);
  return Layer.DONE;
}

/**
 * LINKTYPE_NULL. The file does not say which byte order the writer used, so the family is read
 * little-endian and, when that gives a value with high bits set (a big-endian writer: families
 * are small numbers), big-endian — the same heuristic tcpdump and Wireshark use.
 */
export function decodeBsdNull(c: Cursor, _out: DecodedPacket, sink: AnomalySink): LayerCode {
  if (c.end - c.off < 4) {
    sink.report('link.truncated_header', c.frameNo, 'null');
    return Layer.DONE;
  }
  const le = u32le(c.buf, c.off);
  return familyLayer(c, (le & 0xffff0000) !== 0 ? u32be(c.buf, c.off) : le, sink);
}

/** LINKTYPE_LOOP (OpenBSD): the family is always in network byte order. */
export function decodeBsdLoop(c: Cursor, _out: DecodedPacket, sink: AnomalySink): LayerCode {
  if (c.end - c.off < 4) {
    sink.report('link.truncated_header', c.frameNo, 'loop');
    return Layer.DONE;
  }
  return familyLayer(c, u32be(c.buf, c.off), sink);
}
