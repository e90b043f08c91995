/**
 * The correlation engine: from SIP messages and MSRP frames (the analyzers' {@link AppEventSink}
 * events) to "target X exchanged these MSRP messages in this SIP session", as LI records
 * (src/records) and as the audit reconstruction (./audit-report.ts).
 *
 * ```
 *  sip() ──► DialogTracker (Call-ID, tags, CSeq, repeats) ──► target match at the creating request
 *               │ SDP a=path / c= / file-selector                 │ tasks (one Intercept each)
 *               ▼                                                 ▼
 *  frame ──► MsrpSessionIndex (session-id, CEMA address, txn) ──► Session ──► IRI / CC records
 *               │ no SIP: uncorrelated session by endpoint session-ids; target from CPIM From/To
 *               ▼
 *            MsrpMessageAssembler (key = session, so relay legs merge) ──onData──► MessageTracker
 *                                                                        (hashes, CPIM, content)
 * ```
 *
 * Rules chosen (see also the file comments of the helpers):
 * - Interception is decided when a session starts: at the creating SIP request (INVITE or
 *   MESSAGE without To tag; or the first in-dialog request when the capture missed the start),
 *   against From, P-Asserted-Identity, P-Preferred-Identity, Authorization username, To and
 *   Request-URI (./target-matcher.ts), and the task's time window at that capture time. Later
 *   messages of the dialog follow the decision, except the creating request seen again on
 *   another hop, which may start tasks naming its (rewritten) parties. Several tasks may match:
 *   each gets its own records (own correlation id, CIN and direction), never shared, and the
 *   same records as if it were the only task provisioned.
 * - Dialogs are keyed by Call-ID and the caller's tag (RFC 3261 section 12; ./dialog-key.ts): the
 *   two legs of a B2BUA that keeps the Call-ID are two sessions.
 * - Non-target sessions: their dialog is tracked only to bind and DROP its MSRP frames (no
 *   bytes kept, no reassembly, no record). A non-target INVITE without MSRP media is not
 *   tracked at all. With `includeNonTargets` (lab use) they are reassembled for the audit
 *   (metadata only, still no record). When the dialog table is full, the oldest non-target
 *   dialog is evicted, never a target's while another is left (./dialog-tracker.ts), and its
 *   endpoint session-ids stay tombstones for the idle timeout, so its MSRP is still dropped.
 * - IRI: iMSMessage for every SIP message of a target dialog (each observation on a distinct
 *   hop; retransmissions on the same hop are not re-emitted); rCSSessionEstablishment when the
 *   session is confirmed with MSRP media on both sides; iMSCCUnavailable when the media is TLS
 *   (at establishment) or when no MSRP frame was seen by the release; rCSSessionRelease when
 *   the 2xx to BYE is seen (held up to `releaseHoldSec` while messages of the session are still
 *   being reassembled), or when the dialog times out, is evicted or the input ends; rCSMessage
 *   for every reassembled message (complete, aborted or incomplete, the latter two flagged in
 *   `messageStatus`; empty bodies are skipped), and for the body of a pager-mode MESSAGE.
 *   IRI type: the first record of a (session, task) is `begin`, then `continue`; the release
 *   (or, for a session that never got established, the final non-2xx response) is `end`; any
 *   record after the end, and every record of a pager-mode exchange, is `report`. A pager-mode
 *   message's direction is that message's own (./pager-direction.ts): one naming the target in
 *   neither its sender nor its receiver identities gets no record for that task.
 * - CC: one record per MSRP request frame (SEND chunk, REPORT, ...), the exact wire bytes from
 *   the start line to the end-line CRLF, network context of the TCP direction and the frame's
 *   last packet. Responses are not CC. Frames cut by a capture gap are emitted with `truncated`.
 * - MSRP without SIP: frames matching no dialog form an uncorrelated session keyed by their
 *   endpoint session-ids. It is reassembled; when a CPIM From/To of one of its messages names a
 *   target, it becomes intercepted. Until then its request frames' raw bytes are HELD, up to
 *   `maxHeldBytesPerSession` per session and `maxHeldBytesTotal` overall (the excess is dropped
 *   and reported), and emitted as CC once the target is known (together with the rCSMessage of
 *   messages that finished before); a session that never names a target drops them when it
 *   closes. Nothing is emitted before identification.
 * - Binding (./msrp-session-index.ts): by session-id of any To-Path/From-Path URI; the RFC 6714
 *   address fallback only for sessions that negotiated a=msrp-cema and only once per session
 *   (a stranger sharing the connection must never be taken for the target); responses by
 *   transaction. AUTH (RFC 4976) and its responses are hop-by-hop and ignored. One MSRP session
 *   may belong to several SIP sessions (the legs of a B2BUA that keeps the Call-ID and passes
 *   a=path through): each frame then feeds each of them as its own (own reassembly, records,
 *   correlation id and direction), so a leg's tasks get the same records as if the other leg
 *   did not exist.
 * - Audit times (samples/README.md truth rules): SIP sessions run from the creating request to
 *   the 2xx to BYE (else the last SIP message of the Call-ID); MSRP frames do not move them.
 *   Sessions without SIP run from the first to the last packet of their connections when the
 *   analyzers pass those times (src/analyzers/app-event-sink.ts), else from their first to their
 *   last frame.
 * - Direction: a frame's sender is the last URI of its From-Path; its session-id is looked up
 *   in the session's side map (SDP a=path session-ids of each party; for CEMA-bound frames
 *   learnt from the TCP direction; for sessions without SIP, the first request's sender is side
 *   0). The target side comes from the match (From/PAI/PPI → side 0; To/R-URI → side 1; CPIM
 *   From → the message's sender; CPIM To → its receiver).
 *
 * The parts, one job each (this file is the facade implementing the analyzers' event sink):
 * - ./session-table.ts: the sessions in progress (./session.ts), their intercepts, close and leave;
 * - ./sip-side.ts: dialogs, SDP, establishment, end of a dialog; ./pager-messages.ts (RFC 3428);
 *   ./session-release.ts: the release and its hold;
 * - ./msrp-binding.ts: frames to sessions; ./uncorrelated-sessions.ts: sessions without SIP;
 *   ./held-budget.ts: the bytes held until a target is known; ./msrp-messages.ts: messages
 *   from their first chunk to their rCSMessage;
 * - ./record-emitter.ts: IRI begin/continue/end/report sequencing and the records, IRI and CC;
 * - ./session-audit.ts, ./message-audit.ts, ./audit-group.ts: the audit (./message-meta.ts);
 * - ./task-reload.ts: {@link Correlator.updateTasks}.
 */
import { AnomalyCounter, type AnomalyCode } from '../core/anomaly.js';
import { MsrpMessageAssembler } from '../protocols/msrp/index.js';
import type { SipMessage } from '../protocols/sip/index.js';
import type { MsrpStreamHandler, MsrpStreamRef, PacketRef } from '../analyzers/app-event-sink.js';
import type { AuditDetails, AuditReport, AuditSession } from './audit-report.js';
import { MemoryAuditStore } from './audit-store.js';
import { captureTime, CorrelatorContext, taskList } from './correlator-context.js';
import type { CorrelatorOptions } from './correlator-options.js';
import { DEFAULT_MAX_DIALOGS, DialogTracker } from './dialog-tracker.js';
import { HeldBudget } from './held-budget.js';
import { MsrpBinding } from './msrp-binding.js';
import { MsrpMessages } from './msrp-messages.js';
import { MsrpSessionIndex } from './msrp-session-index.js';
import { PagerMessages } from './pager-messages.js';
import { RecordEmitter } from './record-emitter.js';
import { SessionAudit } from './session-audit.js';
import { SessionIdTombstones } from './session-id-tombstones.js';
import { SessionRelease } from './session-release.js';
import { SessionTable } from './session-table.js';
import type { Session } from './session.js';
import { SipSide } from './sip-side.js';
import { TaskReload } from './task-reload.js';
import type { Task, TaskSet } from './tasks-file.js';
import { TriggerClaims, type TriggerClaimStats } from './trigger-claims.js';
import type { CpimDeferralStats } from './cpim-deferral.js';
import { TriggerPublisher } from './trigger-publisher.js';
import { UncorrelatedSessions } from './uncorrelated-sessions.js';
import type { CaptureInstant, MediaTrigger } from './media-trigger.js';

export { DEFAULT_MAX_LIVE_AUDIT_MESSAGES, type CorrelatorOptions } from './correlator-options.js';

/** {@link Correlator.stats}. */
export interface CorrelatorStats extends TriggerClaimStats, CpimDeferralStats {
  readonly dialogs: number;
  readonly uncorrelated: number;
  readonly sessions: number;
  readonly heldBytes: number;
  readonly messagesInFlight: number;
  readonly auditMessagesLive: number;
  readonly targetGaps: number;
  readonly targetGapBytes: number;
  /** Issue 15, CC-TF: triggers this tap published (activate, modify, deactivate). */
  readonly triggersPublished: number;
  readonly triggersModified: number;
  readonly triggersDeactivated: number;
  /** Bytes held for MSRP sessions without SIP that went out with no target or trigger claiming them. */
  readonly heldUnclaimedBytesDiscarded: number;
}

/**
 * The correlator. Structurally an AppEventSink of src/analyzers (the pipeline passes it to the
 * analyzers; see src/analyzers/app-event-sink.ts).
 */
export class Correlator {
  private readonly ctx: CorrelatorContext;
  private readonly tracker: DialogTracker<Session>;
  private readonly tombstones: SessionIdTombstones;
  private readonly asm: MsrpMessageAssembler;
  private readonly held: HeldBudget;
  private readonly audit: SessionAudit;
  private readonly table: SessionTable;
  private readonly release: SessionRelease;
  private readonly uncorrelated: UncorrelatedSessions;
  private readonly messages: MsrpMessages;
  private readonly sipSide: SipSide;
  private readonly binding: MsrpBinding;
  private readonly reload: TaskReload;
  private readonly publisher: TriggerPublisher | null;
  private readonly claims: TriggerClaims;
  private lastSweep = -Infinity;
  private finished = false;

  constructor(options: CorrelatorOptions) {
    const ctx = new CorrelatorContext(options);
    this.ctx = ctx;
    const anomalies = options.anomalies;
    const anomalyCounts = options.anomalyCounts ?? (anomalies instanceof AnomalyCounter ? () => (anomalies as AnomalyCounter).toJSON() : undefined);
    // Target dialogs are evicted last: a flood of others cannot push them out (./dialog-tracker.ts).
    this.tracker = new DialogTracker<Session>(
      (d, r) => this.sipSide.dialogClosed(d, r),
      anomalies,
      options.dialogs,
      (d) => d.session?.mode === 'intercept',
    );
    const index = new MsrpSessionIndex<Session>(anomalies, {
      traits: {
        // B2BUA legs keeping the Call-ID are sessions of one call (./dialog-key.ts).
        group: (s) => s.dialog?.callId ?? null,
        preferred: (s) => s.mode === 'intercept',
      },
    });
    const emit = new RecordEmitter(options.onRecord, anomalies, ctx.maxContent);
    this.audit = new SessionAudit(ctx, options.auditStore ?? new MemoryAuditStore(), anomalyCounts);
    this.held = new HeldBudget(ctx);
    this.table = new SessionTable(ctx, this.held, this.audit, anomalies);
    this.tombstones = new SessionIdTombstones(anomalies, options.tombstones);
    this.asm = new MsrpMessageAssembler((m) => this.messages.closed(m), anomalies, {
      ...options.assembler,
      retainBytes: 0,
      // MessageTracker hashes the same in-order bytes (onData): one hash per message is enough.
      sha256: false,
      onData: (ref, piece) => this.messages.data(ref, piece),
    });
    // Held releases are SIP sessions' with a live dialog: the dialog cap bounds them.
    this.release = new SessionRelease(ctx, emit, options.dialogs?.maxDialogs ?? DEFAULT_MAX_DIALOGS);
    this.uncorrelated = new UncorrelatedSessions(ctx, this.table, this.audit);
    this.messages = new MsrpMessages(ctx, this.table, this.audit, emit, this.held, this.release);
    const pager = new PagerMessages(ctx, this.audit, emit);
    // Issue 15: the CC-TF publishes, the triggered CC-POI claims (./trigger-publisher.ts, ./trigger-claims.ts).
    this.publisher = options.triggerSink === undefined ? null : new TriggerPublisher(options.triggerSink, options.tapId ?? '');
    this.claims = new TriggerClaims(ctx, this.table, this.held, emit, this.audit, index, this.uncorrelated, this.messages.deferral);
    // Issue 15: a CPIM identification waiting for a trigger ends when its bytes no longer fit or it closes (./cpim-deferral.ts).
    const deferral = this.messages.deferral;
    this.table.resolveDeferred = (s) => deferral.resolve(s);
    this.held.deferredFull = (s, f, m) => {
      deferral.resolve(s);
      if (f !== null) emit.cc(s, f);
      if (m !== null) emit.message(s, m.meta, m.info);
    };
    this.sipSide = new SipSide(ctx, this.tracker, index, this.tombstones, this.table, this.audit, emit, this.release, pager, this.publisher);
    this.binding = new MsrpBinding(ctx, index, this.tombstones, this.tracker, this.uncorrelated, this.table, this.audit, this.messages, emit, this.held, this.asm, (now) => this.advance(now), this.claims);
    this.reload = new TaskReload(ctx, this.table, this.audit, emit, this.held, this.release);
  }

  // =========================================================================================
  // AppEventSink

  /** A whole SIP message. */
  sip(msg: SipMessage, where: PacketRef): void {
    const now = captureTime(where.tsSec, where.tsNsec);
    this.advance(now);
    this.sipSide.sip(msg, where, now);
  }

  /** A TCP stream direction carrying MSRP: frames are routed one by one (connection reuse). */
  msrpStream(stream: MsrpStreamRef): MsrpStreamHandler {
    return this.binding.msrpStream(stream);
  }

  /**
   * An anomaly reported with a TCP connection (`AnomalySink.report`'s `conn`, already counted):
   * noted in the audit of the sessions whose MSRP frames that connection carried. The
   * composition root wires it to its counter (`AnomalyCounter.observeConnections`).
   */
  connectionAnomaly(code: AnomalyCode, frame: number | undefined, detail: string | undefined, connId: number, dir?: 0 | 1): void {
    this.binding.connectionAnomaly(code, frame, detail, connId, dir);
  }

  /** Capture time advanced: run timeouts. */
  tick(tsSec: number, tsNsec: number): void {
    this.advance(captureTime(tsSec, tsNsec));
    this.asm.tick(tsSec, tsNsec);
  }

  /** End of input: closes every message, dialog and session (emitting their final records). */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.asm.flush();
    // Before the releases: a relayed message still waiting for its target's leg goes out first (./relay-leg-hold.ts).
    this.messages.relay.flush(null);
    this.tracker.flush();
    this.uncorrelated.closeAll();
    this.freezeFinished();
  }

  /**
   * Issue 15 (triggered CC-POI): applies an LI_T3 trigger another tap published (or modifies it,
   * same xId). The rules are in ./trigger-claims.ts: it claims only the MSRP sessions without SIP
   * whose endpoint session-ids it names, frames inside its window, for the local task whose XID is
   * its productId (else refused and counted); MSRP sessions already held are claimed now.
   */
  applyTrigger(t: MediaTrigger): void {
    this.claims.apply(t);
  }

  /** Issue 15: the trigger `xId` was deactivated at `end` (capture time): frames after it are not claimed. */
  withdrawTrigger(xId: string, end: CaptureInstant): void {
    this.claims.withdraw(xId, end);
  }

  /** Counters for the audit / stats. */
  stats(): CorrelatorStats {
    return {
      ...this.claims.stats(),
      ...this.messages.deferral.stats(),
      triggersPublished: this.publisher?.activated ?? 0,
      triggersModified: this.publisher?.modified ?? 0,
      triggersDeactivated: this.publisher?.deactivated ?? 0,
      heldUnclaimedBytesDiscarded: this.held.discarded,
      targetGaps: this.binding.targetGaps,
      targetGapBytes: this.binding.targetGapBytes,
      dialogs: this.tracker.size,
      uncorrelated: this.uncorrelated.size,
      sessions: this.table.size,
      heldBytes: this.held.heldTotal,
      messagesInFlight: this.asm.inFlight(),
      auditMessagesLive: this.audit.liveMessages,
    };
  }

  /**
   * Sizes of the per-message tables of sessions in progress (issue 12: what must stay bounded
   * under hostile load). Walks the sessions: for tests and diagnostics, not per packet.
   */
  tableSizes(): { openMessages: number; auditMessages: number; auditIndex: number } {
    let openMessages = 0;
    let auditMessages = 0;
    let auditIndex = 0;
    for (const s of this.table.values()) {
      openMessages += s.open.size;
      if (s.audit !== null) {
        auditMessages += s.audit.messages.length;
        auditIndex += s.audit.byMid.size;
      }
    }
    return { openMessages, auditMessages, auditIndex };
  }

  /** Replaces the tasks (SIGHUP reload in src/pipeline/intercept-run.ts, X1); the rules are in ./task-reload.ts. */
  updateTasks(tasks: TaskSet | readonly Task[]): void {
    this.reload.update(taskList(tasks));
    this.ctx.bypass.tasksChanged(this.table.values());
  }

  // =========================================================================================
  // Time

  private advance(now: number): void {
    const ctx = this.ctx;
    if (now > ctx.now) ctx.now = now;
    // Before anything of this packet: a task past its endTime must not see it (./task-reload.ts).
    this.reload.expire(ctx.now);
    if (ctx.now - this.lastSweep < 1) return;
    this.lastSweep = ctx.now;
    this.tracker.sweep(ctx.now);
    this.tombstones.sweep(ctx.now);
    this.uncorrelated.sweep(ctx.now);
    this.claims.sweep(ctx.now);
    this.messages.deferral.sweep(ctx.now);
    this.messages.relay.sweep(ctx.now);
    this.release.sweep();
    this.freezeFinished();
  }

  private freezeFinished(): void {
    this.audit.freezeFinished((s) => this.release.isPending(s));
  }

  // =========================================================================================
  // Audit

  /**
   * The audit reconstruction (./audit-report.ts for the shape and rules): one entry per
   * (session, task) pair, sessions in order of first appearance. Call after {@link finish} for
   * final values; earlier calls show messages still in reassembly as incomplete.
   */
  auditReport(): AuditReport {
    return this.audit.build(false, () => this.uncorrelated.values()).report;
  }

  /**
   * The audit with its details for the HTML report (ladder, chunk frames, REPORTs, parties):
   * `details` entries are index-aligned with `report` (sessions, messages and files).
   */
  auditWithDetails(): { report: AuditReport; details: AuditDetails } {
    const r = this.audit.build(true, () => this.uncorrelated.values());
    return { report: r.report, details: r.details! };
  }

  /**
   * The audit entries of one list (`sessions`, or `uncorrelated` for sessions seen without SIP),
   * in order of first appearance, one at a time: audit.json is written from this without
   * holding the whole report (src/pipeline/write-audit-json.ts).
   */
  *auditEntries(uncorrelated: boolean): Generator<AuditSession> {
    for (const g of this.audit.groups(uncorrelated, false, () => this.uncorrelated.values())) yield* g.entries;
  }

  /** The anomaly counts the audit ends with. */
  auditAnomalies(): Record<string, number> {
    return this.audit.anomalies();
  }
}
