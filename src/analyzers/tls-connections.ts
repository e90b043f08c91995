/**
 * Every TLS connection of a run (`--tls-keylog`): the one key log they share, the connections
 * that may still need keys (so a grown key log can be retried on them), and the counts the run
 * reports (`tls.connections`, `tls.decrypted`, `tls.undecryptable` by reason).
 *
 * Keys often reach the key log after the packets that need them (the endpoint writes its
 * SSLKEYLOGFILE while the capture runs), so a connection waiting for keys is kept, with its
 * ciphertext (the decryptor's per-connection cap, and one budget shared by all connections), after its TCP connection ended: until the key
 * log grows, the end of input, a capture-time timeout, or the cap on waiting connections.
 */
import { ConnectionAnomalySink, type AnomalySink } from '../core/anomaly.js';
import { DEFAULT_TLS_MAX_PENDING_BYTES, TlsDecryptor, TlsHeldBudget, type TlsKeyLog } from '../protocols/tls/index.js';

/** What the run reports about TLS (stats). */
export interface TlsStats {
  /** TCP connections that started with a TLS handshake record (RFC 8446 5.1). */
  connections: number;
  /** Connections whose application data was decrypted (some of it at least). */
  decrypted: number;
  /**
   * Connections not decrypted, by reason: `no_keylog` (no --tls-keylog given), the decryptor's
   * reasons (`no_keys`, `mid_connection`, `unsupported_cipher`, `bad_record_mac`, ...),
   * `gap` (bytes of the handshake not captured), `incomplete` (ended during the handshake).
   */
  undecryptable: Record<string, number>;
}

/** One connection as the hub sees it (./tls-connection.ts). */
export interface TlsHubMember {
  /** The key log grew: decrypt what was held. */
  retry(frameNo: number): void;
  /** Give up waiting: hand on the ends, count the connection (idempotent). */
  finalize(frameNo: number): void;
  /** Both TCP directions ended (or were released). */
  readonly ended: boolean;
  /** Capture second of the connection's last byte. */
  readonly lastSec: number;
}

export interface TlsConnectionsOptions {
  /** Connections waiting for keys at once (default 64, × the held-ciphertext cap): beyond it the oldest gives up (`tls.no_keys`). */
  readonly maxWaiting?: number;
  /** A connection that ended while waiting for keys is kept this long in capture time (default 120 s). */
  readonly waitingIdleSec?: number;
  /** Ciphertext held per waiting connection (default: the decryptor's, 1 MiB). */
  readonly maxPendingBytes?: number;
  /** Ciphertext held by all connections together, waiting for keys or for the ServerHello (default 32 MiB): beyond it the connection holding longest gives up (`tls.pending_overflow`). */
  readonly maxHeldBytes?: number;
}

export class TlsConnections {
  readonly stats: TlsStats = { connections: 0, decrypted: 0, undecryptable: {} };
  /** Connections not yet counted, in order of creation (the order of retries). */
  private readonly members = new Set<TlsHubMember>();
  /** The members waiting for keys, oldest first. */
  private readonly waiting = new Set<TlsHubMember>();
  private readonly maxWaiting: number;
  private readonly waitingIdleSec: number;
  private readonly maxPendingBytes: number;
  /** One budget for the ciphertext every connection holds: the per-connection cap alone lets N connections hold N MiB. */
  readonly heldBudget: TlsHeldBudget;

  /** @param keys null: no key log was configured: TLS connections are only counted (`no_keylog`). */
  constructor(
    readonly keys: TlsKeyLog | null,
    private readonly anomalies: AnomalySink,
    o: TlsConnectionsOptions = {},
  ) {
    this.maxWaiting = Math.max(1, o.maxWaiting ?? 64);
    this.waitingIdleSec = o.waitingIdleSec ?? 120;
    this.maxPendingBytes = o.maxPendingBytes ?? DEFAULT_TLS_MAX_PENDING_BYTES;
    this.heldBudget = new TlsHeldBudget(o.maxHeldBytes);
  }

  /** A decryptor for connection `connId`; its anomalies carry the connection (they reach its sessions' audit). `onEvicted`: the shared budget made it give up. */
  decryptor(keys: TlsKeyLog, connId: number, onEvicted?: () => void): TlsDecryptor {
    return new TlsDecryptor(keys, new ConnectionAnomalySink(this.anomalies, connId), { maxPendingBytes: this.maxPendingBytes, conn: connId, budget: this.heldBudget, ...(onEvicted !== undefined ? { onEvicted } : {}) });
  }

  add(m: TlsHubMember): void {
    this.stats.connections++;
    this.members.add(m);
  }

  /** Counts a connection at its end; `reason` null: decrypted. */
  done(m: TlsHubMember | null, reason: string | null): void {
    if (m !== null) {
      this.members.delete(m);
      this.waiting.delete(m);
    }
    if (reason === null) this.stats.decrypted++;
    else this.stats.undecryptable[reason] = (this.stats.undecryptable[reason] ?? 0) + 1;
  }

  /** A TLS connection seen without a key log: counted, never held. */
  countUnkeyed(): void {
    this.stats.connections++;
    this.done(null, 'no_keylog');
  }

  /** A connection's decryptor started (true) or stopped (false) waiting for keys: beyond the cap the oldest waiting one gives up. */
  setWaiting(m: TlsHubMember, waiting: boolean, frameNo: number): void {
    if (!waiting) {
      this.waiting.delete(m);
      return;
    }
    this.waiting.add(m);
    while (this.waiting.size > this.maxWaiting) {
      const oldest = this.waiting.values().next().value as TlsHubMember;
      this.waiting.delete(oldest);
      oldest.finalize(frameNo);
    }
  }

  /** The key log grew: every connection waiting for keys tries again, oldest first. */
  retry(frameNo: number): void {
    for (const m of [...this.waiting]) m.retry(frameNo);
  }

  /** Capture time advanced: ended connections waiting too long give up. */
  tick(tsSec: number): void {
    if (this.waiting.size === 0) return;
    for (const m of [...this.waiting]) if (m.ended && tsSec - m.lastSec > this.waitingIdleSec) m.finalize(0);
  }

  /** End of input (after the TCP flush and the last key log re-check): what still waits gives up. */
  finish(): void {
    for (const m of [...this.members]) m.finalize(0);
  }
}
