/**
 * The result of decoding one frame down to the transport layer. One object is reused for every
 * frame (the decoder resets it), so the per-packet path allocates only the views it returns.
 *
 * @remarks Every Uint8Array here is a view into the captured frame (or, after IP reassembly, into
 * the reassembled datagram), except `src`/`dst`, which the decoder copies into storage owned by
 * this packet object (`addrSlots`) to save two allocations per IP header. All are valid until the
 * next frame is decoded into this object; the flow layer copies what it keeps.
 */

/** IP protocol numbers used across layers (IANA "Assigned Internet Protocol Numbers"). */
export const IpProto = {
  HOPOPTS: 0,
  TCP: 6,
  UDP: 17,
  IPV6_ROUTE: 43,
  IPV6_FRAG: 44,
  GRE: 47,
  IPV6_NONXT: 59,
  IPV6_OPTS: 60,
} as const;

/** Tunnel encapsulations the decoder removes (mirror-port and cloud traffic-mirroring links). */
export const Tunnel = {
  NONE: 0,
  GRE: 1,
  ERSPAN_II: 2,
  ERSPAN_III: 3,
  VXLAN: 4,
  /** ERSPAN type I: GRE protocol 0x88BE without the sequence bit, no ERSPAN header. */
  ERSPAN_I: 5,
} as const;
export type TunnelKind = (typeof Tunnel)[keyof typeof Tunnel];

export interface DecodedPacket {
  /** Outermost 802.1Q/802.1ad VLAN id, or -1. */
  vlanId: number;
  /** Number of VLAN tags seen (QinQ = 2). */
  vlanDepth: number;
  /** Innermost tunnel removed to reach the IP header below (Tunnel.NONE if none). */
  tunnel: TunnelKind;
  /** Number of tunnel encapsulations removed (0 when none); bounded by the decoder's limit. */
  tunnelDepth: number;
  /** True when an IPv4 / IPv6 header was seen at any depth of this frame (stats, like tshark -Y ip). */
  sawIpv4: boolean;
  sawIpv6: boolean;
  /** True when a UDP header was decoded at any depth (a VXLAN carrier counts, as in tshark -Y udp). */
  sawUdp: boolean;

  /** Version of the innermost IP header decoded: 0 when the frame carries no IP. */
  ipVersion: 0 | 4 | 6;
  /**
   * Innermost IP source / destination address: 4 or 16 bytes. Filled by the decoder into
   * `addrSlots` (overwritten by the next decode into this object: copy to keep); other layers may
   * assign their own arrays here.
   */
  src: Uint8Array;
  dst: Uint8Array;
  /** Upper-layer protocol (after IPv6 extension headers). */
  ipProto: number;
  /** IPv4 TTL / IPv6 hop limit. */
  ttl: number;
  /** Bytes after the IP header and extension headers, bounded by the IP length field and the capture. */
  ipPayload: Uint8Array;
  /** The IP length field says more bytes than were captured (snaplen); ipPayload is shorter. */
  ipTruncated: boolean;

  /** This datagram is a fragment (IPv4 MF/offset, IPv6 Fragment header): transport not decoded. */
  isFragment: boolean;
  /** Fragment identification (IPv4: 16 bits, IPv6: 32 bits). */
  fragId: number;
  /** Fragment offset in bytes. */
  fragOffset: number;
  /** More-fragments flag. */
  fragMore: boolean;

  /** Transport decoded: IpProto.TCP, IpProto.UDP, or 0 (none / not decodable). */
  l4: 0 | 6 | 17;
  srcPort: number;
  dstPort: number;
  tcpSeq: number;
  tcpAck: number;
  /** TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80). */
  tcpFlags: number;
  tcpWindow: number;
  /** Transport payload (TCP segment data / UDP datagram data). */
  payload: Uint8Array;

  /** Decoder-owned address storage that `src`/`dst` point into; not for other layers. */
  readonly addrSlots: AddressSlots;
}

/** Fixed buffers the decoder copies the innermost addresses into (no allocation per frame). */
export interface AddressSlots {
  readonly src4: Uint8Array;
  readonly dst4: Uint8Array;
  readonly src6: Uint8Array;
  readonly dst6: Uint8Array;
}

function createAddressSlots(): AddressSlots {
  const store = new Uint8Array(40);
  return {
    src4: store.subarray(0, 4),
    dst4: store.subarray(4, 8),
    src6: store.subarray(8, 24),
    dst6: store.subarray(24, 40),
  };
}

export const TcpFlag = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20 } as const;

const EMPTY = new Uint8Array(0);

/** A fresh, reset packet object; allocate one per pipeline and reuse it. */
export function createDecodedPacket(): DecodedPacket {
  const p = {} as DecodedPacket;
  resetDecodedPacket(p);
  return p;
}

/** Resets every field, so a reused object never leaks the previous frame's values. */
export function resetDecodedPacket(p: DecodedPacket): void {
  p.vlanId = -1;
  p.vlanDepth = 0;
  p.tunnel = Tunnel.NONE;
  p.tunnelDepth = 0;
  p.sawIpv4 = false;
  p.sawIpv6 = false;
  p.sawUdp = false;
  p.ipVersion = 0;
  p.src = EMPTY;
  p.dst = EMPTY;
  p.ipProto = 0;
  p.ttl = 0;
  p.ipPayload = EMPTY;
  p.ipTruncated = false;
  p.isFragment = false;
  p.fragId = 0;
  p.fragOffset = 0;
  p.fragMore = false;
  p.l4 = 0;
  p.srcPort = 0;
  p.dstPort = 0;
  p.tcpSeq = 0;
  p.tcpAck = 0;
  p.tcpFlags = 0;
  p.tcpWindow = 0;
  p.payload = EMPTY;
  // Created once per object (the first reset), then reused for every frame.
  if ((p as Partial<DecodedPacket>).addrSlots === undefined) (p as { addrSlots: AddressSlots }).addrSlots = createAddressSlots();
}
