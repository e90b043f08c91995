/**
 * A TCP connection that opened with a TLS ClientHello (RFC 8446 4.1.2, RFC 5246 7.4.1.2), on any
 * port: its two directions go through one {@link TlsDecryptor} (keys from the run's key log),
 * and the plaintext of each direction goes to an inner {@link AppStreamConsumer}, which
 * classifies it and frames SIP (RFC 3261 section 26.2, `sips:` on 5061), MSRP (RFC 4975 section
 * 14.1, TCP/TLS/MSRP and `msrps:`) or a WebSocket (RFC 7118 / RFC 7977 `wss`) exactly as on plain
 * TCP, marking what it hands on as carried by TLS (`tls` / `wss`, with version and cipher suite).
 *
 * Held ciphertext (waiting for keys) is bounded by the decryptor; the connection itself stays in
 * the run's {@link TlsConnections} while it may still get keys, even after its TCP connection
 * ended, so a key log that grows later still decrypts it (the ends are handed on after that).
 */
import type { AnomalySink } from '../core/anomaly.js';
import type { DirValue, StreamConsumer, StreamEndReason, TcpConnectionInfo } from '../flow/stream-consumer.js';
import type { TlsDecryptor, TlsKeyLog, TlsPlaintext } from '../protocols/tls/index.js';
import type { WebSocketMemoryBudget } from '../protocols/websocket/index.js';
import type { AppEventSink, TlsTransportInfo } from './app-event-sink.js';
import { AppStreamConsumer } from './app-stream-consumer.js';
import type { TlsConnections, TlsHubMember } from './tls-connections.js';

/** What the inner consumer asks of the TLS layer it runs on. */
export interface TlsCarrier {
  /** The negotiated version and suite; known before any application data (RFC 8446 2). */
  readonly tlsInfo: TlsTransportInfo | undefined;
}

export class TlsConnection implements StreamConsumer, TlsHubMember, TlsCarrier {
  private readonly dec: TlsDecryptor;
  private readonly inner: AppStreamConsumer;
  private readonly outerEnd: [StreamEndReason | null, StreamEndReason | null] = [null, null];
  /** The inner consumer got this direction's end, or released it (not SIP/MSRP/WebSocket). */
  private readonly innerDone: [boolean, boolean] = [false, false];
  /** A hole in this direction: TLS records cannot be resynchronised (their sequence number is implicit, RFC 5246 6.2.3.3, RFC 8446 5.3). */
  private readonly dead: [boolean, boolean] = [false, false];
  private lastFrame = 0;
  private decrypted = false;
  private waiting = false;
  private gapped = false;
  private finalized = false;
  lastSec = 0;

  constructor(
    private readonly conn: TcpConnectionInfo,
    app: AppEventSink,
    anomalies: AnomalySink,
    private readonly hub: TlsConnections,
    keys: TlsKeyLog,
    wsBudget?: WebSocketMemoryBudget,
  ) {
    this.dec = hub.decryptor(keys, conn.id, () => this.evicted());
    const innerConn: TcpConnectionInfo = {
      id: conn.id,
      clientAddr: conn.clientAddr,
      clientPort: conn.clientPort,
      serverAddr: conn.serverAddr,
      serverPort: conn.serverPort,
      ipVersion: conn.ipVersion,
      sawSyn: conn.sawSyn,
      resumed: conn.resumed,
      startFrame: conn.startFrame,
      startSec: conn.startSec,
      startNsec: conn.startNsec,
      ignore: (dir) => this.innerIgnore(dir),
    };
    this.inner = new AppStreamConsumer(innerConn, app, anomalies, wsBudget, undefined, this);
    hub.add(this);
  }

  get tlsInfo(): TlsTransportInfo | undefined {
    const version = this.dec.version;
    const cipherSuite = this.dec.cipherSuite;
    return version === null || cipherSuite === null ? undefined : { version, cipherSuite };
  }

  get ended(): boolean {
    return this.outerEnd[0] !== null && this.outerEnd[1] !== null;
  }

  data(dir: DirValue, data: Uint8Array, frameNo: number, tsSec: number, tsNsec: number): void {
    if (this.finalized || this.dead[dir]) return;
    this.lastSec = tsSec;
    this.lastFrame = frameNo;
    const out = this.dec.push(dir, data, frameNo, tsSec, tsNsec);
    for (const p of out) this.deliver(dir, p, frameNo, tsSec, tsNsec);
    // Directions fed out of capture order: this push may have unblocked the other one's records.
    if (this.dec.released > 0) this.deliverAll(this.dec.retry(frameNo));
    this.noteWaiting(frameNo);
  }

  gap(dir: DirValue, length: number, frameNo: number, tsSec: number, tsNsec: number): void {
    if (this.finalized || this.dead[dir]) return;
    this.dead[dir] = true;
    this.gapped = true;
    // The framers see the hole once and resynchronise on nothing more: no record of this direction decrypts again.
    if (!this.innerDone[dir]) this.inner.gap(dir, length, frameNo, tsSec, tsNsec);
  }

  end(dir: DirValue, reason: StreamEndReason): void {
    if (this.outerEnd[dir] !== null) return;
    this.outerEnd[dir] = reason;
    if (this.finalized) return;
    this.settle();
  }

  retry(frameNo: number): void {
    if (this.finalized) return;
    this.deliverAll(this.dec.retry(frameNo));
    this.noteWaiting(frameNo);
    this.settle();
  }

  finalize(frameNo: number): void {
    if (this.finalized) return;
    this.finalized = true;
    // A connection still waiting for keys reports tls.no_keys here.
    this.dec.end(frameNo > 0 ? frameNo : this.lastFrame);
    for (const dir of [0, 1] as const) {
      if (!this.innerDone[dir]) {
        this.innerDone[dir] = true;
        this.inner.end(dir, this.outerEnd[dir] ?? 'shutdown');
      }
      // Given up while the TCP connection goes on (the cap on waiting connections): its bytes are not wanted.
      if (this.outerEnd[dir] === null) this.conn.ignore(dir);
    }
    const reason = this.decrypted ? null : (this.dec.failReason ?? (this.waiting ? 'no_keys' : this.gapped ? 'gap' : 'incomplete'));
    this.hub.done(this, reason);
  }

  /** Hands on the ends of ended directions once no key can still bring their bytes, and lets go of a finished connection. */
  private settle(): void {
    if (this.waiting) return;
    for (const dir of [0, 1] as const) {
      const r = this.outerEnd[dir];
      if (r !== null && !this.innerDone[dir]) {
        this.innerDone[dir] = true;
        this.inner.end(dir, r);
      }
    }
    if (this.ended) this.finalize(this.lastFrame);
  }

  /** Plaintext released from held records: each keeps the frame and time of the packet that carried its record, not those of the push or key-log poll that released it. */
  private deliverAll(out: readonly TlsPlaintext[]): void {
    for (const r of out) if (!this.dead[r.dir]) this.deliver(r.dir, r.data, r.frameNo, r.tsSec, r.tsNsec);
  }

  private deliver(dir: DirValue, data: Uint8Array, frameNo: number, tsSec: number, tsNsec: number): void {
    if (data.length === 0 || this.innerDone[dir]) return;
    this.decrypted = true;
    this.inner.data(dir, data, frameNo, tsSec, tsNsec);
  }

  private noteWaiting(frameNo: number): void {
    const w = this.dec.state === 'waiting-keys';
    if (w === this.waiting) return;
    this.waiting = w;
    this.hub.setWaiting(this, w, frameNo);
  }

  /** The run's held-ciphertext budget made the decryptor give up (while another connection was fed): stop waiting, hand on the ends of ended directions. */
  private evicted(): void {
    if (this.finalized) return;
    this.noteWaiting(this.lastFrame);
    this.settle();
  }

  /** The plaintext of `dir` is neither SIP, MSRP nor a SIP/MSRP WebSocket: stop reassembling and decrypting it. */
  private innerIgnore(dir: DirValue): void {
    this.innerDone[dir] = true;
    this.dead[dir] = true;
    if (this.outerEnd[dir] === null) {
      this.outerEnd[dir] = 'shutdown';
      this.conn.ignore(dir);
    }
    if (this.ended && !this.waiting) this.finalize(this.lastFrame);
  }
}
