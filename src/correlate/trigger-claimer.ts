/**
 * A session the LI_T3 triggers claim (./trigger-claims.ts, TS 33.127 clause 5.3.3): intercepted
 * for each trigger's task with the trigger's correlation ID and window, its parties taken from
 * the triggering tap's records, and, for a session without SIP whose frames were held until a
 * target was known (./held-budget.ts), its held frames emitted in order. Counts the claims and
 * the latency from the first frame held to the claim.
 */
import { wantsIri } from '../records/task-ref.js';
import type { CorrelatorContext } from './correlator-context.js';
import { cpimTargetSide, type CpimDeferral } from './cpim-deferral.js';
import { type AppliedTrigger, hasTask, takeParties, triggerTargetSide } from './applied-trigger.js';
import type { HeldBudget } from './held-budget.js';
import { LatencySamples } from './latency-samples.js';
import type { RecordEmitter } from './record-emitter.js';
import type { SessionAudit } from './session-audit.js';
import type { SessionTable } from './session-table.js';
import type { Intercept, Session } from './session.js';
import { keepCoveredParties, type TriggerShadows } from './trigger-shadows.js';

export class TriggerClaimer {
  /** Sessions claimed (a session claimed again for another task counts again). */
  claimed = 0;
  /** Claimed sessions without SIP that had frames held. */
  claimedHeld = 0;
  /** First frame held → trigger applied, in capture time and in wall-clock time (ms). */
  readonly latCapture = new LatencySamples();
  readonly latWall = new LatencySamples();

  constructor(
    private readonly ctx: CorrelatorContext,
    private readonly table: SessionTable,
    private readonly held: HeldBudget,
    private readonly emit: RecordEmitter,
    private readonly audit: SessionAudit,
    private readonly deferral: CpimDeferral,
    private readonly shadows: TriggerShadows,
  ) {}

  /** `s` is intercepted for the tasks of `hits` it is not intercepted for yet. */
  claim(s: Session, hits: readonly AppliedTrigger[]): void {
    const fresh = hits.filter((a) => !hasTask(s, a.task.xid));
    if (fresh.length === 0) return;
    const wasPending = s.mode === 'pending';
    const made: Intercept[] = [];
    for (const a of fresh) {
      const side = triggerTargetSide(s, a);
      const it = this.table.makeIntercept(s, { task: a.task, identifier: a.task.targetIdentifiers[0]!, source: 'trigger', role: 'unknown' }, side, {
        correlationId: a.correlationId,
        window: a.window,
      });
      // The triggering tap recorded this (session, task)'s IRI `begin` (its SIP): the MSRP-level
      // records made here continue that sequence (TS 102 232-1 IRIType), as on a single tap.
      it.iriCount = 1;
      s.intercepts.push(it);
      made.push(it);
      // A file transfer session (RFC 5547): its messages with user content are files, as there.
      s.fileSelector ??= a.fileSelector;
      // The SDP the triggering tap's CC records carry as sDPInfo (TS 33.128 IMSCCPDU).
      s.sdpForCc ??= a.sdpAnswer;
    }
    // A CPIM match waiting for this trigger (./cpim-deferral.ts): the trigger's correlation ID
    // won; tasks it did not bring still apply by the CPIM rule, with this tap's own ID.
    const rest = wasPending
      ? this.deferral.claimedByTrigger(
          s,
          fresh.map((a) => a.task.xid),
        )
      : null;
    for (const m of rest?.matches ?? []) if (!hasTask(s, m.task.xid)) s.intercepts.push(this.table.makeIntercept(s, m, cpimTargetSide(m, rest!.senderSide)));
    // Trigger review F1: only the parties of the messages the trigger names stay (./trigger-shadows.ts);
    // a session the CPIM rule also intercepts keeps them all, as without a bus.
    const first = wasPending || s.mode === 'ignore';
    if (first && (rest?.matches.length ?? 0) === 0)
      keepCoveredParties(
        s,
        s.intercepts.flatMap((it) => it.trigger?.sids ?? []),
      );
    // Then the parties the triggering tap's records name win over what CPIM taught here.
    for (let i = 0; i < fresh.length; i++) takeParties(s, fresh[i]!, made[i]!);
    if (first) this.shadows.claimed(s);
    s.mode = 'intercept';
    this.claimed++;
    const wantContent = s.intercepts.some((it) => wantsIri(it.task));
    for (const o of s.open.values()) {
      if (wantContent) o.tracker.raiseContentCap(this.ctx.maxContent);
      else o.tracker.dropContent();
    }
    this.audit.list(s);
    if (!wasPending || s.held === null) return;
    const h = s.held;
    if (h.frames.length > 0) {
      this.claimedHeld++;
      this.latCapture.add((this.ctx.now - h.firstAt) * 1000);
      this.latWall.add(this.ctx.wallClockMs() - h.firstWallMs);
    }
    const out = this.held.takeForTarget(s, this.audit, undefined);
    // The window decides, frame by frame, what goes out (./record-emitter.ts): never a held
    // frame from before the trigger's start.
    for (const f of out.frames) this.emit.cc(s, f);
    // Closed while the file-selector was not known yet: a file all the same (./msrp-messages.ts).
    for (const m of out.messages) this.emit.message(s, m.meta, !m.info.isFile && m.info.userContent === true && s.fileSelector !== null ? { ...m.info, isFile: true } : m.info);
  }
}
