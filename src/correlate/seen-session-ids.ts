/**
 * Issue 15: the endpoint session-ids named by the requests of MSRP sessions without SIP not yet
 * identified, to their session, for ./trigger-claims.ts. Such a session is keyed by the ids of its
 * first request only (./uncorrelated-sessions.ts), and a later request of it may name a triggered
 * id. Pruned of closed sessions at each sweep; capped at {@link SEEN_PER_SESSION} ids per session
 * and `maxUncorrelatedSessions` × that overall (the oldest forgotten, reported).
 */
import { ownString } from '../util/own-string.js';
import type { CorrelatorContext } from './correlator-context.js';
import type { Session } from './session.js';

/** Endpoint ids remembered per session without SIP (the audit lists 16 of them, ./msrp-binding.ts). */
const SEEN_PER_SESSION = 16;

export class SeenSessionIds {
  private readonly seen = new Map<string, Session[]>();
  private seenCount = 0;

  constructor(private readonly ctx: CorrelatorContext) {}

  /** The sessions (pending, without SIP) whose later requests named `sid` as an endpoint. */
  sessionsOf(sid: string): readonly Session[] {
    return this.seen.get(sid) ?? [];
  }

  /** `sid` was named as an endpoint by a request of `s` (pending, without SIP). */
  remember(s: Session, sid: string | null): void {
    if (sid === null || s.uncSids.includes(sid)) return; // the uncorrelated table finds it already
    const list = this.seen.get(sid);
    if (list?.includes(s) === true) return;
    if (s.audit !== null && s.audit.sids.length > SEEN_PER_SESSION) return;
    const cap = this.ctx.maxUnc * SEEN_PER_SESSION;
    if (this.seenCount >= cap) {
      const [oldest, l] = this.seen.entries().next().value!;
      this.seen.delete(oldest);
      this.seenCount -= l.length;
      this.ctx.anomalies.report('correlate.trigger_index_evicted', undefined, `cap=${cap}`);
    }
    if (list === undefined) this.seen.set(ownString(sid), [s]);
    else list.push(s);
    this.seenCount++;
  }

  /** Forgets the sessions that closed or are no longer pending. */
  prune(): void {
    for (const [sid, list] of this.seen) {
      const keep = list.filter((s) => !s.closed && s.mode === 'pending');
      this.seenCount -= list.length - keep.length;
      if (keep.length === 0) this.seen.delete(sid);
      else if (keep.length < list.length) this.seen.set(sid, keep);
    }
  }
}
