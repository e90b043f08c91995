/**
 * TCP connection table: finds the connection of each decoded TCP packet, assigns client/server
 * roles, numbers connections like tshark's `tcp.stream`, follows their lifecycle (SYN, FIN,
 * RST, idle timeout, eviction) and feeds the payload of interested connections to one
 * {@link TcpStreamReassembler} per direction.
 *
 * Connection identity (matches tshark 4.0, packet-tcp.c, so `stats` counts agree):
 * - the key is the unordered pair of (address, port) endpoints; VLAN and tunnel are not part
 *   of it (a mirror that shows a packet twice yields retransmissions, not a second stream);
 * - a SYN without ACK whose sequence number differs from the "base" sequence number of its
 *   direction starts a new connection on the same 4-tuple (port reuse, RFC 9293 section 3.6.1
 *   TIME-WAIT reuse); the base is the SYN's ISN, else one less than the first sequence number
 *   seen in that direction, else the peer's first ACK number minus one. A SYN repeating the
 *   ISN is a retransmission and stays on the connection.
 * - Deviation: tshark never forgets a conversation; this table does (idle timeout, LRU cap),
 *   so a packet after more than `idleTimeoutSec` of silence starts a new connection, and so
 *   does a packet after `closedLingerSec` of silence following the close of both directions
 *   (see below).
 *
 * Roles (./new-tcp-connection.ts): a SYN without ACK comes from the client, a SYN/ACK from the
 * server. Without a SYN the first packet's sender is the client unless its source port looks
 * like a server port: it is below 1024 while the destination port is not, or the destination
 * port is ephemeral (≥ 32768, the Linux/IANA dynamic range starts at 32768/49152) while the
 * source port is not.
 *
 * Memory: connections are capped (LRU eviction, `flow.evicted`), each direction's held
 * out-of-order bytes are capped (holes become gaps, `tcp.reassembly_limit`), all held bytes
 * together are capped (the oldest holes become gaps, `tcp.reassembly_memcap`). Connections whose
 * factory returned null hold no reassembler at all: a few numbers for lifecycle and counting.
 * Once both directions of a connection have ended (FIN reached or RST), its reassemblers and
 * consumer (the application parser state) are let go at once; a connection closed in both
 * directions (FIN/FIN or RST) moves to a second LRU list and is forgotten after
 * `closedLingerSec` of silence instead of `idleTimeoutSec`, so a dense capture of short
 * connections keeps a table the size of its last few seconds, not of the whole capture. The
 * linger still absorbs what follows a close (the last ACK, a retransmitted FIN: RFC 9293
 * section 3.6), which tshark counts on the same `tcp.stream`.
 */
import type { AnomalySink } from '../core/anomaly.js';
import { IpProto, TcpFlag, type DecodedPacket } from '../decode/decoded-packet.js';
import { seqAdd } from '../util/seq32.js';
import { endpointHash } from './endpoint-hash.js';
import { newTcpConnection, senderIsClient } from './new-tcp-connection.js';
import { TcpConnectionTable } from './tcp-connection-table.js';
import type { StreamConsumer, StreamConsumerFactory, StreamEndReason } from './stream-consumer.js';
import { append, appendStream, type TcpConnection as Connection, unlink, unlinkStream, type ConnList, type StreamList } from './tcp-connection.js';
import type { ReassemblyContext, ReassemblyCounters, ReassemblyMemory } from './reassembly-context.js';
import { TcpStreamReassembler } from './tcp-stream-reassembler.js';
import { resolveTcpTrackerOptions, type TcpTrackerOptions, type TcpTrackerStats } from './tcp-tracker-options.js';

export { looksLikeServerPort } from './endpoint-hash.js';
export { Dir } from './stream-consumer.js';
export { HELD_SEGMENT_OVERHEAD } from './reassembly-context.js';
export type { DirValue, StreamConsumer, StreamConsumerFactory, StreamEndReason, TcpConnectionInfo } from './stream-consumer.js';
export { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_STREAM_CONNECTIONS, DEFAULT_TCP_TRACKER_OPTIONS, type TcpTrackerOptions, type TcpTrackerStats } from './tcp-tracker-options.js';

const SYN = TcpFlag.SYN;
const ACK = TcpFlag.ACK;
const FIN = TcpFlag.FIN;
const RST = TcpFlag.RST;

/**
 * The TCP connection table. Feed it every decoded packet with `packet` (non-TCP packets are
 * ignored), call `expire` periodically with the capture time, and `flush` at end of input.
 */
export class TcpTracker {
  private readonly opts: TcpTrackerOptions;
  /** Effective linger of closed connections (see closedLingerSec). */
  private readonly lingerSec: number;
  /** Connections by endpoint pair (./tcp-connection-table.ts). */
  private readonly table = new TcpConnectionTable();
  /** LRU list of open connections: least recently active first (see touch). */
  private readonly live: ConnList = { head: null, tail: null };
  /** LRU list of connections closed in both directions, waiting out `closedLingerSec`. */
  private readonly lingering: ConnList = { head: null, tail: null };
  /** Connections holding stream state, least recently active first (maxStreamConnections). */
  private readonly streams: StreamList = { head: null, tail: null, size: 0 };
  private streamEvicted = 0;
  private nextId = 0;
  private readonly counters: ReassemblyCounters = {
    gaps: 0,
    gapBytes: 0,
    overlapsDifferent: 0,
    retransmissions: 0,
    outOfOrder: 0,
    keepAlives: 0,
    bypassed: 0,
    bypassResumed: 0,
    bypassReprobes: 0,
    bypassedBytes: 0,
    bypassActive: 0,
  };
  private readonly memory: ReassemblyMemory;
  private readonly ctx: ReassemblyContext;
  private packets = 0;
  private evicted = 0;
  private timedOut = 0;
  private reused = 0;
  private closedExpired = 0;
  /** Source of Connection.order. */
  private orderSeq = 0;
  /** Set by create: whether the packet goes from server to client. */
  private fromServer = false;

  constructor(
    private readonly factory: StreamConsumerFactory,
    private readonly sink: AnomalySink,
    options?: Partial<TcpTrackerOptions>,
  ) {
    const o = resolveTcpTrackerOptions(options);
    this.opts = o;
    this.lingerSec = Math.max(o.closedLingerSec, o.holeTimeoutSec + 1);
    this.memory = { heldBytes: 0, heldCost: 0, historyBytes: 0, maxHistoryBytes: o.maxHistoryBytesTotal };
    this.ctx = { sink, limits: o, counters: this.counters, memory: this.memory, pending: new Set() };
  }

  /**
   * Processes one decoded packet (anything but decoded TCP is ignored). Payload views are
   * delivered or copied before this returns.
   */
  packet(pkt: DecodedPacket, frameNo: number, tsSec: number, tsNsec: number): void {
    if (pkt.l4 !== IpProto.TCP || (pkt.ipVersion !== 4 && pkt.ipVersion !== 6)) return;
    this.packets++;
    const hash = endpointHash(pkt);
    const flags = pkt.tcpFlags;
    const seq = pkt.tcpSeq >>> 0;
    let conn = this.table.find(hash, pkt);
    this.fromServer = this.table.fromServer;
    if (conn !== undefined) {
      if (tsSec - conn.lastSec >= this.opts.idleTimeoutSec) {
        // Silent for longer than the idle timeout but not yet expired by expire(): same rule.
        this.timedOut++;
        this.remove(conn, 'timeout');
        conn = undefined;
      } else if ((flags & (SYN | ACK)) === SYN) {
        const dir = this.fromServer ? 1 : 0;
        const bit = 1 << dir;
        if ((conn.baseKnown & bit) !== 0 && (dir === 0 ? conn.base0 : conn.base1) !== seq) {
          // New ISN on a known 4-tuple: port reuse (tshark "TCP port numbers reused").
          if (!conn.closed) this.sink.report('tcp.port_reuse_open', frameNo, `conn=${conn.id}`, conn.id);
          this.reused++;
          this.remove(conn, 'evicted');
          conn = undefined;
        }
      }
    }
    let dir: 0 | 1;
    if (conn === undefined) {
      conn = this.create(hash, pkt, frameNo, tsSec, tsNsec);
      dir = this.fromServer ? 1 : 0;
    } else {
      dir = this.fromServer ? 1 : 0;
      this.touch(conn, tsSec);
    }

    const rev: 0 | 1 = dir === 0 ? 1 : 0;
    // Base sequence numbers, as tshark sets them (packet-tcp.c, tcp_analyze_sequence_number).
    if ((conn.baseKnown & (1 << dir)) === 0) this.setBase(conn, dir, (flags & SYN) !== 0 ? seq : seqAdd(seq, -1));
    if ((flags & ACK) !== 0 && (conn.baseKnown & (1 << rev)) === 0) this.setBase(conn, rev, seqAdd(pkt.tcpAck >>> 0, -1));

    if ((flags & RST) !== 0) {
      // RFC 9293 section 3.10.7: a reset aborts both directions. A passive tap cannot tell an
      // in-window RST from a blind one (RFC 5961), so every RST counts. RST payload is
      // diagnostic text (RFC 1122 section 4.2.2.12), not stream data.
      conn.rst = true;
      // Nothing after a reset is stream data: no consumer is attached from now on.
      conn.asked = true;
      conn.r0?.finish('rst');
      conn.r1?.finish('rst');
      this.afterPacket(conn);
      return;
    }
    if ((flags & FIN) !== 0) conn.finBits |= 1 << dir;
    // A resumed connection gets a new consumer for bytes only (a bare FIN would start and end it).
    // The payload as its range (pkt.plBuf): the reassembler makes a view only for bytes it
    // delivers, so ACKs and the segments of let-go or ended directions cost no Uint8Array.
    const plOff = pkt.plOff;
    const plEnd = pkt.plEnd;
    if (!conn.asked && (plEnd > plOff || ((flags & FIN) !== 0 && !conn.resumed))) this.attach(conn, frameNo);
    const r = dir === 0 ? conn.r0 : conn.r1;
    if (r !== null) {
      // `seq | 0`: the same number mod 2^32 as a small integer, so the call boxes no heap number
      // for the half of sequence space above 2^31 (segment only uses it mod 2^32).
      r.segment(seq | 0, pkt.plBuf, plOff, plEnd, flags, frameNo, tsSec, tsNsec);
      // The other direction's holes age with capture time too.
      const o = dir === 0 ? conn.r1 : conn.r0;
      if (o !== null && !o.isEnded) o.checkAgeAt(tsSec, tsNsec);
      if (this.memory.heldCost > this.opts.maxHeldBytesTotal) this.relieveMemory(frameNo);
    }
    this.afterPacket(conn);
  }

  /**
   * Lets go of what a finished connection no longer needs: both directions ended → the
   * reassemblers and the consumer (parser state) are dropped (every later segment would be
   * ignored by them anyway); closed both ways → the connection moves to the lingering list.
   */
  private afterPacket(conn: Connection): void {
    const r0 = conn.r0;
    if (r0?.isEnded === true && conn.r1!.isEnded) {
      conn.release();
      unlinkStream(this.streams, conn);
    }
    if (!conn.lingering && conn.closed) {
      unlink(this.live, conn);
      conn.lingering = true;
      append(this.lingering, conn);
    }
  }

  /**
   * Ends connections idle for `idleTimeoutSec` (end 'timeout') and gives up holes older than
   * `holeTimeoutSec`, as of capture time `nowSec`. Call it regularly (e.g. once per captured
   * second); its cost is proportional to what expires plus the directions waiting on a hole.
   */
  expire(nowSec: number): void {
    for (const r of this.ctx.pending) r.checkAge(nowSec);
    const limit = nowSec - this.opts.idleTimeoutSec;
    for (let conn = this.live.head; conn !== null; conn = this.live.head) {
      // List order is by lastSec (touch moves to the tail), so the first connection that is
      // not idle ends the scan.
      if (conn.lastSec > limit) break;
      this.timedOut++;
      this.remove(conn, 'timeout');
    }
    // Closed both ways: holes older than holeTimeoutSec were given up just above, and the
    // linger is longer, so both directions have normally ended already ('fin'/'rst').
    const closedLimit = nowSec - this.lingerSec;
    for (let conn = this.lingering.head; conn !== null; conn = this.lingering.head) {
      if (conn.lastSec > closedLimit) break;
      this.closedExpired++;
      this.remove(conn, 'timeout');
    }
  }

  /**
   * End of input: every direction delivers what it holds (holes as gaps) and ends with
   * 'shutdown' (or 'fin' when its FIN is reached). The table is empty afterwards.
   */
  flush(): void {
    // In the order of one LRU list over both (what a single list kept before lingering
    // connections moved out of it): consumers see the ends in the same order.
    const all: Connection[] = [];
    for (let c = this.live.head; c !== null; c = c.next) all.push(c);
    for (let c = this.lingering.head; c !== null; c = c.next) all.push(c);
    all.sort((a, b) => a.order - b.order);
    for (const conn of all) this.remove(conn, 'shutdown');
  }

  /** A snapshot of the counters. */
  stats(): TcpTrackerStats {
    const c = this.counters;
    return {
      packets: this.packets,
      connections: this.nextId,
      active: this.table.size,
      evicted: this.evicted,
      streamEvicted: this.streamEvicted,
      streamActive: this.streams.size,
      timedOut: this.timedOut,
      reused: this.reused,
      closedExpired: this.closedExpired,
      gaps: c.gaps,
      gapBytes: c.gapBytes,
      overlapsDifferent: c.overlapsDifferent,
      retransmissions: c.retransmissions,
      outOfOrder: c.outOfOrder,
      keepAlives: c.keepAlives,
      heldBytes: this.memory.heldBytes,
      heldCost: this.memory.heldCost,
      historyBytes: this.memory.historyBytes,
      bypassed: c.bypassed,
      bypassResumed: c.bypassResumed,
      bypassReprobes: c.bypassReprobes,
      bypassedBytes: c.bypassedBytes,
      bypassActive: c.bypassActive,
    };
  }

  private create(hash: number, pkt: DecodedPacket, frameNo: number, tsSec: number, tsNsec: number): Connection {
    if (this.table.size >= this.opts.maxConnections) {
      // A lingering (closed) connection goes first: it can only absorb stray packets.
      const victim = this.lingering.head ?? this.live.head;
      if (victim !== null) {
        this.evicted++;
        this.sink.report('flow.evicted', frameNo, `table=tcp conn=${victim.id} max=${this.opts.maxConnections}`, victim.id);
        this.remove(victim, 'evicted');
      }
    }
    const fromClient = senderIsClient(pkt);
    this.fromServer = !fromClient;
    const conn = newTcpConnection(hash, this.nextId++, pkt, fromClient, frameNo, tsSec, tsNsec);
    conn.bypassEnabled = this.opts.bypass;
    this.table.add(conn);
    conn.order = ++this.orderSeq;
    append(this.live, conn);
    return conn;
  }

  /**
   * Asks the factory for the connection's consumer and gives it two reassemblers, started at
   * the base sequence numbers known so far. Done at the first segment that carries payload or
   * FIN, not at the SYN: segments before it have no stream bytes (they only fix the bases,
   * which start() takes here), so the consumer sees exactly what it would have seen, and a
   * SYN-only or handshake-only connection costs the Connection object alone (issue 12: a flood
   * of 1 000 000 SYNs held ~1.4 KiB per connection, 1.5 GiB).
   */
  private attach(conn: Connection, frameNo: number): void {
    conn.asked = true;
    const consumer: StreamConsumer | null = this.factory.create(conn);
    if (consumer === null) return;
    if (this.streams.size >= this.opts.maxStreamConnections && this.streams.head !== null) this.evictStream(this.streams.head, frameNo);
    conn.r0 = new TcpStreamReassembler(0, conn.id, consumer, this.ctx);
    conn.r1 = new TcpStreamReassembler(1, conn.id, consumer, this.ctx);
    appendStream(this.streams, conn);
    // A resumed connection's directions start at their next segment (the bytes in between
    // were never delivered: the consumer resynchronises), not at the bases.
    if (conn.resumed) return;
    if ((conn.baseKnown & 1) !== 0) conn.r0.start(conn.base0);
    if ((conn.baseKnown & 2) !== 0) conn.r1.start(conn.base1);
  }

  /**
   * Stream-state cap: the least recently active connection with stream state lets it go (both
   * directions end with 'evicted', held bytes become gaps) but stays in the table, keeping its
   * `tcp.stream` id; its next bytes attach a fresh consumer that starts mid-stream. Eviction
   * therefore never makes a connection invisible, it costs the bytes of the frame in progress.
   */
  private evictStream(victim: Connection, frameNo: number): void {
    this.streamEvicted++;
    this.sink.report('flow.stream_evicted', frameNo, `conn=${victim.id} max=${this.opts.maxStreamConnections}`, victim.id);
    unlinkStream(this.streams, victim);
    victim.r0?.finish('evicted');
    victim.r1?.finish('evicted');
    victim.release();
    // A closed connection has no more stream bytes to resume.
    victim.asked = victim.closed;
    victim.resumed = true;
  }

  private setBase(conn: Connection, dir: 0 | 1, base: number): void {
    conn.baseKnown |= 1 << dir;
    if (dir === 0) {
      conn.base0 = base;
      conn.r0?.start(base);
    } else {
      conn.base1 = base;
      conn.r1?.start(base);
    }
  }

  /**
   * Moves the connection to the end of the LRU order when its capture second changed (the
   * order only needs to be by lastSec, which keeps the idle scan in expire() short).
   */
  private touch(conn: Connection, tsSec: number): void {
    if (tsSec > conn.lastSec) {
      conn.lastSec = tsSec;
      conn.order = ++this.orderSeq;
      const list = conn.lingering ? this.lingering : this.live;
      if (conn !== list.tail) {
        unlink(list, conn);
        append(list, conn);
      }
      if (conn.inStreams && conn !== this.streams.tail) {
        unlinkStream(this.streams, conn);
        appendStream(this.streams, conn);
      }
    }
  }

  /** Takes the connection out of its hash bucket and the LRU list. Idempotent. */
  private forget(conn: Connection): void {
    if (!this.table.remove(conn)) return;
    unlink(conn.lingering ? this.lingering : this.live, conn);
    unlinkStream(this.streams, conn);
  }

  /** Ends both directions (0 then 1) and forgets the connection. */
  private remove(conn: Connection, reason: StreamEndReason): void {
    this.forget(conn);
    conn.r0?.finish(reason);
    conn.r1?.finish(reason);
  }

  /** Global held-bytes cap: give up the holes of the directions that have waited longest. */
  private relieveMemory(frameNo: number): void {
    for (const r of this.ctx.pending) {
      if (this.memory.heldCost <= this.opts.maxHeldBytesTotal) break;
      if (r.heldSegments === 0) continue;
      this.sink.report('tcp.reassembly_memcap', frameNo, `conn=${r.connId} dir=${r.dir} held_bytes=${r.heldBytes} total_cost=${this.memory.heldCost}`, r.connId);
      r.flushHeld();
    }
  }
}
