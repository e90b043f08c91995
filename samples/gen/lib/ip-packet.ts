/**
 * Version-agnostic IP helpers: pick IPv4 or IPv6 from the address length, so scenarios (and
 * {@link TcpConversation}) work for both families with one code path.
 */
import { ipFacts, type BuiltPacket } from './frame-facts.js';
import { ipv4 } from './ipv4.js';
import { ipv6, type Ipv6ExtensionHeader } from './ipv6.js';
import { udp, type UdpOptions } from './udp.js';

/** Header fields for {@link ipPacket}; the ones of the other family are ignored. */
export interface IpHeaderOptions {
  /** TTL / hop limit; default 64. */
  ttl?: number;
  /** IPv4 identification; default 0. */
  id?: number;
  /** IPv4 Don't Fragment; default false. */
  df?: boolean;
  /** IPv4 option bytes. */
  ipv4Options?: Uint8Array;
  /** IPv4 header checksum mode (see {@link Ipv4Options.checksum}). */
  ipv4Checksum?: 'valid' | 'bad' | number;
  /** IPv6 extension headers before the transport header. */
  extensions?: readonly Ipv6ExtensionHeader[];
  /** IPv6 flow label. */
  flowLabel?: number;
}

/** An IPv4 (4-byte addresses) or IPv6 (16-byte addresses) packet around `payload`. */
export function ipPacket(src: Uint8Array, dst: Uint8Array, protocol: number, payload: Uint8Array, o: IpHeaderOptions = {}): Uint8Array {
  if (src.length !== dst.length) throw new RangeError('ipPacket: source and destination of different families');
  if (src.length === 4) {
    return ipv4({
      src,
      dst,
      protocol,
      payload,
      ttl: o.ttl ?? 64,
      id: o.id ?? 0,
      df: o.df ?? false,
      ...(o.ipv4Options !== undefined ? { options: o.ipv4Options } : {}),
      ...(o.ipv4Checksum !== undefined ? { checksum: o.ipv4Checksum } : {}),
    });
  }
  return ipv6({
    src,
    dst,
    nextHeader: protocol,
    payload,
    hopLimit: o.ttl ?? 64,
    flowLabel: o.flowLabel ?? 0,
    extensions: o.extensions ?? [],
  });
}

/** A complete UDP/IP datagram and its facts. */
export function udpDatagram(o: Omit<UdpOptions, 'payload'> & { payload: Uint8Array | string; ip?: IpHeaderOptions }): BuiltPacket {
  const payload = typeof o.payload === 'string' ? Buffer.from(o.payload, 'utf8') : o.payload;
  const { ip: ipOpts, ...u } = o;
  const seg = udp({ ...u, payload });
  return { ip: ipPacket(o.src, o.dst, 17, seg, ipOpts), facts: { ...ipFacts(o.src), udp: true } };
}
