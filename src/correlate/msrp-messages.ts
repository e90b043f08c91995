/**
 * MSRP messages of the sessions: opened at their first SEND chunk, fed in order by the
 * assembler (`onData`: hashes, CPIM, content kept for the record), closed by it (complete,
 * aborted or incomplete). A session without SIP becomes a target's when a CPIM From/To names
 * one (RFC 3862): what it held goes out then. A closed message becomes an rCSMessage for each
 * task (./record-emitter.ts), or is held for a session whose target is not known yet.
 */
import type { MsrpFrameHead, MsrpMessage, MsrpMessageRef } from '../protocols/msrp/index.js';
import type { NetworkContext } from '../records/network-context.js';
import { wantsIri } from '../records/task-ref.js';
import type { MsrpStreamRef } from '../analyzers/app-event-sink.js';
import type { CorrelatorContext } from './correlator-context.js';
import { CpimDeferral, cpimTargetSide, type CpimDeferred } from './cpim-deferral.js';
import type { HeldBudget } from './held-budget.js';
import { closeMessageMeta, fileMetaOf, hasUserContent, msrpMessageMeta } from './message-audit.js';
import { MessageTracker, mediaTypeOf } from './message-tracker.js';
import type { RecordEmitter } from './record-emitter.js';
import { legsOf, RelayLegHold, solePaths } from './relay-leg-hold.js';
import type { SessionAudit } from './session-audit.js';
import type { SessionRelease } from './session-release.js';
import type { SessionTable } from './session-table.js';
import type { FinishedInfo, OpenMessage, Session } from './session.js';
import { addCpimParties } from './trigger-shadows.js';

export class MsrpMessages {
  constructor(
    private readonly ctx: CorrelatorContext,
    private readonly table: SessionTable,
    private readonly audit: SessionAudit,
    private readonly emit: RecordEmitter,
    private readonly held: HeldBudget,
    private readonly release: SessionRelease,
  ) {
    this.deferral = new CpimDeferral(ctx, (s, d) => this.identify(s, d));
    this.relay = new RelayLegHold(
      ctx,
      (s, meta, info, only) => emit.message(s, meta, info, null, only),
      (s) => {
        s.openMessages--;
        this.afterClose(s);
      },
    );
  }

  /** A relayed message's rCSMessage waiting for the copy on the target's own leg (./relay-leg-hold.ts). */
  readonly relay: RelayLegHold;

  /** Issue 15: CPIM identifications waiting for a trigger. */
  readonly deferral: CpimDeferral;

  /** The message `mid` of `s` begins (its first SEND chunk). */
  open(s: Session, head: MsrpFrameHead, mid: string, senderSid: string | null, receiverSid: string | null, stream: MsrpStreamRef): OpenMessage {
    const contentCap = s.mode === 'intercept' && s.intercepts.some((it) => wantsIri(it.task)) ? this.ctx.maxContent : s.mode === 'pending' ? this.ctx.maxHeldPerSession : 0;
    const mediaType = mediaTypeOf(head.headers.contentType);
    const tracker = new MessageTracker(mid, mediaType, { sha1: s.fileSelector !== null, contentCap });
    const meta = msrpMessageMeta(head, mid, mediaType, senderSid === null ? null : (s.sideBySid.get(senderSid) ?? null));
    if (meta.senderSide === null && receiverSid !== null) {
      const r = s.sideBySid.get(receiverSid);
      if (r !== undefined) meta.senderSide = r === 0 ? 1 : 0;
    }
    const sole = solePaths(head);
    const om: OpenMessage = { tracker, meta, senderSid, receiverSid, cpimChecked: false, stream, copySole: sole, soleParty: sole };
    notePartyLeg(s, om);
    s.open.set(mid, om);
    s.openMessages++;
    this.audit.message(s, meta);
    return om;
  }

  /** In-order body bytes of a message (the assembler's onData). */
  data(ref: MsrpMessageRef, piece: Uint8Array): void {
    const s = this.table.get(ref.session);
    const om = s?.open.get(ref.messageId);
    if (s === undefined || om === undefined) return;
    om.tracker.write(piece);
    if (s.mode === 'pending' && !om.cpimChecked && om.tracker.cpim !== null && (om.tracker.cpim.cpim !== null || om.tracker.cpim.failed)) {
      om.cpimChecked = true;
      const c = om.tracker.cpim.cpim;
      if (c === null) return;
      addCpimParties(
        s.sideIds,
        om.meta.senderSide,
        c.from?.uri ?? null,
        c.to.map((x) => x.uri),
      );
      // Issue 15: a local non-target dialog's MSRP, offered to the triggers only (./trigger-shadows.ts).
      if (s.triggerOnly) return;
      const matches = this.ctx.matcher.matchCpim(
        c.from?.uri ?? null,
        c.to.map((x) => x.uri),
        this.ctx.now,
      );
      if (matches.length === 0) return;
      // Issue 15: with a bus, a trigger naming this session may still come (./cpim-deferral.ts).
      if (this.deferral.active) this.deferral.defer(s, om.meta.senderSide, om.meta.firstFrame, matches);
      else this.identify(s, { matches, senderSide: om.meta.senderSide, firstFrame: om.meta.firstFrame, at: this.ctx.now });
    }
  }

  /** An uncorrelated session named a target in CPIM: it becomes intercepted; held bytes go out. */
  identify(s: Session, d: CpimDeferred): void {
    s.mode = 'intercept';
    for (const m of d.matches) s.intercepts.push(this.table.makeIntercept(s, m, cpimTargetSide(m, d.senderSide)));
    const wantContent = s.intercepts.some((it) => wantsIri(it.task));
    for (const o of s.open.values()) {
      if (wantContent) o.tracker.raiseContentCap(this.ctx.maxContent);
      else o.tracker.dropContent();
    }
    this.audit.list(s);
    const held = this.held.takeForTarget(s, this.audit, d.firstFrame);
    for (const f of held.frames) this.emit.cc(s, f);
    for (const h of held.messages) this.emit.message(s, h.meta, h.info);
  }

  /** A message closed in the assembler. */
  closed(m: MsrpMessage): void {
    const s = this.table.get(m.session);
    const om = s?.open.get(m.messageId);
    if (s === undefined || om === undefined) return;
    s.open.delete(m.messageId);
    s.openMessages--;
    // The sides may have been learnt since its first chunk (./msrp-binding.ts).
    notePartyLeg(s, om);
    const tr = om.tracker;
    const meta = om.meta;
    const status = m.status;
    const c = closeMessageMeta(meta, m, tr, this.ctx.auditDetails, this.ctx.anomalies);
    const userContent = hasUserContent(meta, c.effective);
    const isFile = s.fileSelector !== null && userContent;
    if (isFile && s.audit !== null) this.audit.file(s.audit, () => fileMetaOf(s.fileSelector!, meta, tr, c));
    if (s.mode !== 'intercept' && s.mode !== 'pending') {
      tr.dropContent();
    } else if (meta.size > 0 || m.contentType !== null) {
      const st = om.stream;
      const network: NetworkContext = { srcAddr: st.srcAddr, dstAddr: st.dstAddr, srcPort: st.srcPort, dstPort: st.dstPort, ipProto: 6, tsSec: m.lastTsSec, tsNsec: m.lastTsNsec, frameNo: m.lastFrameNo };
      const legs = legsOf(om.copySole, network);
      const info: FinishedInfo = {
        msrpMessageId: m.messageId,
        contentType: m.contentType ?? 'application/octet-stream',
        content: tr.takeContent(),
        contentTruncated: tr.contentTruncated,
        status,
        cpimFrom: c.cpim?.from?.uri ?? null,
        cpimTo: c.cpim?.to.map((x) => x.uri) ?? [],
        imdnMessageId: c.cpim?.imdn.messageId ?? null,
        effectiveType: c.effective,
        isFile,
        userContent,
        sids: [om.senderSid, om.receiverSid],
        network,
        ...(legs !== undefined ? { legs } : {}),
      };
      // A relayed message waiting for its target's leg stays counted as open: the release waits for its record.
      if (s.mode === 'intercept') {
        if (this.relay.closed(s, m.messageId, meta, info)) s.openMessages++;
      } else {
        this.held.holdMessage(s, meta, info);
        this.relay.held(s, m.messageId, meta, info);
      }
    }
    this.afterClose(s);
  }

  private afterClose(s: Session): void {
    if (s.closed && s.openMessages === 0) this.table.leave(s);
    this.release.maybeRelease(s);
  }
}

/**
 * Issue 15: which parties' own legs this tap sees (./record-emitter.ts, triggered rCSMessage):
 * the sender's when the From-Path names it alone, the receiver's when the To-Path does.
 */
function notePartyLeg(s: Session, om: OpenMessage): void {
  let sender = om.meta.senderSide ?? (om.senderSid === null ? undefined : s.sideBySid.get(om.senderSid));
  if (sender === undefined && om.receiverSid !== null) {
    const r = s.sideBySid.get(om.receiverSid);
    if (r !== undefined) sender = r === 0 ? 1 : 0;
  }
  if (sender === undefined || sender === null) return;
  if (om.soleParty[0]) s.partyLeg[sender] = true;
  if (om.soleParty[1]) s.partyLeg[sender === 0 ? 1 : 0] = true;
}
