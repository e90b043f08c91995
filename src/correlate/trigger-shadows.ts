/**
 * Issue 15, F2 of the trigger review: the LI_T3 trigger wins over this tap's local non-target view
 * of a session. A media tap may see the SIP of a session itself, on a hop where the target is not
 * identifiable (the caller anonymised or rewritten there, RFC 3323; no P-Asserted-Identity; the
 * target named only on a hop the SIP tap sees). Its local decision is "non-target", but under
 * LI_T3 the trigger is the authority (TS 33.127 clause 5.3.3, TS 33.128 clause 5.2.5): the tap
 * must record the CC of exactly the MSRP sessions the trigger names.
 *
 * Rule: with a bus (a tap id), the MSRP frames of a dialog this tap found no target in are ALSO
 * given, as to a session without SIP, to a "shadow": the session without SIP of their endpoint
 * session ids (./uncorrelated-sessions.ts), marked {@link Session.triggerOnly}. The shadow behaves
 * exactly as a session without SIP does towards triggers (./trigger-claims.ts: claimed only by the
 * endpoint ids of its own first request, frame by frame inside the window, its bytes held until a
 * trigger comes or it closes, the window widened by `--bus-clock-skew`), with three differences:
 * - only a trigger claims it: the CPIM rule does not apply (./msrp-messages.ts), as without a bus
 *   the local SIP's decision stands for the session's MSRP;
 * - unclaimed it is never listed in the audit (its dialog is, with `includeNonTargets`);
 * - it carries nothing of the dialog: no parties, Call-ID, SIP message or SDP of the local hop
 *   reaches its records (its parties come from CPIM, its sDPInfo from the trigger), and the local
 *   dialog stays a non-target's: it emits no IRI (the SIP tap has the session's IRI).
 * Lifecycle: the shadow lives by its own frames (idle timeout), not by the local dialog. Frames
 * of the dialog's ids after the local release (its ids are tombstones then) still reach the shadow
 * while an applied trigger names one of their endpoint ids inside its window: the two hops' BYEs
 * are not seen at the same instant, and the trigger's window, not this hop's, decides. A re-INVITE
 * seen locally binds the new ids to the dialog; their frames reach a shadow of those ids, which
 * the trigger's Modify claims (as without SIP). Flow bypass (./msrp-bypass.ts): a pending shadow's
 * frame blocks the bypass of its direction as any held frame does; a trigger applied resumes the
 * bypassed directions of the local dialogs, of the endpoints it names and of the frames that
 * named its session ids (even a released dialog's, review R3).
 *
 * Cost (with a bus only): the MSRP of local non-target dialogs is reassembled and held within the
 * held budget (`maxHeldBytesPerSession`, `maxHeldBytesTotal`) and the uncorrelated table's cap,
 * and its connections are no longer bypassed while a shadow waits.
 */
import type { MsrpFrameHead } from '../protocols/msrp/index.js';
import { identityList } from './add-identity.js';
import type { CorrelatorContext } from './correlator-context.js';
import type { HeldBudget } from './held-budget.js';
import type { Side } from './dialog-tracker.js';
import type { MediaEndpoint } from './media-trigger.js';
import { endpointKey } from './party-sdp.js';
import type { Session } from './session.js';
import type { UncorrelatedSessions } from './uncorrelated-sessions.js';

export class TriggerShadows {
  /** Shadows claimed by a trigger (`triggerLocalNonTargetClaims` in the stats). */
  claimedCount = 0;
  /** Shadows that waited out their hold (see {@link sweep}). */
  expiredCount = 0;
  /**
   * Shadows holding bytes, by creation (capture time), oldest first. Shadows are sessions without
   * SIP (capped at `maxUncorrelatedSessions`); this list has the same cap (the oldest stop waiting
   * first) and forgets the closed and claimed ones as the sweep reaches them.
   */
  private readonly waiting = new Map<Session, number>();
  /** Claimed shadows already reported as superseded by a local target dialog ({@link noteSuperseded}). */
  private readonly superseded = new WeakSet<Session>();

  constructor(
    private readonly ctx: CorrelatorContext,
    private readonly uncorrelated: UncorrelatedSessions,
    private readonly held: HeldBudget,
    /** An applied trigger names the frame's endpoint ids for a task none of `owners` has (./trigger-claims.ts). */
    private readonly wantsOther: (head: MsrpFrameHead, owners: readonly Session[]) => boolean,
  ) {}

  /** A shadow that waited out its hold: no longer held or reassembled, still claimable from its next frame. */
  static waitedOut(s: Session): boolean {
    return s.triggerOnly && s.mode === 'ignore';
  }

  /**
   * The shadow of a frame bound to `owners` (live sessions), when a trigger could want it: a bus
   * is configured, a task exists, and every owner is a dialog that found no target here, or an
   * applied trigger names the frame's endpoint ids for a task no owner has (review R1: a dialog
   * intercepted here for task A whose MSRP session another tap's trigger names for task B; the
   * owners keep their records, the shadow makes B's). Made for a request (null for a response
   * with no shadow yet).
   */
  shadowFor(owners: Session | readonly Session[], head: MsrpFrameHead): Session | null {
    if (this.ctx.tapId === null || this.ctx.matcher.empty) return null;
    const list = Array.isArray(owners) ? (owners as readonly Session[]) : [owners as Session];
    if (list.length > 0 && (list.every(nonTarget) || this.wantsOther(head, list))) return this.of(head);
    this.noteSuperseded(head);
    return null;
  }

  /**
   * The frame's local dialog is now a target's here for every task a trigger named it for (this
   * tap's SIP saw the target later: the creating request on another hop, a task reload): the
   * shadow a trigger claimed gets no more frames, which go out under this tap's correlation ID and
   * IRI. The CC stays complete but is split across two correlation IDs: reported once per shadow
   * (docs/scaling-out.md, known limits), never silent.
   */
  private noteSuperseded(head: MsrpFrameHead): void {
    if (this.ctx.tapId === null) return;
    const shadow = this.uncorrelated.byEndpoints(head);
    if (shadow === undefined || !shadow.triggerOnly || shadow.mode !== 'intercept' || this.superseded.has(shadow)) return;
    this.superseded.add(shadow);
    this.ctx.anomalies.report('correlate.trigger_shadow_superseded');
  }

  /** The shadow of a frame whose ids are a finished non-target dialog's (tombstones) and that a trigger names. */
  of(head: MsrpFrameHead): Session | null {
    const known = this.uncorrelated.byEndpoints(head);
    // A session without SIP of these ids that is not a shadow keeps its frames as before the rule
    // (seen before the SIP bound them): never a second session for one MSRP session.
    if (known !== undefined) {
      if (!known.triggerOnly) return null;
      // Waited out, it takes no frame (./msrp-binding.ts) but must not close idle while its dialog
      // is busy: a new shadow would hold the same session's bytes again.
      if (known.mode === 'ignore') {
        known.lastActive = this.ctx.now;
        this.uncorrelated.touch(known);
      }
      return known;
    }
    const s = this.uncorrelated.sessionFor(head);
    if (s === undefined) return null;
    s.triggerOnly = true;
    if (s.mode === 'pending') {
      if (this.waiting.size >= this.ctx.maxUnc) this.expire(this.waiting.keys().next().value!);
      this.waiting.set(s, this.ctx.now);
    }
    return s;
  }

  /**
   * A shadow holds its bytes for a trigger during the hold timeout of sessions without SIP
   * (`uncorrelatedIdleSec` from its first frame, as a CPIM match waits for a trigger,
   * ./cpim-deferral.ts), not for its whole life: a local non-target dialog's chat may last hours,
   * and a trigger comes within a second of its SDP answer (docs/scaling-out.md, "Measured").
   * Then it stops holding and reassembling (its held bytes are discarded, as a session without
   * SIP's at its close); a trigger applied later still claims it from its next frame on.
   */
  sweep(now: number): void {
    for (const [s, at] of this.waiting) {
      if (s.closed || s.mode !== 'pending') this.waiting.delete(s);
      else if (now - at >= this.ctx.uncIdle) this.expire(s);
      else break;
    }
  }

  private expire(s: Session): void {
    this.waiting.delete(s);
    if (s.mode !== 'pending') return;
    this.expiredCount++;
    s.mode = 'ignore';
    this.held.drop(s);
    for (const o of s.open.values()) o.tracker.dropContent();
  }

  /**
   * A trigger was applied: the directions that carried `local` (dialogs of its ids found no
   * target here), that its endpoints name, or whose frames named its session ids `sids` are
   * framed again if bypassed.
   */
  applied(local: readonly Session[], endpoints: readonly MediaEndpoint[], sids: readonly string[]): void {
    for (const s of local) if (s.mode === 'ignore' || s.mode === 'meta') this.ctx.bypass.claim(s, s.boundEndpoints);
    if (endpoints.length > 0) this.ctx.bypass.resume(endpoints.map((e) => endpointKey(e.addr, e.port)));
    // A dialog released here no longer is `local` and its trigger's endpoints may not name the
    // connection (NAT, a=path host names): the directions that carried its ids (review R3).
    this.ctx.bypass.resumeBySids(sids);
  }

  /** A trigger claimed `s`: counted when it is a local non-target dialog's shadow (no longer an anomaly that may hide a target). */
  claimed(s: Session): void {
    if (!s.triggerOnly) return;
    this.claimedCount++;
    this.ctx.anomalies.report('correlate.trigger_local_nontarget_sip');
  }
}

/** A dialog this tap's SIP found no target in. */
function nonTarget(s: Session): boolean {
  return s.dialog !== null && (s.mode === 'ignore' || s.mode === 'meta');
}

/**
 * Issue 15, F1 of the trigger review: what a session without SIP learnt of its parties from CPIM
 * (./msrp-messages.ts) before a trigger claimed it, reduced to the messages the trigger covers.
 * Such a session is keyed by either endpoint id of its first request, so a stranger's frame naming
 * only the other id reaches it, and its CPIM From/To were learnt as the session's parties; those
 * must not become the target's (targetIdentities, originating, terminating of its rCSMessage).
 * The parties are learnt again from the held and open messages whose first chunk named one of
 * `sids` as an endpoint; a message dropped from the held budget is not there to learn from (its
 * parties are lost, never another's gained). Messages after the claim teach nothing (the CPIM
 * check runs for pending sessions only).
 */
export function keepCoveredParties(s: Session, sids: readonly string[]): void {
  const named = (a: string | null | undefined, b: string | null | undefined): boolean => (a != null && sids.includes(a)) || (b != null && sids.includes(b));
  const ids: Session['sideIds'] = [[], []];
  for (const m of s.held?.messages ?? []) {
    if (named(m.info.sids?.[0], m.info.sids?.[1])) addCpimParties(ids, m.meta.senderSide, m.info.cpimFrom, m.info.cpimTo);
  }
  for (const om of s.open.values()) {
    const c = om.tracker.cpim?.cpim ?? null;
    if (c !== null && named(om.senderSid, om.receiverSid))
      addCpimParties(
        ids,
        om.meta.senderSide,
        c.from?.uri ?? null,
        c.to.map((x) => x.uri),
      );
  }
  s.sideIds[0] = ids[0];
  s.sideIds[1] = ids[1];
}

/** A CPIM message's parties (RFC 3862 From/To, SIP or tel URIs only) as the sender's and the receiver's. */
export function addCpimParties(sideIds: Session['sideIds'], senderSide: Side | null, from: string | null, to: readonly string[]): void {
  const ss = senderSide ?? 0;
  const rs: Side = ss === 0 ? 1 : 0;
  if (from !== null && /^(sips?|tel):/i.test(from)) identityList(sideIds[ss], from);
  for (const x of to) if (/^(sips?|tel):/i.test(x)) identityList(sideIds[rs], x);
}
