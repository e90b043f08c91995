/**
 * MSRP sessions without SIP ("uncorrelated"): frames matching no dialog form a session keyed by
 * their endpoint session-ids, capped (`maxUncorrelatedSessions`, the oldest evicted and
 * reported) and closed after `uncorrelatedIdleSec` without a frame. Such a session is
 * reassembled and becomes a target's when a CPIM From/To names one (./msrp-messages.ts).
 */
import type { MsrpFrameHead } from '../protocols/msrp/index.js';
import { captureTime, type CorrelatorContext } from './correlator-context.js';
import { lastSessionId } from './msrp-session-index.js';
import type { SessionAudit } from './session-audit.js';
import type { SessionTable } from './session-table.js';
import type { Session } from './session.js';

export class UncorrelatedSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly bySid = new Map<string, Session>();

  constructor(
    private readonly ctx: CorrelatorContext,
    private readonly table: SessionTable,
    private readonly audit: SessionAudit,
  ) {}

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
    if (this.sessions.size >= this.ctx.maxUnc) {
      const first = this.sessions.values().next();
      if (first.done !== true) {
        this.ctx.anomalies.report('correlate.uncorrelated_evicted', head.frameNo, `cap=${this.ctx.maxUnc}`);
        this.close(first.value);
      }
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
    this.sessions.set(s.key, s);
    return s;
  }

  close(s: Session): void {
    if (this.sessions.get(s.key) !== s) return;
    this.sessions.delete(s.key);
    for (const sid of s.uncSids) if (this.bySid.get(sid) === s) this.bySid.delete(sid);
    this.table.close(s);
  }

  /** Closes the sessions idle for `uncorrelatedIdleSec`. */
  sweep(now: number): void {
    for (const s of [...this.sessions.values()]) {
      if (now - s.lastActive >= this.ctx.uncIdle) this.close(s);
    }
  }

  /** End of input: closes them all. */
  closeAll(): void {
    for (const s of [...this.sessions.values()]) this.close(s);
  }
}
