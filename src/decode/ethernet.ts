/**
 * Ethernet II (IEEE 802.3 clause 3) and IEEE 802.1Q VLAN tags, the link layer of mirror ports
 * and of the frames carried inside transparent-Ethernet GRE, ERSPAN and VXLAN.
 */
import type { AnomalySink } from '../core/anomaly.js';
import { u16be } from '../util/bytes.js';
import { Layer, type Cursor, type LayerCode } from './cursor.js';
import type { DecodedPacket } from './decoded-packet.js';

/** EtherTypes (IEEE "EtherType" registry) the decoder acts on. */
export const EtherType = {
  IPV4: 0x0800,
  IPV6: 0x86dd,
  /** IEEE 802.1Q customer VLAN tag (C-tag). */
  VLAN: 0x8100,
  /** IEEE 802.1ad service VLAN tag (S-tag, outer tag of QinQ). */
  QINQ: 0x88a8,
  /** Pre-standard QinQ outer tags still emitted by some switches. */
  QINQ_9100: 0x9100,
  QINQ_9200: 0x9200,
  /** Transparent Ethernet bridging (GRE protocol type, RFC 1701). */
  TEB: 0x6558,
  /** ERSPAN type I/II as a GRE protocol type. */
  ERSPAN_II: 0x88be,
  /** ERSPAN type III as a GRE protocol type. */
  ERSPAN_III: 0x22eb,
} as const;

const ETH_HEADER = 14; // destination MAC, source MAC, EtherType
const VLAN_TAG = 4; // TCI (PCP, DEI, VID) + inner EtherType

/** Ethernet II header: two MAC addresses and the EtherType, then VLAN tags via ETHERTYPE. */
export function decodeEthernet(c: Cursor, _out: DecodedPacket, sink: AnomalySink): LayerCode {
  if (c.end - c.off < ETH_HEADER) {
    sink.report('eth.truncated_frame', c.frameNo);
    return Layer.DONE;
  }
  c.type = u16be(c.buf, c.off + 12);
  c.off += ETH_HEADER;
  // A type field below 0x0600 is an IEEE 802.3 length with an LLC header: never IP in practice
  // on the links msrptap reads, so it ends decoding in decodeEtherType's default branch.
  return Layer.ETHERTYPE;
}

/**
 * Skips any number of VLAN tags (802.1Q, 802.1ad QinQ, 0x9100/0x9200 pre-standard outer tags),
 * recording the outermost VLAN id and the tag count, then dispatches on the EtherType.
 * Non-IP EtherTypes (ARP, LLDP, ...) end decoding without an anomaly: they are normal traffic.
 */
export function decodeEtherType(c: Cursor, out: DecodedPacket, sink: AnomalySink): LayerCode {
  const b = c.buf;
  let t = c.type;
  let off = c.off;
  while (t === EtherType.VLAN || t === EtherType.QINQ || t === EtherType.QINQ_9100 || t === EtherType.QINQ_9200) {
    if (c.end - off < VLAN_TAG) {
      sink.report('eth.truncated_frame', c.frameNo);
      return Layer.DONE;
    }
    // IEEE 802.1Q clause 9.6: the VID is the low 12 bits of the TCI.
    if (out.vlanId < 0) out.vlanId = u16be(b, off) & 0x0fff;
    out.vlanDepth++;
    t = u16be(b, off + 2);
    off += VLAN_TAG;
  }
  c.off = off;
  c.type = t;
  if (t === EtherType.IPV4) return Layer.IPV4;
  if (t === EtherType.IPV6) return Layer.IPV6;
  return Layer.DONE;
}
