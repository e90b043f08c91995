/**
 * One TLS connection, both directions (0 = client to server, 1 = server to client), decrypted
 * with the secrets of a {@link TlsKeyLog}: TLS 1.2 (RFC 5246) and TLS 1.3 (RFC 8446).
 *
 * The tap must see the handshake: the ClientHello gives the client_random (the key log's index),
 * the ServerHello the version, suite and server_random. Records (RFC 5246 6.2, RFC 8446 5.1) are
 * framed per direction; a record that cannot be processed yet (keys not in the log, or a client
 * record before the ServerHello) is held, with the frame and time it came in, within
 * `maxPendingBytes` for the connection and the run's shared budget (./tls-held-budget.ts), and
 * {@link TlsDecryptor.retry} takes it up again. Anything odd is a `tls.*` anomaly and stops the
 * direction (or the connection), except an alert that nothing authenticates (reported, ignored);
 * nothing throws, nothing is guessed, no unauthenticated plaintext is handed on, and no key
 * material is ever put in a detail. When the key log holds several secrets for the
 * client_random (forked peers reusing a random), the first protected record of each key phase
 * picks the one it authenticates under (tls-candidate-cipher.ts).
 *
 * This class feeds, holds, stops and hands on; what each record means (handshake, alerts, keys,
 * protected records of either version) is ./tls-record-processor.ts.
 */
import type { AnomalySink } from '../../core/anomaly.js';
import { type HeldRecord, type TlsDirection, type TlsFailReason, tlsDirection } from './tls-direction.js';
import type { TlsHeldBudget, TlsHeldBudgetHolder } from './tls-held-budget.js';
import type { TlsKeyLog } from './tls-key-log.js';
import { TlsRecordProcessor } from './tls-record-processor.js';

/** Where a connection stands. `closed`: both directions ended by close_notify or a fatal alert. */
export type TlsDecryptState = 'handshake' | 'decrypting' | 'waiting-keys' | 'failed' | 'closed';

export interface TlsDecryptorOptions {
  /** Ciphertext held per connection while waiting for keys (or for the other direction). Default 1 MiB. */
  readonly maxPendingBytes?: number;
  /** The TCP connection id passed on with every anomaly (the analyzers' connId). */
  readonly conn?: number;
  /** The run's budget of held ciphertext, shared by all its connections (./tls-held-budget.ts). */
  readonly budget?: TlsHeldBudget;
  /** Called after the budget made this connection give up (during another connection's push): its owner settles it. */
  readonly onEvicted?: () => void;
}

/** Plaintext with the provenance of the record that carried it: the frame that completed the record and that frame's capture time. */
export interface TlsPlaintext {
  readonly dir: 0 | 1;
  readonly data: Uint8Array;
  readonly frameNo: number;
  readonly tsSec: number;
  readonly tsNsec: number;
}

export const DEFAULT_TLS_MAX_PENDING_BYTES = 1 << 20;

export class TlsDecryptor implements TlsHeldBudgetHolder {
  private readonly dirs: [TlsDirection, TlsDirection] = [tlsDirection(0), tlsDirection(1)];
  private readonly out: [TlsPlaintext[], TlsPlaintext[]] = [[], []];
  private readonly records: TlsRecordProcessor;
  private readonly maxPending: number;
  private readonly conn: number | undefined;
  private readonly budget: TlsHeldBudget | undefined;
  private readonly onEvicted: (() => void) | undefined;
  private heldBytes = 0;
  private frame = 0;
  /** Provenance of the record being processed (the current push, or the held record). */
  private cur: { frameNo: number; tsSec: number; tsNsec: number } = { frameNo: 0, tsSec: 0, tsNsec: 0 };
  private connFailed: TlsFailReason | null = null;
  private firstFail: TlsFailReason | null = null;

  constructor(
    keys: TlsKeyLog,
    private readonly anomalies: AnomalySink,
    opts: TlsDecryptorOptions = {},
  ) {
    this.maxPending = opts.maxPendingBytes ?? DEFAULT_TLS_MAX_PENDING_BYTES;
    this.conn = opts.conn;
    this.budget = opts.budget;
    this.onEvicted = opts.onEvicted;
    const host = {
      frame: () => this.frame,
      emit: (d: TlsDirection, data: Uint8Array) => this.emit(d, data),
      failDir: (d: TlsDirection, reason: TlsFailReason, detail: string) => this.failDir(d, reason, detail),
      failConn: (reason: TlsFailReason, detail: string) => this.failConn(reason, detail),
      close: (d: TlsDirection) => this.stop(d, 'closed'),
    };
    // RFC 8446 4.2.10: rejected 0-RTT records are skipped up to the server's max_early_data_size, which the tap does not see: the held-ciphertext cap bounds them.
    this.records = new TlsRecordProcessor(keys, anomalies, host, this.maxPending, this.conn);
  }

  get state(): TlsDecryptState {
    const [a, b] = this.dirs;
    if (this.connFailed !== null) return 'failed';
    if (a.waitingKeys || b.waitingKeys) return 'waiting-keys';
    if (a.stopped !== null && b.stopped !== null) return a.stopped === 'closed' && b.stopped === 'closed' ? 'closed' : 'failed';
    if (a.cipher !== null || b.cipher !== null || a.phase === 'app' || b.phase === 'app') return 'decrypting';
    return 'handshake';
  }
  /** The first reason a direction or the connection stopped (the other direction may still decrypt). */
  get failReason(): TlsFailReason | null {
    return this.firstFail;
  }
  get version(): 'TLS1.2' | 'TLS1.3' | null {
    return this.records.version;
  }
  get cipherSuite(): number | null {
    return this.records.cipherSuite;
  }
  /** server_name of the ClientHello (RFC 6066 3), host_name type only. An identity: for records of targets only, never for logs. */
  get sni(): string | null {
    return this.records.sni;
  }
  /** TLS 1.3 KeyUpdate messages followed, both directions. */
  get keyUpdates(): number {
    return this.records.keyUpdates;
  }
  /** Bytes of complete records held (waiting for keys or for the other direction). */
  get pendingBytes(): number {
    return this.heldBytes;
  }
  /** Plaintext of the other direction released by a push, waiting to be taken by {@link retry}. */
  get released(): number {
    return this.out[0].length + this.out[1].length;
  }

  /**
   * Feeds in-order TCP payload of one direction; returns that direction's decrypted
   * application data (fresh arrays, in order, possibly none). Plaintext of the other direction
   * that this push unblocked (rare: only when directions are fed out of capture order) is kept
   * for {@link retry} (see {@link released}), with the frame and time of its record. `tsSec` /
   * `tsNsec`: the capture time of `frameNo`, kept with held records. Never throws.
   */
  push(dir: 0 | 1, bytes: Uint8Array, frameNo: number, tsSec = 0, tsNsec = 0): Uint8Array[] {
    this.frame = frameNo;
    const d = this.dirs[dir];
    if (d.stopped !== null) {
      this.afterStop(d, bytes.length);
      return this.take(dir).map((p) => p.data);
    }
    const bad = d.framer.push(bytes, (rec, rest) => {
      this.cur = { frameNo, tsSec, tsNsec };
      this.onRecord(d, rec);
      if (d.stopped !== null) this.afterStop(d, rest);
      return d.stopped === null;
    });
    if (bad !== null) {
      const detail = `record type=${bad.type} version_major=${bad.versionMajor} length=${bad.length}`;
      if (d.framer.framed === 0) this.failConn('mid_connection', `dir=${dir} ${detail}`);
      else this.failDir(d, 'decode_error', detail);
    }
    return this.take(dir).map((p) => p.data);
  }

  /** After the key log grew: processes what was held; returns the plaintext produced (and any released earlier), per direction, each with its record's frame and time. */
  retry(frameNo: number): TlsPlaintext[] {
    this.frame = frameNo;
    for (const d of this.dirs) d.waitingKeys = false;
    this.drainAll();
    return [...this.take(0), ...this.take(1)];
  }

  /** The TCP connection ended (FIN, RST or timeout): says why held ciphertext was never decrypted. */
  end(frameNo: number): void {
    this.frame = frameNo;
    if (this.connFailed !== null) return;
    const [a, b] = this.dirs;
    if (a.waitingKeys || b.waitingKeys) this.failConn('no_keys', `held_bytes=${this.heldBytes}`);
    else if (!this.records.hasClientHello && b.held.length > 0) this.failConn('mid_connection', 'no ClientHello');
  }

  /** The run's held-ciphertext budget is full and this connection has held longest: it gives up (./tls-held-budget.ts). */
  evictHeld(cap: number): void {
    this.failConn('pending_overflow', `held_bytes=${this.heldBytes} shared_cap=${cap}`);
    this.onEvicted?.();
  }

  /**
   * Bytes of a stopped direction. After a failure the stop was reported; after close_notify or a
   * fatal alert (RFC 8446 6.1, RFC 5246 7.2.1: nothing may follow) they are reported once, never
   * dropped silently: a direction closed by mistake would otherwise hide what follows.
   */
  private afterStop(d: TlsDirection, bytes: number): void {
    if (d.stopped !== 'closed' || bytes === 0) return;
    if (d.afterClose === 0) this.anomalies.report('tls.data_after_close', this.frame, `dir=${d.dir} bytes=${bytes}`, this.conn, d.dir);
    d.afterClose += bytes;
  }

  private emit(d: TlsDirection, data: Uint8Array): void {
    this.out[d.dir].push({ dir: d.dir, data, frameNo: this.cur.frameNo, tsSec: this.cur.tsSec, tsNsec: this.cur.tsNsec });
  }

  private take(dir: 0 | 1): TlsPlaintext[] {
    const o = this.out[dir];
    if (o.length === 0) return [];
    this.out[dir] = [];
    return o;
  }

  private onRecord(d: TlsDirection, rec: Uint8Array): void {
    if (d.held.length > 0 || this.records.process(d, rec) === 'block') {
      this.hold(d, { rec: rec.slice(), ...this.cur });
      return;
    }
    if (this.dirs[1 - d.dir]!.held.length > 0) this.drainAll();
  }

  private hold(d: TlsDirection, h: HeldRecord): void {
    const n = h.rec.length;
    if (this.heldBytes + n > this.maxPending || (this.budget !== undefined && !this.budget.reserve(this, n))) {
      const cap = this.heldBytes + n > this.maxPending ? `cap=${this.maxPending}` : `shared_cap=${this.budget!.cap}`;
      this.failConn('pending_overflow', `held_bytes=${this.heldBytes} ${cap} waiting=${this.dirs.some((x) => x.waitingKeys) ? 'keys' : 'handshake'}`);
      return;
    }
    d.held.push(h);
    this.heldBytes += n;
  }

  private unhold(n: number): void {
    this.heldBytes -= n;
    this.budget?.release(this, n);
  }

  private drainAll(): void {
    let progress = true;
    while (progress) {
      progress = false;
      for (const d of this.dirs) {
        while (d.held.length > 0 && d.stopped === null) {
          const h = d.held[0]!;
          this.cur = h;
          if (this.records.process(d, h.rec) === 'block') break;
          // A stop while processing has already dropped (and uncounted) everything held.
          if (d.stopped !== null) break;
          this.unhold(d.held.shift()!.rec.length);
          progress = true;
        }
      }
    }
  }

  private failDir(d: TlsDirection, reason: TlsFailReason, detail: string): void {
    if (d.stopped !== null) return;
    this.anomalies.report(`tls.${reason}`, this.frame, `dir=${d.dir} ${detail}`, this.conn, d.dir);
    this.firstFail ??= reason;
    this.stop(d, reason);
  }

  private failConn(reason: TlsFailReason, detail: string): void {
    if (this.connFailed !== null) return;
    this.anomalies.report(`tls.${reason}`, this.frame, detail, this.conn);
    this.connFailed = reason;
    this.firstFail ??= reason;
    for (const d of this.dirs) this.stop(d, reason);
  }

  private stop(d: TlsDirection, why: TlsFailReason | 'closed'): void {
    d.stopped ??= why;
    d.waitingKeys = false;
    for (const r of d.held) this.unhold(r.rec.length);
    d.held.length = 0;
    d.framer.reset();
  }
}
