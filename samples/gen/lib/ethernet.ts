/**
 * Ethernet II frames with optional IEEE 802.1Q / 802.1ad (QinQ) tags.
 *
 * ```
 * | dst (6) | src (6) | [TPID (2) | PCP:3 DEI:1 VID:12 (2)]* | EtherType (2) | payload |
 * ```
 */
import { ByteWriter } from '../../../src/util/bytes.js';

/** EtherTypes used by the builders (IEEE registry). */
export const EtherType = {
  IPV4: 0x0800,
  ARP: 0x0806,
  VLAN: 0x8100, // 802.1Q C-tag
  IPV6: 0x86dd,
  QINQ: 0x88a8, // 802.1ad S-tag
  ERSPAN_II: 0x88be, // also the GRE protocol type of ERSPAN type II
  ERSPAN_III: 0x22eb,
  TEB: 0x6558, // transparent Ethernet bridging (Ethernet over GRE)
} as const;

/** One VLAN tag; tags are listed outermost first. */
export interface VlanTag {
  /** VLAN identifier, 0..4095. */
  id: number;
  /** Priority code point, 0..7; default 0. */
  pcp?: number;
  /** Drop eligible indicator; default false. */
  dei?: boolean;
  /**
   * Tag protocol identifier. Default: 0x88a8 (S-tag) for the outer tag of a stack of two or more,
   * 0x8100 (C-tag) otherwise.
   */
  tpid?: number;
}

export interface EthernetOptions {
  dst: Uint8Array;
  src: Uint8Array;
  etherType: number;
  payload: Uint8Array;
  vlans?: readonly VlanTag[];
  /** Pad to the 60-byte minimum (64 with FCS) as a NIC sends it; default false (as a sender-side capture shows it). */
  padToMinimum?: boolean;
}

/** Builds an Ethernet II frame (no FCS). */
export function ethernet(o: EthernetOptions): Uint8Array {
  const vlans = o.vlans ?? [];
  const w = new ByteWriter(18 + 4 * vlans.length + o.payload.length);
  w.bytes(o.dst).bytes(o.src);
  vlans.forEach((v, i) => {
    const tpid = v.tpid ?? (vlans.length >= 2 && i === 0 ? EtherType.QINQ : EtherType.VLAN);
    w.u16(tpid).u16(((v.pcp ?? 0) << 13) | (v.dei === true ? 0x1000 : 0) | (v.id & 0x0fff));
  });
  w.u16(o.etherType).bytes(o.payload);
  if (o.padToMinimum === true && w.length < 60) w.zeros(60 - w.length);
  return w.finish();
}

/** EtherType for an IP packet, from the version nibble of its first byte. */
export function etherTypeForIp(ip: Uint8Array): number {
  return ip[0]! >> 4 === 6 ? EtherType.IPV6 : EtherType.IPV4;
}
