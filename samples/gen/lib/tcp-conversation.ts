/**
 * A scripted TCP connection (RFC 9293 section 3.5 for the handshake and teardown): keeps each
 * side's next sequence number so data segments carry correct seq/ack, splits data by the peer's
 * MSS, and returns segments as values. Scenarios then re-arrange them ({@link arrange}) to
 * reorder, duplicate or drop, and use {@link TcpConversation.retransmit} for retransmissions
 * and overlaps with different data.
 *
 * Sequence numbers wrap modulo 2^32 (src/util/seq32.ts), so an ISN near 2^32 exercises the wrap.
 */
import { seqAdd } from '../../../src/util/seq32.js';
import { ipFacts, type BuiltPacket } from './frame-facts.js';
import { ipPacket } from './ip-packet.js';
import type { Ipv6ExtensionHeader } from './ipv6.js';
import { tcp, TcpFlags, tcpSynOptions } from './tcp.js';

/** Client → server or server → client. */
export type TcpDirection = 'c2s' | 's2c';

export interface TcpPeer {
  /** IP address (4 or 16 bytes; both peers of one family). */
  addr: Uint8Array;
  port: number;
  /** Initial sequence number (the SYN's seq). */
  isn: number;
  /** MSS this peer advertises (limits what the other side sends); default 1460 (IPv4) / 1440 (IPv6). */
  mss?: number;
  /** Receive window; default 65535. */
  window?: number;
  /** TTL / hop limit of this peer's packets; default 64. */
  ttl?: number;
  /** First IPv4 identification of this peer's packets; default 1 (client) / 0x8001 (server). */
  firstIpId?: number;
}

export interface TcpConversationOptions {
  client: TcpPeer;
  server: TcpPeer;
  /** IPv6 extension headers placed in every segment (IPv6 only). */
  ipv6Extensions?: readonly Ipv6ExtensionHeader[];
}

/** One segment as built, with the values a scenario needs to manipulate it. */
export interface TcpSegment extends BuiltPacket {
  dir: TcpDirection;
  seq: number;
  ack: number;
  flags: number;
  payload: Uint8Array;
}

/** Low-level segment request for {@link TcpConversation.segment}. */
export interface TcpSegmentRequest {
  flags: number;
  payload?: Uint8Array;
  /** Default: the direction's next sequence number. */
  seq?: number;
  /** Default: the other direction's next sequence number (when ACK is set), else 0. */
  ack?: number;
  /** Advance the direction's next sequence number by the payload (+1 for SYN/FIN); default false. */
  advance?: boolean;
  /** TCP options bytes. */
  options?: Uint8Array;
  /** TCP checksum mode; default 'valid'. */
  checksum?: 'valid' | 'bad' | number;
}

const other = (d: TcpDirection): TcpDirection => (d === 'c2s' ? 's2c' : 'c2s');

/** A client/server TCP connection producing segments with consistent sequence numbers. */
export class TcpConversation {
  readonly client: TcpPeer;
  readonly server: TcpPeer;
  private readonly ext: readonly Ipv6ExtensionHeader[];
  /** Next sequence number to send, per direction; starts after the SYN (isn + 1). */
  private readonly nxt: Record<TcpDirection, number>;
  private readonly ipId: Record<TcpDirection, number>;

  constructor(o: TcpConversationOptions) {
    if (o.client.addr.length !== o.server.addr.length) throw new RangeError('TcpConversation: peers of different address families');
    this.client = o.client;
    this.server = o.server;
    this.ext = o.ipv6Extensions ?? [];
    this.nxt = { c2s: seqAdd(o.client.isn, 1), s2c: seqAdd(o.server.isn, 1) };
    this.ipId = { c2s: o.client.firstIpId ?? 1, s2c: o.server.firstIpId ?? 0x8001 };
  }

  /** The sender of direction `dir`. */
  peer(dir: TcpDirection): TcpPeer {
    return dir === 'c2s' ? this.client : this.server;
  }

  /** Next sequence number `dir` will send. */
  nextSeq(dir: TcpDirection): number {
    return this.nxt[dir];
  }

  private mssTowards(dir: TcpDirection): number {
    const receiver = this.peer(other(dir));
    return receiver.mss ?? (receiver.addr.length === 16 ? 1440 : 1460);
  }

  /** Builds one segment; by default it does not move the sequence state (see `advance`). */
  segment(dir: TcpDirection, r: TcpSegmentRequest): TcpSegment {
    const from = this.peer(dir);
    const to = this.peer(other(dir));
    const payload = r.payload ?? new Uint8Array(0);
    const seq = r.seq ?? this.nxt[dir];
    const ack = r.ack ?? ((r.flags & TcpFlags.ACK) !== 0 ? this.nxt[other(dir)] : 0);
    const seg = tcp({
      src: from.addr,
      dst: to.addr,
      srcPort: from.port,
      dstPort: to.port,
      seq,
      ack,
      flags: r.flags,
      window: from.window ?? 65535,
      payload,
      ...(r.options !== undefined ? { options: r.options } : {}),
      ...(r.checksum !== undefined ? { checksum: r.checksum } : {}),
    });
    const id = this.ipId[dir];
    this.ipId[dir] = (id + 1) & 0xffff;
    const ip = ipPacket(from.addr, to.addr, 6, seg, { ttl: from.ttl ?? 64, id, df: true, extensions: this.ext });
    if (r.advance === true) {
      const n = payload.length + ((r.flags & TcpFlags.SYN) !== 0 ? 1 : 0) + ((r.flags & TcpFlags.FIN) !== 0 ? 1 : 0);
      this.nxt[dir] = seqAdd(seq, n);
    }
    return { ip, facts: { ...ipFacts(from.addr), tcpStream: this }, dir, seq, ack, flags: r.flags, payload };
  }

  /**
   * SYN, SYN-ACK, ACK (RFC 9293 section 3.5, figure 6). The SYNs carry MSS and SACK-permitted.
   * Calling it is optional: without it the conversation is "first seen mid-stream".
   */
  handshake(): TcpSegment[] {
    const syn = this.segment('c2s', { flags: TcpFlags.SYN, seq: this.client.isn, ack: 0, options: tcpSynOptions(this.mssFor(this.client)) });
    const synAck = this.segment('s2c', {
      flags: TcpFlags.SYN | TcpFlags.ACK,
      seq: this.server.isn,
      ack: seqAdd(this.client.isn, 1),
      options: tcpSynOptions(this.mssFor(this.server)),
    });
    const ack = this.segment('c2s', { flags: TcpFlags.ACK });
    return [syn, synAck, ack];
  }

  private mssFor(p: TcpPeer): number {
    return p.mss ?? (p.addr.length === 16 ? 1440 : 1460);
  }

  /** Data from `dir`, split by the receiver's MSS; PSH on the last segment. Advances the state. */
  send(dir: TcpDirection, data: Uint8Array | string): TcpSegment[] {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const mss = this.mssTowards(dir);
    const out: TcpSegment[] = [];
    for (let off = 0; off < bytes.length; off += mss) {
      const last = off + mss >= bytes.length;
      out.push(this.segment(dir, { flags: TcpFlags.ACK | (last ? TcpFlags.PSH : 0), payload: bytes.subarray(off, off + mss), advance: true }));
    }
    return out;
  }

  /**
   * Data from `dir` cut at the given byte offsets (each in 1..length-1, increasing): one segment
   * per piece, PSH on the last. For scenarios that need a message split at a chosen place, or
   * several messages in one segment. Pieces longer than the receiver's MSS are not split further.
   * Advances the state.
   */
  sendCut(dir: TcpDirection, data: Uint8Array | string, cuts: readonly number[]): TcpSegment[] {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const bounds = [0, ...cuts, bytes.length];
    for (let i = 1; i < bounds.length; i++) {
      if (bounds[i]! <= bounds[i - 1]!) throw new RangeError(`sendCut: cut offsets must increase within 1..${bytes.length - 1}`);
    }
    const out: TcpSegment[] = [];
    for (let i = 1; i < bounds.length; i++) {
      const last = i === bounds.length - 1;
      out.push(this.segment(dir, { flags: TcpFlags.ACK | (last ? TcpFlags.PSH : 0), payload: bytes.subarray(bounds[i - 1], bounds[i]), advance: true }));
    }
    return out;
  }

  /** A pure ACK from `dir` acknowledging everything the other side sent. */
  ack(dir: TcpDirection): TcpSegment {
    return this.segment(dir, { flags: TcpFlags.ACK });
  }

  /** A FIN (with ACK) from `dir`. Advances the state by one. */
  fin(dir: TcpDirection): TcpSegment {
    return this.segment(dir, { flags: TcpFlags.FIN | TcpFlags.ACK, advance: true });
  }

  /** Orderly close: FIN from `initiator`, FIN from the other side, final ACK (RFC 9293 section 3.6). */
  close(initiator: TcpDirection = 'c2s'): TcpSegment[] {
    return [this.fin(initiator), this.fin(other(initiator)), this.ack(initiator)];
  }

  /** A reset from `dir` (RST+ACK by default, plain RST with `withAck: false`). */
  reset(dir: TcpDirection, o: { withAck?: boolean } = {}): TcpSegment {
    return this.segment(dir, { flags: TcpFlags.RST | (o.withAck === false ? 0 : TcpFlags.ACK) });
  }

  /**
   * Re-sends `seg` (same direction, flags and ack). With `offset`, starts that many bytes later;
   * with `payload`, carries those bytes instead: an overlapping retransmission with different
   * data when they differ from the original. Does not move the state.
   */
  retransmit(seg: TcpSegment, o: { offset?: number; payload?: Uint8Array } = {}): TcpSegment {
    const offset = o.offset ?? 0;
    return this.segment(seg.dir, {
      flags: seg.flags,
      seq: seqAdd(seg.seq, offset),
      ack: seg.ack,
      payload: o.payload ?? seg.payload.subarray(offset),
    });
  }
}
