/**
 * One tracked TCP connection of `TcpTracker` (./tcp-tracker.ts) and the two intrusive
 * lists it sits in (LRU order of the table, and the connections holding stream state): O(1)
 * touch and unlink on the per-packet path, no allocation.
 */
import type { TcpConnectionInfo } from './stream-consumer.js';
import type { BypassWatch } from './stream-bypass.js';
import type { TcpStreamReassembler } from './tcp-stream-reassembler.js';

/** One tracked connection. Implements the info handed to the factory (no extra object). */
export class TcpConnection implements TcpConnectionInfo {
  /** Base sequence number per direction (see the file header) and which are known (bits). */
  base0 = 0;
  base1 = 0;
  baseKnown = 0;
  /** FIN seen per direction (bits), RST seen. */
  finBits = 0;
  rst = false;
  /** Capture second of the last packet; also the LRU position key (see touch). */
  lastSec: number;
  r0: TcpStreamReassembler | null = null;
  r1: TcpStreamReassembler | null = null;
  /**
   * The factory was asked for a consumer (at the first segment with payload or FIN, see
   * TcpTracker.attach): a SYN flood or handshake-only connections never hold one.
   */
  asked = false;
  /** An earlier consumer was let go (stream-state cap): see TcpConnectionInfo.resumed. */
  resumed = false;
  /** Neighbours in the tracker's list of connections holding stream state (see attach). */
  streamPrev: TcpConnection | null = null;
  streamNext: TcpConnection | null = null;
  inStreams = false;
  /** Next connection in the same hash bucket. */
  nextSame: TcpConnection | null = null;
  /** TcpConnectionInfo.bypassEnabled (the tracker's option). */
  bypassEnabled = false;
  /** In the tracker's closed list (closed both ways, lingering) rather than the live one. */
  lingering = false;
  /** Position in the LRU order (a tracker-wide counter taken when created or touched). */
  order = 0;
  /** LRU list neighbours (least recently active at the head). */
  prev: TcpConnection | null = null;
  next: TcpConnection | null = null;
  /** Address views handed to consumers, made on first request (most connections never need them). */
  private views: [Uint8Array, Uint8Array] | null = null;

  /**
   * Both directions ended: the reassemblers go, and so do the address views (a closed
   * connection lingers with its numbers only; consumers that kept the views still have them).
   */
  release(): void {
    this.r0 = this.r1 = null;
    this.views = null;
  }

  ignore(dir: 0 | 1): void {
    (dir === 0 ? this.r0 : this.r1)?.detach();
  }

  bypass(dir: 0 | 1, watch?: BypassWatch): void {
    (dir === 0 ? this.r0 : this.r1)?.bypass(watch);
  }

  resume(dir: 0 | 1): void {
    (dir === 0 ? this.r0 : this.r1)?.resume();
  }

  /**
   * The endpoints' addresses are kept as two numbers for IPv4 and as one 32-byte copy (client,
   * then server) for IPv6, not as two typed arrays: a busy link keeps tens of thousands of
   * connections (closed ones linger), and two Uint8Array objects each were a third of their memory.
   */
  constructor(
    /** Table hash of the endpoint pair (see endpointHash). */
    readonly hash: number,
    readonly id: number,
    /** IPv4 addresses as numbers (0 for IPv6): compared without a byte loop. */
    readonly client32: number,
    readonly server32: number,
    /** IPv6: client address then server address; null for IPv4. */
    readonly addr6: Uint8Array | null,
    readonly clientPort: number,
    readonly serverPort: number,
    readonly ipVersion: 4 | 6,
    readonly sawSyn: boolean,
    readonly startFrame: number,
    readonly startSec: number,
    readonly startNsec: number,
  ) {
    this.lastSec = startSec;
  }

  get clientAddr(): Uint8Array {
    this.views ??= this.makeViews();
    return this.views[0];
  }

  get serverAddr(): Uint8Array {
    this.views ??= this.makeViews();
    return this.views[1];
  }

  private makeViews(): [Uint8Array, Uint8Array] {
    if (this.addr6 !== null) return [this.addr6.subarray(0, 16), this.addr6.subarray(16, 32)];
    const b = new Uint8Array(8);
    const c = this.client32;
    const v = this.server32;
    b[0] = c >>> 24;
    b[1] = (c >>> 16) & 0xff;
    b[2] = (c >>> 8) & 0xff;
    b[3] = c & 0xff;
    b[4] = v >>> 24;
    b[5] = (v >>> 16) & 0xff;
    b[6] = (v >>> 8) & 0xff;
    b[7] = v & 0xff;
    return [b.subarray(0, 4), b.subarray(4, 8)];
  }

  /** Closed for good: RST, or FIN in both directions. */
  get closed(): boolean {
    return this.rst || this.finBits === 3;
  }
}

/** A doubly linked LRU list of connections (through prev/next), oldest at the head. */
export interface ConnList {
  head: TcpConnection | null;
  tail: TcpConnection | null;
}

export function append(list: ConnList, conn: TcpConnection): void {
  conn.prev = list.tail;
  conn.next = null;
  if (list.tail !== null) list.tail.next = conn;
  else list.head = conn;
  list.tail = conn;
}

export function unlink(list: ConnList, conn: TcpConnection): void {
  if (conn.prev !== null) conn.prev.next = conn.next;
  else list.head = conn.next;
  if (conn.next !== null) conn.next.prev = conn.prev;
  else list.tail = conn.prev;
  conn.prev = conn.next = null;
}

/** The list of connections holding stream state (through streamPrev/streamNext), oldest first. */
export interface StreamList {
  head: TcpConnection | null;
  tail: TcpConnection | null;
  size: number;
}

export function appendStream(list: StreamList, conn: TcpConnection): void {
  conn.streamPrev = list.tail;
  conn.streamNext = null;
  if (list.tail !== null) list.tail.streamNext = conn;
  else list.head = conn;
  list.tail = conn;
  conn.inStreams = true;
  list.size++;
}

/** Idempotent: a connection not in the list is left alone. */
export function unlinkStream(list: StreamList, conn: TcpConnection): void {
  if (!conn.inStreams) return;
  if (conn.streamPrev !== null) conn.streamPrev.streamNext = conn.streamNext;
  else list.head = conn.streamNext;
  if (conn.streamNext !== null) conn.streamNext.streamPrev = conn.streamPrev;
  else list.tail = conn.streamPrev;
  conn.streamPrev = conn.streamNext = null;
  conn.inStreams = false;
  list.size--;
}
