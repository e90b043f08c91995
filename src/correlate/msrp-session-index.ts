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
 *
 * One session-id may be bound to several sessions (at most {@link DEFAULT_MAX_SESSIONS_PER_SID}):
 * a B2BUA that keeps the Call-ID makes two dialogs (RFC 3261 section 12), and when it passes
 * a=path through unchanged both legs' SDP name the same MSRP session. Each leg's tasks must get
 * all of it, so a frame feeds every session it belongs to ({@link MsrpSessionIndex.ownersOf}):
 * - the sessions bound to the most of the frame's two endpoint session-ids (the last URI of its
 *   To-Path and of its From-Path, RFC 4975 section 6: relays' URIs in between name hops, not the
 *   session, and a relay hands a client one Use-Path URI for all its sessions until its AUTH
 *   expires, RFC 4976 AUTH/Expires); only when no session knows either endpoint do the other
 *   URIs count. So a stranger whose SDP reuses one session-id of a target's session gets
 *   neither the target's frames (it knows one endpoint, the target's session both) nor gives its
 *   own to the target (the reverse);
 * - among those, only the sessions of the Call-ID of the one that bound the frame's session-id
 *   first (the first live binding keeps it). A session-id carries at least 80 random bits
 *   (RFC 4975 section 14.1), so no honest session shares it by chance: another call naming the
 *   same session-ids while the first is still bound read them on the wire (or forged SIP). Were
 *   the newer call to take the frames, a target's INVITE naming a live non-target session's ids
 *   would move that session's bytes into the target's records, and a stranger's INVITE naming
 *   the target's ids would blind the tap (adversarial review). The first session's ids are
 *   unbound when it is released or closed ({@link MsrpSessionIndex.unbind}); the later
 *   sessions, still listed behind it, then get the frames.
 * A binding from another Call-ID is `correlate.msrp_session_id_conflict`; one from a leg of the
 * same Call-ID is not (B2BUA legs share the frames).
 */
import type { AnomalySink } from '../core/anomaly.js';
import type { MsrpFrameHead } from '../protocols/msrp/index.js';

/** Session-ids of every URI of a frame's To-Path and From-Path (nulls skipped). Allocates: not for the per-frame common path. */
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

/**
 * Sessions bound to one MSRP session-id at most (a B2BUA's legs sharing an a=path). Legitimately
 * one, or one per leg of a call through B2BUAs keeping the Call-ID; the cap keeps a hostile SDP
 * (many dialogs naming one session-id) from making one frame feed an unbounded number of
 * sessions. Also the cap on the sessions one frame feeds.
 */
export const DEFAULT_MAX_SESSIONS_PER_SID = 4;

/** What the index needs to know of a session. */
export interface IndexedSessionTraits<S> {
  /** The SIP Call-ID of its dialog (legs of one call through a B2BUA share it); null: a group of its own. */
  group(s: S): string | null;
  /** Kept first when a cap must leave some session out (a target's session). */
  preferred(s: S): boolean;
}

export interface MsrpSessionIndexOptions<S> {
  /** Pending request transactions remembered for response routing (default {@link DEFAULT_MAX_TRANSACTIONS}). */
  readonly maxTransactions?: number;
  /** Sessions bound to one session-id, and fed by one frame, at most (default {@link DEFAULT_MAX_SESSIONS_PER_SID}). */
  readonly maxSessionsPerSid?: number;
  /** Default: every session a call of its own, none preferred. */
  readonly traits?: IndexedSessionTraits<S>;
}

const NO_TRAITS: IndexedSessionTraits<unknown> = { group: () => null, preferred: () => false };

/** The sessions a frame or transaction feeds: one (the common case, no array) or several. `S` must not be an array. */
export type Owners<S> = S | readonly S[];

/** True when `o` lists several sessions. */
export function isOwnerList<S>(o: Owners<S>): o is readonly S[] {
  return Array.isArray(o);
}

/** Endpoint session-ids weigh more than any number of relay ones (see the file comment). */
const ENDPOINT_WEIGHT = 256;

/** The binding tables. `S` is the correlator's session type. */
export class MsrpSessionIndex<S> {
  /** Session-id → its session, or its sessions (2 or more, oldest binding first). */
  private readonly bySid = new Map<string, S | S[]>();
  private readonly byEndpoint = new Map<string, S>();
  private readonly tx = new Map<string, S | S[]>();
  private readonly maxTx: number;
  private readonly maxPerSid: number;
  /** Scratch of {@link ownersOf}'s slow path: candidates and their scores (reused, never per frame). */
  private readonly cand: S[] = [];
  private readonly score: number[] = [];
  private readonly traits: IndexedSessionTraits<S>;

  constructor(
    private readonly anomalies: AnomalySink,
    options: MsrpSessionIndexOptions<S> = {},
  ) {
    this.traits = options.traits ?? NO_TRAITS;
    this.maxTx = options.maxTransactions ?? DEFAULT_MAX_TRANSACTIONS;
    this.maxPerSid = Math.max(1, options.maxSessionsPerSid ?? DEFAULT_MAX_SESSIONS_PER_SID);
  }

  /**
   * Binds session-ids to `s`, alongside the sessions already bound to them. One bound to a
   * session of another Call-ID is reported as a conflict (a genuinely different session reusing
   * it; frames stay with the first, see the file comment); beyond the cap, a binding is dropped
   * (a non-preferred one first, then the oldest, never the first binding unless a leg of its
   * call takes its place: else the newcomer is not bound; reported).
   */
  bindSessionIds(s: S, sids: readonly string[], frameNo?: number): void {
    for (const sid of sids) {
      const prev = this.bySid.get(sid);
      if (prev === undefined) {
        this.bySid.set(sid, s);
        continue;
      }
      const list = Array.isArray(prev) ? prev : [prev as S];
      if (list.includes(s)) continue;
      const g = this.traits.group(s);
      if (g === null || list.some((o) => this.traits.group(o) !== g)) this.anomalies.report('correlate.msrp_session_id_conflict', frameNo);
      if (list.length >= this.maxPerSid) {
        this.anomalies.report('correlate.msrp_session_id_shared_evicted', frameNo, `cap=${this.maxPerSid}`);
        // The first binding keeps the id while live (see the file comment): were it evicted, a
        // flood of later dialogs of other Call-IDs naming the id would take its frames. So it
        // is dropped only when what then comes first is a leg of its call (the next listed, or,
        // at a cap of 1, the newcomer); with nothing else to drop, the newcomer is not bound.
        const g0 = this.traits.group(list[0]!);
        const heir = list.length > 1 ? list[1]! : s;
        const from = g0 !== null && this.traits.group(heir) === g0 ? 0 : 1;
        let drop = list.findIndex((o, i) => i >= from && !this.traits.preferred(o));
        if (drop < 0) drop = from;
        if (drop >= list.length) continue;
        list.splice(drop, 1);
      }
      list.push(s);
      this.bySid.set(sid, list.length === 1 ? list[0]! : list);
    }
  }

  /** Binds transport endpoint keys (see {@link endpointKey}) to `s`; newer bindings win silently (ports are reused). */
  bindEndpoints(s: S, keys: readonly string[]): void {
    for (const k of keys) this.byEndpoint.set(k, s);
  }

  /**
   * Removes the bindings of `s` (only those still pointing to it; other sessions sharing a
   * session-id keep it). Transaction entries are left to age out of their capped map: the
   * caller ignores responses routed to a closed session.
   */
  unbind(s: S, sids: readonly string[], endpoints: readonly string[]): void {
    for (const sid of sids) {
      const e = this.bySid.get(sid);
      if (e === s) this.bySid.delete(sid);
      else if (Array.isArray(e)) {
        const i = e.indexOf(s);
        if (i < 0) continue;
        e.splice(i, 1);
        this.bySid.set(sid, e.length === 1 ? e[0]! : e);
      }
    }
    for (const k of endpoints) if (this.byEndpoint.get(k) === s) this.byEndpoint.delete(k);
  }

  /**
   * The sessions a frame belongs to (the file comment says which), or undefined when none of its
   * session-ids is bound. A list is the index's scratch array, valid until the next call: copy
   * it to keep it. The common case (every bound session-id of the frame names one session)
   * allocates nothing.
   */
  ownersOf(head: MsrpFrameHead): Owners<S> | undefined {
    const h = head.headers;
    // Fast path: one session owns every bound session-id of the frame (indexed loops: this
    // runs per frame, and must not allocate).
    let one: S | undefined;
    for (let p = 0; p < 2; p++) {
      const path = p === 0 ? h.toPath : h.fromPath;
      for (let i = 0; i < path.length; i++) {
        const sid = path[i]!.sessionId;
        if (sid === null) continue;
        const e = this.bySid.get(sid);
        if (e === undefined || e === one) continue;
        if (one !== undefined || Array.isArray(e)) return this.slowOwners(h.toPath, h.fromPath, head.frameNo);
        one = e as S;
      }
    }
    return one;
  }

  private slowOwners(to: MsrpFrameHead['headers']['toPath'], from: MsrpFrameHead['headers']['fromPath'], frameNo: number): Owners<S> {
    const cand = this.cand;
    const score = this.score;
    cand.length = 0;
    score.length = 0;
    const rSid = lastSessionId(to);
    const sSid = lastSessionId(from);
    this.addOwners(rSid, ENDPOINT_WEIGHT);
    if (sSid !== rSid) this.addOwners(sSid, ENDPOINT_WEIGHT);
    for (let p = 0; p < 2; p++) {
      for (const u of p === 0 ? to : from) {
        const sid = u.sessionId;
        if (sid !== null && sid !== rSid && sid !== sSid) this.addOwners(sid, 1);
      }
    }
    // The best: by endpoint matches; only when none has any, by the other URIs.
    let best = 0;
    for (const x of score) if (x > best) best = x;
    const level = (x: number): number => (best >= ENDPOINT_WEIGHT ? Math.floor(x / ENDPOINT_WEIGHT) : x);
    const top = level(best);
    // No session knows both endpoints, each knows one: the frame mixes two sessions' endpoint
    // URIs (a spoofed From-Path). Relays forward it, and its receiver takes it, by its To-Path
    // (RFC 4975 sections 6 and 7.3), so the recipient's session takes it: whichever dialog bound
    // first, a stranger's frame addressed to a stranger never becomes a target's by naming the
    // target's session-id in its From-Path (adversarial review).
    const recipients = best >= ENDPOINT_WEIGHT && top === 1 && rSid !== null && rSid !== sSid ? this.bySid.get(rSid) : undefined;
    let n = 0;
    for (let i = 0; i < cand.length; i++) {
      if (level(score[i]!) === top) cand[n++] = cand[i]!;
    }
    cand.length = n;
    // Of the best, the call of the first one bound (see the file comment; its B2BUA legs share
    // the frame): looked up in the binding order of the recipient's session-id, then the
    // sender's (the recipient's alone when the frame mixes two sessions' endpoints), and only
    // when no session knows either endpoint, of the other URIs'.
    let first: S | undefined = this.firstBound(rSid);
    if (first === undefined && recipients === undefined) {
      first = this.firstBound(sSid);
      for (let p = 0; p < 2 && first === undefined; p++) {
        for (const u of p === 0 ? to : from) {
          first = this.firstBound(u.sessionId);
          if (first !== undefined) break;
        }
      }
    }
    const g = this.traits.group(first!);
    let m = 0;
    for (let i = 0; i < n; i++) {
      const c = cand[i]!;
      if (c === first || (g !== null && this.traits.group(c) === g)) cand[m++] = c;
    }
    cand.length = m;
    if (m > this.maxPerSid) {
      // Only a frame naming many sessions' ids gets here (the per-sid cap bounds honest sharing).
      const kept = [...cand.filter((c) => this.traits.preferred(c)), ...cand.filter((c) => !this.traits.preferred(c))].slice(0, this.maxPerSid);
      cand.length = 0;
      cand.push(...kept);
      this.anomalies.report('correlate.msrp_frame_fanout_capped', frameNo, `cap=${this.maxPerSid}`);
    }
    if (cand.length > 1) return cand;
    // One: the scratch keeps no session alive until the next call.
    const only = cand[0]!;
    cand.length = 0;
    return only;
  }

  /** The earliest bound of the sessions bound to `sid` that is among the current candidates. */
  private firstBound(sid: string | null): S | undefined {
    if (sid === null) return undefined;
    const e = this.bySid.get(sid);
    if (e === undefined) return undefined;
    if (!Array.isArray(e)) return this.cand.includes(e as S) ? (e as S) : undefined;
    for (const s of e) if (this.cand.includes(s)) return s;
    return undefined;
  }

  /** Adds the sessions bound to `sid` to the candidates, `w` to their scores. */
  private addOwners(sid: string | null, w: number): void {
    if (sid === null) return;
    const e = this.bySid.get(sid);
    if (e === undefined) return;
    if (Array.isArray(e)) for (const s of e) this.addScore(s, w);
    else this.addScore(e as S, w);
  }

  private addScore(s: S, w: number): void {
    const i = this.cand.indexOf(s);
    if (i < 0) {
      this.cand.push(s);
      this.score.push(w);
      return;
    }
    const x = this.score[i]!;
    // Relay matches never add up to an endpoint match.
    if (w === 1 && x % ENDPOINT_WEIGHT === ENDPOINT_WEIGHT - 1) return;
    this.score[i] = x + w;
  }

  /** The sessions bound to `sid` (a new array; for a trigger's check, not per frame). */
  sessionsOf(sid: string): S[] {
    const e = this.bySid.get(sid);
    return e === undefined ? [] : Array.isArray(e) ? e.slice() : [e as S];
  }

  /** True when some session is bound to `sid`. */
  knows(sid: string | null): boolean {
    return sid !== null && this.bySid.has(sid);
  }

  byEndpointKey(key: string): S | undefined {
    return this.byEndpoint.get(key);
  }

  /** Remembers a request's sessions for its response (a list is copied). */
  rememberTransaction(connId: number, tid: string, owners: Owners<S>, frameNo: number): void {
    const k = `${connId}|${tid}`;
    this.tx.delete(k);
    if (this.tx.size >= this.maxTx) {
      this.tx.delete(this.tx.keys().next().value!);
      this.anomalies.report('correlate.transaction_map_full', frameNo, `cap=${this.maxTx}`);
    }
    this.tx.set(k, isOwnerList(owners) ? owners.slice() : owners);
  }

  /** The sessions of a response's request (and forgets them). */
  takeTransaction(connId: number, tid: string): Owners<S> | undefined {
    const k = `${connId}|${tid}`;
    const s = this.tx.get(k);
    if (s !== undefined) this.tx.delete(k);
    return s;
  }

  get sizes(): { sids: number; endpoints: number; transactions: number } {
    return { sids: this.bySid.size, endpoints: this.byEndpoint.size, transactions: this.tx.size };
  }
}
