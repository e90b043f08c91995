/**
 * MSRP sessions without SIP ("uncorrelated"): frames matching no dialog form a session keyed by
 * their endpoint session-ids, capped (`maxUncorrelatedSessions`, the oldest evicted and
 * reported) and closed after `uncorrelatedIdleSec` without a frame. Such a session is
 * reassembled and becomes a target's when a CPIM From/To names one (./msrp-messages.ts).
 *
 * The table is the shared deadline-ordered IdleTable (src/util/idle-table.ts, issue 17): each
 * session is due at its last frame plus the idle timeout, so a sweep costs what it closes, not
 * the whole table. Every frame that moves a session's `lastActive` touches it ({@link touch}),
 * also to an EARLIER time: a frame delivered late (TCP gap filled) may carry an older capture
 * time, and the rule has always been "idle since the last frame handled", not since the latest.
 */
import type { MsrpFrameHead } from '../protocols/msrp/index.js';
import { DUE_SLACK_SEC, IdleTable } from '../util/idle-table.js';
import { captureTime, type CorrelatorContext } from './correlator-context.js';
import { lastSessionId } from './msrp-session-index.js';
import type { SessionAudit } from './session-audit.js';
import type { SessionTable } from './session-table.js';
import type { Session } from './session.js';

export class UncorrelatedSessions {
  /**
   * By key, due at `lastActive + uncorrelatedIdleSec`; iteration (the audit, the end of input)
   * and eviction in creation order, as the insertion-ordered Map before it.
   */
  private readonly sessions: IdleTable<string, Session>;
  private readonly bySid = new Map<string, Session>();
  /** Frame that made room for a new session (the eviction anomaly's frame). */
  private evictFrameNo: number | undefined = undefined;

  constructor(
    private readonly ctx: CorrelatorContext,
    private readonly table: SessionTable,
    private readonly audit: SessionAudit,
  ) {
    this.sessions = new IdleTable<string, Session>({
      // At least 1 (a cap of 0 has always kept one session).
      cap: ctx.maxUnc,
      evict: 'oldest',
      onEvict: (_k, s) => {
        this.ctx.anomalies.report('correlate.uncorrelated_evicted', this.evictFrameNo, `cap=${this.ctx.maxUnc}`);
        this.forget(s);
      },
    });
  }

  get size(): number {
    return this.sessions.size;
  }

  values(): IterableIterator<Session> {
    return this.sessions.values();
  }

  /**
   * The session without SIP of a frame's endpoints: the session-ids of the last URIs of its
   * To-Path and From-Path (RFC 4975 section 6), the only ones such a session is indexed by.
   * A URI in between names a relay hop, never the session (RFC 4976 section 7.1): a stranger's
   * frame naming a target's endpoint URI as a hop must not be taken for the target's
   * (adversarial review; the SIP-bound index weighs endpoints the same way).
   */
  byEndpoints(head: MsrpFrameHead): Session | undefined {
    const to = lastSessionId(head.headers.toPath);
    const from = lastSessionId(head.headers.fromPath);
    return (to === null ? undefined : this.bySid.get(to)) ?? (from === null ? undefined : this.bySid.get(from));
  }

  /** The session without SIP one of whose endpoint session-ids is `sid` (a trigger's claim, ./trigger-claims.ts). */
  bySessionId(sid: string): Session | undefined {
    return this.bySid.get(sid);
  }

  /** The uncorrelated session of a request's endpoints (created when new); undefined for responses without one. */
  sessionFor(head: MsrpFrameHead): Session | undefined {
    const known = this.byEndpoints(head);
    if (known !== undefined) return known;
    if (head.kind !== 'request') return undefined;
    const a = lastSessionId(head.headers.fromPath);
    const b = lastSessionId(head.headers.toPath);
    if (a === null && b === null) return undefined;
    const pair = [a ?? '', b ?? ''].sort();
    const key = `u${pair[0]}\u0000${pair[1]}`;
    // Room is made before the new session exists (onEvict above), as it always was: the
    // evicted session's close comes first in the records and the audit.
    if (this.sessions.size >= this.ctx.maxUnc) {
      this.evictFrameNo = head.frameNo;
      this.sessions.evictOne();
    }
    const s = this.table.create((order) => `${key}#${order}`, `msrp:${pair[0]} ${pair[1]}`, null, new Map());
    s.mode = this.ctx.matcher.empty && !this.ctx.includeNonTargets ? 'ignore' : 'pending';
    s.lastActive = captureTime(head.tsSec, head.tsNsec);
    if (s.mode !== 'ignore') s.audit = this.audit.newAudit(null, head.tsSec, head.tsNsec);
    for (const sid of [a, b]) {
      if (sid !== null && !this.bySid.has(sid)) {
        this.bySid.set(sid, s);
        s.uncSids.push(sid);
      }
    }
    this.sessions.set(s.key, s, this.dueAt(s));
    return s;
  }

  /**
   * `s` handled a frame (its `lastActive` was just set): its idle deadline moves with it, later
   * or earlier. Sessions with SIP and sessions already closed are not in this table (no-op).
   */
  touch(s: Session): void {
    if (this.sessions.get(s.key) === s) this.sessions.touch(s.key, this.dueAt(s));
  }

  close(s: Session): void {
    if (this.sessions.get(s.key) !== s) return;
    this.sessions.delete(s.key);
    this.forget(s);
  }

  /**
   * Closes the sessions idle for `uncorrelatedIdleSec`, in creation order (the order the full
   * scan it replaces closed them in, so records and audit stay byte-identical).
   */
  sweep(now: number): void {
    // Collect first, decide by the difference rule it always used: the table orders by the sum
    // (`lastActive + idle`), which can round an ulp apart from it (DUE_SLACK_SEC, util/idle-table.ts).
    let due: Session[] | null = null;
    this.sessions.tick(now + DUE_SLACK_SEC, (_k, s) => {
      if (now - s.lastActive < this.ctx.uncIdle) return Math.max(this.dueAt(s), now + 2 * DUE_SLACK_SEC);
      due ??= [];
      due.push(s);
      // Stays in the table until close() below.
      return Infinity;
    });
    if (due === null) return;
    const list: Session[] = due;
    list.sort((a, b) => a.order - b.order);
    for (const s of list) this.close(s);
  }

  /** End of input: closes them all. */
  closeAll(): void {
    for (const s of [...this.sessions.values()]) this.close(s);
  }

  private dueAt(s: Session): number {
    return s.lastActive + this.ctx.uncIdle;
  }

  /** What follows `s` leaving the table: its session-ids unbound, the session closed. */
  private forget(s: Session): void {
    for (const sid of s.uncSids) if (this.bySid.get(sid) === s) this.bySid.delete(sid);
    this.table.close(s);
  }
}
