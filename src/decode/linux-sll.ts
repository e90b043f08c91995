/**
 * Linux "cooked" capture headers, what `tcpdump -i any` writes: LINKTYPE_LINUX_SLL (113) and
 * LINKTYPE_LINUX_SLL2 (276), per the tcpdump.org link-layer header type pages.
 */
import type { AnomalySink } from '../core/anomaly.js';
import { u16be } from '../util/bytes.js';
import { Layer, type Cursor, type LayerCode } from './cursor.js';
import type { DecodedPacket } from './decoded-packet.js';

/** ARPHRD_NETLINK: the protocol field is a netlink family, not an EtherType. */
const ARPHRD_NETLINK = 824;

/**
 * SLL: packet type (2), ARPHRD type (2), address length (2), address (8), protocol (2).
 * The protocol field is an EtherType for the link types carrying IP (including 0x8100 when the
 * VLAN tag was left in the packet).
 */
export function decodeLinuxSll(c: Cursor, _out: DecodedPacket, sink: AnomalySink): LayerCode {
  if (c.end - c.off < 16) {
    sink.report('link.truncated_header', c.frameNo, 'sll');
    return Layer.DONE;
  }
  if (u16be(c.buf, c.off + 2) === ARPHRD_NETLINK) return Layer.DONE;
  c.type = u16be(c.buf, c.off + 14);
  c.off += 16;
  return Layer.ETHERTYPE;
}

/**
 * SLL2: protocol (2), reserved (2), interface index (4), ARPHRD type (2), packet type (1),
 * address length (1), address (8).
 */
export function decodeLinuxSll2(c: Cursor, _out: DecodedPacket, sink: AnomalySink): LayerCode {
  if (c.end - c.off < 20) {
    sink.report('link.truncated_header', c.frameNo, 'sll2');
    return Layer.DONE;
  }
  if (u16be(c.buf, c.off + 8) === ARPHRD_NETLINK) return Layer.DONE;
  c.type = u16be(c.buf, c.off);
  c.off += 20;
  return Layer.ETHERTYPE;
}
