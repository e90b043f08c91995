/**
 * IPv4 headers (RFC 791 section 3.1) with options, fragmentation fields and a correct (or, on
 * request, deliberately wrong) header checksum.
 *
 * ```
 * | ver:4 ihl:4 | tos | total length | id | flags:3 frag offset:13 | ttl | proto | checksum | src | dst | options |
 * ```
 */
import { ByteWriter } from '../../../src/util/bytes.js';
import { internetChecksum } from './checksum.js';

export interface Ipv4Options {
  src: Uint8Array;
  dst: Uint8Array;
  /** IP protocol number of the payload (6 TCP, 17 UDP, 47 GRE, ...). */
  protocol: number;
  payload: Uint8Array;
  /** Identification; default 0. */
  id?: number;
  /** Default 64. */
  ttl?: number;
  /** Type of service / DSCP+ECN byte; default 0. */
  tos?: number;
  /** Don't Fragment; default false. */
  df?: boolean;
  /** More Fragments; default false. */
  mf?: boolean;
  /** Fragment offset in bytes (must be a multiple of 8, RFC 791: the field counts 8-octet units). */
  fragmentOffset?: number;
  /**
   * Raw option bytes (RFC 791 section 3.1 "Options"), e.g. Router Alert `94 04 00 00`
   * (RFC 2113). Padded with End-of-Option-List (0) to a multiple of 4; at most 40 bytes.
   */
  options?: Uint8Array;
  /** Total-length field override (to describe a datagram longer/shorter than `payload`). */
  totalLength?: number;
  /** Header checksum: 'valid' (default), 'bad' (valid + 1, for bad-checksum samples) or a number stored verbatim. */
  checksum?: 'valid' | 'bad' | number;
}

/** Builds an IPv4 header followed by `payload`. */
export function ipv4(o: Ipv4Options): Uint8Array {
  const opt = o.options ?? new Uint8Array(0);
  const optLen = Math.ceil(opt.length / 4) * 4;
  if (optLen > 40) throw new RangeError('ipv4: options longer than 40 bytes');
  const off = o.fragmentOffset ?? 0;
  if (off % 8 !== 0 || off < 0 || off / 8 > 0x1fff) throw new RangeError(`ipv4: fragment offset ${off} not a multiple of 8 in range`);
  const hlen = 20 + optLen;
  const w = new ByteWriter(hlen + o.payload.length);
  w.u8(0x40 | (hlen / 4))
    .u8(o.tos ?? 0)
    .u16(o.totalLength ?? hlen + o.payload.length)
    .u16(o.id ?? 0)
    .u16((o.df === true ? 0x4000 : 0) | (o.mf === true ? 0x2000 : 0) | (off / 8))
    .u8(o.ttl ?? 64)
    .u8(o.protocol)
    .u16(0)
    .bytes(o.src)
    .bytes(o.dst)
    .bytes(opt)
    .zeros(optLen - opt.length);
  const header = w.finish();
  const good = internetChecksum([header]);
  const mode = o.checksum ?? 'valid';
  const sum = typeof mode === 'number' ? mode : mode === 'bad' ? (good + 1) & 0xffff : good;
  header[10] = sum >>> 8;
  header[11] = sum & 0xff;
  const out = new Uint8Array(hlen + o.payload.length);
  out.set(header);
  out.set(o.payload, hlen);
  return out;
}
