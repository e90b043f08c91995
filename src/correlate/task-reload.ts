/**
 * Task reload (SIGHUP in src/pipeline/intercept-run.ts, and X1): new tasks start on sessions in progress,
 * withdrawn ones end. The rules are on {@link TaskReload.update}.
 */
import type { NetworkContext } from '../records/network-context.js';
import { wantsIri } from '../records/task-ref.js';
import type { CorrelatorContext } from './correlator-context.js';
import type { HeldBudget } from './held-budget.js';
import { PLACEHOLDER_PARTY, rcsSessionInfo, targetIds, type RecordEmitter } from './record-emitter.js';
import type { SessionAudit } from './session-audit.js';
import type { SessionRelease } from './session-release.js';
import type { SessionTable } from './session-table.js';
import type { Intercept, Session } from './session.js';
import { TargetMatcher, type ObservedIdentity } from './target-matcher.js';
import type { Task } from './tasks-file.js';

export class TaskReload {
  constructor(
    private readonly ctx: CorrelatorContext,
    private readonly table: SessionTable,
    private readonly audit: SessionAudit,
    private readonly emit: RecordEmitter,
    private readonly held: HeldBudget,
    private readonly release: SessionRelease,
  ) {}

  /**
   * Replaces the tasks. Rules:
   * - New sessions are matched against `tasks` from now on.
   * - A task is identified by its XID: one present before and after keeps intercepting as it
   *   did (its record fields stay those of the session's start).
   * - A session in progress (not yet released) whose party matches a task it was not intercepted
   *   for starts being intercepted for that task now: first an IRI `begin`
   *   startOfInterceptWithEstablisedRCSSession (TS 33.128 7.11: the MSRP session is established,
   *   or it is an MSRP session without SIP), else startOfInterceptionForActiveIMSSession (TS
   *   33.128 7.4.x, a dialog still being set up), then all its records as for any target
   *   session. Nothing of the session from before the reload is emitted (no content was kept).
   *   The parties matched are the identities the session recorded (SIP From/PAI and To/R-URI of
   *   the creating request, or CPIM From/To), read as originating (side 0) and terminating
   *   (side 1). Non-target dialogs are tracked only when they offered MSRP, so only RCS sessions
   *   can start mid-session; a non-target voice call or pager exchange cannot.
   * - A task no longer present stops: each of its intercepts in progress gets one IRI `end` record
   *   (rCSSessionRelease with result legRemovalRequest for an established SIP session; else
   *   iMSCCUnavailable whose reason says the interception ended) and nothing more. A session
   *   left without intercepts is treated as a non-target from then on (its content is dropped).
   */
  update(list: readonly Task[]): void {
    this.ctx.matcher = new TargetMatcher(list);
    const xids = new Set(list.map((x) => x.xid));
    for (const s of [...this.table.values()]) {
      if (s.closed) continue;
      if (s.intercepts.length > 0) this.withdrawRemoved(s, xids);
      this.startNewTasks(s);
    }
  }

  /** Ends the intercepts of `s` whose task is no longer provisioned (see {@link update}). */
  private withdrawRemoved(s: Session, xids: ReadonlySet<string>): void {
    const keep: Intercept[] = [];
    for (const it of s.intercepts) {
      if (xids.has(it.task.xid)) {
        keep.push(it);
        continue;
      }
      if (!it.ended && wantsIri(it.task) && s.lastNet !== null) {
        const network = this.ctx.atNow(s.lastNet);
        const d = s.dialog;
        const sip = s.release === null ? null : (s.release.byeSip ?? s.release.lastSip);
        if (d?.established === true && sip !== null) {
          const path = d.sdp[it.targetSide]?.msrp[0]?.pathText;
          this.emit.iri(s, it, 'end', it.targetSide === 0 ? 'fromTarget' : 'toTarget', network, {
            kind: 'rCSSessionRelease',
            ...rcsSessionInfo(s, it),
            sip: sip.ref,
            // The leg leaves the interception, not the network: the closest RCSSessionResult.
            result: 'legRemovalRequest',
            ...(path !== undefined ? { msrpPath: path } : {}),
          });
        } else {
          this.emit.iri(s, it, 'end', 'notApplicable', network, {
            kind: 'iMSCCUnavailable',
            reason: `interception ended: task ${it.task.xid} withdrawn while the session was in progress`,
          });
        }
      }
      it.ended = true;
      s.retired.push(it);
    }
    if (keep.length === s.intercepts.length) return;
    s.intercepts = keep;
    if (keep.length > 0) return;
    // No task left: from now on the session is a non-target's (content dropped, nothing held).
    s.mode = s.dialog === null ? (this.ctx.matcher.empty && !this.ctx.includeNonTargets ? 'ignore' : 'pending') : this.ctx.includeNonTargets ? 'meta' : 'ignore';
    this.release.cancel(s);
    for (const o of s.open.values()) o.tracker.dropContent();
  }

  /** Starts interception of `s` for tasks newly matching its parties (see {@link update}). */
  private startNewTasks(s: Session): void {
    const ctx = this.ctx;
    if (ctx.matcher.empty) return;
    const d = s.dialog;
    if (d !== null && (d.kind !== 'invite' || (d.state !== 'early' && d.state !== 'confirmed') || (s.release !== null && s.release.pendingSince !== null))) return;
    if (d === null && s.mode === 'ignore') {
      // Created while no task existed: it may name a target in a later CPIM message.
      s.mode = 'pending';
      s.audit ??= this.audit.newAudit(null, Math.floor(ctx.now), 0);
    }
    const ids: ObservedIdentity[] = [];
    for (const i of s.sideIds[0]) ids.push({ text: i.value, source: d === null ? 'cpimFrom' : 'from' });
    for (const i of s.sideIds[1]) ids.push({ text: i.value, source: d === null ? 'cpimTo' : 'to' });
    const had = new Set([...s.intercepts, ...s.retired].map((it) => it.task.xid));
    const matches = ctx.matcher.match(ids, ctx.now).filter((m) => !had.has(m.task.xid));
    if (matches.length === 0) return;
    if (s.mode !== 'intercept') {
      // Held bytes of a session without SIP predate the task: never delivered (over-collection).
      // Nor the part of a message in progress received before it (kept while pending): its
      // record carries the later chunks only, as for a SIP session (adversarial review).
      this.held.drop(s);
      for (const o of s.open.values()) o.tracker.dropContent();
      if (s.held !== null) s.held.dropped = 0;
      s.mode = 'intercept';
      const sec = Math.floor(ctx.now);
      s.audit ??= this.audit.newAudit(d?.callId ?? null, sec, Math.round((ctx.now - sec) * 1e9) % 1e9);
      this.audit.list(s);
    }
    const wantContent = matches.some((m) => m.task.deliveryType !== 'X3Only');
    if (wantContent) for (const o of s.open.values()) o.tracker.raiseContentCap(ctx.maxContent);
    const tls = d?.sdp.some((p) => p?.msrp.some((m) => m.tls) === true) === true;
    for (const m of matches) {
      const it = this.table.makeIntercept(s, m, m.role === 'terminating' ? 1 : 0);
      s.intercepts.push(it);
      if (!wantsIri(it.task)) continue;
      const network = this.startNetwork(s);
      if (network === null) continue;
      if (d === null || d.established) {
        const sideIds = s.sideIds;
        const paths = d === null ? [] : d.sdp.map((p) => p?.msrp[0]?.pathText).filter((x): x is string => x !== undefined);
        this.emit.iri(s, it, 'begin', 'notApplicable', network, {
          kind: 'startOfInterceptWithEstablisedRCSSession',
          targetIdentities: targetIds(s, it),
          participants: [sideIds[0].length > 0 ? sideIds[0] : [PLACEHOLDER_PARTY], sideIds[1].length > 0 ? sideIds[1] : [PLACEHOLDER_PARTY]],
          ...(s.conversationId !== null ? { conversationId: s.conversationId } : {}),
          ...(s.contributionId !== null ? { contributionId: s.contributionId } : {}),
          sessionType: s.largeMessage ? 'largeMessageStandalone' : 'oneTo1Chat',
          // The tap sees the leg it sits on (as rCSSessionEstablishment's sessionLeg localLeg).
          endpoints: 'localOnly',
          // The SDP bytes of a non-target session were never kept: the MSRP paths (RFC 4975
          // section 8.2) and the session-ids seen stand for the session description.
          sessionInfo: [{ contentType: 'text/plain', content: paths.length > 0 ? paths.map((x) => `a=path:${x}`).join('\r\n') : `msrp-session-ids:${s.uncSids.join(' ')}` }],
        });
        if (tls && it.task.deliveryType === 'X2andX3') {
          this.emit.iri(s, it, 'continue', 'notApplicable', network, { kind: 'iMSCCUnavailable', reason: 'MSRP over TLS (TCP/TLS/MSRP or msrps:): content not observable' });
        }
      } else {
        const term = s.sideIds[1].find((i) => i.type === 'sipUri' || i.type === 'telUri') ?? PLACEHOLDER_PARTY;
        this.emit.iri(s, it, 'begin', 'notApplicable', network, {
          kind: 'startOfInterceptionForActiveIMSSession',
          originating: s.sideIds[0].filter((i) => i.type === 'sipUri' || i.type === 'telUri'),
          terminating: term,
        });
      }
    }
  }

  /** Network context of a start-of-interception record: the session's last SIP hop or MSRP connection, at the reload time. */
  private startNetwork(s: Session): NetworkContext | null {
    const base = s.lastNet ?? s.release?.lastSip?.network ?? s.lastSeenNet ?? s.lastSeenSip?.network() ?? null;
    if (base === null) return null;
    return this.ctx.atNow(base);
  }
}
