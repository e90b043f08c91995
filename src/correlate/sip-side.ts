/**
 * The SIP side of the correlator: dialogs (./dialog-tracker.ts), the interception decision at the
 * creating request (./target-matcher.ts), the SDP's MSRP bindings, the iMSMessage records,
 * establishment, pager-mode bodies (./pager-messages.ts) and the end of a dialog; the tasks of a
 * creating request seen again are ./creating-request-intercepts.ts's. See the rules in
 * ./correlator.ts.
 */
import type { SipMessage } from '../protocols/sip/index.js';
import type { ImsIdentity } from '../records/ims-identity.js';
import type { IriType, SipMessageRef } from '../records/iri-event.js';
import type { NetworkContext } from '../records/network-context.js';
import { wantsIri } from '../records/task-ref.js';
import type { PacketRef } from '../analyzers/app-event-sink.js';
import { addIdentity, addRequestParties } from './add-identity.js';
import { captureTime, type CorrelatorContext } from './correlator-context.js';
import { CreatingRequestIntercepts, takeCreatingRequest } from './creating-request-intercepts.js';
import { hopKey, type Dialog, type DialogCloseReason, type DialogTracker, type SipObservation } from './dialog-tracker.js';
import { noteTransport } from './message-meta.js';
import type { MsrpSessionIndex } from './msrp-session-index.js';
import { pagerDirection } from './pager-direction.js';
import type { PagerMessages } from './pager-messages.js';
import { partySdpOf, type PartySdp } from './party-sdp.js';
import { rcsSessionInfo, type RecordEmitter } from './record-emitter.js';
import { SeenSipHop } from './seen-sip-hop.js';
import type { SessionAudit } from './session-audit.js';
import type { SessionIdTombstones } from './session-id-tombstones.js';
import { SessionRelease } from './session-release.js';
import type { SessionTable } from './session-table.js';
import type { Session } from './session.js';
import type { TaskMatch } from './target-matcher.js';
import type { TriggerPublisher } from './trigger-publisher.js';

export class SipSide {
  constructor(
    private readonly ctx: CorrelatorContext,
    private readonly tracker: DialogTracker<Session>,
    private readonly index: MsrpSessionIndex<Session>,
    private readonly tombstones: SessionIdTombstones,
    private readonly table: SessionTable,
    private readonly audit: SessionAudit,
    private readonly emit: RecordEmitter,
    private readonly release: SessionRelease,
    private readonly pager: PagerMessages,
    /** Issue 15: publishes the LI_T3 triggers of target sessions (null without a trigger sink). */
    private readonly triggers: TriggerPublisher | null = null,
  ) {
    this.creating = new CreatingRequestIntercepts(ctx, table, audit, release);
  }

  /** Tasks named by the creating request seen again: on another hop, or as a retry. */
  private readonly creating: CreatingRequestIntercepts;

  /** A whole SIP message (the clock has been advanced to its time). */
  sip(msg: SipMessage, where: PacketRef, now: number): void {
    const anomalies = this.ctx.anomalies;
    if (msg.callId === null || msg.cseq === null) {
      anomalies.report('correlate.sip_no_call_id', where.frameNo);
      return;
    }
    let d = this.tracker.find(msg);
    /** This request replaces a finished dialog of the same id (see newDialogSession). */
    let reused = false;
    if (d?.isSupersededBy(msg)) {
      reused = true;
      this.tracker.close(d, 'ended');
      d = undefined;
    } else if (d?.session != null && d.isForeignInvite(msg)) {
      const foreign = this.foreignInvite(d, d.session, msg, where, now);
      if (foreign === 'ignore') return;
      if (foreign === 'replace') {
        reused = true;
        d = undefined;
      }
    }
    if (d?.lacksRemoteTag(msg)) {
      // Not a message of the dialog (RFC 3261 12.2.1.1, 12.2.2: its UA answers 481): it neither
      // ends nor changes it, nor reaches its records (./dialog-tracker.ts says why).
      anomalies.report('correlate.sip_in_dialog_without_tag', where.frameNo);
      return;
    }
    /** Intercepts this message started on an existing dialog (see CreatingRequestIntercepts.late). */
    let late = 0;
    /** Parsed once, lazily (see sdpOf); undefined until then. */
    let sdp: PartySdp | null | undefined;
    if (d === undefined) {
      if (!msg.isRequest) return; // a response to nothing we track (most are non-target calls)
      const method = msg.method!;
      const hasToTag = msg.to?.tag !== null && msg.to?.tag !== undefined;
      let matches: TaskMatch[];
      let kind: 'invite' | 'message';
      if ((method === 'INVITE' || method === 'MESSAGE') && !hasToTag) {
        kind = method === 'INVITE' ? 'invite' : 'message';
        matches = this.ctx.matcher.matchSipRequest(msg, now);
        let track = matches.length > 0;
        if (!track && kind === 'invite') {
          sdp = this.sdpOf(msg, undefined);
          track = (sdp?.msrp.length ?? 0) > 0;
        }
        if (!track) track = this.ctx.includeNonTargets && kind === 'message';
        if (!track) return;
        d = this.tracker.create(msg, kind, false, where.tsSec, where.tsNsec);
      } else if (hasToTag && method !== 'ACK' && method !== 'CANCEL') {
        // The capture missed the dialog's start: only a target's dialog is worth following.
        matches = this.ctx.matcher.matchSipRequest(msg, now);
        if (matches.length === 0) return;
        // The table holds one dialog per Call-ID and From tag (./dialog-key.ts): this request's
        // remote tag is none that dialog showed (RFC 3261 12.2.2: its UA answers 481), so it must
        // not take the dialog's place, which orphaned a target's session (no release, and a
        // second `begin` under its correlation id). A non-target's dialog ends quietly first.
        const held = this.tracker.keyedBy(msg);
        if (held?.session?.mode === 'intercept') {
          anomalies.report('correlate.sip_in_dialog_unknown_tag', where.frameNo);
          return;
        }
        if (held !== undefined) {
          this.tombstones.addEvicted(held.endpointSids, now + this.tracker.idleTimeout);
          this.tracker.close(held, 'ended');
        }
        kind = 'invite';
        d = this.tracker.create(msg, kind, true, where.tsSec, where.tsNsec);
      } else return;
      this.newDialogSession(d, msg, matches, where, reused);
    } else if (d.session !== null) {
      // Asked before observe(), which restarts the creating transaction (./dialog-tracker.ts).
      if (d.isCreatingRetry(msg)) late = this.creating.retry(d.session, msg, where, now);
      else if (d.isCreatingRequest(msg)) late = this.creating.late(d.session, msg, where, now);
    }
    if (sdp === undefined) sdp = this.sdpOf(msg, d);
    const obs = this.tracker.observe(d, msg, sdp, hopKey(where.srcAddr, where.srcPort, where.dstAddr, where.dstPort), now);
    if (obs.retransmission) {
      anomalies.report('correlate.sip_retransmission', where.frameNo);
      return;
    }
    const s = d.session!;
    this.observed(s, obs, msg, where, now, late);
    if (s.mode === 'ignore') {
      if (d.closeAt !== null) this.endQuietly(d, d.closeAt);
      // BYE sent: the tracker would keep the dialog until the BYE's linger even without a 2xx.
      else if (d.state === 'terminating' && d.byeAt !== null) this.endQuietly(d, d.byeAt + this.tracker.linger);
    }
  }

  /**
   * The SDP of `msg` for dialog `d` (undefined before there is one), parsed at most once per
   * message by sip(): a method, not a closure made per message (issue 13). The SDP bytes are
   * copied only for a target's session.
   */
  private sdpOf(msg: SipMessage, d: Dialog<Session> | undefined): PartySdp | null {
    return msg.body.length > 0 ? partySdpOf(msg, this.ctx.anomalies, d?.session?.mode === 'intercept') : null;
  }

  /**
   * A non-target dialog has ended (BYE, or the INVITE failed): nothing of it can become
   * a record any more (a task reload only starts early or confirmed dialogs), so it leaves the
   * table now and only its endpoint session-ids linger, as tombstones, until `until`
   * (./session-id-tombstones.ts says why).
   */
  private endQuietly(d: Dialog<Session>, until: number): void {
    this.tombstones.add(d.endpointSids, until);
    this.tracker.close(d, 'ended');
  }

  /**
   * @param reused the request reuses the dialog id of a finished dialog the tap still tracked
   *   (Dialog.isSupersededBy): the creating CSeq number joins the session's name, so its
   *   correlation ids differ from the finished session's (its CIN is a new one anyway). An X2/X3
   *   consumer groups records by correlation id (TS 103 221-2 header octets 32..39, one per
   *   session and task: ./correlation-id.ts) and has seen that session end (`end`, or its
   *   release): a new dialog is a new communication (RFC 3261 12.1), whose `begin` under the old
   *   id would read as the ended session starting again. Without a
   *   tracked predecessor the name stays the dialog id, as before, so existing outputs keep
   *   their ids; the CSeq is what tells the two dialogs apart on the wire (8.1.1.5: a new
   *   request of the UA gets a new CSeq number; the same number is the creating request again).
   */
  /**
   * An INVITE without To tag reusing a live dialog's id with another CSeq (Dialog.isForeignInvite).
   * The tap keys dialogs by that id, so it cannot follow both; which one it keeps decides whose
   * content reaches whose records:
   * - it names a task of the live session (a B2BUA's second hop, or the target's UA calling again
   *   with the same id): taken as the dialog's, as before (the target's own communication);
   * - the live session is a non-target's and it names a task: the new request wins, so the target
   *   is not missed; the old dialog ends quietly and its session-ids stay known as a non-target's
   *   for as long as it could have stayed idle (tombstones), so its MSRP reaches no record;
   * - otherwise it is not the live session's: taken as its request, its offer would bind a
   *   stranger's MSRP to a target's session (`report` content of another party, the over-collection
   *   this prevents). It is ignored and reported (`correlate.sip_dialog_id_reused`; it may hide a
   *   target: a request naming another task than the live session's is not followed either, so a
   *   crafted INVITE cannot end a target's interception).
   */
  private foreignInvite(d: Dialog<Session>, s: Session, msg: SipMessage, where: PacketRef, now: number): 'same' | 'replace' | 'ignore' {
    const matches = this.ctx.matcher.empty ? [] : this.ctx.matcher.matchSipRequest(msg, now);
    if (matches.some((m) => s.intercepts.some((it) => it.task.xid === m.task.xid))) return 'same';
    if (s.mode !== 'intercept' && matches.length > 0) {
      this.tombstones.addEvicted(d.endpointSids, now + this.tracker.idleTimeout);
      this.tracker.close(d, 'ended');
      return 'replace';
    }
    if (s.mode !== 'intercept' && s.intercepts.length === 0 && s.retired.length === 0) return 'same';
    this.ctx.anomalies.report('correlate.sip_dialog_id_reused', where.frameNo);
    return 'ignore';
  }

  private newDialogSession(d: Dialog<Session>, msg: SipMessage, matches: TaskMatch[], where: PacketRef, reused: boolean): void {
    // The caller's tag is part of the name: two legs of a B2BUA keeping the Call-ID are two
    // sessions with their own correlation ids (./dialog-key.ts).
    const name = d.callerTag === null ? `sip:${d.callId}` : `sip:${d.callId};tag=${d.callerTag}`;
    const s = this.table.create(() => `d${d.uid}`, reused ? `${name};cseq=${d.initialCseq}` : name, d, d.sideBySid);
    d.session = s;
    s.lastActive = captureTime(where.tsSec, where.tsNsec);
    takeCreatingRequest(s, msg, !d.midDialog);
    if (matches.length > 0) {
      s.mode = 'intercept';
      for (const m of matches) s.intercepts.push(this.table.makeIntercept(s, m, m.role === 'terminating' ? 1 : 0));
    } else s.mode = this.ctx.includeNonTargets ? 'meta' : 'ignore';
    if (s.mode !== 'ignore') {
      s.audit = this.audit.newAudit(d.callId, where.tsSec, where.tsNsec);
      this.audit.list(s);
    }
  }

  /** @param late intercepts this message started (the last ones of `s.intercepts`, see CreatingRequestIntercepts.late). */
  private observed(s: Session, obs: SipObservation<Session>, msg: SipMessage, where: PacketRef, now: number, late: number): void {
    const d = obs.dialog;
    s.lastActive = now;
    if (s.audit !== null && !s.audit.endFixed) this.audit.end(s.audit, where.tsSec, where.tsNsec);
    if (s.audit !== null) {
      this.audit.ladderSip(s.audit, msg, where);
      noteTransport(s.audit, 'sip', where.ipProto, where.transport, where.tls);
    }
    if (!obs.repeat) {
      if (!msg.isRequest && msg.statusCode >= 180) for (const na of msg.pAssertedIdentity) addIdentity(s.sideIds, obs.sender, na.uriText);
      if (obs.sdp !== null && obs.sdp.msrp.length > 0) this.applySdp(s, d, obs.sdp, msg.frameNo);
      if (obs.released === 'complete' && s.audit !== null) {
        this.audit.end(s.audit, where.tsSec, where.tsNsec);
        s.audit.endFixed = true;
      }
    }
    if (s.mode !== 'intercept') s.lastSeenSip = SeenSipHop.of(where);
    if (s.mode === 'ignore') return;
    // A session we want names these endpoints: no bypass of their connections (./msrp-bypass.ts).
    this.ctx.bypass.claim(s, s.boundEndpoints);

    // A pager body is a message once (its first observation), and for tasks it started on another hop.
    const pagerBody = msg.isRequest && msg.method === 'MESSAGE' && (!obs.repeat || late > 0) && msg.body.length > 0;
    const meta = pagerBody ? this.pager.meta(s, obs, msg, where, !obs.repeat) : null;
    if (s.mode !== 'intercept') return;

    const network = sipNetwork(where);
    const sipRef: SipMessageRef = { raw: msg.raw.slice(), srcAddr: network.srcAddr, dstAddr: network.dstAddr };
    const rel = SessionRelease.of(s);
    rel.lastSip = { ref: sipRef, network };
    if (msg.isRequest && msg.method === 'BYE' && rel.byeSip === null) {
      rel.byeSip = { ref: sipRef, network };
      rel.byeSide = obs.sender;
    }
    const failedEnd = obs.failed && !d.established;
    // Pager mode: each message's direction is its own (./pager-direction.ts); null = not the target's.
    const pagerDirs = s.pager ? s.intercepts.map((it) => pagerDirection(msg, (ids) => this.ctx.matcher.namesTask(it.task.xid, ids))) : null;
    const firstLate = s.intercepts.length - late;
    for (let i = 0; i < s.intercepts.length; i++) {
      const it = s.intercepts[i]!;
      if (!wantsIri(it.task)) continue;
      const dir = pagerDirs !== null ? pagerDirs[i]! : obs.sender === it.targetSide ? 'fromTarget' : 'toTarget';
      if (dir === null) continue;
      const iriType: IriType = s.pager ? 'report' : it.ended ? 'report' : failedEnd ? 'end' : this.emit.nextIriType(it);
      this.emit.iri(s, it, iriType, dir, network, { kind: 'iMSMessage', sip: sipRef });
      if (failedEnd) it.ended = true;
    }
    if (obs.established) this.established(s, d, sipRef, network);
    // An offer/answer completed: at the establishment, or the answer (a response, or an ACK's
    // late answer) of a later offer such as a re-INVITE changing the path (issue 15).
    if (this.triggers !== null && d.established && obs.sdp !== null && (obs.established || !msg.isRequest || msg.method === 'ACK')) {
      this.triggers.offerAnswer(s, d, { sec: where.tsSec, nsec: where.tsNsec });
    }
    if (meta !== null && pagerDirs !== null) {
      // On a repeat, only the tasks started by this observation get the message.
      const dirs = obs.repeat ? pagerDirs.map((x, i) => (i >= firstLate ? x : null)) : pagerDirs;
      const parties: [ImsIdentity[], ImsIdentity[]] = [[], []];
      addRequestParties(parties, msg, true);
      this.pager.emitRecords(s, meta, msg, network, { dirs, parties });
    }
    if (obs.released === 'complete') {
      rel.result = 'legRemovalComplete';
      rel.pendingSince = now;
      this.release.maybeRelease(s);
    }
  }

  /** A new SDP of a dialog: bind its MSRP session-ids and addresses, note TLS and file transfer. */
  private applySdp(s: Session, d: Dialog<Session>, sdp: PartySdp, frameNo: number | undefined): void {
    const sids: string[] = [];
    const eps: string[] = [];
    for (const m of sdp.msrp) {
      for (const sid of m.sessionIds) if (!s.boundSids.includes(sid)) sids.push(sid);
      for (const e of m.endpoints) if (!s.boundEndpoints.includes(e)) eps.push(e);
      if (s.fileSelector === null && m.fileSelector !== null) s.fileSelector = m.fileSelector;
    }
    this.index.bindSessionIds(s, sids, frameNo);
    this.index.bindEndpoints(s, eps);
    if (sids.length > 0) s.boundSids = s.boundSids.concat(sids);
    if (eps.length > 0) s.boundEndpoints = s.boundEndpoints.concat(eps);
    if (s.mode === 'intercept' && sdp.raw !== null) s.sdpForCc = sdp.raw;
    if (s.audit !== null) for (const sid of d.endpointSids) if (!s.audit.sids.includes(sid)) s.audit.sids.push(sid);
  }

  private established(s: Session, d: Dialog<Session>, sipRef: SipMessageRef, network: NetworkContext): void {
    // With a key log the TLS media may be decrypted: whether its content was seen is decided at the release (./session-release.ts).
    const tls = !this.ctx.tlsDecryption && d.sdp.some((p) => p?.msrp.some((m) => m.tls) === true);
    for (const it of s.intercepts) {
      if (!wantsIri(it.task)) continue;
      const path = d.sdp[it.targetSide]?.msrp[0]?.pathText;
      this.emit.iri(s, it, this.emit.nextIriType(it), it.targetSide === 0 ? 'fromTarget' : 'toTarget', network, {
        kind: 'rCSSessionEstablishment',
        ...rcsSessionInfo(s, it),
        sip: sipRef,
        result: 'newLegEstablished',
        ...(path !== undefined ? { msrpPath: path } : {}),
      });
      if (tls && it.task.deliveryType === 'X2andX3') {
        this.emit.iri(s, it, this.emit.nextIriType(it), 'notApplicable', network, {
          kind: 'iMSCCUnavailable',
          reason: 'MSRP over TLS (TCP/TLS/MSRP or msrps:): content not observable',
          ...(s.sdpForCc !== null ? { sdp: s.sdpForCc } : {}),
        });
      }
    }
    if (tls && !s.tlsReported) {
      s.tlsReported = true;
      if (s.audit !== null) s.audit.ccUnavailable = 'tls';
      this.ctx.anomalies.report('correlate.cc_unavailable_tls', network.frameNo);
    }
  }

  /** The dialog tracker closed a dialog (ended, timed out, evicted, end of input). */
  dialogClosed(d: Dialog<Session>, reason: DialogCloseReason): void {
    const s = d.session;
    if (s === null) return;
    // An evicted non-target dialog has not ended: its MSRP frames must still be known as a
    // non-target's (./session-id-tombstones.ts), for as long as the dialog could have stayed idle.
    if (reason === 'evicted' && s.mode !== 'intercept') this.tombstones.addEvicted(d.endpointSids, this.ctx.now + this.tracker.idleTimeout);
    if (s.mode === 'intercept' && d.established) {
      if (s.release !== null && (reason !== 'ended' || d.state !== 'terminated')) s.release.result = d.state === 'terminated' ? 'legRemovalComplete' : 'legRemovalRequest';
      this.release.cancel(s);
      this.release.emitRelease(s);
    }
    if (this.triggers !== null) {
      // The instant this tap stops binding the session's frames (./trigger-publisher.ts).
      const sec = Math.floor(this.ctx.now);
      this.triggers.released(s, { sec, nsec: Math.round((this.ctx.now - sec) * 1e9) % 1e9 });
    }
    this.index.unbind(s, s.boundSids, s.boundEndpoints);
    this.table.close(s);
  }
}

function sipNetwork(where: PacketRef): NetworkContext {
  return {
    srcAddr: where.srcAddr.slice(),
    dstAddr: where.dstAddr.slice(),
    srcPort: where.srcPort,
    dstPort: where.dstPort,
    ipProto: where.ipProto,
    tsSec: where.tsSec,
    tsNsec: where.tsNsec,
    frameNo: where.frameNo,
  };
}
