/**
 * One X2/X3 delivery link (ETSI TS 103 221-2 clause 5/6): a TCP or mutual-TLS connection from the
 * POI (msrptap) to a mediation function, fed from the destination's durable {@link PduSpool}.
 *
 * Delivery guarantee (at least once, in order):
 * - every PDU is in the spool before it is written to the socket;
 * - a Keepalive PDU (type 3) with a sequence number attribute follows the data; the receiver
 *   answers with a Keepalive Acknowledgement (type 4) echoing that number (TS 103 221-2 5.3,
 *   OpenLI behaviour). TCP delivers in order, so the acknowledgement proves the receiver read
 *   every PDU written before the keepalive: only then are those PDUs released from the spool;
 * - no acknowledgement within `keepaliveTimeoutMs` = dead link: the connection is dropped and
 *   re-established with exponential backoff, and everything not released is sent again, in
 *   spool order. PDUs that were in flight may therefore arrive twice: their X2/X3 sequence
 *   number attribute (per XID) lets the receiver drop the duplicates.
 *
 * The link never blocks its caller: it runs on the event loop, writes only when the socket
 * accepts data (`write()` → 'drain' backpressure), and reads PDUs back from the spool in batches.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { PduSpool, SpoolPosition } from './pdu-spool.js';
import { MIN_TLS_VERSION, type TlsMaterial } from './tls-material.js';

/** What the link needs from the X2/X3 codec (injected: deliver handles opaque bytes only). */
export interface KeepaliveCodec {
  /** A Keepalive PDU carrying `seq` in its sequence number attribute. */
  keepalive(seq: number): Uint8Array;
  /**
   * A parser for the bytes the receiver sends back on one connection: returns the sequence
   * numbers of the Keepalive Acknowledgements completed by `chunk`, or an error (the stream is
   * not X2/X3, or carries something other than acknowledgements) after which the connection is
   * dropped.
   */
  ackReader(): (chunk: Uint8Array) => { acks: number[]; error?: string };
}

/** Link events for the operator log: DIDs, addresses and counts only, never content. */
export type LinkLog = (level: 'info' | 'warn' | 'error', event: string, fields: Record<string, unknown>, msg?: string) => void;

/** Options of {@link DestinationLink}. */
export interface DestinationLinkOptions {
  readonly did: string;
  readonly host: string;
  readonly port: number;
  /** Mutual TLS material; null/undefined = plain TCP. */
  readonly tls?: TlsMaterial | null;
  readonly spool: PduSpool;
  readonly codec: KeepaliveCodec;
  /** Idle keepalive period (default 5000 ms). */
  readonly keepaliveIntervalMs?: number;
  /** A keepalive not acknowledged within this time = dead link (default 10 000 ms). */
  readonly keepaliveTimeoutMs?: number;
  /** After data is written, a keepalive follows within this time to release it (default 100 ms). */
  readonly ackDelayMs?: number;
  /** Reconnect backoff: first delay and cap (defaults 200 ms, 30 s); doubles per failure. */
  readonly reconnectMinMs?: number;
  readonly reconnectMaxMs?: number;
  /** Connect (TCP + TLS handshake) timeout (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** Test/lab throttle: wait this long between two PDUs (default 0 = as fast as the socket takes them). */
  readonly paceMs?: number;
  readonly log?: LinkLog;
}

/** Counters of one link. */
export interface LinkStats {
  readonly did: string;
  readonly state: LinkState;
  readonly connects: number;
  readonly disconnects: number;
  /** PDUs written to sockets (resends included). */
  readonly sentPdus: number;
  /** PDUs released from the spool (acknowledged). */
  readonly releasedPdus: number;
  readonly spooledPdus: number;
  readonly spooledBytes: number;
  readonly refusedPdus: number;
}

export type LinkState = 'connecting' | 'up' | 'backoff' | 'stopped';

interface Marker {
  readonly seq: number;
  readonly pos: SpoolPosition;
  /** PDUs and bytes written on this connection up to the keepalive. */
  readonly count: number;
  readonly bytes: number;
  readonly timer: NodeJS.Timeout;
}

const HEADER = 8;

export class DestinationLink {
  readonly did: string;
  private readonly o: DestinationLinkOptions;
  private readonly spool: PduSpool;
  private readonly log: LinkLog;
  private socket: net.Socket | undefined;
  private linkState: LinkState = 'backoff';
  private sendPos: SpoolPosition;
  private sentCount = 0;
  private sentBytes = 0;
  private relCount = 0;
  private relBytes = 0;
  private blocked = false;
  private paceTimer: NodeJS.Timeout | undefined;
  private ackTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private readonly markers: Marker[] = [];
  private nextKeepalive = 1;
  private backoff: number;
  private counters = { connects: 0, disconnects: 0, sentPdus: 0, releasedPdus: 0 };
  private waiters: (() => void)[] = [];

  constructor(o: DestinationLinkOptions) {
    this.o = o;
    this.did = o.did;
    this.spool = o.spool;
    this.log = o.log ?? (() => {});
    this.sendPos = o.spool.released;
    this.backoff = o.reconnectMinMs ?? 200;
  }

  get state(): LinkState {
    return this.linkState;
  }

  /** Starts connecting (and reconnecting until {@link close}). */
  start(): void {
    if (this.linkState === 'stopped') return;
    this.connect();
  }

  /** New entries were flushed to the spool: send them if the link is up. */
  notify(): void {
    if (this.linkState === 'up') this.pump();
  }

  stats(): LinkStats {
    return {
      did: this.did,
      state: this.linkState,
      ...this.counters,
      spooledPdus: this.spool.count,
      spooledBytes: this.spool.bytes,
      refusedPdus: this.spool.refused,
    };
  }

  /** Resolves true once the spool is empty (all acknowledged), false after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.spool.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(done);
    });
  }

  /** Stops the link (the connection is ended, unacknowledged PDUs stay spooled) and closes the spool. */
  close(): void {
    this.linkState = 'stopped';
    this.clearTimers();
    if (this.socket !== undefined) {
      this.socket.removeAllListeners();
      this.socket.on('error', () => {});
      this.socket.end();
      this.socket.destroySoon();
      this.socket = undefined;
    }
    this.spool.close();
  }

  // ------------------------------------------------------------------------------------------

  private connect(): void {
    this.linkState = 'connecting';
    const { host, port } = this.o;
    const m = this.o.tls ?? null;
    let s: net.Socket;
    if (m === null) {
      s = net.connect({ host, port });
      s.once('connect', () => this.up(s));
    } else {
      s = tls.connect({
        host,
        port,
        cert: m.cert,
        key: m.key,
        ...(m.ca !== undefined ? { ca: m.ca } : {}),
        minVersion: MIN_TLS_VERSION,
        rejectUnauthorized: true,
        // SNI only for names (RFC 6066 3: literal addresses are not sent); the certificate is
        // checked against host either way (tls.checkServerIdentity: DNS or IP SANs).
        ...(net.isIP(host) === 0 ? { servername: host } : {}),
      });
      s.once('secureConnect', () => this.up(s));
    }
    this.socket = s;
    this.connectTimer = setTimeout(() => this.down(s, 'connect timeout'), this.o.connectTimeoutMs ?? 10_000);
    s.on('error', (e: NodeJS.ErrnoException) => this.down(s, e.code ?? e.message));
    s.on('close', () => this.down(s, 'closed by peer'));
  }

  private up(s: net.Socket): void {
    if (this.socket !== s) return;
    clearTimeout(this.connectTimer);
    s.setNoDelay(true);
    this.linkState = 'up';
    this.counters.connects++;
    // Everything not released is (re)sent from the release point, in spool order.
    this.sendPos = this.spool.released;
    this.sentCount = this.sentBytes = this.relCount = this.relBytes = 0;
    this.blocked = false;
    this.log('info', 'link.up', { did: this.did, address: `${this.o.host}:${this.o.port}`, tls: this.o.tls != null, resend: this.spool.count });
    const read = this.o.codec.ackReader();
    s.on('data', (chunk: Buffer) => {
      const r = read(chunk);
      for (const seq of r.acks) this.acked(seq);
      if (r.error !== undefined) this.down(s, `protocol error from receiver: ${r.error}`);
    });
    s.on('drain', () => {
      this.blocked = false;
      this.pump();
    });
    this.idleTimer = setInterval(() => {
      if (this.markers.length === 0) this.sendKeepalive();
    }, this.o.keepaliveIntervalMs ?? 5000);
    this.pump();
    // A first round trip at once: proves the link and releases nothing until data follows.
    this.sendKeepalive();
  }

  private down(s: net.Socket, reason: string): void {
    if (this.socket !== s || this.linkState === 'stopped') return;
    const wasUp = this.linkState === 'up';
    this.socket = undefined;
    s.removeAllListeners();
    s.on('error', () => {});
    s.destroy();
    this.clearTimers();
    if (wasUp) this.counters.disconnects++;
    this.linkState = 'backoff';
    this.log(wasUp ? 'warn' : 'info', wasUp ? 'link.down' : 'link.connect_failed', {
      did: this.did,
      address: `${this.o.host}:${this.o.port}`,
      reason,
      retryMs: this.backoff,
      spooledPdus: this.spool.count,
    });
    this.retryTimer = setTimeout(() => this.connect(), this.backoff);
    this.backoff = Math.min(this.backoff * 2, this.o.reconnectMaxMs ?? 30_000);
  }

  private clearTimers(): void {
    clearTimeout(this.connectTimer);
    clearTimeout(this.paceTimer);
    clearTimeout(this.ackTimer);
    clearInterval(this.idleTimer);
    clearTimeout(this.retryTimer);
    this.paceTimer = this.ackTimer = this.idleTimer = this.retryTimer = undefined;
    for (const m of this.markers) clearTimeout(m.timer);
    this.markers.length = 0;
  }

  /** Writes spooled PDUs while the socket takes them. */
  private pump(): void {
    const s = this.socket;
    if (s === undefined || this.linkState !== 'up' || this.blocked || this.paceTimer !== undefined) return;
    const pace = this.o.paceMs ?? 0;
    let wrote = false;
    for (;;) {
      const batch = this.spool.read(this.sendPos, pace > 0 ? 1 : 256 * 1024);
      if (batch.length === 0) break;
      const entries = pace > 0 ? batch.slice(0, 1) : batch;
      for (const e of entries) {
        const ok = s.write(e.bytes);
        this.sendPos = e.next;
        this.sentCount++;
        this.sentBytes += HEADER + e.bytes.length;
        this.counters.sentPdus++;
        wrote = true;
        if (!ok) this.blocked = true;
      }
      if (pace > 0) {
        this.paceTimer = setTimeout(() => {
          this.paceTimer = undefined;
          this.pump();
        }, pace);
        break;
      }
      if (this.blocked) break;
    }
    if (wrote && this.ackTimer === undefined) {
      this.ackTimer = setTimeout(() => {
        this.ackTimer = undefined;
        this.sendKeepalive();
      }, this.o.ackDelayMs ?? 100);
    }
  }

  private sendKeepalive(): void {
    const s = this.socket;
    if (s === undefined || this.linkState !== 'up') return;
    const seq = this.nextKeepalive;
    this.nextKeepalive = (this.nextKeepalive + 1) >>> 0;
    const timer = setTimeout(() => this.down(s, `no keepalive acknowledgement within ${this.o.keepaliveTimeoutMs ?? 10_000} ms`), this.o.keepaliveTimeoutMs ?? 10_000);
    this.markers.push({ seq, pos: this.sendPos, count: this.sentCount, bytes: this.sentBytes, timer });
    // Written even when the socket is above its high-water mark: it queues behind the data it vouches for.
    s.write(this.o.codec.keepalive(seq));
  }

  private acked(seq: number): void {
    const i = this.markers.findIndex((m) => m.seq === seq);
    if (i < 0) {
      this.log('warn', 'link.stray_keepalive_ack', { did: this.did, seq }, 'keepalive acknowledgement for no outstanding keepalive (ignored)');
      return;
    }
    // Acknowledgements arrive in order; an earlier unanswered keepalive is covered by this one.
    const m = this.markers[i]!;
    for (const x of this.markers.splice(0, i + 1)) clearTimeout(x.timer);
    this.backoff = this.o.reconnectMinMs ?? 200;
    if (m.count > this.relCount) {
      this.spool.release(m.pos, m.count - this.relCount, m.bytes - this.relBytes);
      this.counters.releasedPdus += m.count - this.relCount;
      this.relCount = m.count;
      this.relBytes = m.bytes;
    }
    if (this.spool.count === 0) {
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    }
  }
}
