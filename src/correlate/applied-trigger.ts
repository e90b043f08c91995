/**
 * Issue 15: a trigger as ./trigger-claims.ts applied it, and what a claim takes from it into the
 * session it claims (the target's side, the parties, the file-selector).
 */
import type { AnomalySink } from '../core/anomaly.js';
import { parseSdp, type FileSelector } from '../protocols/sdp/index.js';
import { imsIdentityFromText } from '../records/ims-identity.js';
import { latin1Bytes } from '../util/bytes.js';
import { ownString } from '../util/own-string.js';
import type { Side } from './dialog-tracker.js';
import type { MediaTrigger } from './media-trigger.js';
import type { ImsIdentity } from '../records/ims-identity.js';
import type { Intercept, Session, TriggerWindow } from './session.js';
import type { Task } from './tasks-file.js';

/** A trigger applied here (./trigger-claims.ts). */
export interface AppliedTrigger {
  readonly task: Task;
  readonly correlationId: Uint8Array;
  /** Shared with the intercepts it made: withdrawing or modifying it moves their window too. */
  readonly window: TriggerWindow;
  readonly sids: readonly string[];
  readonly targetSids: readonly string[];
  readonly sdpAnswer: Uint8Array | null;
  /** The file-selector (RFC 5547) of its SDP offer, else answer, as the triggering tap's session has it. */
  readonly fileSelector: FileSelector | null;
  /** The parties the triggering tap's records name (MediaTrigger.parties), or null. */
  readonly parties: MediaTrigger['parties'] | null;
}

/**
 * The target's side of `s` for trigger `a`: the side its target session ids were learnt on
 * (the first request's sender is side 0, ./msrp-binding.ts), else they are given side 0 here
 * and the other party's ids side 1, so directions are those of the triggering tap.
 */
export function triggerTargetSide(s: Session, a: AppliedTrigger): Side {
  const map = s.sideBySid;
  for (const sid of a.targetSids) {
    const k = map.get(sid);
    if (k !== undefined) return k;
  }
  for (const sid of a.sids) {
    const k = map.get(sid);
    if (k !== undefined && !a.targetSids.includes(sid)) return k === 0 ? 1 : 0;
  }
  if (a.targetSids.length === 0) return 0;
  const mine: Side = map.size === 0 ? 0 : 1;
  for (const sid of a.sids) map.set(sid, a.targetSids.includes(sid) ? mine : mine === 0 ? 1 : 0);
  return mine;
}

/**
 * The session's parties become those the triggering tap's records name (its SIP), replacing what
 * CPIM taught while the session waited: the rCSMessage records then name a single tap's parties
 * whether the trigger came before the frames or after them (issue 15 splitter, chat-tcp-sip).
 * When another task's trigger claimed the session too, they become this intercept's only
 * (Intercept.sideIds), never what the other task's tap named.
 */
export function takeParties(s: Session, a: AppliedTrigger, it: Intercept): void {
  // Another task's trigger claimed the session too: its parties (the session's) are that tap's
  // view, never this task's; this task's records name its own trigger's parties only (review (a)).
  const shared = s.intercepts.some((x) => x !== it && x.trigger !== undefined && x.task.xid !== it.task.xid);
  const ids: [ImsIdentity[], ImsIdentity[]] = it.sideIds !== undefined ? [it.sideIds[0], it.sideIds[1]] : shared ? [[], []] : s.sideIds;
  const p = a.parties;
  // Without target session ids the target's side is a guess (side 0, triggerTargetSide): the
  // trigger's parties would name the target on the wrong side as often as not (review (b)).
  if (p != null && a.targetSids.length > 0) {
    const own = (list: readonly string[]) => list.map((x) => imsIdentityFromText(ownString(x)));
    if (p.target.length > 0) ids[it.targetSide] = own(p.target);
    if (p.other.length > 0) ids[it.targetSide === 0 ? 1 : 0] = own(p.other);
  }
  // Alone, the task's parties are the session's (its audit names them); `it` reads them there.
  if (shared || it.sideIds !== undefined) it.sideIds = ids;
}

/** The first file-selector of the MSRP media of `sdps` (latin1 text of SDP bodies), as ../correlate/sip-side.ts keeps the first one applied. */
export function fileSelectorOf(sdps: readonly string[], anomalies: AnomalySink): FileSelector | null {
  for (const text of sdps) {
    if (text.length === 0) continue;
    const sd = parseSdp(latin1Bytes(text), anomalies);
    for (const m of sd?.media ?? []) if (m.msrp?.fileSelector != null) return m.msrp.fileSelector;
  }
  return null;
}

/** `s` is (or was) intercepted for the task `xid`. */
export function hasTask(s: Session, xid: string): boolean {
  return s.intercepts.some((it) => it.task.xid === xid) || s.retired.some((it) => it.task.xid === xid);
}
