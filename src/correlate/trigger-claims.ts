/**
 * The triggered CC-POI side of issue 15 (TS 33.127 clause 5.3.3, TS 33.128 clause 5.2.5): the
 * LI_T3 triggers another tap published for the MSRP media of a session whose SIP it saw, and the
 * MSRP sessions without SIP here that they claim.
 *
 * Rules (see also ./media-trigger.ts):
 * - A trigger names MSRP session ids. A frame belongs to it when the session-id of the LAST URI of
 *   its To-Path or From-Path (the endpoints, RFC 4975 section 9; the rule of
 *   ./uncorrelated-sessions.ts) is one of them: a URI in between names a relay hop, never the
 *   session (RFC 4976 section 7.1), so a stranger's frame naming a triggered session id as a hop,
 *   even on a shared relay connection, is never claimed.
 * - Only frames whose capture time is inside the trigger's window (the SDP answer to the release)
 *   are claimed; {@link TriggerClaims.withdraw} closes the window at its end instant.
 * - The productID must be the XID of a local task (every tap runs with the same tasks file): the
 *   records carry that task (its LIID, delivery, destinations), XID = productID and the trigger's
 *   correlation ID, so the MDF joins them with the triggering tap's IRI. Else the trigger is
 *   refused (`correlate.trigger_refused`) and nothing of it is recorded.
 * - No duplicates: a tap ignores its own triggers (originTap = its tapId) and a trigger whose
 *   session ids are bound to a local SIP session of the same task. Frames bound to a local dialog
 *   that found no target here reach the triggers through a shadow session without SIP
 *   (./trigger-shadows.ts: the trigger wins, trigger review F2); a target's dialog keeps its own.
 * - Race: frames of an MSRP session without SIP are held until a target is known
 *   (./held-budget.ts). A trigger applied later claims the held session (./trigger-claimer.ts)
 *   and emits its held frames (those inside the window) in order; unclaimed held bytes are
 *   discarded when the session closes, as before. The latency (first frame held → trigger
 *   applied) is measured.
 * - The table of triggers is capped (`maxTriggers`, the oldest evicted) and timed: a withdrawn
 *   trigger goes `triggerRetentionSec` after its end, an open one `triggerMaxOpenSec` after its
 *   start (its window closes then). Both are reported.
 */
import type { MsrpFrameHead } from '../protocols/msrp/index.js';
import { fromHex, latin1Bytes } from '../util/bytes.js';
import { DUE_SLACK_SEC, IdleTable } from '../util/idle-table.js';
import { captureTime, type CorrelatorContext } from './correlator-context.js';
import type { CpimDeferral } from './cpim-deferral.js';
import { type AppliedTrigger, fileSelectorOf, hasTask, takeParties } from './applied-trigger.js';
import type { HeldBudget } from './held-budget.js';
import type { MediaTrigger } from './media-trigger.js';
import { lastSessionId, type MsrpSessionIndex } from './msrp-session-index.js';
import type { RecordEmitter } from './record-emitter.js';
import type { SessionAudit } from './session-audit.js';
import type { SessionTable } from './session-table.js';
import type { Session, TriggerWindow } from './session.js';
import type { UncorrelatedSessions } from './uncorrelated-sessions.js';
import type { TriggerClaimStats } from './trigger-claim-stats.js';
import { TriggerClaimer } from './trigger-claimer.js';
import { triggerMalformed } from './trigger-malformed.js';
import { TriggerShadows } from './trigger-shadows.js';
import { SeenSessionIds } from './seen-session-ids.js';

export type { TriggerClaimStats } from './trigger-claim-stats.js';

/**
 * Bytes of SDP answers kept by applied triggers: bus input must not pin more than a small part of
 * the run's 256 MiB budget (trigger review F9). Past it a trigger is kept without its SDP.
 */
export const TRIGGER_SDP_BUDGET = 16 * 1024 * 1024;

export class TriggerClaims {
  private readonly byXid: IdleTable<string, AppliedTrigger>;
  private readonly bySid = new Map<string, AppliedTrigger[]>();
  /** Endpoint ids later requests of sessions without SIP named (./seen-session-ids.ts). */
  private readonly seen: SeenSessionIds;
  private applied = 0;
  private refused = 0;
  private ignoredOwn = 0;
  private ignoredDuplicate = 0;
  private withdrawn = 0;
  private evicted = 0;
  private expired = 0;
  private preempted = 0;
  private foreign = 0;
  private outside = 0;
  private reopenRefused = 0;
  private sdpDropped = 0;
  private sdpBytes = 0;
  /**
   * xIds of triggers withdrawn and since forgotten (capped at `maxTriggers`, oldest first): a
   * replayed Activate must not reopen a window that had an end (trigger review F5).
   */
  private readonly ended = new Set<string>();
  /** Local non-target dialogs' MSRP offered to the triggers (F2, ./trigger-shadows.ts). */
  readonly shadows: TriggerShadows;
  /** Intercepts the sessions the triggers claim (./trigger-claimer.ts). */
  private readonly claimer: TriggerClaimer;

  constructor(
    private readonly ctx: CorrelatorContext,
    table: SessionTable,
    held: HeldBudget,
    emit: RecordEmitter,
    audit: SessionAudit,
    private readonly index: MsrpSessionIndex<Session>,
    private readonly uncorrelated: UncorrelatedSessions,
    deferral: CpimDeferral,
  ) {
    this.shadows = new TriggerShadows(ctx, uncorrelated, held, (head, owners) => this.wantsOther(head, owners));
    this.claimer = new TriggerClaimer(ctx, table, held, emit, audit, deferral, this.shadows);
    this.seen = new SeenSessionIds(ctx);
    this.byXid = new IdleTable<string, AppliedTrigger>({
      cap: ctx.maxTriggers,
      evict: 'oldest',
      onEvict: (_k, a) => {
        this.evicted++;
        this.ctx.anomalies.report('correlate.trigger_evicted', undefined, `cap=${this.ctx.maxTriggers}`);
        this.forget(_k, a);
      },
    });
  }

  /** Applies (or, for a known xId, modifies) a trigger; see the file comment. */
  apply(t: MediaTrigger): void {
    const why = triggerMalformed(t);
    if (why !== null) {
      this.refuse(why);
      return;
    }
    if (this.ctx.tapId !== null && t.originTap === this.ctx.tapId) {
      this.ignoredOwn++;
      return;
    }
    const xid = t.productId.toLowerCase();
    const task = this.ctx.matcher.tasks.find((x) => x.xid === xid);
    if (task === undefined) {
      this.refuse('unknown_product');
      return;
    }
    const sids = [...new Set(t.sessionIds)];
    const local = sids.flatMap((sid) => this.index.sessionsOf(sid).filter((s) => s.dialog !== null));
    if (local.some((s) => hasTask(s, xid))) {
      this.ignoredDuplicate++;
      return;
    }
    const old = this.byXid.get(t.xId);
    // The bus hands over every state of a trigger whole; a state with an end after one with an
    // end (a put repeated after a failed acknowledgement) is a withdrawal: an end only moves earlier.
    if (old !== undefined && old.window.end !== Infinity && t.windowEnd !== null) {
      this.withdraw(t.xId, t.windowEnd);
      return;
    }
    // Once a window has an end it never moves back (a replayed Activate, trigger review F5).
    if ((old !== undefined && old.window.end !== Infinity) || (old === undefined && this.ended.has(t.xId))) {
      this.reopenRefused++;
      this.ctx.anomalies.report('correlate.trigger_reopen_refused');
      return;
    }
    // Claims go by the exact window; the frames a claimed session emits by the window widened at
    // its start by `skew` (./record-emitter.ts): the two taps' clocks differ, and frames up to
    // that long before the other tap's 200 OK are the session's too (trigger review F4).
    const start = captureTime(t.windowStart.sec, t.windowStart.nsec);
    const end = t.windowEnd === null ? Infinity : captureTime(t.windowEnd.sec, t.windowEnd.nsec);
    if (old !== undefined) this.unindex(old);
    const window: TriggerWindow = old?.window ?? {
      xId: t.xId,
      originTap: t.originTap,
      start,
      end,
      skew: this.ctx.triggerClockSkew,
      sids,
      targetKnown: (t.targetSessionIds?.length ?? 0) > 0,
    };
    window.start = start;
    window.end = end;
    window.sids = sids;
    // A modification and the release may arrive as one state (the publisher coalesces the queued
    // states of a trigger, ../pipeline/trigger-bus.ts): its new ids apply, then its window closes.
    if (old !== undefined && end !== Infinity) this.withdrawn++;
    if (old?.sdpAnswer != null) this.sdpBytes -= old.sdpAnswer.length;
    let sdpAnswer: Uint8Array | null = null;
    if (t.sdpAnswer.length > 0 && this.sdpBytes + t.sdpAnswer.length > TRIGGER_SDP_BUDGET) {
      this.sdpDropped++;
      this.ctx.anomalies.report('correlate.trigger_sdp_dropped', undefined, `budget=${TRIGGER_SDP_BUDGET}`);
    } else if (t.sdpAnswer.length > 0) {
      sdpAnswer = latin1Bytes(t.sdpAnswer);
      this.sdpBytes += sdpAnswer.length;
    }
    const a: AppliedTrigger = {
      task,
      correlationId: fromHex(t.correlationId),
      window,
      sids,
      targetSids: (t.targetSessionIds ?? []).filter((x) => sids.includes(x)),
      sdpAnswer,
      parties: t.parties ?? null,
      fileSelector: old?.fileSelector ?? fileSelectorOf([t.sdpOffer, t.sdpAnswer], this.ctx.anomalies),
    };
    // Local dialogs of its ids found no target here: the trigger wins (./trigger-shadows.ts).
    this.shadows.applied(local, t.endpoints, sids);
    // Review R1: a local dialog of its ids intercepted for another task already had MSRP frames;
    // those were not held for this task (only the frames from now on reach it, through a shadow).
    if (old === undefined && local.some((s) => s.mode === 'intercept' && s.msrpSeen)) this.ctx.anomalies.report('correlate.trigger_local_target_prior_frames', undefined, `task=${task.xid}`);
    if (old === undefined && this.byXid.size >= this.ctx.maxTriggers) this.byXid.evictOne();
    if (old === undefined) this.byXid.set(t.xId, a, this.deadlineOf(window));
    else {
      this.byXid.delete(t.xId);
      this.byXid.set(t.xId, a, this.deadlineOf(window));
    }
    for (const sid of sids) {
      const list = this.bySid.get(sid);
      if (list === undefined) this.bySid.set(sid, [a]);
      else list.push(a);
    }
    this.applied++;
    // The race: sessions seen before the trigger, their frames held (./held-budget.ts).
    const done = new Set<Session>();
    // Sessions that only named an id of it in a later request are a stranger's (whose first
    // request named other ids) that a frame naming the target's id reached: never claimed whole
    // (trigger review F1), reported.
    for (const s of sids.flatMap((sid) => this.seen.sessionsOf(sid))) {
      if (done.has(s) || s.closed || sids.some((sid) => s.uncSids.includes(sid))) continue;
      done.add(s);
      this.foreignFrame();
    }
    for (const s of sids.map((sid) => this.uncorrelated.bySessionId(sid))) {
      if (s === undefined || done.has(s) || s.closed) continue;
      done.add(s);
      if (s.mode === 'intercept' && s.intercepts.some((it) => it.task.xid === task.xid && it.trigger === undefined)) {
        this.preempted++;
        continue;
      }
      if (old !== undefined && s.intercepts.some((it) => it.trigger === window)) {
        // A modification (re-INVITE): later CC carries the new answer, as the triggering tap's does.
        if (a.sdpAnswer !== null) s.sdpForCc = a.sdpAnswer;
        const it = s.intercepts.find((x) => x.trigger === window);
        if (it !== undefined) takeParties(s, a, it);
        continue;
      }
      const times = s.held?.frames.map((f) => captureTime(f.network.tsSec, f.network.tsNsec)) ?? [];
      if (times.some((x) => x >= start && x <= end) || (s.lastActive >= start && s.lastActive <= end)) this.claimer.claim(s, [a]);
    }
  }

  /** The trigger ends at `end` (capture time): frames after it are not claimed. */
  withdraw(xId: string, end: { sec: number; nsec: number }): void {
    const a = this.byXid.get(xId);
    if (a === undefined) return;
    this.withdrawn++;
    // An end only moves earlier (trigger review F5: a replayed or late withdrawal never reopens).
    a.window.end = Math.min(a.window.end, Math.max(a.window.start, captureTime(end.sec, end.nsec)));
    this.byXid.touch(xId, this.deadlineOf(a.window));
  }

  /**
   * A request frame of `s`, an MSRP session without SIP, begins (the clock is at `now`): the
   * triggers naming its endpoint session ids whose window covers `now` claim the session.
   */
  frame(s: Session, head: MsrpFrameHead, now: number): void {
    if (head.kind !== 'request' || s.dialog !== null) return;
    const to = lastSessionId(head.headers.toPath);
    const from = lastSessionId(head.headers.fromPath);
    if (s.mode === 'pending') {
      this.seen.remember(s, to);
      this.seen.remember(s, from);
    }
    if (this.bySid.size === 0 || (s.mode !== 'pending' && s.mode !== 'intercept' && !TriggerShadows.waitedOut(s))) return;
    const hits: AppliedTrigger[] = [];
    let foreign = false;
    let outside = false;
    for (const sid of [to, from]) {
      if (sid === null) continue;
      for (const a of this.bySid.get(sid) ?? []) {
        if (now < a.window.start - a.window.skew || now > a.window.end) outside = true;
        else if (now < a.window.start)
          continue; // held: emitted if a later frame claims the session
        // Only an id of the session's own (its first request's endpoints) claims it: a frame
        // naming the target's id but addressed to a stranger's session must not pull that
        // session, and the identities learnt from it, into the target's task (trigger review F1).
        else if (!s.uncSids.includes(sid)) foreign ||= !hasTask(s, a.task.xid);
        else if (!hits.includes(a)) hits.push(a);
      }
    }
    if (hits.length > 0) this.claimer.claim(s, hits);
    if (foreign && !hits.some((a) => hasTask(s, a.task.xid))) this.foreignFrame();
    if (outside) {
      this.outside++;
      this.ctx.anomalies.report('correlate.trigger_frame_outside_window', head.frameNo);
    }
  }

  /** An applied trigger names `rSid` or `sSid` (a frame's endpoint ids) and its window covers `now` (./trigger-shadows.ts). */
  names(rSid: string | null, sSid: string | null, now: number): boolean {
    for (const sid of [rSid, sSid]) {
      for (const a of sid === null ? [] : (this.bySid.get(sid) ?? [])) if (now >= a.window.start - a.window.skew && now <= a.window.end) return true;
    }
    return false;
  }

  /**
   * Review R1: an applied trigger whose window has not ended names an endpoint id of this frame
   * (RFC 4975 section 9: the paths' last URIs) for a task none of `owners` (the local sessions
   * bound to the frame) has: the frame is offered to it through a shadow (./trigger-shadows.ts).
   */
  wantsOther(head: MsrpFrameHead, owners: readonly Session[]): boolean {
    if (this.bySid.size === 0) return false;
    const now = this.ctx.now;
    for (const sid of [lastSessionId(head.headers.toPath), lastSessionId(head.headers.fromPath)]) {
      for (const a of sid === null ? [] : (this.bySid.get(sid) ?? [])) {
        if (now < a.window.start - a.window.skew || now > a.window.end) continue;
        if (!owners.some((o) => hasTask(o, a.task.xid))) return true;
      }
    }
    return false;
  }

  /** Forgets the triggers whose time has passed (see the file comment), and the ids of closed sessions. */
  sweep(now: number): void {
    this.shadows.sweep(now);
    this.seen.prune();
    this.byXid.tick(now + DUE_SLACK_SEC, (k, a) => {
      if (a.window.end === Infinity) {
        this.expired++;
        this.ctx.anomalies.report('correlate.trigger_expired', undefined, `maxOpenSec=${this.ctx.triggerMaxOpen}`);
        a.window.end = now;
      }
      this.forget(k, a);
      return undefined;
    });
  }

  stats(): TriggerClaimStats {
    return {
      triggersActive: this.byXid.size,
      triggersApplied: this.applied,
      triggersRefused: this.refused,
      triggersIgnoredOwn: this.ignoredOwn,
      triggersIgnoredDuplicate: this.ignoredDuplicate,
      triggersWithdrawn: this.withdrawn,
      triggersEvicted: this.evicted,
      triggersExpired: this.expired,
      triggerClaimedSessions: this.claimer.claimed,
      triggerClaimedHeldSessions: this.claimer.claimedHeld,
      triggerClaimsPreempted: this.preempted,
      triggerForeignFrames: this.foreign,
      triggerFramesOutsideWindow: this.outside,
      triggerReopensRefused: this.reopenRefused,
      triggerSdpsDropped: this.sdpDropped,
      triggerLocalNonTargetClaims: this.shadows.claimedCount,
      triggerLatencyCaptureMs: this.claimer.latCapture.percentiles(),
      triggerLatencyWallMs: this.claimer.latWall.percentiles(),
    };
  }

  private foreignFrame(): void {
    this.foreign++;
    this.ctx.anomalies.report('correlate.trigger_foreign_frame');
  }

  /** `a` leaves the table: its ids unindexed, its SDP bytes returned, a withdrawn xId remembered. */
  private forget(xId: string, a: AppliedTrigger): void {
    this.unindex(a);
    if (a.sdpAnswer !== null) this.sdpBytes -= a.sdpAnswer.length;
    if (a.window.end === Infinity) return;
    this.ended.add(xId);
    if (this.ended.size > this.ctx.maxTriggers) this.ended.delete(this.ended.values().next().value!);
  }

  private refuse(reason: string): void {
    this.refused++;
    this.ctx.anomalies.report('correlate.trigger_refused', undefined, `reason=${reason}`);
  }

  private deadlineOf(w: TriggerWindow): number {
    return w.end === Infinity ? w.start + this.ctx.triggerMaxOpen : w.end + this.ctx.triggerRetention;
  }

  private unindex(a: AppliedTrigger): void {
    for (const sid of a.sids) {
      const list = this.bySid.get(sid);
      if (list === undefined) continue;
      const i = list.indexOf(a);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.bySid.delete(sid);
    }
  }
}
