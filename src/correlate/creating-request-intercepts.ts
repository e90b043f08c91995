/**
 * The tasks a dialog's creating request names when it is seen again (./sip-side.ts): on another
 * hop (late intercepts) or as a challenged INVITE's retry, and what the session takes of that
 * request. Split out of ./sip-side.ts, which owns the dialog and calls these at the creating
 * request's observation.
 */
import type { SipMessage } from '../protocols/sip/index.js';
import type { PacketRef } from '../analyzers/app-event-sink.js';
import { addRequestParties } from './add-identity.js';
import type { CorrelatorContext } from './correlator-context.js';
import type { SessionAudit } from './session-audit.js';
import type { SessionRelease } from './session-release.js';
import type { SessionTable } from './session-table.js';
import type { Intercept, Session } from './session.js';
import type { TaskMatch } from './target-matcher.js';

export class CreatingRequestIntercepts {
  constructor(
    private readonly ctx: CorrelatorContext,
    private readonly table: SessionTable,
    private readonly audit: SessionAudit,
    private readonly release: SessionRelease,
  ) {}

  /**
   * The creating request seen again on another hop names tasks its first observation did not (a
   * B2BUA or privacy service that keeps Call-ID and From tag, so the same dialog id, but writes
   * another From or P-Asserted-Identity). They start here: with no other task provisioned, this
   * very message would have created the dialog (or, for a dialog tracked anyway for its MSRP
   * media, reached this same point), so a task's records never depend on the others. Returns
   * how many intercepts were added (at the end of `s.intercepts`).
   */
  late(s: Session, msg: SipMessage, where: PacketRef, now: number): number {
    if (this.ctx.matcher.empty) return 0;
    const had = new Set<string>();
    for (const it of s.intercepts) had.add(it.task.xid);
    for (const it of s.retired) had.add(it.task.xid);
    const matches = this.ctx.matcher.matchSipRequest(msg, now).filter((m) => !had.has(m.task.xid));
    if (matches.length === 0) return 0;
    if (s.mode !== 'intercept') {
      s.mode = 'intercept';
      if (s.audit === null) {
        s.audit = this.audit.newAudit(s.dialog!.callId, where.tsSec, where.tsNsec);
        this.audit.list(s);
      }
    }
    for (const m of matches) s.intercepts.push(this.table.makeIntercept(s, m, m.role === 'terminating' ? 1 : 0));
    return matches.length;
  }

  /**
   * A challenged INVITE's retry (RFC 3261 22.2 / 22.3: the same Call-ID and From tag, a higher
   * CSeq, ./dialog-tracker.ts) is a new request and a new communication attempt of the same
   * dialog id: it may name other parties than the challenged attempt (another Request-URI or To,
   * another identity once authenticated). So it is matched against the tasks again, as the
   * request creating the dialog would be, and only what it names is intercepted from here:
   * - a task it names restarts its IRI transaction, closed by the failed attempt's final response
   *   (`end`, its ACK a `report`): the records start again at `begin` (TS 102 232-1 IRIType) and
   *   follow as for a call never challenged, under the same correlation id and CIN, with the
   *   retry's role and matched identifier;
   * - a task it no longer names is retired as a withdrawn one is (./task-reload.ts): no further
   *   record, still listed in the audit. No `end` is owed: the failure ended its transaction and
   *   nothing was established, so there is no release;
   * - no task left: the session is a non-target's from here (nothing recorded, content dropped);
   * - a task only the retry names starts here, as in late() (also one retired earlier:
   *   this request alone would have made the dialog its target's).
   * The session's parties become the retry's, so the records name the parties of this attempt.
   * Returns how many intercepts started (at the end of `s.intercepts`).
   */
  retry(s: Session, msg: SipMessage, where: PacketRef, now: number): number {
    takeCreatingRequest(s, msg, true);
    const matches = this.ctx.matcher.empty ? [] : this.ctx.matcher.matchSipRequest(msg, now);
    const byXid = new Map(matches.map((m) => [m.task.xid, m]));
    // Made before s.intercepts and s.retired change: a task's CIN is the one its LIID has here.
    const fresh = (m: TaskMatch): Intercept => this.table.makeIntercept(s, m, m.role === 'terminating' ? 1 : 0);
    const kept: Intercept[] = [];
    const gone: Intercept[] = [];
    for (const it of s.intercepts) {
      const m = byXid.get(it.task.xid);
      if (m === undefined) gone.push(it);
      else {
        kept.push(fresh(m));
        byXid.delete(it.task.xid);
      }
    }
    const started = [...byXid.values()].map(fresh);
    const stillRetired = s.retired.filter((it) => !byXid.has(it.task.xid));
    for (const it of gone) it.ended = true;
    s.retired.length = 0;
    s.retired.push(...stillRetired, ...gone);
    s.intercepts = kept.concat(started);
    if (s.intercepts.length === 0) {
      if (s.mode === 'intercept') {
        // As a reload leaves a session without tasks (./task-reload.ts): a non-target's from now on.
        s.mode = this.ctx.includeNonTargets ? 'meta' : 'ignore';
        s.sdpForCc = null;
        this.release.cancel(s);
        for (const o of s.open.values()) o.tracker.dropContent();
      }
    } else if (s.mode !== 'intercept') {
      s.mode = 'intercept';
      if (s.audit === null) {
        s.audit = this.audit.newAudit(s.dialog!.callId, where.tsSec, where.tsNsec);
        this.audit.list(s);
      }
    }
    return started.length;
  }
}

/**
 * What the session takes of the request creating its dialog (or of a challenged INVITE's retry,
 * which replaces it): the parties, side 0 the sender (./dialog-tracker.ts), and the RCS headers.
 */
export function takeCreatingRequest(s: Session, msg: SipMessage, withRuri: boolean): void {
  s.conversationId = msg.conversationId;
  s.contributionId = msg.contributionId;
  const services = [...msg.headers('accept-contact'), ...msg.headers('p-asserted-service')].join(' ');
  // Most requests carry neither header: no regex and decoding for an empty string (issue 13).
  s.largeMessage = services.length > 0 && /largemsg/i.test(decodeURIComponent(services.replace(/%(?![0-9A-Fa-f]{2})/g, '%25')));
  s.sideIds[0] = [];
  s.sideIds[1] = [];
  addRequestParties(s.sideIds, msg, withRuri);
}
