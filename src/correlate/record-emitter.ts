/**
 * Record emission: the IRI type sequence of each (session, task) pair and the LI records
 * themselves (IRI and CC, src/records). See ./correlator.ts for which events make which record.
 * IRI type: the first record of a (session, task) is `begin`, then `continue`; the release (or,
 * for a session that never got established, the final non-2xx response) is `end`; any record
 * after the end, and every record of a pager-mode exchange, is `report`.
 */
import type { AnomalySink } from '../core/anomaly.js';
import type { Direction } from '../records/direction.js';
import { imsIdentityFromText, type ImsIdentity } from '../records/ims-identity.js';
import type { IriEvent, IriType, RcsMessageType, RcsSessionInfo } from '../records/iri-event.js';
import type { LiRecord } from '../records/li-record.js';
import type { NetworkContext } from '../records/network-context.js';
import { wantsCc, wantsIri } from '../records/task-ref.js';
import type { Side } from './dialog-tracker.js';
import type { MsgMeta } from './message-meta.js';
import type { FinishedInfo, HeldFrame, Intercept, Session, TriggerWindow } from './session.js';

/** The party of a record field that needs one when the session named none. */
export const PLACEHOLDER_PARTY: ImsIdentity = { type: 'sipUri', value: 'sip:anonymous@anonymous.invalid' };

/** A pager-mode message's view for its records: per intercept its direction (null = not that task's), and the parties it names. */
export interface PagerView {
  readonly dirs: readonly (Direction | null)[];
  readonly parties: [ImsIdentity[], ImsIdentity[]];
}

export class RecordEmitter {
  constructor(
    private readonly onRecord: (rec: LiRecord) => void,
    private readonly anomalies: AnomalySink,
    /** rCSMessage content cap (for the anomaly's detail). */
    private readonly maxContent: number,
  ) {}

  nextIriType(it: Intercept): IriType {
    return it.ended ? 'report' : it.iriCount === 0 ? 'begin' : 'continue';
  }

  iri(s: Session, it: Intercept, iriType: IriType, direction: Direction, network: NetworkContext, event: IriEvent): void {
    it.iriCount++;
    s.lastNet = network;
    this.onRecord({ kind: 'iri', task: it.task, network, correlationId: it.correlationId, communicationIdentityNumber: it.cin, direction, iriType, event });
  }

  /** One CC record per task wanting CC: the MSRP request frame's exact bytes. */
  cc(s: Session, f: HeldFrame): void {
    const senderSide = f.senderSid === null ? undefined : s.sideBySid.get(f.senderSid);
    for (const it of s.intercepts) {
      if (!wantsCc(it.task)) continue;
      // Issue 15: a trigger claims only the frames inside its window (never over-collect).
      if (it.trigger !== undefined && !(inWindow(it.trigger, f.network) && namesEndpoint(it.trigger, f.senderSid, f.receiverSid))) continue;
      const direction: Direction = senderSide === undefined || it.trigger?.targetKnown === false ? 'unknown' : senderSide === it.targetSide ? 'fromTarget' : 'toTarget';
      s.lastNet = f.network;
      this.onRecord({
        kind: 'cc',
        task: it.task,
        network: f.network,
        correlationId: it.correlationId,
        communicationIdentityNumber: it.cin,
        direction,
        event: {
          kind: 'msrpRequest',
          bytes: f.bytes,
          method: f.method,
          ...(s.sdpForCc !== null ? { sdp: s.sdpForCc } : {}),
          ...(f.truncated ? { truncated: true } : {}),
        },
      });
    }
  }

  /**
   * @param pager a pager-mode message: directions and parties come from the message itself (./pager-direction.ts).
   * @param only the intercepts to make it for (null: all): a relayed message's record per target's leg (./relay-leg-hold.ts).
   */
  message(s: Session, meta: MsgMeta, info: FinishedInfo, pager: PagerView | null = null, only: ReadonlySet<Intercept> | null = null): void {
    if (info.status === 'complete' && info.contentTruncated) this.anomalies.report('correlate.content_truncated', info.network.frameNo, `cap=${this.maxContent}`);
    const messageType: RcsMessageType =
      meta.imdn !== null || info.effectiveType === 'message/imdn+xml'
        ? 'iMDNNotification'
        : info.isFile
          ? 'fileTransferMessage'
          : info.effectiveType === 'application/vnd.gsma.rcspushlocation+xml'
            ? 'geoLocationPUSHMessage'
            : 'messageWithUserContent';
    const sender = meta.senderSide;
    for (let i = 0; i < s.intercepts.length; i++) {
      const it = s.intercepts[i]!;
      if (!wantsIri(it.task) || (only !== null && !only.has(it))) continue;
      // Issue 15: behind a packet broker the legs of a relayed session (RFC 4976) may be on
      // different taps, each seeing every message: of the taps a trigger reached, only those that
      // see the target's own leg make rCSMessage records, so the cluster makes them once. A tap
      // seeing that leg also assembles what it sees of the other legs as one tap does. Without a
      // relay every leg is the target's: nothing changes. The rule is in docs/scaling-out.md.
      if (it.trigger !== undefined && !s.partyLeg[it.targetSide]) continue;
      const network = pager === null ? targetLegNetwork(info, sender, it.targetSide, this.anomalies) : info.network;
      if (it.trigger !== undefined && !(inWindow(it.trigger, network) && namesEndpoint(it.trigger, info.sids?.[0], info.sids?.[1]))) continue;
      const dir: Direction | null = pager !== null ? pager.dirs[i]! : sender === it.targetSide ? 'fromTarget' : 'toTarget';
      if (dir === null) continue;
      const senderSide: Side = sender ?? (it.targetSide === 0 ? 1 : 0);
      const receiverSide: Side = senderSide === 0 ? 1 : 0;
      const ids = it.sideIds ?? s.sideIds;
      const senderIds = pager !== null ? pager.parties[0] : ids[senderSide];
      const receiverIds = pager !== null ? pager.parties[1] : ids[receiverSide];
      const originating = info.cpimFrom !== null && /^(sips?|tel):/i.test(info.cpimFrom) ? [imsIdentityFromText(info.cpimFrom)] : senderIds;
      const toIds = info.cpimTo.filter((x) => /^(sips?|tel):/i.test(x)).map(imsIdentityFromText);
      const terminating = toIds.length > 0 ? toIds : receiverIds;
      const targetSideIds = pager !== null ? (dir === 'fromTarget' ? senderIds : receiverIds) : ids[it.targetSide];
      const targetIdentities = targetSideIds.length > 0 ? targetSideIds : [imsIdentityFromText(it.task.matchedTargetId)];
      const sel = info.isFile ? s.fileSelector : null;
      this.iri(s, it, s.pager ? 'report' : this.nextIriType(it), dir, network, {
        kind: 'rCSMessage',
        targetIdentities,
        originating: originating.length > 0 ? originating : [PLACEHOLDER_PARTY],
        terminating: terminating.length > 0 ? terminating : [PLACEHOLDER_PARTY],
        messageType,
        ...(s.conversationId !== null ? { conversationId: s.conversationId } : {}),
        ...(s.contributionId !== null ? { contributionId: s.contributionId } : {}),
        ...(info.imdnMessageId !== null ? { imdnMessageId: info.imdnMessageId } : {}),
        msrpMessageId: info.msrpMessageId,
        contentType: info.contentType,
        content: info.content,
        ...(sel !== null ? { file: { ...(sel.name !== null ? { name: sel.name } : {}), ...(sel.size !== null ? { size: sel.size } : {}), ...(sel.type !== null ? { contentType: sel.type } : {}) } } : {}),
        ...(info.status !== 'complete' ? { messageStatus: info.status } : {}),
        ...(info.contentTruncated ? { contentTruncated: true } : {}),
      });
    }
  }
}

/**
 * A relayed message's record comes from the copy on the target's own leg (RFC 4976; TS 33.128
 * clause 7.13.3: the target sends or receives it), as a cluster's (docs/scaling-out.md):
 * ./relay-leg-hold.ts learns it. When that copy was not seen, the leg that closed the message
 * (reported: the record's time and addresses are another leg's).
 */
function targetLegNetwork(info: FinishedInfo, sender: Side | null, targetSide: Side, anomalies: AnomalySink): NetworkContext {
  const legs = info.legs;
  if (legs === undefined || sender === null) return info.network;
  const n = legs[sender === targetSide ? 0 : 1];
  if (n !== null) return n;
  anomalies.report('correlate.relay_target_leg_unseen', info.network.frameNo);
  return info.network;
}

/** The record's capture time is inside the trigger's window, less the clock skew tolerated at its start (issue 15, ./trigger-claims.ts). */
export function inWindow(w: TriggerWindow, at: NetworkContext): boolean {
  const t = at.tsSec + at.tsNsec / 1e9;
  return t >= w.start - w.skew && t <= w.end;
}

/**
 * One of the endpoint session-ids is the trigger's: a session without SIP may also hold frames
 * of a stranger whose endpoint pair shares one id with it (./uncorrelated-sessions.ts keys by
 * either), and a trigger claims only the frames naming its session ids (issue 15).
 */
function namesEndpoint(w: TriggerWindow, sender: string | null | undefined, receiver: string | null | undefined): boolean {
  return (receiver != null && w.sids.includes(receiver)) || (sender != null && w.sids.includes(sender));
}

/** The target's identities of one task's view of the session (its matched identifier when the session named none). */
export function targetIds(s: Session, it: Intercept): readonly ImsIdentity[] {
  const ids = it.sideIds ?? s.sideIds;
  return ids[it.targetSide].length > 0 ? ids[it.targetSide] : [imsIdentityFromText(it.task.matchedTargetId)];
}

/**
 * The session fields rCSSessionEstablishment and rCSSessionRelease share (33.128 RCSSessionInfo
 * as modelled in src/records/iri-event.ts), for one task's view of the session.
 */
export function rcsSessionInfo(s: Session, it: Intercept): RcsSessionInfo {
  return {
    targetIdentities: targetIds(s, it),
    originating: (it.sideIds ?? s.sideIds)[0].length > 0 ? (it.sideIds ?? s.sideIds)[0] : [PLACEHOLDER_PARTY],
    terminating: (it.sideIds ?? s.sideIds)[1].length > 0 ? (it.sideIds ?? s.sideIds)[1] : [PLACEHOLDER_PARTY],
    ...(s.conversationId !== null ? { conversationId: s.conversationId } : {}),
    ...(s.contributionId !== null ? { contributionId: s.contributionId } : {}),
    sessionType: s.largeMessage ? 'largeMessageStandalone' : 'oneTo1Chat',
    sessionDirection: it.targetSide === 0 ? 'fromTarget' : 'toTarget',
    sessionLeg: 'localLeg',
  };
}
