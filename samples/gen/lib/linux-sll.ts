/**
 * Linux "cooked" capture headers (what `tcpdump -i any` writes):
 * LINKTYPE_LINUX_SLL (113) and LINKTYPE_LINUX_SLL2 (276), per the tcpdump.org link-type pages.
 *
 * ```
 * SLL  (16): packet type (2) | ARPHRD (2) | addr len (2) | addr (8) | protocol (2)
 * SLL2 (20): protocol (2) | reserved (2) | ifindex (4) | ARPHRD (2) | packet type (1) | addr len (1) | addr (8)
 * ```
 */
import { ByteWriter } from '../../../src/util/bytes.js';

/** sll_pkttype values. */
export const SllPacketType = {
  HOST: 0, // to us
  BROADCAST: 1,
  MULTICAST: 2,
  OTHERHOST: 3,
  OUTGOING: 4, // sent by us
} as const;

export interface SllOptions {
  /** Protocol type (EtherType for ARPHRD_ETHER). */
  protocol: number;
  payload: Uint8Array;
  /** sll_pkttype; default HOST (0). */
  packetType?: number;
  /** ARPHRD_ type; default 1 (ARPHRD_ETHER). */
  arphrd?: number;
  /** Link-layer source address, up to 8 bytes (zero-padded to 8). */
  address?: Uint8Array;
}

function addressField(w: ByteWriter, address: Uint8Array): void {
  if (address.length > 8) throw new RangeError('linux SLL: address longer than 8 bytes');
  w.bytes(address).zeros(8 - address.length);
}

/** LINKTYPE_LINUX_SLL frame. */
export function linuxSll(o: SllOptions): Uint8Array {
  const addr = o.address ?? new Uint8Array(6);
  const w = new ByteWriter(16 + o.payload.length);
  w.u16(o.packetType ?? SllPacketType.HOST)
    .u16(o.arphrd ?? 1)
    .u16(addr.length);
  addressField(w, addr);
  w.u16(o.protocol).bytes(o.payload);
  return w.finish();
}

/** LINKTYPE_LINUX_SLL2 frame (adds the interface index). */
export function linuxSll2(o: SllOptions & { interfaceIndex?: number }): Uint8Array {
  const addr = o.address ?? new Uint8Array(6);
  const w = new ByteWriter(20 + o.payload.length);
  w.u16(o.protocol)
    .u16(0)
    .u32(o.interfaceIndex ?? 1)
    .u16(o.arphrd ?? 1)
    .u8(o.packetType ?? SllPacketType.HOST)
    .u8(addr.length);
  addressField(w, addr);
  w.bytes(o.payload);
  return w.finish();
}
