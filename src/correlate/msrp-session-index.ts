/**
 * Binds MSRP frames to sessions (RFC 4975 sections 6, 7.1; RFC 4976 section 6; RFC 6714).
 *
 * 1. By session-id: a frame belongs to a session when the session-id of ANY URI of its
 *    To-Path or From-Path equals the session-id of a URI in the session's SDP a=path. Relays
 *    keep the endpoints' URIs in the paths (RFC 4976 section 7.1) and NATs do not touch them, so
 *    this works on every hop. Each frame is routed on its own: one TCP connection may carry
 *    several MSRP sessions (RFC 4975 section 7.3.1, connection reuse).
 * 2. By transport address (RFC 6714 CEMA, or an SBC that rewrote the paths): the server side of
 *    the TCP connection (`host:port`) equals an SDP's c=/m= address or its first/last a=path
 *    authority.
 * 3. Responses by transaction: a response carries the transaction id of its request
 *    (RFC 4975 section 7.2) and travels back on the same connection, so the request's session
 *    is remembered per (connection, transaction id) until the response arrives (bounded).
 */
import type { AnomalySink } from '../core/anomaly.js';
import type { MsrpFrameHead } from '../protocols/msrp/index.js';

/** Session-ids of every URI of a frame's To-Path and From-Path (nulls skipped). */
export function frameSessionIds(head: MsrpFrameHead): string[] {
  const out: string[] = [];
  for (const u of head.headers.toPath) if (u.sessionId !== null) out.push(u.sessionId);
  for (const u of head.headers.fromPath) if (u.sessionId !== null) out.push(u.sessionId);
  return out;
}

/** Session-id of the last URI of a path (the endpoint: RFC 4975 section 6), or null. */
export function lastSessionId(path: MsrpFrameHead['headers']['toPath']): string | null {
  return path.length === 0 ? null : (path[path.length - 1]!.sessionId ?? null);
}

/**
 * Pending request transactions remembered for response routing (issue 12 budget, see
 * src/flow/tcp-tracker.ts): an entry is ~100 bytes (its key string, the transaction-id it
 * holds, the map entry), and a response normally follows its request within a round trip, so
 * 16 384 outstanding requests (1.6 MiB) is far beyond normal traffic; a sender that never gets
 * responses only fills it (65 536 held ~6.5 MiB, ~10 MiB of RSS, for nothing).
 */
export const DEFAULT_MAX_TRANSACTIONS = 16_384;

export interface MsrpSessionIndexOptions {
  /** Pending request transactions remembered for response routing (default {@link DEFAULT_MAX_TRANSACTIONS}). */
  readonly maxTransactions?: number;
}

/** The binding tables. `S` is the correlator's session type. */
export class MsrpSessionIndex<S> {
  private readonly bySid = new Map<string, S>();
  private readonly byEndpoint = new Map<string, S>();
  private readonly tx = new Map<string, S>();
  private readonly maxTx: number;

  constructor(
    private readonly anomalies: AnomalySink,
    options: MsrpSessionIndexOptions = {},
  ) {
    this.maxTx = options.maxTransactions ?? DEFAULT_MAX_TRANSACTIONS;
  }

  /** Binds session-ids to `s`; a session-id bound to another session moves (reported). */
  bindSessionIds(s: S, sids: readonly string[], frameNo?: number): void {
    for (const sid of sids) {
      const prev = this.bySid.get(sid);
      if (prev !== undefined && prev !== s) this.anomalies.report('correlate.msrp_session_id_conflict', frameNo);
      this.bySid.set(sid, s);
    }
  }

  /** Binds transport endpoint keys (see {@link endpointKey}) to `s`; newer bindings win silently (ports are reused). */
  bindEndpoints(s: S, keys: readonly string[]): void {
    for (const k of keys) this.byEndpoint.set(k, s);
  }

  /**
   * Removes the bindings of `s` (only those still pointing to it). Transaction entries are left
   * to age out of their capped map: the caller ignores responses routed to a closed session.
   */
  unbind(s: S, sids: readonly string[], endpoints: readonly string[]): void {
    for (const sid of sids) if (this.bySid.get(sid) === s) this.bySid.delete(sid);
    for (const k of endpoints) if (this.byEndpoint.get(k) === s) this.byEndpoint.delete(k);
  }

  /** The session owning any of the frame's session-ids. */
  bySessionIds(sids: readonly string[]): S | undefined {
    for (const sid of sids) {
      const s = this.bySid.get(sid);
      if (s !== undefined) return s;
    }
    return undefined;
  }

  byEndpointKey(key: string): S | undefined {
    return this.byEndpoint.get(key);
  }

  /** Remembers a request's session for its response. */
  rememberTransaction(connId: number, tid: string, s: S, frameNo: number): void {
    const k = `${connId}|${tid}`;
    this.tx.delete(k);
    if (this.tx.size >= this.maxTx) {
      this.tx.delete(this.tx.keys().next().value!);
      this.anomalies.report('correlate.transaction_map_full', frameNo, `cap=${this.maxTx}`);
    }
    this.tx.set(k, s);
  }

  /** The session of a response's request (and forgets it). */
  takeTransaction(connId: number, tid: string): S | undefined {
    const k = `${connId}|${tid}`;
    const s = this.tx.get(k);
    if (s !== undefined) this.tx.delete(k);
    return s;
  }

  get sizes(): { sids: number; endpoints: number; transactions: number } {
    return { sids: this.bySid.size, endpoints: this.byEndpoint.size, transactions: this.tx.size };
  }
}
