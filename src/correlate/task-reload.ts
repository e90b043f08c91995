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
import type { Side } from './dialog-tracker.js';
import type { Intercept, Session } from './session.js';
import { TargetMatcher, type ObservedIdentity } from './target-matcher.js';
import type { TargetId, Task } from './tasks-file.js';

export class TaskReload {
  /** Capture time at which the next provisioned endTime passes (Infinity: none ahead); see {@link expire}. */
  private nextEnd: number;

  constructor(
    private readonly ctx: CorrelatorContext,
    private readonly table: SessionTable,
    private readonly audit: SessionAudit,
    private readonly emit: RecordEmitter,
    private readonly held: HeldBudget,
    private readonly release: SessionRelease,
  ) {
    this.nextEnd = earliestEnd(ctx.matcher.tasks, -Infinity);
  }

  /**
   * Replaces the tasks. Rules:
   * - New sessions are matched against `tasks` from now on.
   * - A task is identified by its XID. One present before and after (a reload, or X1 ModifyTask)
   *   keeps intercepting a session in progress only while the new version still covers it: its
   *   time window contains the current capture time (as {@link TargetMatcher.match} checks it for
   *   a new session: startTime <= now < endTime) and one of its target
   *   identifiers still names the session's target (the identifier that matched, or one matching
   *   the identities the session recorded for the target's side, read as below). Then the new
   *   delivery type takes effect on every later record (an X2Only task gets no more CC) and so
   *   do its DIDs (delivery routes by XID); the LIID, correlation id, CIN, direction and role
   *   stay those of the session's start (a CIN is allocated per LIID). Otherwise the task stops on that session exactly as a
   *   removed one (below) and is not restarted on it.
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
    const byXid = new Map(list.map((x) => [x.xid, x]));
    for (const s of [...this.table.values()]) {
      if (s.closed) continue;
      if (s.intercepts.length > 0) this.withdraw(s, (it) => this.stillCovered(s, it, byXid.get(it.task.xid)));
      this.startNewTasks(s);
    }
    this.nextEnd = earliestEnd(list, this.ctx.now);
  }

  /**
   * The capture clock reached `now` (called on every advance; a compare until an endTime passes).
   * A task's endTime ends its interception (TS 103 221-1 ActivateTask implementation end time):
   * its intercepts in progress stop as for a removed task, at the first packet or tick at or
   * after endTime, so no record of a later packet is made for it.
   */
  expire(now: number): void {
    if (now < this.nextEnd) return;
    const tasks = this.ctx.matcher.tasks;
    const ended = new Set(tasks.filter((t) => t.endTime !== null && t.endTime <= now).map((t) => t.xid));
    for (const s of [...this.table.values()]) {
      if (s.closed || s.intercepts.length === 0) continue;
      this.withdraw(s, (it) => (ended.has(it.task.xid) ? `interception ended: task ${it.task.xid} reached its endTime while the session was in progress` : null));
    }
    this.nextEnd = earliestEnd(tasks, now);
  }

  /**
   * Null when `task` (the reloaded version of the intercept's task) still covers the session, after
   * making the intercept use it; else why the interception ends (see {@link update}).
   */
  private stillCovered(s: Session, it: Intercept, task: Task | undefined): string | null {
    const xid = it.task.xid;
    if (task === undefined) return `interception ended: task ${xid} withdrawn while the session was in progress`;
    const now = this.ctx.now;
    if ((task.startTime !== null && now < task.startTime) || (task.endTime !== null && now >= task.endTime)) return `interception ended: task ${xid} modified, its time window no longer covers the session`;
    const old = it.match.identifier;
    let identifier: TargetId | undefined = task.targetIdentifiers.find((x) => x.kind === old.kind && x.value === old.value);
    if (identifier === undefined) {
      const ids = sideIdentities(s, it.targetSide);
      identifier = this.ctx.matcher.match(ids, now).find((m) => m.task.xid === xid)?.identifier;
    }
    if (identifier === undefined) return `interception ended: task ${xid} modified, its target identifiers no longer name the session's target`;
    if (task.deliveryType !== 'X3Only') for (const o of s.open.values()) o.tracker.raiseContentCap(this.ctx.maxContent);
    it.match = { ...it.match, task, identifier };
    it.task = { ...it.task, deliveryType: task.deliveryType, matchedTargetId: identifier.value };
    return null;
  }

  /** Ends the intercepts of `s` for which `endReason` gives a reason (see {@link update}). */
  private withdraw(s: Session, endReason: (it: Intercept) => string | null): void {
    const keep: Intercept[] = [];
    for (const it of s.intercepts) {
      const reason = endReason(it);
      if (reason === null) {
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
          this.emit.iri(s, it, 'end', 'notApplicable', network, { kind: 'iMSCCUnavailable', reason });
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
    const ids = [...sideIdentities(s, 0), ...sideIdentities(s, 1)];
    const had = new Set([...s.intercepts, ...s.retired].map((it) => it.task.xid));
    const matches = ctx.matcher.match(ids, ctx.now).filter((m) => !had.has(m.task.xid));
    if (matches.length === 0) return;
    if (s.mode !== 'intercept') {
      // Held bytes of a session without SIP predate the task: never delivered (over-collection).
      // Nor the part of a message in progress received before it (kept while pending): its
      // record carries the later chunks only, as for a SIP session (adversarial review).
      this.held.drop(s);
      for (const o of s.open.values()) o.tracker.dropContent();
      if (s.held !== null) {
        s.held.dropped = 0;
        s.held.droppedMessages = 0;
      }
      s.mode = 'intercept';
      const sec = Math.floor(ctx.now);
      s.audit ??= this.audit.newAudit(d?.callId ?? null, sec, Math.round((ctx.now - sec) * 1e9) % 1e9);
      this.audit.list(s);
    }
    const wantContent = matches.some((m) => m.task.deliveryType !== 'X3Only');
    if (wantContent) for (const o of s.open.values()) o.tracker.raiseContentCap(ctx.maxContent);
    // With a key log, TLS media is judged at the release (./session-release.ts).
    const tls = !ctx.tlsDecryption && d?.sdp.some((p) => p?.msrp.some((m) => m.tls) === true) === true;
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

/** The identities `s` recorded for one side, as the matcher reads them (side 0 originating, side 1 terminating). */
function sideIdentities(s: Session, side: Side): ObservedIdentity[] {
  const source = side === 0 ? (s.dialog === null ? 'cpimFrom' : 'from') : s.dialog === null ? 'cpimTo' : 'to';
  return s.sideIds[side].map((i) => ({ text: i.value, source }));
}

/** The earliest endTime of `tasks` after `now` (Infinity when none). */
function earliestEnd(tasks: readonly Task[], now: number): number {
  let next = Infinity;
  for (const t of tasks) if (t.endTime !== null && t.endTime > now && t.endTime < next) next = t.endTime;
  return next;
}
