/**
 * Small packet builders and a decode harness for the decode-layer tests (unit, fuzz, tshark
 * cross-check). Builders produce correct headers (lengths, IPv4 checksum) unless a field is
 * overridden, so each test states only what it is about.
 */
import { AnomalyCounter } from '../../src/core/anomaly.js';
import type { CapturedFrame } from '../../src/core/frame.js';
import { decodeFrame } from '../../src/decode/decode-frame.js';
import { createDecodedPacket, type DecodedPacket } from '../../src/decode/decoded-packet.js';
import { ByteWriter, concatBytes, fromHex } from '../../src/util/bytes.js';

/** Hex fixture with `//` comments: one field per line. */
export function hex(text: string): Uint8Array {
  return fromHex(text.replace(/\/\/[^\n]*/g, ''));
}

export function cat(...parts: Uint8Array[]): Uint8Array {
  return concatBytes(parts);
}

export function ip4(s: string): Uint8Array {
  return Uint8Array.from(s.split('.').map(Number));
}

/** Parses an IPv6 address in any RFC 4291 text form (test helper, no validation beyond shape). */
export function ip6(s: string): Uint8Array {
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const zeros = tail === undefined ? 0 : 8 - h.length - t.length;
  const groups = [...h, ...Array<string>(zeros).fill('0'), ...t].map((g) => parseInt(g, 16));
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

export function internetChecksum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) sum += (b[i]! << 8) | (b[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export interface Ipv4Opts {
  src?: string;
  dst?: string;
  proto: number;
  payload: Uint8Array;
  ttl?: number;
  id?: number;
  /** Flags as the top 3 bits value: 0x2 = MF, 0x4 = DF... given here as MF/DF booleans. */
  mf?: boolean;
  df?: boolean;
  /** Fragment offset in bytes (multiple of 8). */
  fragOffset?: number;
  options?: Uint8Array;
  /** Override Total Length. */
  totalLength?: number;
  /** Override the header checksum. */
  checksum?: number;
  /** Override the IHL nibble. */
  ihl?: number;
  version?: number;
}

export function ipv4(o: Ipv4Opts): Uint8Array {
  const opts = o.options ?? new Uint8Array(0);
  const hl = 20 + opts.length;
  const w = new ByteWriter(hl + o.payload.length);
  w.u8(((o.version ?? 4) << 4) | (o.ihl ?? hl / 4))
    .u8(0)
    .u16(o.totalLength ?? hl + o.payload.length)
    .u16(o.id ?? 0x1234)
    .u16((o.mf ? 0x2000 : 0) | (o.df ? 0x4000 : 0) | ((o.fragOffset ?? 0) >> 3))
    .u8(o.ttl ?? 64)
    .u8(o.proto)
    .u16(0)
    .bytes(ip4(o.src ?? '10.0.0.1'))
    .bytes(ip4(o.dst ?? '10.0.0.2'))
    .bytes(opts);
  const h = w.finish();
  const sum = o.checksum ?? internetChecksum(h);
  h[10] = sum >> 8;
  h[11] = sum & 0xff;
  return cat(h, o.payload);
}

export interface Ipv6Opts {
  src?: string;
  dst?: string;
  nextHeader: number;
  /** Extension headers + upper-layer bytes. */
  payload: Uint8Array;
  hopLimit?: number;
  payloadLength?: number;
}

export function ipv6(o: Ipv6Opts): Uint8Array {
  const w = new ByteWriter(40 + o.payload.length);
  w.u32(0x60000000)
    .u16(o.payloadLength ?? o.payload.length)
    .u8(o.nextHeader)
    .u8(o.hopLimit ?? 64)
    .bytes(ip6(o.src ?? '2001:db8::1'))
    .bytes(ip6(o.dst ?? '2001:db8::2'))
    .bytes(o.payload);
  return w.finish();
}

/** A generic-format IPv6 extension header padded to a multiple of 8 octets. */
export function ext6(nextHeader: number, body: Uint8Array = new Uint8Array(6)): Uint8Array {
  const total = Math.ceil((body.length + 2) / 8) * 8;
  const out = new Uint8Array(total);
  out[0] = nextHeader;
  out[1] = total / 8 - 1;
  out.set(body, 2);
  return out;
}

/** IPv6 Fragment header (RFC 8200 section 4.5). */
export function frag6(nextHeader: number, offsetBytes: number, more: boolean, id: number): Uint8Array {
  const w = new ByteWriter(8);
  w.u8(nextHeader)
    .u8(0)
    .u16(offsetBytes | (more ? 1 : 0))
    .u32(id);
  return w.finish();
}

export function udp(sport: number, dport: number, payload: Uint8Array, length?: number): Uint8Array {
  const w = new ByteWriter(8 + payload.length);
  w.u16(sport)
    .u16(dport)
    .u16(length ?? 8 + payload.length)
    .u16(0)
    .bytes(payload);
  return w.finish();
}

export interface TcpOpts {
  sport: number;
  dport: number;
  seq?: number;
  ack?: number;
  flags?: number;
  window?: number;
  options?: Uint8Array;
  payload?: Uint8Array;
  dataOffset?: number;
}

export function tcp(o: TcpOpts): Uint8Array {
  const opts = o.options ?? new Uint8Array(0);
  const payload = o.payload ?? new Uint8Array(0);
  const w = new ByteWriter(20 + opts.length + payload.length);
  w.u16(o.sport)
    .u16(o.dport)
    .u32(o.seq ?? 1000)
    .u32(o.ack ?? 0)
    .u8((o.dataOffset ?? (20 + opts.length) / 4) << 4)
    .u8(o.flags ?? 0x18)
    .u16(o.window ?? 65535)
    .u16(0)
    .u16(0)
    .bytes(opts)
    .bytes(payload);
  return w.finish();
}

export function mac(n: number): Uint8Array {
  return Uint8Array.of(0x02, 0, 0, 0, 0, n);
}

/** Ethernet II frame; `tags` are [tpid, vid] pairs, outermost first. */
export function eth(type: number, payload: Uint8Array, tags: [number, number][] = []): Uint8Array {
  const w = new ByteWriter(14 + 4 * tags.length + payload.length);
  w.bytes(mac(2)).bytes(mac(1));
  for (const [tpid, vid] of tags) w.u16(tpid).u16(vid);
  w.u16(type).bytes(payload);
  return w.finish();
}

export interface GreOpts {
  proto: number;
  checksum?: boolean;
  key?: number;
  seq?: number;
  version?: number;
  routing?: boolean;
}

export function gre(o: GreOpts, payload: Uint8Array): Uint8Array {
  const w = new ByteWriter(16 + payload.length);
  const flags = (o.checksum ? 0x80 : 0) | (o.routing ? 0x40 : 0) | (o.key !== undefined ? 0x20 : 0) | (o.seq !== undefined ? 0x10 : 0);
  w.u8(flags)
    .u8(o.version ?? 0)
    .u16(o.proto);
  if (o.checksum) w.u16(0).u16(0);
  if (o.key !== undefined) w.u32(o.key);
  if (o.seq !== undefined) w.u32(o.seq);
  w.bytes(payload);
  const out = w.finish();
  if (o.checksum) {
    const sum = internetChecksum(out);
    out[4] = sum >> 8;
    out[5] = sum & 0xff;
  }
  return out;
}

/** ERSPAN type II header (version 1), session id `session`, then `frame`. */
export function erspan2(frame: Uint8Array, session = 7, version = 1): Uint8Array {
  const w = new ByteWriter(8 + frame.length);
  w.u16((version << 12) | 100) // Ver | VLAN 100
    .u16(session & 0x3ff) // COS En T | Session ID
    .u32(0x00000005) // Reserved | Index
    .bytes(frame);
  return w.finish();
}

/** ERSPAN type III header (version 2); `subheader` adds the 8-octet platform subheader (O bit). */
export function erspan3(frame: Uint8Array, o: { subheader?: boolean; frameType?: number; version?: number } = {}): Uint8Array {
  const w = new ByteWriter(20 + frame.length);
  w.u16(((o.version ?? 2) << 12) | 100)
    .u16(9)
    .u32(0x01020304) // timestamp
    .u16(0) // SGT
    .u16(((o.frameType ?? 0) << 10) | (o.subheader ? 1 : 0));
  if (o.subheader) w.u32(0x0c000001).u32(0xdeadbeef); // platform id 3, port index / upper timestamp
  w.bytes(frame);
  return w.finish();
}

export function vxlan(vni: number, frame: Uint8Array, flags = 0x08): Uint8Array {
  const w = new ByteWriter(8 + frame.length);
  w.u8(flags)
    .u8(0)
    .u16(0)
    .u32((vni << 8) >>> 0)
    .bytes(frame);
  return w.finish();
}

export function frameOf(linkType: number, data: Uint8Array, origLen = data.length, frameNo = 1): CapturedFrame {
  return { frameNo, tsSec: 1_700_000_000, tsNsec: 0, linkType, capLen: data.length, origLen, data, interfaceId: 0, source: 0 };
}

export interface Decoded {
  out: DecodedPacket;
  anomalies: AnomalyCounter;
  /** Anomaly codes reported, sorted, with counts (AnomalyCounter.toJSON). */
  codes: Record<string, number>;
}

/** Decodes one frame with a fresh packet and counter. */
export function decode(linkType: number, data: Uint8Array, origLen = data.length): Decoded {
  const out = createDecodedPacket();
  const anomalies = new AnomalyCounter();
  decodeFrame(frameOf(linkType, data, origLen), out, anomalies);
  return { out, anomalies, codes: anomalies.toJSON() };
}

export const textBytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** SCTP common header (RFC 9260 section 3.1) with a zero checksum, then the chunks as given. */
export function sctp(o: { sport: number; dport: number; vtag?: number }, ...chunks: Uint8Array[]): Uint8Array {
  const w = new ByteWriter(12);
  w.u16(o.sport)
    .u16(o.dport)
    .u32(o.vtag ?? 0x11223344)
    .u32(0);
  return cat(w.finish(), ...chunks);
}

export interface DataChunkOpts {
  tsn: number;
  data: Uint8Array;
  /** B and E by default (a whole message); 'B', 'E', '' (middle) for fragments. */
  frag?: 'BE' | 'B' | 'E' | '';
  unordered?: boolean;
  stream?: number;
  ssn?: number;
  ppid?: number;
  /** Override the Chunk Length field. */
  length?: number;
  /** Leave out the padding to 4 bytes (a last chunk cut after its length). */
  noPadding?: boolean;
  type?: number;
}

/** One DATA chunk (RFC 9260 section 3.3.1), padded to a multiple of 4 bytes. */
export function dataChunk(o: DataChunkOpts): Uint8Array {
  const frag = o.frag ?? 'BE';
  const flags = (frag.includes('B') ? 2 : 0) | (frag.includes('E') ? 1 : 0) | (o.unordered ? 4 : 0);
  const len = 16 + o.data.length;
  const pad = o.noPadding ? 0 : (4 - (len % 4)) % 4;
  const w = new ByteWriter(len + pad);
  w.u8(o.type ?? 0)
    .u8(flags)
    .u16(o.length ?? len)
    .u32(o.tsn >>> 0)
    .u16(o.stream ?? 0)
    .u16(o.ssn ?? 0)
    .u32(o.ppid ?? 0)
    .bytes(o.data);
  for (let i = 0; i < pad; i++) w.u8(0);
  return w.finish();
}

/** A control chunk of `type` with `value` (e.g. SACK 3, HEARTBEAT 4), padded. */
export function controlChunk(type: number, value: Uint8Array, flags = 0): Uint8Array {
  const len = 4 + value.length;
  const pad = (4 - (len % 4)) % 4;
  const w = new ByteWriter(len + pad);
  w.u8(type).u8(flags).u16(len).bytes(value);
  for (let i = 0; i < pad; i++) w.u8(0);
  return w.finish();
}
