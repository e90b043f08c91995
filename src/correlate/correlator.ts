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
 *   analyzers pass those times (./sink-types.ts), else from their first to their last frame.
 * - Direction: a frame's sender is the last URI of its From-Path; its session-id is looked up
 *   in the session's side map (SDP a=path session-ids of each party; for CEMA-bound frames
 *   learnt from the TCP direction; for sessions without SIP, the first request's sender is side
 *   0). The target side comes from the match (From/PAI/PPI → side 0; To/R-URI → side 1; CPIM
 *   From → the message's sender; CPIM To → its receiver).
 */
import { createHash } from 'node:crypto';
import { AnomalyCounter, type AnomalySink } from '../core/anomaly.js';
import { formatTimestamp } from '../core/timestamp.js';
import { concatBytes } from '../util/bytes.js';
import { formatEndpoint, formatIp } from '../decode/format-ip.js';
import {
  MsrpMessageAssembler,
  parseCpim,
  parseImdn,
  type MsrpChunkWriter,
  type MsrpFrameEnd,
  type MsrpFrameHead,
  type MsrpMessage,
  type MsrpMessageAssemblerOptions,
  type MsrpMessageRef,
} from '../protocols/msrp/index.js';
import type { FileSelector } from '../protocols/sdp/index.js';
import { normalizeIdentity, type SipMessage } from '../protocols/sip/index.js';
import type { Direction } from '../records/direction.js';
import { imsIdentityFromText, type ImsIdentity } from '../records/ims-identity.js';
import type { IriEvent, IriType, RcsMessageType, RcsSessionInfo, SipMessageRef } from '../records/iri-event.js';
import type { LiRecord } from '../records/li-record.js';
import type { NetworkContext } from '../records/network-context.js';
import { wantsCc, wantsIri, type TaskRef } from '../records/task-ref.js';
import { MemoryAuditStore, mergeByOrder, type AuditGroup, type AuditStore } from './audit-store.js';
import { ReportTally, type AuditDetails, type AuditFile, type AuditLadderEvent, type AuditMessage, type AuditMessageDetail, type AuditReport, type AuditReportEvent, type AuditSession, type AuditSessionDetail } from './audit-report.js';
import { CinAllocator } from './cin-allocator.js';
import { correlationIdOf } from './correlation-id.js';
import { pagerDirection } from './pager-direction.js';
import { Dialog, DialogTracker, hopKey, type DialogCloseReason, type DialogTrackerOptions, type Side, type SipObservation } from './dialog-tracker.js';
import { MessageTracker, mediaTypeOf } from './message-tracker.js';
import { isOwnerList, lastSessionId, MsrpSessionIndex, type Owners } from './msrp-session-index.js';
import { endpointKey, partySdpOf, type PartySdp } from './party-sdp.js';
import { TargetMatcher, type ObservedIdentity, type TaskMatch } from './target-matcher.js';
import type { Task, TaskSet } from './tasks-file.js';
import type { MsrpStreamInfo as MsrpStreamRef, MsrpStreamSink as MsrpStreamHandler, SipPacketRef as PacketRef } from './sink-types.js';
import { ownString } from '../util/own-string.js';
import { SessionIdTombstones, type SessionIdTombstonesOptions } from './session-id-tombstones.js';
import { SeenSipHop } from './seen-sip-hop.js';

/** Options of {@link Correlator}. */
export interface CorrelatorOptions {
  /** The tasks (from {@link parseTasksFile}); an empty list intercepts nothing. */
  readonly tasks: TaskSet | readonly Task[];
  /** Receives every LI record, synchronously, in emission order. */
  readonly onRecord: (rec: LiRecord) => void;
  /** Receives `correlate.*` (and parser) anomalies. */
  readonly anomalies: AnomalySink;
  /** Anomaly counts for the audit; default: `anomalies.toJSON()` when it is an {@link AnomalyCounter}. */
  readonly anomalyCounts?: () => Record<string, number>;
  /** List non-target sessions in the audit (xid/liid null; metadata only, never records). */
  readonly includeNonTargets?: boolean;
  readonly dialogs?: DialogTrackerOptions;
  /** Ended non-target sessions' session-ids kept for late MSRP frames (./session-id-tombstones.ts). */
  readonly tombstones?: SessionIdTombstonesOptions;
  /** Assembler limits (`onData` and `retainBytes` are the correlator's). */
  readonly assembler?: Omit<MsrpMessageAssemblerOptions, 'onData' | 'retainBytes' | 'sha256'>;
  /** MSRP sessions without SIP tracked at once (default 10 000). */
  readonly maxUncorrelatedSessions?: number;
  /** An MSRP session without SIP idle this long is closed (default 300 s). */
  readonly uncorrelatedIdleSec?: number;
  /** Raw bytes held per not-yet-identified session (default 64 KiB) and overall (default 8 MiB). */
  readonly maxHeldBytesPerSession?: number;
  readonly maxHeldBytesTotal?: number;
  /** Body bytes an rCSMessage carries at most (default 16 MiB; the rest is flagged `contentTruncated`). */
  readonly maxContentBytes?: number;
  /** One MSRP request larger than this gets no CC record (default 64 MiB, the framer's body cap). */
  readonly maxCcFrameBytes?: number;
  /** After the 2xx to BYE, how long the release waits for messages still in reassembly (default 5 s). */
  readonly releaseHoldSec?: number;
  /** Audit caps: sessions listed (default 100 000), messages per session (default 10 000). */
  readonly maxAuditSessions?: number;
  readonly maxAuditMessagesPerSession?: number;
  /**
   * Audit cap over all sessions still in progress: messages whose audit entries are held in
   * memory at once (default {@link DEFAULT_MAX_LIVE_AUDIT_MESSAGES}). Finished sessions' entries
   * go to the audit store and leave this count; beyond it a message is counted in its
   * session's `messagesOmitted` (`correlate.audit_capped`), its records are emitted as always.
   */
  readonly maxLiveAuditMessages?: number;
  /** Audit cap: ladder-diagram arrows kept per session (default 2000). */
  readonly maxAuditLadderPerSession?: number;
  /**
   * Keep what only {@link Correlator.auditWithDetails} (the HTML report) shows: ladder arrows,
   * per-chunk lists, REPORT events (default true). `run` turns it off: its audit.json has none of
   * them, and they cost memory per target session until the end of the run.
   */
  readonly auditDetails?: boolean;
  /**
   * Where the audit entries of finished sessions go until the report is built (default: kept
   * in memory). `run` gives a file-backed store, so its memory does not grow with the number of
   * target sessions (./audit-store.ts).
   */
  readonly auditStore?: AuditStore;
}

/**
 * Memory budget (issue 12, see src/flow/tcp-tracker.ts for the 256 MiB split): the audit entries
 * of messages of sessions in progress get ~16 MiB. A listed message's MsgMeta with its strings
 * (two formatted times, the Message-ID, types, a SHA-256 hex) and REPORT tally is ~500 bytes
 * in `run` (no details): 32 768 × 500 B = 16 MiB. The per-session cap (10 000) alone let 100
 * long target sessions hold 1 000 000 of them.
 */
export const DEFAULT_MAX_LIVE_AUDIT_MESSAGES = 32_768;

/** Chunks and REPORTs listed per message in the audit (the counts stay exact). */
const AUDIT_CHUNKS_PER_MESSAGE = 64;
const AUDIT_REPORTS_PER_MESSAGE = 32;

type Mode = 'intercept' | 'pending' | 'meta' | 'ignore';

/** One task's view of one session. */
interface Intercept {
  readonly match: TaskMatch;
  readonly task: TaskRef;
  readonly correlationId: Uint8Array;
  /** Communication Identity Number of this session in the task's LIID (./cin-allocator.ts). */
  readonly cin: number;
  readonly targetSide: Side;
  iriCount: number;
  ended: boolean;
}

/**
 * Audit metadata of one message, kept for the whole run (never the body): its audit.json entry
 * but `direction` (per task, at listing) and `reportStatuses` (from `reports`), and its details
 * but `reports` (`reportEvents`). Fields defined in src/records/audit-report-schema.ts.
 */
type MsgMeta = Readonly<Pick<AuditMessage, 'messageId' | 'contentType' | 'carriedBy'>> &
  Omit<AuditMessage, 'messageId' | 'contentType' | 'carriedBy' | 'direction' | 'reportStatuses'> &
  Omit<AuditMessageDetail, 'reports'> & { readonly reports: ReportTally; readonly reportEvents: AuditReportEvent[] };

interface FileMeta {
  name: string | null;
  size: number;
  sha256: string | null;
  sha1: string | null;
  advertisedSha1: string | null;
  advertisedSize: number | null;
  advertisedType: string | null;
  messageId: string | null;
}

interface AuditData {
  readonly callId: string | null;
  startSec: number;
  startNsec: number;
  endSec: number;
  endNsec: number;
  endFixed: boolean;
  readonly sids: string[];
  readonly conns: string[];
  readonly messages: MsgMeta[];
  readonly byMid: Map<string, MsgMeta>;
  /** Entries of `messages` counted in Correlator.liveAuditMessages (0 once frozen or dropped). */
  liveCount: number;
  readonly files: FileMeta[];
  omitted: number;
  ccUnavailable: string | null;
  readonly ladder: AuditLadderEvent[];
  ladderOmitted: number;
}

/** A raw request frame held for a not-yet-identified session. */
interface HeldFrame {
  readonly bytes: Uint8Array;
  readonly method: string;
  readonly senderSid: string | null;
  readonly network: NetworkContext;
  readonly truncated: boolean;
}

/** A message that finished before its session was identified. */
interface HeldMessage {
  readonly meta: MsgMeta;
  readonly info: FinishedInfo;
}

/** What an rCSMessage needs of a finished message. */
interface FinishedInfo {
  readonly msrpMessageId: string;
  readonly contentType: string;
  readonly content: Uint8Array;
  readonly contentTruncated: boolean;
  readonly status: 'complete' | 'aborted' | 'incomplete';
  readonly cpimFrom: string | null;
  readonly cpimTo: readonly string[];
  readonly imdnMessageId: string | null;
  readonly effectiveType: string | null;
  readonly isFile: boolean;
  readonly network: NetworkContext;
}

/** Per-message state beyond the tracker. */
interface OpenMessage {
  readonly tracker: MessageTracker;
  readonly meta: MsgMeta;
  readonly senderSid: string | null;
  readonly receiverSid: string | null;
  cpimChecked: boolean;
  stream: MsrpStreamRef;
}

/** One SIP session (dialog) or MSRP session without SIP. */
class Session {
  mode: Mode = 'ignore';
  intercepts: Intercept[] = [];
  audit: AuditData | null = null;
  listed = false;
  closed = false;
  msrpSeen = false;
  tlsReported = false;
  /** Session-ids were learnt once through the RFC 6714 address binding. */
  cemaLearnt = false;
  openMessages = 0;
  readonly open = new Map<string, OpenMessage>();
  held: HeldFrame[] = [];
  heldBytes = 0;
  /** Request frames not held because of the caps. */
  heldDropped = 0;
  heldMessages: HeldMessage[] = [];
  /** Identities of each side (SIP From/PAI/To/R-URI, or CPIM From/To). */
  readonly sideIds: [ImsIdentity[], ImsIdentity[]] = [[], []];
  fileSelector: FileSelector | null = null;
  conversationId: string | null = null;
  contributionId: string | null = null;
  largeMessage = false;
  sdpForCc: Uint8Array | null = null;
  lastSip: { ref: SipMessageRef; network: NetworkContext } | null = null;
  byeSip: { ref: SipMessageRef; network: NetworkContext } | null = null;
  byeSide: Side | null = null;
  /** Network context of the last record emitted for this session (the base of a task-removal record). */
  lastNet: NetworkContext | null = null;
  /** Where a not-yet-intercepted session without SIP was last seen (the base of a start-of-interception record). */
  lastSeenNet: NetworkContext | null = null;
  /** The same for a not-yet-intercepted dialog: its last SIP hop, kept small (./seen-sip-hop.ts). */
  lastSeenSip: SeenSipHop | null = null;
  /** Intercepts of tasks withdrawn by a reload: no more records, still listed in the audit. */
  readonly retired: Intercept[] = [];
  releasePendingSince: number | null = null;
  releaseResult: 'legRemovalComplete' | 'legRemovalRequest' = 'legRemovalComplete';
  lastActive = 0;
  /** Uncorrelated sessions: bound session-ids. */
  readonly uncSids: string[] = [];
  /** Sessions without SIP: stream directions listing it in their `noSip` that have not ended. */
  noSipStreams = 0;
  /** MSRP frames of this session begun and not yet ended (their end still writes to the audit). */
  framesInFlight = 0;
  /** Replaced, not grown, on the SIP side: a pushed-to array reserves 17 slots (issue 12). */
  boundSids: string[] = [];
  boundEndpoints: string[] = [];

  constructor(
    readonly key: string,
    readonly stableKey: string,
    readonly order: number,
    readonly dialog: Dialog<Session> | null,
    readonly sideBySid: Map<string, Side>,
  ) {}

  get pager(): boolean {
    return this.dialog?.kind === 'message';
  }
}

/** Marks AUTH transactions in the transaction map (their responses are ignored). */
const AUTH_TXN = new Session('auth', 'auth', -1, null, new Map());

const PLACEHOLDER_PARTY: ImsIdentity = { type: 'sipUri', value: 'sip:anonymous@anonymous.invalid' };

function t(sec: number, nsec: number): number {
  return sec + nsec / 1e9;
}

/** `text` would be a new entry of `list` (at most 8, compared normalized). */
function identityWanted(list: readonly ImsIdentity[], text: string): boolean {
  const k = normalizeIdentity(text) ?? text;
  return list.length < 8 && !list.some((i) => (normalizeIdentity(i.value) ?? i.value) === k);
}

function identityList(list: ImsIdentity[], text: string): void {
  if (identityWanted(list, text)) list.push(imsIdentityFromText(ownString(text)));
}

/**
 * {@link identityList} for lists kept by every dialog, target or not: the list is replaced by an
 * exact-size copy, where a push would reserve 17 slots (~150 bytes per list, issue 12).
 */
function addIdentity(lists: [ImsIdentity[], ImsIdentity[]], side: Side, text: string): void {
  if (identityWanted(lists[side], text)) lists[side] = lists[side].concat([imsIdentityFromText(ownString(text))]);
}

/** The parties a request names: its sender (P-Asserted-Identity, From) and receiver (To, and the Request-URI when `withRuri`). */
function addRequestParties(lists: [ImsIdentity[], ImsIdentity[]], msg: SipMessage, withRuri: boolean): void {
  for (const na of msg.pAssertedIdentity) addIdentity(lists, 0, na.uriText);
  if (msg.from !== null) addIdentity(lists, 0, msg.from.uriText);
  if (msg.to !== null) addIdentity(lists, 1, msg.to.uriText);
  if (withRuri && msg.requestUri !== null && /^(sips?|tel):/i.test(msg.requestUri)) addIdentity(lists, 1, msg.requestUri);
}

/** A pager-mode message's view for its records: per intercept its direction (null = not that task's), and the parties it names. */
interface PagerView {
  readonly dirs: readonly (Direction | null)[];
  readonly parties: [ImsIdentity[], ImsIdentity[]];
}

/**
 * The correlator. Structurally an AppEventSink of src/analyzers (the pipeline passes it to the
 * analyzers; see ./sink-types.ts).
 */
export class Correlator {
  private matcher: TargetMatcher;
  private readonly onRecord: (rec: LiRecord) => void;
  private readonly anomalies: AnomalySink;
  private readonly anomalyCounts: (() => Record<string, number>) | undefined;
  private readonly includeNonTargets: boolean;
  private readonly auditDetails: boolean;
  private readonly tracker: DialogTracker<Session>;
  private readonly index: MsrpSessionIndex<Session>;
  private readonly tombstones: SessionIdTombstones;
  private readonly asm: MsrpMessageAssembler;
  private readonly sessions = new Map<string, Session>();
  private readonly uncorrelated = new Map<string, Session>();
  private readonly uncBySid = new Map<string, Session>();
  /** Listed sessions whose audit is still live (not yet handed to the store). */
  private readonly auditList = new Set<Session>();
  /** Sessions ever listed (the cap counts them). */
  private listedCount = 0;
  /** Sessions that left `sessions`: their audit is handed to the store at the next sweep. */
  private readonly toFreeze: Session[] = [];
  private readonly auditStore: AuditStore;
  /** Sessions whose release waits for messages still in reassembly. */
  private readonly releasePending = new Set<Session>();
  private readonly maxUnc: number;
  private readonly uncIdle: number;
  private readonly maxHeldPerSession: number;
  private readonly maxHeldTotal: number;
  private readonly maxContent: number;
  private readonly maxCcFrame: number;
  private readonly releaseHold: number;
  private readonly maxAuditSessions: number;
  private readonly maxAuditMessages: number;
  private readonly maxLiveAuditMessages: number;
  /** Audit entries of messages held by sessions not yet handed to the store. */
  private liveAuditMessages = 0;
  private readonly maxAuditLadder: number;
  private heldTotal = 0;
  /** TCP gaps (and their bytes) in MSRP stream directions that carried an intercepted session's frames: the live loss signal (issue 13). */
  private targetGaps = 0;
  private targetGapBytes = 0;
  private auditOmitted = 0;
  private nextOrder = 0;
  private readonly cins: CinAllocator;
  private now = 0;
  private lastSweep = -Infinity;
  private finished = false;

  constructor(options: CorrelatorOptions) {
    const tasks = 'tasks' in options.tasks ? (options.tasks as TaskSet).tasks : (options.tasks as readonly Task[]);
    this.matcher = new TargetMatcher(tasks);
    this.onRecord = options.onRecord;
    this.anomalies = options.anomalies;
    this.anomalyCounts = options.anomalyCounts ?? (options.anomalies instanceof AnomalyCounter ? () => (options.anomalies as AnomalyCounter).toJSON() : undefined);
    this.includeNonTargets = options.includeNonTargets ?? false;
    // Target dialogs are evicted last: a flood of others cannot push them out (./dialog-tracker.ts).
    this.tracker = new DialogTracker<Session>((d, r) => this.dialogClosed(d, r), this.anomalies, options.dialogs, (d) => d.session?.mode === 'intercept');
    this.index = new MsrpSessionIndex<Session>(this.anomalies, {
      traits: {
        // B2BUA legs keeping the Call-ID are sessions of one call (./dialog-key.ts).
        group: (s) => s.dialog?.callId ?? null,
        preferred: (s) => s.mode === 'intercept',
      },
    });
    this.cins = new CinAllocator(this.anomalies);
    this.tombstones = new SessionIdTombstones(this.anomalies, options.tombstones);
    this.asm = new MsrpMessageAssembler((m) => this.messageClosed(m), this.anomalies, {
      ...options.assembler,
      retainBytes: 0,
      // MessageTracker hashes the same in-order bytes (onData): one hash per message is enough.
      sha256: false,
      onData: (ref, piece) => this.messageData(ref, piece),
    });
    this.maxUnc = options.maxUncorrelatedSessions ?? 10_000;
    this.uncIdle = options.uncorrelatedIdleSec ?? 300;
    this.maxHeldPerSession = options.maxHeldBytesPerSession ?? 64 * 1024;
    this.maxHeldTotal = options.maxHeldBytesTotal ?? 8 * 1024 * 1024;
    this.maxContent = options.maxContentBytes ?? 16 * 1024 * 1024;
    this.maxCcFrame = options.maxCcFrameBytes ?? 64 * 1024 * 1024;
    this.releaseHold = options.releaseHoldSec ?? 5;
    this.maxAuditSessions = options.maxAuditSessions ?? 100_000;
    this.maxAuditMessages = options.maxAuditMessagesPerSession ?? 10_000;
    this.maxLiveAuditMessages = options.maxLiveAuditMessages ?? DEFAULT_MAX_LIVE_AUDIT_MESSAGES;
    this.maxAuditLadder = options.maxAuditLadderPerSession ?? 2000;
    this.auditDetails = options.auditDetails ?? true;
    this.auditStore = options.auditStore ?? new MemoryAuditStore();
  }

  // =========================================================================================
  // AppEventSink

  /** A whole SIP message. */
  sip(msg: SipMessage, where: PacketRef): void {
    const now = t(where.tsSec, where.tsNsec);
    this.advance(now);
    if (msg.callId === null || msg.cseq === null) {
      this.anomalies.report('correlate.sip_no_call_id', where.frameNo);
      return;
    }
    let d = this.tracker.find(msg);
    /** Intercepts this message started on an existing dialog (see lateIntercepts). */
    let late = 0;
    let sdp: PartySdp | null | undefined;
    // Parsed once, lazily; the SDP bytes are copied only for a target's session.
    const sdpOf = (): PartySdp | null => (sdp === undefined ? (sdp = msg.body.length > 0 ? partySdpOf(msg, this.anomalies, d?.session?.mode === 'intercept') : null) : sdp);
    if (d === undefined) {
      if (!msg.isRequest) return; // a response to nothing we track (most are non-target calls)
      const method = msg.method!;
      const hasToTag = msg.to?.tag !== null && msg.to?.tag !== undefined;
      let matches: TaskMatch[];
      let kind: 'invite' | 'message';
      if ((method === 'INVITE' || method === 'MESSAGE') && !hasToTag) {
        kind = method === 'INVITE' ? 'invite' : 'message';
        matches = this.matcher.matchSipRequest(msg, now);
        const track = matches.length > 0 || (kind === 'invite' && (sdpOf()?.msrp.length ?? 0) > 0) || (this.includeNonTargets && kind === 'message');
        if (!track) return;
        d = this.tracker.create(msg, kind, false, where.tsSec, where.tsNsec);
      } else if (hasToTag && method !== 'ACK' && method !== 'CANCEL') {
        // The capture missed the dialog's start: only a target's dialog is worth following.
        matches = this.matcher.matchSipRequest(msg, now);
        if (matches.length === 0) return;
        kind = 'invite';
        d = this.tracker.create(msg, kind, true, where.tsSec, where.tsNsec);
      } else return;
      this.newDialogSession(d, msg, matches, where);
    } else if (d.session !== null && d.isCreatingRequest(msg)) late = this.lateIntercepts(d.session, msg, where, now);
    const obs = this.tracker.observe(d, msg, sdpOf(), hopKey(where.srcAddr, where.srcPort, where.dstAddr, where.dstPort), now);
    if (obs.retransmission) {
      this.anomalies.report('correlate.sip_retransmission', where.frameNo);
      return;
    }
    const s = d.session!;
    this.sipObserved(s, obs, msg, where, now, late);
    if (s.mode === 'ignore') {
      if (d.closeAt !== null) this.endQuietly(d, d.closeAt);
      // BYE sent: the tracker would keep the dialog until the BYE's linger even without a 2xx.
      else if (d.state === 'terminating' && d.byeAt !== null) this.endQuietly(d, d.byeAt + this.tracker.linger);
    }
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

  /** A TCP stream direction carrying MSRP: frames are routed one by one (connection reuse). */
  msrpStream(stream: MsrpStreamRef): MsrpStreamHandler {
    const client = stream.dir === 0 ? formatEndpoint(stream.srcAddr, stream.srcPort) : formatEndpoint(stream.dstAddr, stream.dstPort);
    const server = stream.dir === 0 ? formatEndpoint(stream.dstAddr, stream.dstPort) : formatEndpoint(stream.srcAddr, stream.srcPort);
    const serverKey = stream.dir === 0 ? endpointKey(formatIp(stream.dstAddr), stream.dstPort) : endpointKey(formatIp(stream.srcAddr), stream.srcPort);
    const conn: StreamCtx = { stream, name: `${client}-${server}`, serverKey, noSip: [], target: false };
    let frame: FrameCtx | null = null;
    return {
      onFrameStart: (head) => {
        frame = this.frameStart(conn, head);
        if (frame === null) return;
        if (frame.session.mode === 'intercept') conn.target = true;
        frame.session.framesInFlight++;
        if (frame.more !== null) for (const p of frame.more) p.session.framesInFlight++;
      },
      onBody: (piece) => {
        const f = frame;
        if (f === null) return;
        f.writer?.write(piece);
        if (f.more !== null) for (const p of f.more) p.writer?.write(piece);
      },
      onRaw: (piece) => {
        const f = frame;
        if (f === null || f.raw === null) return;
        if (f.rawBytes + piece.length > this.maxCcFrame) {
          if (!f.tooLarge) this.anomalies.report('correlate.cc_frame_too_large', f.head.frameNo, `cap=${this.maxCcFrame}`);
          f.tooLarge = true;
          f.raw = null;
          return;
        }
        f.raw.push(piece.slice());
        f.rawBytes += piece.length;
      },
      onFrameEnd: (end) => {
        const f = frame;
        frame = null;
        if (f !== null) {
          this.frameEnd(conn, f, end);
          f.session.framesInFlight--;
          if (f.more !== null) for (const p of f.more) p.session.framesInFlight--;
        }
      },
      onGap: (bytes) => {
        if (!conn.target) return;
        this.targetGaps++;
        this.targetGapBytes += bytes;
      },
      onStreamEnd: (_reason, lastTsSec, lastTsNsec) => {
        if (frame !== null) {
          frame.session.framesInFlight--;
          if (frame.more !== null) for (const p of frame.more) p.session.framesInFlight--;
        }
        frame = null;
        // Sessions without SIP end with the last packet of their connection (truth rules).
        for (const x of conn.noSip) {
          if (lastTsSec !== undefined && x.audit !== null) this.auditEnd(x.audit, lastTsSec, lastTsNsec ?? 0);
          // Its last connection has ended: if it has left the table too, its audit is final.
          if (--x.noSipStreams === 0 && x.closed && !this.sessions.has(x.key)) this.toFreeze.push(x);
        }
        conn.noSip.length = 0;
      },
    };
  }

  /** Capture time advanced: run timeouts. */
  tick(tsSec: number, tsNsec: number): void {
    this.advance(t(tsSec, tsNsec));
    this.asm.tick(tsSec, tsNsec);
  }

  /** End of input: closes every message, dialog and session (emitting their final records). */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.asm.flush();
    this.tracker.flush();
    for (const s of [...this.uncorrelated.values()]) this.closeUncorrelated(s);
    this.freezeFinished();
  }

  /** Counters for the audit / stats. */
  stats(): { dialogs: number; uncorrelated: number; sessions: number; heldBytes: number; messagesInFlight: number; auditMessagesLive: number; targetGaps: number; targetGapBytes: number } {
    return {
      targetGaps: this.targetGaps,
      targetGapBytes: this.targetGapBytes,
      dialogs: this.tracker.size,
      uncorrelated: this.uncorrelated.size,
      sessions: this.sessions.size,
      heldBytes: this.heldTotal,
      messagesInFlight: this.asm.inFlight(),
      auditMessagesLive: this.liveAuditMessages,
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
    for (const s of this.sessions.values()) {
      openMessages += s.open.size;
      if (s.audit !== null) {
        auditMessages += s.audit.messages.length;
        auditIndex += s.audit.byMid.size;
      }
    }
    return { openMessages, auditMessages, auditIndex };
  }

  /**
   * Replaces the tasks (SIGHUP reload, src/pipeline/task-reload.ts). Rules:
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
  updateTasks(tasks: TaskSet | readonly Task[]): void {
    const list = 'tasks' in tasks ? (tasks as TaskSet).tasks : (tasks as readonly Task[]);
    this.matcher = new TargetMatcher(list);
    const xids = new Set(list.map((x) => x.xid));
    for (const s of [...this.sessions.values()]) {
      if (s.closed) continue;
      if (s.intercepts.length > 0) this.withdrawRemoved(s, xids);
      this.startNewTasks(s);
    }
  }

  /** Ends the intercepts of `s` whose task is no longer provisioned (see {@link updateTasks}). */
  private withdrawRemoved(s: Session, xids: ReadonlySet<string>): void {
    const keep: Intercept[] = [];
    for (const it of s.intercepts) {
      if (xids.has(it.task.xid)) {
        keep.push(it);
        continue;
      }
      if (!it.ended && wantsIri(it.task) && s.lastNet !== null) {
        const sec = Math.floor(this.now);
        const network: NetworkContext = { ...s.lastNet, tsSec: sec, tsNsec: Math.round((this.now - sec) * 1e9) % 1e9 };
        const d = s.dialog;
        const sip = s.byeSip ?? s.lastSip;
        if (d !== null && d.established && sip !== null) {
          const path = d.sdp[it.targetSide]?.msrp[0]?.pathText;
          this.emitIri(s, it, 'end', it.targetSide === 0 ? 'fromTarget' : 'toTarget', network, {
            kind: 'rCSSessionRelease',
            ...this.rcsSessionInfo(s, it),
            sip: sip.ref,
            // The leg leaves the interception, not the network: the closest RCSSessionResult.
            result: 'legRemovalRequest',
            ...(path !== undefined ? { msrpPath: path } : {}),
          });
        } else {
          this.emitIri(s, it, 'end', 'notApplicable', network, {
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
    s.mode = s.dialog === null ? (this.matcher.empty && !this.includeNonTargets ? 'ignore' : 'pending') : this.includeNonTargets ? 'meta' : 'ignore';
    s.releasePendingSince = null;
    this.releasePending.delete(s);
    for (const o of s.open.values()) o.tracker.dropContent();
  }

  /** Starts interception of `s` for tasks newly matching its parties (see {@link updateTasks}). */
  private startNewTasks(s: Session): void {
    if (this.matcher.empty) return;
    const d = s.dialog;
    if (d !== null && (d.kind !== 'invite' || (d.state !== 'early' && d.state !== 'confirmed') || s.releasePendingSince !== null)) return;
    if (d === null && s.mode === 'ignore') {
      // Created while no task existed: it may name a target in a later CPIM message.
      s.mode = 'pending';
      s.audit ??= this.newAudit(null, Math.floor(this.now), 0);
    }
    const ids: ObservedIdentity[] = [];
    for (const i of s.sideIds[0]) ids.push({ text: i.value, source: d === null ? 'cpimFrom' : 'from' });
    for (const i of s.sideIds[1]) ids.push({ text: i.value, source: d === null ? 'cpimTo' : 'to' });
    const had = new Set([...s.intercepts, ...s.retired].map((it) => it.task.xid));
    const matches = this.matcher.match(ids, this.now).filter((m) => !had.has(m.task.xid));
    if (matches.length === 0) return;
    if (s.mode !== 'intercept') {
      // Held bytes of a session without SIP predate the task: never delivered (over-collection).
      // Nor the part of a message in progress received before it (kept while pending): its
      // record carries the later chunks only, as for a SIP session (adversarial review).
      this.dropHeld(s);
      for (const o of s.open.values()) o.tracker.dropContent();
      s.heldDropped = 0;
      s.mode = 'intercept';
      const sec = Math.floor(this.now);
      s.audit ??= this.newAudit(d?.callId ?? null, sec, Math.round((this.now - sec) * 1e9) % 1e9);
      this.listAudit(s);
    }
    const wantContent = matches.some((m) => m.task.deliveryType !== 'X3Only');
    if (wantContent) for (const o of s.open.values()) o.tracker.raiseContentCap(this.maxContent);
    const tls = d !== null && d.sdp.some((p) => p !== null && p.msrp.some((m) => m.tls));
    for (const m of matches) {
      const it = this.makeIntercept(s, m, m.role === 'terminating' ? 1 : 0);
      s.intercepts.push(it);
      if (!wantsIri(it.task)) continue;
      const network = this.startNetwork(s);
      if (network === null) continue;
      if (d === null || d.established) {
        const sideIds = s.sideIds;
        const paths = d === null ? [] : d.sdp.map((p) => p?.msrp[0]?.pathText).filter((x): x is string => x !== undefined);
        this.emitIri(s, it, 'begin', 'notApplicable', network, {
          kind: 'startOfInterceptWithEstablisedRCSSession',
          targetIdentities: this.targetIds(s, it),
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
          this.emitIri(s, it, 'continue', 'notApplicable', network, { kind: 'iMSCCUnavailable', reason: 'MSRP over TLS (TCP/TLS/MSRP or msrps:): content not observable' });
        }
      } else {
        const term = s.sideIds[1].find((i) => i.type === 'sipUri' || i.type === 'telUri') ?? PLACEHOLDER_PARTY;
        this.emitIri(s, it, 'begin', 'notApplicable', network, {
          kind: 'startOfInterceptionForActiveIMSSession',
          originating: s.sideIds[0].filter((i) => i.type === 'sipUri' || i.type === 'telUri'),
          terminating: term,
        });
      }
    }
  }

  /** Network context of a start-of-interception record: the session's last SIP hop or MSRP connection, at the reload time. */
  private startNetwork(s: Session): NetworkContext | null {
    const base = s.lastNet ?? s.lastSip?.network ?? s.lastSeenNet ?? s.lastSeenSip?.network() ?? null;
    if (base === null) return null;
    const sec = Math.floor(this.now);
    return { ...base, tsSec: sec, tsNsec: Math.round((this.now - sec) * 1e9) % 1e9 };
  }

  private targetIds(s: Session, it: Intercept): readonly ImsIdentity[] {
    return s.sideIds[it.targetSide].length > 0 ? s.sideIds[it.targetSide] : [imsIdentityFromText(it.task.matchedTargetId)];
  }

  private rcsSessionInfo(s: Session, it: Intercept) {
    return {
      targetIdentities: this.targetIds(s, it),
      originating: s.sideIds[0].length > 0 ? s.sideIds[0] : [PLACEHOLDER_PARTY],
      terminating: s.sideIds[1].length > 0 ? s.sideIds[1] : [PLACEHOLDER_PARTY],
      ...(s.conversationId !== null ? { conversationId: s.conversationId } : {}),
      ...(s.contributionId !== null ? { contributionId: s.contributionId } : {}),
      sessionType: s.largeMessage ? ('largeMessageStandalone' as const) : ('oneTo1Chat' as const),
      sessionDirection: it.targetSide === 0 ? ('fromTarget' as const) : ('toTarget' as const),
      sessionLeg: 'localLeg' as const,
    };
  }

  // =========================================================================================
  // SIP

  private newDialogSession(d: Dialog<Session>, msg: SipMessage, matches: TaskMatch[], where: PacketRef): void {
    // The caller's tag is part of the name: two legs of a B2BUA keeping the Call-ID are two
    // sessions with their own correlation ids (./dialog-key.ts).
    const s = new Session(`d${d.uid}`, d.callerTag === null ? `sip:${d.callId}` : `sip:${d.callId};tag=${d.callerTag}`, this.nextOrder++, d, d.sideBySid);
    d.session = s;
    this.sessions.set(s.key, s);
    s.lastActive = t(where.tsSec, where.tsNsec);
    s.conversationId = msg.conversationId;
    s.contributionId = msg.contributionId;
    const services = [...msg.headers('accept-contact'), ...msg.headers('p-asserted-service')].join(' ');
    s.largeMessage = /largemsg/i.test(decodeURIComponent(services.replace(/%(?![0-9A-Fa-f]{2})/g, '%25')));
    // Side 0 sent this request (./dialog-tracker.ts).
    addRequestParties(s.sideIds, msg, !d.midDialog);
    if (matches.length > 0) {
      s.mode = 'intercept';
      for (const m of matches) s.intercepts.push(this.makeIntercept(s, m, m.role === 'terminating' ? 1 : 0));
    } else s.mode = this.includeNonTargets ? 'meta' : 'ignore';
    if (s.mode !== 'ignore') {
      s.audit = this.newAudit(d.callId, where.tsSec, where.tsNsec);
      this.listAudit(s);
    }
  }

  /**
   * The creating request seen again on another hop names tasks its first observation did not (a
   * B2BUA or privacy service that keeps Call-ID and From tag, so the same dialog id, but writes
   * another From or P-Asserted-Identity). They start here: with no other task provisioned, this
   * very message would have created the dialog (or, for a dialog tracked anyway for its MSRP
   * media, reached this same point), so a task's records never depend on the others. Returns
   * how many intercepts were added (at the end of `s.intercepts`).
   */
  private lateIntercepts(s: Session, msg: SipMessage, where: PacketRef, now: number): number {
    if (this.matcher.empty) return 0;
    const had = new Set<string>();
    for (const it of s.intercepts) had.add(it.task.xid);
    for (const it of s.retired) had.add(it.task.xid);
    const matches = this.matcher.matchSipRequest(msg, now).filter((m) => !had.has(m.task.xid));
    if (matches.length === 0) return 0;
    if (s.mode !== 'intercept') {
      s.mode = 'intercept';
      if (s.audit === null) {
        s.audit = this.newAudit(s.dialog!.callId, where.tsSec, where.tsNsec);
        this.listAudit(s);
      }
    }
    for (const m of matches) s.intercepts.push(this.makeIntercept(s, m, m.role === 'terminating' ? 1 : 0));
    return matches.length;
  }

  private makeIntercept(s: Session, m: TaskMatch, targetSide: Side): Intercept {
    // One CIN per session and LIID: another task of the same LIID on this session shares it.
    const sameLiid = s.intercepts.find((it) => it.task.liid === m.task.liid) ?? s.retired.find((it) => it.task.liid === m.task.liid);
    return {
      match: m,
      task: { xid: m.task.xid, liid: m.task.liid, deliveryType: m.task.deliveryType, matchedTargetId: m.identifier.value, targetRole: s.dialog === null || s.dialog.midDialog ? 'unknown' : m.role },
      correlationId: correlationIdOf(s.stableKey, m.task.xid),
      cin: sameLiid?.cin ?? this.cins.allocate(m.task.liid),
      targetSide,
      iriCount: 0,
      ended: false,
    };
  }

  /** @param late intercepts this message started (the last ones of `s.intercepts`, see lateIntercepts). */
  private sipObserved(s: Session, obs: SipObservation<Session>, msg: SipMessage, where: PacketRef, now: number, late: number): void {
    const d = obs.dialog;
    s.lastActive = now;
    if (s.audit !== null && !s.audit.endFixed) this.auditEnd(s.audit, where.tsSec, where.tsNsec);
    if (s.audit !== null) this.ladderSip(s.audit, msg, where);
    if (!obs.repeat) {
      if (!msg.isRequest && msg.statusCode >= 180) for (const na of msg.pAssertedIdentity) addIdentity(s.sideIds, obs.sender, na.uriText);
      if (obs.sdp !== null && obs.sdp.msrp.length > 0) this.applySdp(s, d, obs.sdp, msg.frameNo);
      if (obs.released === 'complete' && s.audit !== null) {
        this.auditEnd(s.audit, where.tsSec, where.tsNsec);
        s.audit.endFixed = true;
      }
    }
    if (s.mode !== 'intercept') s.lastSeenSip = SeenSipHop.of(where);
    if (s.mode === 'ignore') return;

    // A pager body is a message once (its first observation), and for tasks it started on another hop.
    const pagerBody = msg.isRequest && msg.method === 'MESSAGE' && (!obs.repeat || late > 0) && msg.body.length > 0;
    const meta = pagerBody ? this.pagerMessage(s, obs, msg, where, !obs.repeat) : null;
    if (s.mode !== 'intercept') return;

    const network = this.sipNetwork(where);
    const sipRef: SipMessageRef = { raw: msg.raw.slice(), srcAddr: network.srcAddr, dstAddr: network.dstAddr };
    s.lastSip = { ref: sipRef, network };
    if (msg.isRequest && msg.method === 'BYE' && s.byeSip === null) {
      s.byeSip = { ref: sipRef, network };
      s.byeSide = obs.sender;
    }
    const failedEnd = obs.failed && !d.established;
    // Pager mode: each message's direction is its own (./pager-direction.ts); null = not the target's.
    const pagerDirs = s.pager ? s.intercepts.map((it) => pagerDirection(msg, (ids) => this.matcher.namesTask(it.task.xid, ids))) : null;
    const firstLate = s.intercepts.length - late;
    for (let i = 0; i < s.intercepts.length; i++) {
      const it = s.intercepts[i]!;
      if (!wantsIri(it.task)) continue;
      const dir = pagerDirs !== null ? pagerDirs[i]! : obs.sender === it.targetSide ? 'fromTarget' : 'toTarget';
      if (dir === null) continue;
      const iriType: IriType = s.pager ? 'report' : it.ended ? 'report' : failedEnd ? 'end' : this.nextIriType(it);
      this.emitIri(s, it, iriType, dir, network, { kind: 'iMSMessage', sip: sipRef });
      if (failedEnd) it.ended = true;
    }
    if (obs.established) this.established(s, d, sipRef, network);
    if (meta !== null && pagerDirs !== null) {
      // On a repeat, only the tasks started by this observation get the message.
      const dirs = obs.repeat ? pagerDirs.map((x, i) => (i >= firstLate ? x : null)) : pagerDirs;
      const parties: [ImsIdentity[], ImsIdentity[]] = [[], []];
      addRequestParties(parties, msg, true);
      this.emitPagerMessage(s, meta, msg, network, { dirs, parties });
    }
    if (obs.released === 'complete') {
      s.releaseResult = 'legRemovalComplete';
      s.releasePendingSince = now;
      this.maybeRelease(s);
    }
  }

  private sipNetwork(where: PacketRef): NetworkContext {
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
    const tls = d.sdp.some((p) => p !== null && p.msrp.some((m) => m.tls));
    for (const it of s.intercepts) {
      if (!wantsIri(it.task)) continue;
      const targetIdentities = s.sideIds[it.targetSide].length > 0 ? s.sideIds[it.targetSide] : [imsIdentityFromText(it.task.matchedTargetId)];
      const path = d.sdp[it.targetSide]?.msrp[0]?.pathText;
      this.emitIri(s, it, this.nextIriType(it), it.targetSide === 0 ? 'fromTarget' : 'toTarget', network, {
        kind: 'rCSSessionEstablishment',
        ...rcsSessionInfo(s, it, targetIdentities),
        sip: sipRef,
        result: 'newLegEstablished',
        ...(path !== undefined ? { msrpPath: path } : {}),
      });
      if (tls && it.task.deliveryType === 'X2andX3') {
        this.emitIri(s, it, this.nextIriType(it), 'notApplicable', network, {
          kind: 'iMSCCUnavailable',
          reason: 'MSRP over TLS (TCP/TLS/MSRP or msrps:): content not observable',
          ...(s.sdpForCc !== null ? { sdp: s.sdpForCc } : {}),
        });
      }
    }
    if (tls && !s.tlsReported) {
      s.tlsReported = true;
      if (s.audit !== null) s.audit.ccUnavailable = 'tls';
      this.anomalies.report('correlate.cc_unavailable_tls', network.frameNo);
    }
  }

  /** Emits the release when its time has come (no message in reassembly, or the hold passed). */
  private maybeRelease(s: Session): void {
    if (s.releasePendingSince === null) return;
    if (s.openMessages > 0 && this.now - s.releasePendingSince < this.releaseHold) {
      this.releasePending.add(s);
      return;
    }
    s.releasePendingSince = null;
    this.releasePending.delete(s);
    this.emitRelease(s);
  }

  private emitRelease(s: Session): void {
    const d = s.dialog;
    if (d === null || !d.established || s.mode !== 'intercept') return;
    const sip = s.byeSip ?? s.lastSip;
    if (sip === null) return;
    const notSeen = !s.msrpSeen && !s.tlsReported;
    if (notSeen && s.audit !== null && s.audit.ccUnavailable === null) {
      s.audit.ccUnavailable = 'not_observed';
      if (s.intercepts.some((it) => it.task.deliveryType !== 'X2Only')) this.anomalies.report('correlate.cc_not_observed', sip.network.frameNo);
    }
    for (const it of s.intercepts) {
      if (!wantsIri(it.task) || it.ended) continue;
      if (notSeen && it.task.deliveryType === 'X2andX3') {
        this.emitIri(s, it, this.nextIriType(it), 'notApplicable', sip.network, {
          kind: 'iMSCCUnavailable',
          reason: 'MSRP connection not observed',
          ...(s.sdpForCc !== null ? { sdp: s.sdpForCc } : {}),
        });
      }
      const path = d.sdp[it.targetSide]?.msrp[0]?.pathText;
      this.emitIri(s, it, 'end', this.releaseDirection(s, it), sip.network, {
        kind: 'rCSSessionRelease',
        ...rcsSessionInfo(s, it, s.sideIds[it.targetSide].length > 0 ? s.sideIds[it.targetSide] : [imsIdentityFromText(it.task.matchedTargetId)]),
        sip: sip.ref,
        result: s.releaseResult,
        ...(path !== undefined ? { msrpPath: path } : {}),
      });
      it.ended = true;
    }
  }

  /** Direction of a release: who sent the BYE, relative to the target (the target's side when no BYE was seen). */
  private releaseDirection(s: Session, it: Intercept): Direction {
    if (s.byeSide === null) return it.targetSide === 0 ? 'fromTarget' : 'toTarget';
    return s.byeSide === it.targetSide ? 'fromTarget' : 'toTarget';
  }

  private dialogClosed(d: Dialog<Session>, reason: DialogCloseReason): void {
    const s = d.session;
    if (s === null) return;
    // An evicted non-target dialog has not ended: its MSRP frames must still be known as a
    // non-target's (./session-id-tombstones.ts), for as long as the dialog could have stayed idle.
    if (reason === 'evicted' && s.mode !== 'intercept') this.tombstones.addEvicted(d.endpointSids, this.now + this.tracker.idleTimeout);
    if (s.mode === 'intercept' && d.established) {
      if (reason !== 'ended' || d.state !== 'terminated') s.releaseResult = d.state === 'terminated' ? 'legRemovalComplete' : 'legRemovalRequest';
      s.releasePendingSince = null;
      this.releasePending.delete(s);
      this.emitRelease(s);
    }
    this.index.unbind(s, s.boundSids, s.boundEndpoints);
    this.closeSession(s);
  }

  private closeSession(s: Session): void {
    s.closed = true;
    this.dropHeld(s);
    if (this.includeNonTargets && s.mode === 'pending' && s.audit !== null) this.listAudit(s);
    if (s.openMessages === 0) this.leaveSessions(s);
  }

  /**
   * The session leaves the table: nothing can change its audit any more (its later frames are
   * ignored), except the end time of a session without SIP, which follows its connections' end
   * (truth rules): such a session is frozen when the last of them ends (see onStreamEnd).
   */
  private leaveSessions(s: Session): void {
    this.sessions.delete(s.key);
    // A session with no audit has nothing to freeze: queued, every non-target dialog of a
    // flood stayed in memory until the next sweep (50 000 a capture second, issue 12).
    if (s.audit === null && !this.auditList.has(s)) return;
    if (s.dialog !== null || s.noSipStreams === 0) this.toFreeze.push(s);
  }

  /** Hands the audit of sessions that left the table to the store (once per capture second and at the end). */
  private freezeFinished(): void {
    const q = this.toFreeze;
    let keep = 0;
    for (const s of q) {
      // A release still waiting for its hold may yet mark the audit (ccUnavailable), and a frame
      // begun before the session left the table still sets times and ladder ends when it ends.
      if (this.releasePending.has(s) || s.framesInFlight > 0) {
        q[keep++] = s;
        continue;
      }
      // Its entries leave memory now (handed to the store, or dropped with an unlisted session).
      if (s.audit !== null) {
        this.liveAuditMessages -= s.audit.liveCount;
        s.audit.liveCount = 0;
      }
      if (!this.auditList.delete(s)) continue;
      const g = this.auditGroup(s, this.auditStore.keepsDetails);
      if (g !== null) this.auditStore.add(g);
    }
    q.length = keep;
  }

  // ---------------------------------------------------------------------------------------
  // Pager mode (RFC 3428)

  /** @param list add it to the audit (false for a repeat observation: the audit lists the message once). */
  private pagerMessage(s: Session, obs: SipObservation<Session>, msg: SipMessage, where: PacketRef, list: boolean): MsgMeta | null {
    const a = s.audit;
    if (a === null) return null;
    const contentType = msg.contentType?.mediaType.toLowerCase() ?? null;
    const body = msg.body;
    const cpim = contentType === 'message/cpim' ? parseCpim(body, this.anomalies, where.frameNo) : null;
    const inner = cpim?.contentType ?? null;
    let imdn: MsgMeta['imdn'] = null;
    if (inner === 'message/imdn+xml' && cpim !== null) {
      const doc = parseImdn(cpim.body, this.anomalies, where.frameNo);
      if (doc !== null) imdn = { messageId: doc.messageId, notification: doc.notification, status: doc.status };
    }
    const meta: MsgMeta = {
      messageId: cpim?.imdn.messageId ?? null,
      senderSide: obs.sender,
      contentType,
      innerContentType: inner,
      size: body.length,
      sha256: sha256Hex(body),
      innerSha256: cpim !== null ? sha256Hex(cpim.body) : null,
      chunks: 0,
      status: 'complete',
      reports: new ReportTally(),
      firstFrame: where.frameNo,
      lastFrame: where.frameNo,
      missing: [],
      imdn,
      isComposing: (inner ?? contentType) === 'application/im-iscomposing+xml',
      carriedBy: 'sip',
      firstTime: formatTimestamp(where.tsSec, where.tsNsec),
      lastTime: formatTimestamp(where.tsSec, where.tsNsec),
      totalSize: body.length,
      cpimFrom: cpim?.from?.uri ?? null,
      cpimTo: cpim?.to.map((x) => x.uri) ?? [],
      contentOffset: cpim !== null ? cpim.body.byteOffset - body.byteOffset : contentType === 'message/cpim' ? null : 0,
      contentLength: cpim !== null ? cpim.body.length : contentType === 'message/cpim' ? null : body.length,
      chunkList: [],
      chunkListOmitted: 0,
      reportEvents: [],
    };
    if (list) this.auditMessage(s, meta);
    return meta;
  }

  private emitPagerMessage(s: Session, meta: MsgMeta, msg: SipMessage, network: NetworkContext, pager: PagerView): void {
    const body = msg.body;
    const cpim = meta.contentType === 'message/cpim' ? parseCpim(body) : null;
    const info: FinishedInfo = {
      msrpMessageId: meta.messageId ?? `${msg.callId}/${msg.cseq?.seq ?? 0}`,
      contentType: msg.contentType?.mediaType ?? 'application/octet-stream',
      content: body.slice(),
      // An excerpt of a MESSAGE over the stream framer's cap carries only the first bytes of its body.
      contentTruncated: msg.excerpt,
      status: 'complete',
      cpimFrom: cpim?.from?.uri ?? null,
      cpimTo: cpim?.to.map((x) => x.uri) ?? [],
      imdnMessageId: cpim?.imdn.messageId ?? null,
      effectiveType: meta.innerContentType ?? meta.contentType,
      isFile: false,
      network,
    };
    this.emitMessage(s, meta, info, pager);
  }

  // =========================================================================================
  // MSRP frames

  private frameStart(conn: StreamCtx, head: MsrpFrameHead): FrameCtx | null {
    const now = t(head.tsSec, head.tsNsec);
    this.advance(now);
    if (head.kind === 'request' && head.method === 'AUTH') {
      // RFC 4976 section 5: AUTH authenticates a client to its relay; it belongs to no session.
      this.index.rememberTransaction(conn.stream.connId, head.transactionId, AUTH_TXN, head.frameNo);
      return null;
    }
    // One session in the common case; several when B2BUA legs share the MSRP session
    // (./msrp-session-index.ts). A list from the index is its scratch: read before its next call.
    let owners: Owners<Session> | undefined = this.index.ownersOf(head);
    let viaEndpoint = false;
    // A late frame of an ended or evicted non-target session (its endpoints, the paths' last
    // URIs, are tombstones and no live session knows them): dropped. For a request this comes
    // before any weaker binding (adversarial review): neither the CEMA fallback (the connection
    // to a CEMA target's address) nor a relay-position URI naming a target's session-id
    // (ownersOf counts those when no session knows an endpoint) may take it for a target's.
    const rSid = lastSessionId(head.headers.toPath);
    const sSid = lastSessionId(head.headers.fromPath);
    const tombstoned = (owners === undefined || (!this.index.knows(rSid) && !this.index.knows(sSid))) && this.tombstones.coversAny(rSid, sSid);
    if (tombstoned && head.kind === 'request') return null;
    if (owners === undefined && head.kind === 'request') {
      // RFC 6714 fallback, deliberately narrow (a wrong binding would intercept a stranger's
      // session sharing the connection): only sessions that negotiated a=msrp-cema, only a
      // frame with no known session-id, and only once per session (the frame's session-ids
      // are then bound and later frames match by session-id).
      const e = this.index.byEndpointKey(conn.serverKey);
      if (e !== undefined && !e.cemaLearnt && e.dialog !== null && e.dialog.sdp.some((p) => p !== null && p.msrp.some((m) => m.cema)) && this.uncorrelatedByEndpoints(head) === undefined) {
        owners = e;
        viaEndpoint = true;
      }
    }
    if (head.kind === 'response') {
      const byTx = this.index.takeTransaction(conn.stream.connId, head.transactionId);
      if (byTx === AUTH_TXN) return null;
      owners ??= byTx;
    }
    if (owners === undefined && tombstoned) return null;
    if (owners === undefined) owners = this.uncorrelatedFor(head);
    if (owners === undefined) {
      this.anomalies.report(head.kind === 'response' ? 'correlate.msrp_unbound_response' : 'correlate.msrp_unbound_request', head.frameNo);
      return null;
    }
    const remember = head.kind === 'request' && head.method !== 'REPORT' && head.headers.failureReport !== 'no';
    if (!isOwnerList(owners)) {
      const s = owners;
      if (s.closed && !this.sessions.has(s.key)) return null;
      if (remember) this.index.rememberTransaction(conn.stream.connId, head.transactionId, s, head.frameNo);
      return this.framePart(conn, head, s, viaEndpoint, now);
    }
    // Each session sharing the MSRP session gets the frame as its own (own reassembly, records,
    // direction relative to its own target side): a task's records never depend on the other leg.
    const live = owners.filter((s) => !s.closed || this.sessions.has(s.key));
    if (live.length === 0) return null;
    if (remember) this.index.rememberTransaction(conn.stream.connId, head.transactionId, live.length === 1 ? live[0]! : live, head.frameNo);
    let first: FrameCtx | null = null;
    for (const s of live) {
      const p = this.framePart(conn, head, s, false, now);
      if (p === null) continue;
      if (first === null) first = p;
      else {
        (first.more ??= []).push(p);
        // The raw bytes are gathered once, on the first part, for every part that wants them.
        if (p.collect) first.raw ??= [];
      }
    }
    return first;
  }

  /** One session's part of a frame beginning (null when the session takes nothing of it). */
  private framePart(conn: StreamCtx, head: MsrpFrameHead, s: Session, viaEndpoint: boolean, now: number): FrameCtx | null {
    const isRequest = head.kind === 'request';
    // Noted for ignored sessions too (a boolean, no content): a session that becomes a target's
    // by a task reload must not be reported as "MSRP connection not observed" at its release.
    s.msrpSeen = true;
    if (s.mode === 'ignore') return null;
    if (s.lastSeenNet === null && s.dialog === null) {
      const st = conn.stream;
      s.lastSeenNet = { srcAddr: st.srcAddr, dstAddr: st.dstAddr, srcPort: st.srcPort, dstPort: st.dstPort, ipProto: 6, tsSec: head.tsSec, tsNsec: head.tsNsec, frameNo: head.frameNo };
    }

    const senderSid = lastSessionId(head.headers.fromPath);
    const receiverSid = lastSessionId(head.headers.toPath);
    if (isRequest) this.learnSides(s, conn, senderSid, receiverSid, viaEndpoint);
    s.lastActive = now;
    if (s.dialog !== null) this.tracker.touch(s.dialog, now);
    const a = s.audit;
    if (a !== null) {
      if (!a.conns.includes(conn.name) && a.conns.length < 64) a.conns.push(conn.name);
      if (s.dialog === null) {
        if (isRequest) for (const sid of [receiverSid, senderSid]) if (sid !== null && !a.sids.includes(sid) && a.sids.length < 16) a.sids.push(sid);
        if (!conn.noSip.includes(s) && conn.noSip.length < 8) {
          conn.noSip.push(s);
          s.noSipStreams++;
          // A session without SIP starts with the first packet (SYN) of its first connection.
          const st = conn.stream;
          if (st.firstTsSec !== undefined) this.auditStart(a, st.firstTsSec, st.firstTsNsec ?? 0);
        }
      }
    }

    let writer: MsrpChunkWriter | null = null;
    const mid = head.headers.messageId;
    if (isRequest && head.method === 'SEND' && mid !== null) {
      writer = this.asm.startChunk(s.key, head);
      if (writer !== null) {
        const om = s.open.get(mid) ?? this.openMessage(s, head, mid, senderSid, receiverSid, conn.stream);
        om.stream = conn.stream;
      }
    } else if (isRequest && head.method === 'REPORT' && mid !== null && head.headers.status !== null && a !== null) {
      const meta = a.byMid.get(mid);
      const br = head.headers.byteRange;
      // A REPORT about a message the audit cap left out is expected, not an anomaly.
      if (meta === undefined) {
        if (a.omitted === 0) this.anomalies.report('correlate.report_unknown_message', head.frameNo);
      } else {
        const range = br === null ? '' : `${br.start}-${br.end}/${br.total}`;
        const code = String(head.headers.status.code).padStart(3, '0');
        meta.reports.add(range, code, conn.stream.connId);
        if (meta.reportEvents.length < AUDIT_REPORTS_PER_MESSAGE) {
          if (this.auditDetails) meta.reportEvents.push({ frame: head.frameNo, time: formatTimestamp(head.tsSec, head.tsNsec), status: code, byteRange: range, connection: conn.name });
        }
      }
    }
    const collect = isRequest && ((s.mode === 'intercept' && s.intercepts.some((it) => wantsCc(it.task))) || s.mode === 'pending');
    const arrow = a !== null ? this.ladderMsrp(a, conn, head) : null;
    return { session: s, head, writer, collect, raw: collect ? [] : null, rawBytes: 0, tooLarge: false, senderSid, arrow, more: null };
  }

  private frameEnd(conn: StreamCtx, f: FrameCtx, end: MsrpFrameEnd): void {
    let frame: HeldFrame | null = null;
    if (f.raw !== null && f.rawBytes > 0) {
      const bytes = f.raw.length === 1 ? f.raw[0]! : concatBytes(f.raw);
      const st = conn.stream;
      const network: NetworkContext = {
        srcAddr: st.srcAddr,
        dstAddr: st.dstAddr,
        srcPort: st.srcPort,
        dstPort: st.dstPort,
        ipProto: 6,
        tsSec: end.lastTsSec,
        tsNsec: end.lastTsNsec,
        frameNo: end.lastFrameNo,
      };
      frame = { bytes, method: f.head.method ?? '', senderSid: f.senderSid, network, truncated: end.flag === null };
    }
    this.framePartEnd(f, frame, end);
    if (f.more !== null) for (const p of f.more) this.framePartEnd(p, frame, end);
  }

  /** One session's part of a frame ending: its CC (or held bytes), its message chunk, its audit. */
  private framePartEnd(p: FramePart, frame: HeldFrame | null, end: MsrpFrameEnd): void {
    const s = p.session;
    if (frame !== null && p.collect) {
      if (s.mode === 'intercept') this.emitCc(s, frame);
      else if (s.mode === 'pending') this.hold(s, frame);
    }
    p.writer?.end(end);
    if (p.arrow !== null) p.arrow.lastFrame = end.lastFrameNo;
    // samples/README "Truth rules": MSRP frames move the times of sessions without SIP only.
    if (s.audit !== null && s.dialog === null) this.auditEnd(s.audit, end.lastTsSec, end.lastTsNsec);
  }

  /** The sides of a request's endpoints (see the file comment, "Direction"). */
  private learnSides(s: Session, conn: StreamCtx, senderSid: string | null, receiverSid: string | null, viaEndpoint: boolean): void {
    const map = s.sideBySid;
    const d = s.dialog;
    if (viaEndpoint && d !== null) {
      // RFC 6714: the listener is the party whose SDP named the server address of this connection.
      let listener: Side | null = null;
      for (const side of [0, 1] as const) if (d.sdp[side]?.msrp.some((m) => m.endpoints.includes(conn.serverKey))) listener ??= side;
      if (listener !== null) {
        const sender: Side = conn.stream.dir === 0 ? (listener === 0 ? 1 : 0) : listener;
        const learnt: string[] = [];
        if (senderSid !== null && !map.has(senderSid)) {
          map.set(senderSid, sender);
          learnt.push(senderSid);
        }
        if (receiverSid !== null && !map.has(receiverSid)) {
          map.set(receiverSid, sender === 0 ? 1 : 0);
          learnt.push(receiverSid);
        }
        this.index.bindSessionIds(s, learnt);
        s.boundSids.push(...learnt);
        s.cemaLearnt = true;
      }
      return;
    }
    if (d !== null) return;
    const ss = senderSid === null ? undefined : map.get(senderSid);
    const rs = receiverSid === null ? undefined : map.get(receiverSid);
    if (ss === undefined && rs === undefined) {
      if (senderSid !== null) map.set(senderSid, map.size === 0 ? 0 : 1);
      if (receiverSid !== null && receiverSid !== senderSid) map.set(receiverSid, senderSid === null ? 1 : map.get(senderSid) === 0 ? 1 : 0);
    } else if (ss === undefined && senderSid !== null) map.set(senderSid, rs === 0 ? 1 : 0);
    else if (rs === undefined && receiverSid !== null && receiverSid !== senderSid) map.set(receiverSid, ss === 0 ? 1 : 0);
  }

  /**
   * The session without SIP of a frame's endpoints: the session-ids of the last URIs of its
   * To-Path and From-Path (RFC 4975 section 6), the only ones such a session is indexed by.
   * A URI in between names a relay hop, never the session (RFC 4976 section 7.1): a stranger's
   * frame naming a target's endpoint URI as a hop must not be taken for the target's
   * (adversarial review; the SIP-bound index weighs endpoints the same way).
   */
  private uncorrelatedByEndpoints(head: MsrpFrameHead): Session | undefined {
    const to = lastSessionId(head.headers.toPath);
    const from = lastSessionId(head.headers.fromPath);
    return (to === null ? undefined : this.uncBySid.get(to)) ?? (from === null ? undefined : this.uncBySid.get(from));
  }

  /** The uncorrelated session of a request's endpoints (created when new); undefined for responses without one. */
  private uncorrelatedFor(head: MsrpFrameHead): Session | undefined {
    const known = this.uncorrelatedByEndpoints(head);
    if (known !== undefined) return known;
    if (head.kind !== 'request') return undefined;
    const a = lastSessionId(head.headers.fromPath);
    const b = lastSessionId(head.headers.toPath);
    if (a === null && b === null) return undefined;
    const pair = [a ?? '', b ?? ''].sort();
    const key = `u${pair[0]}\u0000${pair[1]}`;
    if (this.uncorrelated.size >= this.maxUnc) {
      const first = this.uncorrelated.values().next();
      if (first.done !== true) {
        this.anomalies.report('correlate.uncorrelated_evicted', head.frameNo, `cap=${this.maxUnc}`);
        this.closeUncorrelated(first.value);
      }
    }
    const s = new Session(`${key}#${this.nextOrder}`, `msrp:${pair[0]} ${pair[1]}`, this.nextOrder++, null, new Map());
    s.mode = this.matcher.empty && !this.includeNonTargets ? 'ignore' : 'pending';
    s.lastActive = t(head.tsSec, head.tsNsec);
    if (s.mode !== 'ignore') s.audit = this.newAudit(null, head.tsSec, head.tsNsec);
    for (const sid of [a, b]) {
      if (sid !== null && !this.uncBySid.has(sid)) {
        this.uncBySid.set(sid, s);
        s.uncSids.push(sid);
      }
    }
    this.uncorrelated.set(s.key, s);
    this.sessions.set(s.key, s);
    return s;
  }

  private closeUncorrelated(s: Session): void {
    if (this.uncorrelated.get(s.key) !== s) return;
    this.uncorrelated.delete(s.key);
    for (const sid of s.uncSids) if (this.uncBySid.get(sid) === s) this.uncBySid.delete(sid);
    this.closeSession(s);
  }

  private hold(s: Session, f: HeldFrame): void {
    if (s.heldBytes + f.bytes.length > this.maxHeldPerSession || this.heldTotal + f.bytes.length > this.maxHeldTotal) {
      // Reported only if the session turns out to be a target's (then CC is incomplete).
      s.heldDropped++;
      return;
    }
    s.held.push(f);
    s.heldBytes += f.bytes.length;
    this.heldTotal += f.bytes.length;
  }

  private dropHeld(s: Session): void {
    this.heldTotal -= s.heldBytes;
    s.held = [];
    s.heldBytes = 0;
    s.heldMessages = [];
  }

  // =========================================================================================
  // Messages

  private openMessage(s: Session, head: MsrpFrameHead, mid: string, senderSid: string | null, receiverSid: string | null, stream: MsrpStreamRef): OpenMessage {
    const contentCap = (s.mode === 'intercept' && s.intercepts.some((it) => wantsIri(it.task))) ? this.maxContent : s.mode === 'pending' ? this.maxHeldPerSession : 0;
    const mediaType = mediaTypeOf(head.headers.contentType);
    const tracker = new MessageTracker(mid, mediaType, { sha1: s.fileSelector !== null, contentCap });
    const meta: MsgMeta = {
      messageId: mid,
      senderSide: senderSid === null ? null : (s.sideBySid.get(senderSid) ?? null),
      contentType: mediaType,
      innerContentType: null,
      size: 0,
      sha256: null,
      innerSha256: null,
      chunks: 0,
      status: 'incomplete',
      reports: new ReportTally(),
      firstFrame: head.frameNo,
      lastFrame: head.frameNo,
      missing: [],
      imdn: null,
      isComposing: false,
      carriedBy: 'msrp',
      firstTime: formatTimestamp(head.tsSec, head.tsNsec),
      lastTime: formatTimestamp(head.tsSec, head.tsNsec),
      totalSize: null,
      cpimFrom: null,
      cpimTo: [],
      contentOffset: null,
      contentLength: null,
      chunkList: [],
      chunkListOmitted: 0,
      reportEvents: [],
    };
    if (meta.senderSide === null && receiverSid !== null) {
      const r = s.sideBySid.get(receiverSid);
      if (r !== undefined) meta.senderSide = r === 0 ? 1 : 0;
    }
    const om: OpenMessage = { tracker, meta, senderSid, receiverSid, cpimChecked: false, stream };
    s.open.set(mid, om);
    s.openMessages++;
    this.auditMessage(s, meta);
    return om;
  }

  /** In-order body bytes of a message (the assembler's onData). */
  private messageData(ref: MsrpMessageRef, piece: Uint8Array): void {
    const s = this.sessions.get(ref.session);
    const om = s?.open.get(ref.messageId);
    if (s === undefined || om === undefined) return;
    om.tracker.write(piece);
    if (s.mode === 'pending' && !om.cpimChecked && om.tracker.cpim !== null && (om.tracker.cpim.cpim !== null || om.tracker.cpim.failed)) {
      om.cpimChecked = true;
      const c = om.tracker.cpim.cpim;
      if (c === null) return;
      this.learnCpimParties(s, om, c.from?.uri ?? null, c.to.map((x) => x.uri));
      const matches = this.matcher.matchCpim(c.from?.uri ?? null, c.to.map((x) => x.uri), this.now);
      if (matches.length > 0) this.identify(s, om, matches);
    }
  }

  private learnCpimParties(s: Session, om: OpenMessage, from: string | null, to: readonly string[]): void {
    const ss = om.meta.senderSide ?? 0;
    const rs: Side = ss === 0 ? 1 : 0;
    if (from !== null && /^(sips?|tel):/i.test(from)) identityList(s.sideIds[ss], from);
    for (const x of to) if (/^(sips?|tel):/i.test(x)) identityList(s.sideIds[rs], x);
  }

  /** An uncorrelated session named a target in CPIM: it becomes intercepted; held bytes go out. */
  private identify(s: Session, om: OpenMessage, matches: TaskMatch[]): void {
    s.mode = 'intercept';
    const ss = om.meta.senderSide ?? 0;
    for (const m of matches) s.intercepts.push(this.makeIntercept(s, m, m.source === 'cpimFrom' ? ss : ss === 0 ? 1 : 0));
    const wantContent = s.intercepts.some((it) => wantsIri(it.task));
    for (const o of s.open.values()) {
      if (wantContent) o.tracker.raiseContentCap(this.maxContent);
      else o.tracker.dropContent();
    }
    this.listAudit(s);
    if (s.heldDropped > 0) this.anomalies.report('correlate.uncorrelated_held_dropped', om.meta.firstFrame, `frames=${s.heldDropped}`);
    const held = s.held;
    const heldMessages = s.heldMessages;
    this.heldTotal -= s.heldBytes;
    s.held = [];
    s.heldBytes = 0;
    s.heldMessages = [];
    for (const f of held) this.emitCc(s, f);
    for (const h of heldMessages) this.emitMessage(s, h.meta, h.info);
  }

  /** A message closed in the assembler. */
  private messageClosed(m: MsrpMessage): void {
    const s = this.sessions.get(m.session);
    const om = s?.open.get(m.messageId);
    if (s === undefined || om === undefined) return;
    s.open.delete(m.messageId);
    s.openMessages--;
    const tr = om.tracker;
    const meta = om.meta;
    const dig = tr.digest();
    const inner = tr.cpim?.digest() ?? null;
    const status = m.status;
    meta.status = status;
    meta.size = status === 'complete' ? (m.size ?? tr.streamed) : m.receivedBytes;
    meta.sha256 = status === 'complete' ? dig.sha256 : status === 'aborted' && tr.streamed === m.receivedBytes ? dig.sha256 : null;
    const cpim = tr.cpim?.cpim ?? null;
    meta.innerContentType = cpim?.contentType ?? null;
    meta.cpimFrom = cpim?.from?.uri ?? null;
    meta.cpimTo = cpim?.to.map((x) => x.uri) ?? [];
    this.contentSpan(meta, tr, status);
    meta.innerSha256 = status === 'complete' && inner !== null ? inner.sha256 : null;
    const ranges = new Set<string>();
    for (const c of m.chunks) ranges.add(`${c.start}-${c.end}`);
    meta.chunks = ranges.size + m.chunksOmitted;
    meta.firstFrame = m.firstFrameNo;
    meta.lastFrame = m.lastFrameNo;
    meta.missing = m.missing.slice(0, 16).map((r) => ({ start: r.start, end: r.end }));
    meta.firstTime = formatTimestamp(m.firstTsSec, m.firstTsNsec);
    meta.lastTime = formatTimestamp(m.lastTsSec, m.lastTsNsec);
    meta.totalSize = m.size;
    meta.chunkList = (this.auditDetails ? m.chunks.slice(0, AUDIT_CHUNKS_PER_MESSAGE) : []).map((c) => ({
      start: c.start,
      end: c.end,
      frame: c.frameNo,
      lastFrame: c.lastFrameNo,
      time: formatTimestamp(c.tsSec, c.tsNsec),
      flag: c.flag,
      duplicate: c.duplicate,
    }));
    meta.chunkListOmitted = m.chunksOmitted + Math.max(0, m.chunks.length - AUDIT_CHUNKS_PER_MESSAGE);
    const effective = meta.innerContentType ?? meta.contentType;
    meta.isComposing = effective === 'application/im-iscomposing+xml';
    if (meta.innerContentType === 'message/imdn+xml' && tr.cpim !== null && tr.cpim.innerIsWhole) {
      const doc = parseImdn(tr.cpim.innerHead(), this.anomalies, m.lastFrameNo);
      if (doc !== null) meta.imdn = { messageId: doc.messageId, notification: doc.notification, status: doc.status };
    }
    const userContent = meta.imdn === null && !meta.isComposing && effective !== 'message/imdn+xml' && meta.size > 0;
    const isFile = s.fileSelector !== null && userContent;
    if (isFile && s.audit !== null && s.audit.files.length < 64) {
      const sel = s.fileSelector!;
      const adv = sel.hashes.find((h) => h.algorithm === 'sha-1')?.hex.toLowerCase() ?? null;
      const complete = status === 'complete';
      const sha1 = complete ? (cpim !== null ? (inner?.sha1 ?? null) : dig.sha1) : null;
      s.audit.files.push({
        name: sel.name,
        size: cpim !== null ? (tr.cpim?.innerLength ?? 0) : meta.size,
        sha256: complete ? (cpim !== null ? (inner?.sha256 ?? null) : dig.sha256) : null,
        sha1,
        advertisedSha1: adv,
        advertisedSize: sel.size,
        advertisedType: sel.type,
        messageId: meta.messageId,
      });
    }
    if (s.mode !== 'intercept' && s.mode !== 'pending') {
      tr.dropContent();
    } else if (meta.size > 0 || m.contentType !== null) {
      const st = om.stream;
      const info: FinishedInfo = {
        msrpMessageId: m.messageId,
        contentType: m.contentType ?? 'application/octet-stream',
        content: tr.takeContent(),
        contentTruncated: tr.contentTruncated,
        status,
        cpimFrom: cpim?.from?.uri ?? null,
        cpimTo: cpim?.to.map((x) => x.uri) ?? [],
        imdnMessageId: cpim?.imdn.messageId ?? null,
        effectiveType: effective,
        isFile,
        network: { srcAddr: st.srcAddr, dstAddr: st.dstAddr, srcPort: st.srcPort, dstPort: st.dstPort, ipProto: 6, tsSec: m.lastTsSec, tsNsec: m.lastTsNsec, frameNo: m.lastFrameNo },
      };
      if (s.mode === 'intercept') this.emitMessage(s, meta, info);
      else if (s.heldBytes + info.content.length <= this.maxHeldPerSession && this.heldTotal + info.content.length <= this.maxHeldTotal) {
        s.heldMessages.push({ meta, info });
        s.heldBytes += info.content.length;
        this.heldTotal += info.content.length;
      }
    }
    if (s.closed && s.openMessages === 0) this.leaveSessions(s);
    this.maybeRelease(s);
  }

  /** @param pager a pager-mode message: directions and parties come from the message itself (./pager-direction.ts). */
  private emitMessage(s: Session, meta: MsgMeta, info: FinishedInfo, pager: PagerView | null = null): void {
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
      if (!wantsIri(it.task)) continue;
      const dir: Direction | null = pager !== null ? pager.dirs[i]! : sender === it.targetSide ? 'fromTarget' : 'toTarget';
      if (dir === null) continue;
      const senderSide: Side = sender ?? (it.targetSide === 0 ? 1 : 0);
      const receiverSide: Side = senderSide === 0 ? 1 : 0;
      const senderIds = pager !== null ? pager.parties[0] : s.sideIds[senderSide];
      const receiverIds = pager !== null ? pager.parties[1] : s.sideIds[receiverSide];
      const originating = info.cpimFrom !== null && /^(sips?|tel):/i.test(info.cpimFrom) ? [imsIdentityFromText(info.cpimFrom)] : senderIds;
      const toIds = info.cpimTo.filter((x) => /^(sips?|tel):/i.test(x)).map(imsIdentityFromText);
      const terminating = toIds.length > 0 ? toIds : receiverIds;
      const targetSideIds = pager !== null ? (dir === 'fromTarget' ? senderIds : receiverIds) : s.sideIds[it.targetSide];
      const targetIdentities = targetSideIds.length > 0 ? targetSideIds : [imsIdentityFromText(it.task.matchedTargetId)];
      const sel = info.isFile ? s.fileSelector : null;
      this.emitIri(s, it, s.pager ? 'report' : this.nextIriType(it), dir, info.network, {
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
        ...(sel !== null
          ? { file: { ...(sel.name !== null ? { name: sel.name } : {}), ...(sel.size !== null ? { size: sel.size } : {}), ...(sel.type !== null ? { contentType: sel.type } : {}) } }
          : {}),
        ...(info.status !== 'complete' ? { messageStatus: info.status } : {}),
        ...(info.contentTruncated ? { contentTruncated: true } : {}),
      });
    }
  }

  private emitCc(s: Session, f: HeldFrame): void {
    const senderSide = f.senderSid === null ? undefined : s.sideBySid.get(f.senderSid);
    for (const it of s.intercepts) {
      if (!wantsCc(it.task)) continue;
      const direction: Direction = senderSide === undefined ? 'unknown' : senderSide === it.targetSide ? 'fromTarget' : 'toTarget';
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

  private nextIriType(it: Intercept): IriType {
    return it.ended ? 'report' : it.iriCount === 0 ? 'begin' : 'continue';
  }

  private emitIri(s: Session, it: Intercept, iriType: IriType, direction: Direction, network: NetworkContext, event: IriEvent): void {
    it.iriCount++;
    s.lastNet = network;
    this.onRecord({ kind: 'iri', task: it.task, network, correlationId: it.correlationId, communicationIdentityNumber: it.cin, direction, iriType, event });
  }

  // =========================================================================================
  // Time

  private advance(now: number): void {
    if (now > this.now) this.now = now;
    if (this.now - this.lastSweep < 1) return;
    this.lastSweep = this.now;
    this.tracker.sweep(this.now);
    this.tombstones.sweep(this.now);
    for (const s of [...this.uncorrelated.values()]) {
      if (this.now - s.lastActive >= this.uncIdle) this.closeUncorrelated(s);
    }
    for (const s of [...this.releasePending]) this.maybeRelease(s);
    this.freezeFinished();
  }

  // =========================================================================================
  // Audit

  private newAudit(callId: string | null, sec: number, nsec: number): AuditData {
    return { callId, startSec: sec, startNsec: nsec, endSec: sec, endNsec: nsec, endFixed: false, sids: [], conns: [], messages: [], byMid: new Map(), liveCount: 0, files: [], omitted: 0, ccUnavailable: null, ladder: [], ladderOmitted: 0 };
  }

  /** Appends a ladder arrow within the per-session cap; null when capped (counted, reported once). */
  private ladderPush(a: AuditData, e: AuditLadderEvent): AuditLadderEvent | null {
    if (!this.auditDetails) return null;
    if (a.ladder.length >= this.maxAuditLadder) {
      if (a.ladderOmitted++ === 0) this.anomalies.report('correlate.audit_capped', e.frame, `ladder=${this.maxAuditLadder}`);
      return null;
    }
    a.ladder.push(e);
    return e;
  }

  /** A SIP message of an audited session (retransmissions on the same hop never get here). */
  private ladderSip(a: AuditData, msg: SipMessage, where: PacketRef): void {
    if (!this.auditDetails) return;
    const cseqMethod = msg.cseq?.method ?? null;
    const label = msg.isRequest ? (msg.method ?? '?') : `${msg.statusCode}${msg.reason !== null ? ` ${msg.reason}` : ''}${cseqMethod !== null ? ` (${cseqMethod})` : ''}`;
    this.ladderPush(a, {
      proto: 'sip',
      frame: where.frameNo,
      lastFrame: where.frameNo,
      time: formatTimestamp(where.tsSec, where.tsNsec),
      src: formatEndpoint(where.srcAddr, where.srcPort),
      dst: formatEndpoint(where.dstAddr, where.dstPort),
      // The reason phrase is free text from the wire: kept short (the renderer escapes it).
      label: label.length > 64 ? `${label.slice(0, 63)}…` : label,
      detail: msg.cseq !== null ? `CSeq ${msg.cseq.seq} ${msg.cseq.method}` : null,
      messageId: null,
    });
  }

  /** An MSRP frame of an audited session. */
  private ladderMsrp(a: AuditData, conn: StreamCtx, head: MsrpFrameHead): AuditLadderEvent | null {
    if (!this.auditDetails) return null;
    const st = conn.stream;
    const h = head.headers;
    const br = h.byteRange;
    const label = head.kind === 'request' ? (head.method === 'REPORT' && h.status !== null ? `REPORT ${String(h.status.code).padStart(3, '0')}` : (head.method ?? '?')) : `${head.statusCode ?? '?'}${head.comment !== null ? ` ${head.comment}` : ''}`;
    const parts = [`tid ${head.transactionId}`];
    if (br !== null) parts.push(`${br.start}-${br.end}/${br.total}`);
    return this.ladderPush(a, {
      proto: 'msrp',
      frame: head.frameNo,
      lastFrame: head.frameNo,
      time: formatTimestamp(head.tsSec, head.tsNsec),
      src: formatEndpoint(st.srcAddr, st.srcPort),
      dst: formatEndpoint(st.dstAddr, st.dstPort),
      label: label.length > 64 ? `${label.slice(0, 63)}…` : label,
      detail: parts.join(' '),
      messageId: h.messageId,
    });
  }

  /**
   * Where the user content lies in a closed message's body (see AuditMessage.contentOffset): the
   * body as retained for the record, its CPIM headers parsed once more (RFC 3862 section 2).
   */
  private contentSpan(meta: MsgMeta, tr: MessageTracker, status: 'complete' | 'aborted' | 'incomplete'): void {
    if (tr.heldBytes === 0 || tr.contentTruncated || status !== 'complete') return;
    if (tr.cpim === null) {
      meta.contentOffset = 0;
      meta.contentLength = tr.heldBytes;
      return;
    }
    const body = tr.takeContent();
    const c = parseCpim(body);
    if (c === null) return;
    meta.contentOffset = c.body.byteOffset - body.byteOffset;
    meta.contentLength = c.body.length;
  }

  private auditStart(a: AuditData, sec: number, nsec: number): void {
    if (sec < a.startSec || (sec === a.startSec && nsec < a.startNsec)) {
      a.startSec = sec;
      a.startNsec = nsec;
    }
  }

  private auditEnd(a: AuditData, sec: number, nsec: number): void {
    if (sec > a.endSec || (sec === a.endSec && nsec > a.endNsec)) {
      a.endSec = sec;
      a.endNsec = nsec;
    }
  }

  private auditMessage(s: Session, meta: MsgMeta): void {
    const a = s.audit;
    if (a === null) return;
    if (a.messages.length >= this.maxAuditMessages || this.liveAuditMessages >= this.maxLiveAuditMessages) {
      if (a.omitted++ === 0) {
        const detail = a.messages.length >= this.maxAuditMessages ? `messages=${this.maxAuditMessages}` : `live_messages=${this.maxLiveAuditMessages}`;
        this.anomalies.report('correlate.audit_capped', meta.firstFrame, detail);
      }
      // Not indexed: `byMid` only serves the REPORT tallies of listed messages, and an index of
      // every omitted message grew without bound (issue 12: 200 000 Message-IDs on one target
      // connection kept 200 000 MsgMeta objects, ~400 MiB, to the end of the session).
      return;
    }
    a.messages.push(meta);
    a.liveCount++;
    this.liveAuditMessages++;
    if (meta.messageId !== null && a.byMid.size < this.maxAuditMessages * 2) a.byMid.set(meta.messageId, meta);
  }

  private listAudit(s: Session): void {
    if (s.listed || s.audit === null) return;
    if (this.listedCount >= this.maxAuditSessions) {
      if (this.auditOmitted++ === 0) this.anomalies.report('correlate.audit_capped', undefined, `sessions=${this.maxAuditSessions}`);
      return;
    }
    s.listed = true;
    this.listedCount++;
    this.auditList.add(s);
  }

  /**
   * The audit reconstruction (./audit-report.ts for the shape and rules): one entry per
   * (session, task) pair, sessions in order of first appearance. Call after {@link finish} for
   * final values; earlier calls show messages still in reassembly as incomplete.
   */
  auditReport(): AuditReport {
    return this.buildAudit(false).report;
  }

  /**
   * The audit with its details for the HTML report (ladder, chunk frames, REPORTs, parties):
   * `details` entries are index-aligned with `report` (sessions, messages and files).
   */
  auditWithDetails(): { report: AuditReport; details: AuditDetails } {
    const r = this.buildAudit(true);
    return { report: r.report, details: r.details! };
  }

  /**
   * The audit entries of one list (`sessions`, or `uncorrelated` for sessions seen without SIP),
   * in order of first appearance, one at a time: audit.json is written from this without
   * holding the whole report (src/pipeline/write-audit-json.ts).
   */
  *auditEntries(uncorrelated: boolean): Generator<AuditSession> {
    for (const g of this.auditGroups(uncorrelated, false)) yield* g.entries;
  }

  /** The anomaly counts the audit ends with. */
  auditAnomalies(): Record<string, number> {
    return this.anomalyCounts?.() ?? {};
  }

  private buildAudit(withDetails: boolean): { report: AuditReport; details: AuditDetails | null } {
    const lists: [AuditSession[], AuditSession[]] = [[], []];
    const dLists: [AuditSessionDetail[], AuditSessionDetail[]] = [[], []];
    for (const unc of [0, 1] as const) {
      for (const g of this.auditGroups(unc === 1, withDetails)) {
        lists[unc].push(...g.entries);
        if (withDetails) {
          if (g.details === null) throw new Error('Correlator: the audit store keeps no details (auditWithDetails needs a store that does)');
          dLists[unc].push(...g.details);
        }
      }
    }
    const report: AuditReport = { sessions: lists[0], uncorrelated: lists[1], anomalies: this.auditAnomalies() };
    return { report, details: withDetails ? { sessions: dLists[0], uncorrelated: dLists[1] } : null };
  }

  /** One list's groups: those in the store merged with the sessions still live, by order. */
  private auditGroups(uncorrelated: boolean, withDetails: boolean): Generator<AuditGroup> {
    const live = [...this.auditList];
    if (this.includeNonTargets) for (const s of this.uncorrelated.values()) if (!s.listed && s.audit !== null) live.push(s);
    live.sort((x, y) => x.order - y.order);
    const groups: AuditGroup[] = [];
    for (const s of live) {
      if ((s.audit!.callId === null) !== uncorrelated) continue;
      const g = this.auditGroup(s, withDetails);
      if (g !== null) groups.push(g);
    }
    return mergeByOrder(this.auditStore.ordered(uncorrelated), groups);
  }

  /** The audit entries of one session, one per (session, task) pair (./audit-report.ts). */
  private auditGroup(s: Session, withDetails: boolean): AuditGroup | null {
    const a = s.audit!;
    // A target dialog that never offered MSRP nor carried a pager message (e.g. a voice
    // call) got its iMSMessage records but is not an MSRP session of the audit.
    if (s.dialog !== null && s.dialog.kind === 'invite' && a.sids.length === 0 && a.messages.length === 0) return null;
    const all = s.retired.length > 0 ? [...s.intercepts, ...s.retired] : s.intercepts;
    const pairs: (Intercept | null)[] = all.length > 0 ? all : [null];
    const entries: AuditSession[] = [];
    const details: AuditSessionDetail[] = [];
    for (const it of pairs) {
      const targetSide: Side = it?.targetSide ?? 0;
      const messages: AuditMessage[] = a.messages.map((m) => ({
        messageId: m.messageId,
        direction: m.senderSide === null ? 'toTarget' : m.senderSide === targetSide ? 'fromTarget' : 'toTarget',
        contentType: m.contentType,
        innerContentType: m.innerContentType,
        size: m.size,
        sha256: m.sha256,
        innerSha256: m.innerSha256,
        chunks: m.chunks,
        status: m.status,
        reportStatuses: m.reports.statuses(),
        firstFrame: m.firstFrame,
        lastFrame: m.lastFrame,
        missing: m.missing.slice(),
        imdn: m.imdn,
        isComposing: m.isComposing,
        carriedBy: m.carriedBy,
      }));
      const files: AuditFile[] = a.files.map((f) => ({
        name: f.name,
        size: f.size,
        sha256: f.sha256,
        sha1: f.sha1,
        hashVerified: f.sha1 !== null && f.advertisedSha1 !== null && f.sha1 === f.advertisedSha1,
        messageId: f.messageId,
      }));
      entries.push({
        ...(a.callId !== null ? { callId: a.callId } : {}),
        xid: it?.task.xid ?? null,
        liid: it?.task.liid ?? null,
        matchedIdentity: it?.task.matchedTargetId ?? null,
        startTime: formatTimestamp(a.startSec, a.startNsec),
        endTime: formatTimestamp(a.endSec, a.endNsec),
        msrpSessionIds: a.sids.slice(),
        connections: a.conns.slice(),
        messages,
        files,
        targetRole: it?.task.targetRole ?? null,
        messagesOmitted: a.omitted,
        ccUnavailable: a.ccUnavailable,
      });
      if (withDetails) details.push(this.sessionDetail(s, a, it === null ? null : targetSide));
    }
    return { order: s.order, uncorrelated: a.callId === null, entries, details: withDetails ? details : null };
  }

  private sessionDetail(s: Session, a: AuditData, targetSide: Side | null): AuditSessionDetail {
    return {
      parties: [s.sideIds[0].map((i) => i.value), s.sideIds[1].map((i) => i.value)],
      targetSide,
      ladder: a.ladder.map((e) => ({ ...e })),
      ladderOmitted: a.ladderOmitted,
      messages: a.messages.map((m) => ({
        firstTime: m.firstTime,
        lastTime: m.lastTime,
        totalSize: m.totalSize,
        senderSide: m.senderSide,
        cpimFrom: m.cpimFrom,
        cpimTo: m.cpimTo.slice(),
        contentOffset: m.contentOffset,
        contentLength: m.contentLength,
        chunkList: m.chunkList.map((c) => ({ ...c })),
        chunkListOmitted: m.chunkListOmitted,
        reports: m.reportEvents.map((r) => ({ ...r })),
      })),
      files: a.files.map((f) => ({ advertisedSha1: f.advertisedSha1, advertisedSize: f.advertisedSize, advertisedType: f.advertisedType })),
    };
  }
}

/** One MSRP TCP direction as the correlator knows it. */
interface StreamCtx {
  readonly stream: MsrpStreamRef;
  /** `client-server` as the audit lists connections. */
  readonly name: string;
  /** Transport key of the server side (RFC 6714 binding). */
  readonly serverKey: string;
  /** Sessions without SIP that had frames here (their audit times follow the connection). */
  readonly noSip: Session[];
  /** A frame of an intercepted session was seen in this direction: its gaps count as target loss. */
  target: boolean;
}

/** One session's part in the frame being received. */
interface FramePart {
  readonly session: Session;
  readonly writer: MsrpChunkWriter | null;
  /** The frame's raw bytes are wanted for this session (CC, or held until its target is known). */
  readonly collect: boolean;
  /** The frame's ladder arrow in this session's audit (its lastFrame is set when the frame ends). */
  readonly arrow: AuditLadderEvent | null;
}

/**
 * The frame being received on a stream: its first session's part, and the parts of the other
 * sessions sharing the MSRP session (null in the common case, so one object per frame).
 */
interface FrameCtx extends FramePart {
  readonly head: MsrpFrameHead;
  /** Raw bytes, gathered once for every part that collects. */
  raw: Uint8Array[] | null;
  rawBytes: number;
  tooLarge: boolean;
  readonly senderSid: string | null;
  more: FramePart[] | null;
}

/**
 * The session fields rCSSessionEstablishment and rCSSessionRelease share (33.128 RCSSessionInfo
 * as modelled in src/records/iri-event.ts), for one task's view of the session.
 */
function rcsSessionInfo(s: Session, it: Intercept, targetIdentities: readonly ImsIdentity[]): RcsSessionInfo {
  return {
    targetIdentities,
    originating: s.sideIds[0].length > 0 ? s.sideIds[0] : [PLACEHOLDER_PARTY],
    terminating: s.sideIds[1].length > 0 ? s.sideIds[1] : [PLACEHOLDER_PARTY],
    ...(s.conversationId !== null ? { conversationId: s.conversationId } : {}),
    ...(s.contributionId !== null ? { contributionId: s.contributionId } : {}),
    sessionType: s.largeMessage ? 'largeMessageStandalone' : 'oneTo1Chat',
    sessionDirection: it.targetSide === 0 ? 'fromTarget' : 'toTarget',
    sessionLeg: 'localLeg',
  };
}

function sha256Hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}
