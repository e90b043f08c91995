/**
 * The result of decoding one frame down to the transport layer. One object is reused for every
 * frame (the decoder resets it), and the payload views are created only when read (see
 * `ipBuf`/`plBuf`), so the per-packet path allocates nothing.
 *
 * @remarks Every Uint8Array here is a view into the captured frame (or, after IP reassembly, into
 * the reassembled datagram), except `src`/`dst`, which the decoder copies into storage owned by
 * this packet object (`addrSlots`) to save two allocations per IP header. All are valid until the
 * next frame is decoded into this object; the flow layer copies what it keeps.
 */

/** IP protocol numbers used across layers (IANA "Assigned Internet Protocol Numbers"). */
export const IpProto = {
  HOPOPTS: 0,
  /** IPv4 encapsulated in IP (RFC 2003; in IPv6, RFC 2473). */
  IPIP: 4,
  TCP: 6,
  UDP: 17,
  /** IPv6 encapsulated in IP (RFC 4213 section 3.5 in IPv4; RFC 2473 in IPv6). */
  IPV6: 41,
  IPV6_ROUTE: 43,
  IPV6_FRAG: 44,
  GRE: 47,
  IPV6_NONXT: 59,
  IPV6_OPTS: 60,
  /** RFC 9260 (SCTP); SIP over SCTP is RFC 4168. */
  SCTP: 132,
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
  /** IPv4 directly in IPv4 or IPv6 (IP protocol 4: RFC 2003, RFC 2473). */
  IPV4_IN_IP: 6,
  /** IPv6 directly in IPv4 or IPv6 (IP protocol 41: RFC 4213, RFC 2473). */
  IPV6_IN_IP: 7,
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

  /** Transport decoded: IpProto.TCP, IpProto.UDP, IpProto.SCTP, or 0 (none / not decodable). */
  l4: 0 | 6 | 17 | 132;
  srcPort: number;
  dstPort: number;
  tcpSeq: number;
  tcpAck: number;
  /** TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80). */
  tcpFlags: number;
  tcpWindow: number;
  /** SCTP verification tag (RFC 9260 section 3.1): with the ports, it tells associations apart. */
  sctpVtag: number;
  /** Transport payload (TCP segment data / UDP datagram data / the chunks of an SCTP packet). */
  payload: Uint8Array;

  /** Decoder-owned address storage that `src`/`dst` point into; not for other layers. */
  readonly addrSlots: AddressSlots;

  /**
   * `ipPayload` as a range: `ipBuf[ipOff, ipEnd)`. The decoders set the range (see
   * {@link DecodedPacket.setIpPayload}) and the view is created only when something reads
   * `ipPayload`, so a packet nobody looks into (bulk traffic, `msrptap stats`) costs no view.
   * Assigning `ipPayload` sets the range to the whole array.
   */
  readonly ipBuf: Uint8Array;
  readonly ipOff: number;
  readonly ipEnd: number;
  /** `payload` as a range `plBuf[plOff, plEnd)`, same scheme. */
  readonly plBuf: Uint8Array;
  readonly plOff: number;
  readonly plEnd: number;
  /** Sets `ipPayload` to `buf[off, end)` without creating a view (decoders). */
  setIpPayload(buf: Uint8Array, off: number, end: number): void;
  /** Sets `payload` to `buf[off, end)` without creating a view (decoders). */
  setPayload(buf: Uint8Array, off: number, end: number): void;
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

/**
 * The one implementation of DecodedPacket. `ipPayload`/`payload` are accessors over a range
 * plus a cached view: the per-frame path stores three numbers instead of allocating two typed
 * arrays (a `new Uint8Array(buffer, off, len)` costs about as much as decoding the headers).
 */
class PacketRecord implements DecodedPacket {
  vlanId = -1;
  vlanDepth = 0;
  tunnel: TunnelKind = Tunnel.NONE;
  tunnelDepth = 0;
  sawIpv4 = false;
  sawIpv6 = false;
  sawUdp = false;
  ipVersion: 0 | 4 | 6 = 0;
  src: Uint8Array = EMPTY;
  dst: Uint8Array = EMPTY;
  ipProto = 0;
  ttl = 0;
  ipTruncated = false;
  isFragment = false;
  fragId = 0;
  fragOffset = 0;
  fragMore = false;
  l4: 0 | 6 | 17 | 132 = 0;
  srcPort = 0;
  dstPort = 0;
  tcpSeq = 0;
  tcpAck = 0;
  tcpFlags = 0;
  tcpWindow = 0;
  sctpVtag = 0;
  readonly addrSlots: AddressSlots = createAddressSlots();
  ipBuf: Uint8Array = EMPTY;
  ipOff = 0;
  ipEnd = 0;
  /** Cached view of the ip range; null when not created yet. */
  private ipView: Uint8Array | null = EMPTY;
  plBuf: Uint8Array = EMPTY;
  plOff = 0;
  plEnd = 0;
  private plView: Uint8Array | null = EMPTY;

  get ipPayload(): Uint8Array {
    let v = this.ipView;
    if (v === null) {
      const b = this.ipBuf;
      v = new Uint8Array(b.buffer, b.byteOffset + this.ipOff, this.ipEnd - this.ipOff);
      this.ipView = v;
    }
    return v;
  }
  set ipPayload(v: Uint8Array) {
    this.ipBuf = v;
    this.ipOff = 0;
    this.ipEnd = v.length;
    this.ipView = v;
  }
  get payload(): Uint8Array {
    let v = this.plView;
    if (v === null) {
      const b = this.plBuf;
      v = new Uint8Array(b.buffer, b.byteOffset + this.plOff, this.plEnd - this.plOff);
      this.plView = v;
    }
    return v;
  }
  set payload(v: Uint8Array) {
    this.plBuf = v;
    this.plOff = 0;
    this.plEnd = v.length;
    this.plView = v;
  }
  setIpPayload(buf: Uint8Array, off: number, end: number): void {
    this.ipBuf = buf;
    this.ipOff = off;
    this.ipEnd = end;
    this.ipView = null;
  }
  setPayload(buf: Uint8Array, off: number, end: number): void {
    this.plBuf = buf;
    this.plOff = off;
    this.plEnd = end;
    this.plView = null;
  }

  /**
   * The decoded fields as JSON sees them: the payload views, not the ranges and caches behind
   * them (so two packets decoded from the same bytes serialise alike, read or not).
   */
  toJSON(): Record<string, unknown> {
    return {
      vlanId: this.vlanId,
      vlanDepth: this.vlanDepth,
      tunnel: this.tunnel,
      tunnelDepth: this.tunnelDepth,
      sawIpv4: this.sawIpv4,
      sawIpv6: this.sawIpv6,
      sawUdp: this.sawUdp,
      ipVersion: this.ipVersion,
      src: this.src,
      dst: this.dst,
      ipProto: this.ipProto,
      ttl: this.ttl,
      ipPayload: this.ipPayload,
      ipTruncated: this.ipTruncated,
      isFragment: this.isFragment,
      fragId: this.fragId,
      fragOffset: this.fragOffset,
      fragMore: this.fragMore,
      l4: this.l4,
      srcPort: this.srcPort,
      dstPort: this.dstPort,
      tcpSeq: this.tcpSeq,
      tcpAck: this.tcpAck,
      tcpFlags: this.tcpFlags,
      tcpWindow: this.tcpWindow,
      sctpVtag: this.sctpVtag,
      payload: this.payload,
    };
  }
}

/** A fresh, reset packet object; allocate one per pipeline and reuse it. */
export function createDecodedPacket(): DecodedPacket {
  return new PacketRecord();
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
  p.sctpVtag = 0;
  p.payload = EMPTY;
}
