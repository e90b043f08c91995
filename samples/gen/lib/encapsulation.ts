/**
 * Link layers and tunnels as interchangeable wrappers around an IP packet, so one scenario can
 * be written once and emitted over Ethernet, VLANs, Linux SLL/SLL2, BSD NULL, raw IP, or inside
 * GRE / ERSPAN II / ERSPAN III / VXLAN. Tunnels keep per-instance counters (outer IPv4 id, GRE
 * sequence), advanced on every wrap: deterministic for a given call order.
 */
import { LinkType } from '../../../src/core/link-type.js';
import { macForIp } from './addr.js';
import { bsdNull } from './bsd-null.js';
import { etherTypeForIp, ethernet, EtherType, type VlanTag } from './ethernet.js';
import { ipFacts, mergeFacts, type FrameFacts } from './frame-facts.js';
import { erspanII, erspanIII, gre } from './gre.js';
import { ipPacket } from './ip-packet.js';
import { linuxSll, linuxSll2, SllPacketType } from './linux-sll.js';
import { udp } from './udp.js';
import { VXLAN_PORT, vxlan } from './vxlan.js';

/** Wraps IP packets into frames of one link type. */
export interface Encapsulation {
  /** LINKTYPE_* of the frames `wrap` returns. */
  readonly linkType: number;
  /** Wraps an IP packet (IPv4 or IPv6, from its version nibble) into a frame. */
  wrap(ip: Uint8Array): Uint8Array;
  /** What the added headers contribute to the frame's facts (tunnels add an outer IP, VXLAN a UDP header). */
  readonly facts: FrameFacts;
}

/** Source and destination addresses of an IPv4 or IPv6 packet we built (views). */
function ipEndpoints(ip: Uint8Array): [Uint8Array, Uint8Array] {
  return ip[0]! >> 4 === 6 ? [ip.subarray(8, 24), ip.subarray(24, 40)] : [ip.subarray(12, 16), ip.subarray(16, 20)];
}

export interface EthernetLinkOptions {
  /** Fixed MACs; default: derived from the IP addresses ({@link macForIp}), so they swap with direction. */
  src?: Uint8Array;
  dst?: Uint8Array;
  vlans?: readonly VlanTag[];
}

/** Ethernet II (optionally VLAN / QinQ tagged). */
export function ethernetLink(o: EthernetLinkOptions = {}): Encapsulation {
  return {
    linkType: LinkType.ETHERNET,
    facts: {},
    wrap(ip) {
      const [s, d] = ipEndpoints(ip);
      return ethernet({ src: o.src ?? macForIp(s), dst: o.dst ?? macForIp(d), etherType: etherTypeForIp(ip), payload: ip, vlans: o.vlans ?? [] });
    },
  };
}

/** Linux cooked capture v1; packets from `outgoingFrom` (an IP address) are marked OUTGOING. */
export function linuxSllLink(o: { outgoingFrom?: Uint8Array } = {}): Encapsulation {
  return {
    linkType: LinkType.LINUX_SLL,
    facts: {},
    wrap(ip) {
      const [s] = ipEndpoints(ip);
      const out = o.outgoingFrom !== undefined && Buffer.compare(s, o.outgoingFrom) === 0;
      return linuxSll({ protocol: etherTypeForIp(ip), payload: ip, address: macForIp(s), packetType: out ? SllPacketType.OUTGOING : SllPacketType.HOST });
    },
  };
}

/** Linux cooked capture v2. */
export function linuxSll2Link(o: { interfaceIndex?: number; outgoingFrom?: Uint8Array } = {}): Encapsulation {
  return {
    linkType: LinkType.LINUX_SLL2,
    facts: {},
    wrap(ip) {
      const [s] = ipEndpoints(ip);
      const out = o.outgoingFrom !== undefined && Buffer.compare(s, o.outgoingFrom) === 0;
      return linuxSll2({
        protocol: etherTypeForIp(ip),
        payload: ip,
        address: macForIp(s),
        packetType: out ? SllPacketType.OUTGOING : SllPacketType.HOST,
        interfaceIndex: o.interfaceIndex ?? 1,
      });
    },
  };
}

/** BSD loopback (LINKTYPE_NULL), address family in the given host byte order (default little-endian). */
export function bsdNullLink(o: { littleEndian?: boolean } = {}): Encapsulation {
  return { linkType: LinkType.NULL, facts: {}, wrap: (ip) => bsdNull(ip, { littleEndian: o.littleEndian ?? true }) };
}

/** LINKTYPE_RAW (101): the frame is the IP packet. */
export function rawIpLink(): Encapsulation {
  return { linkType: LinkType.RAW, facts: {}, wrap: (ip) => ip.slice() };
}

export interface TunnelOptions {
  /** Outer IP addresses (4 or 16 bytes) of the tunnel endpoints. */
  outerSrc: Uint8Array;
  outerDst: Uint8Array;
  /** Link carrying the outer packet; default {@link ethernetLink}(). */
  outer?: Encapsulation;
  /** First outer IPv4 identification; default 1. */
  firstIpId?: number;
}

/** Shared part of the tunnels: an outer IP packet with a counter-driven id around `payload`. */
function tunnel(o: TunnelOptions, protocol: number, extra: FrameFacts, inner: (ip: Uint8Array) => Uint8Array): Encapsulation {
  const outer = o.outer ?? ethernetLink();
  let id = o.firstIpId ?? 1;
  return {
    linkType: outer.linkType,
    facts: mergeFacts(outer.facts, ipFacts(o.outerSrc), extra),
    wrap(ip) {
      const pkt = ipPacket(o.outerSrc, o.outerDst, protocol, inner(ip), { id: id++ & 0xffff, ttl: 255 });
      return outer.wrap(pkt);
    },
  };
}

/** Plain GRE (RFC 2784) carrying the IP packet directly (protocol 0x0800 / 0x86dd). */
export function greTunnel(o: TunnelOptions & { key?: number; checksum?: boolean }): Encapsulation {
  return tunnel(o, 47, {}, (ip) =>
    gre({
      protocol: etherTypeForIp(ip),
      payload: ip,
      checksum: o.checksum ?? false,
      ...(o.key !== undefined ? { key: o.key } : {}),
    }),
  );
}

export interface ErspanTunnelOptions extends TunnelOptions {
  sessionId: number;
  /** Link of the mirrored frame; default {@link ethernetLink}() (ERSPAN mirrors Ethernet frames). */
  inner?: Encapsulation;
  /** First GRE sequence number; default 1. */
  firstSequence?: number;
}

/** ERSPAN type II in GRE (protocol 0x88be, S bit set). */
export function erspanIITunnel(o: ErspanTunnelOptions): Encapsulation {
  const inner = o.inner ?? ethernetLink();
  let seq = o.firstSequence ?? 1;
  return tunnel(o, 47, inner.facts, (ip) => gre({ protocol: EtherType.ERSPAN_II, sequence: seq++, payload: erspanII({ sessionId: o.sessionId, payload: inner.wrap(ip) }) }));
}

/** ERSPAN type III in GRE (protocol 0x22eb, S bit set); the header timestamp counts in 100 µs steps per frame. */
export function erspanIIITunnel(o: ErspanTunnelOptions): Encapsulation {
  const inner = o.inner ?? ethernetLink();
  let seq = o.firstSequence ?? 1;
  return tunnel(o, 47, inner.facts, (ip) => {
    const s = seq++;
    return gre({
      protocol: EtherType.ERSPAN_III,
      sequence: s,
      payload: erspanIII({ sessionId: o.sessionId, timestamp: s * 100, granularity: 1, payload: inner.wrap(ip) }),
    });
  });
}

/** VXLAN (RFC 7348) over UDP 4789 with a correct outer UDP checksum. */
export function vxlanTunnel(o: TunnelOptions & { vni: number; srcPort?: number; inner?: Encapsulation }): Encapsulation {
  const inner = o.inner ?? ethernetLink();
  return tunnel(o, 17, mergeFacts(inner.facts, { udp: true }), (ip) => udp({ src: o.outerSrc, dst: o.outerDst, srcPort: o.srcPort ?? 49152, dstPort: VXLAN_PORT, payload: vxlan({ vni: o.vni, payload: inner.wrap(ip) }) }));
}
