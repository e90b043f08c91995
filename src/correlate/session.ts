/**
 * One session as the correlator tracks it: a SIP session (dialog) or an MSRP session without
 * SIP, with the tasks intercepting it ({@link Intercept}), its messages in reassembly, the bytes
 * held until its target is known ({@link HeldBytes}) and its release ({@link ReleaseState}).
 * The two sub-objects are made only for the sessions that need them: a non-target dialog, the
 * most numerous kind, carries neither (issue 12).
 */
import type { SolePaths } from './relay-leg-hold.js';
import type { CpimDeferred } from './cpim-deferral.js';
import type { SipMessageRef } from '../records/iri-event.js';
import type { ImsIdentity } from '../records/ims-identity.js';
import type { NetworkContext } from '../records/network-context.js';
import type { TaskRef } from '../records/task-ref.js';
import type { FileSelector } from '../protocols/sdp/index.js';
import type { MsrpStreamRef } from '../analyzers/app-event-sink.js';
import type { Dialog, Side } from './dialog-tracker.js';
import type { AuditData, MsgMeta } from './message-meta.js';
import type { MessageTracker } from './message-tracker.js';
import type { SeenSipHop } from './seen-sip-hop.js';
import type { TaskMatch } from './target-matcher.js';

/**
 * - `intercept`: a target's (records, content);
 * - `pending`: without SIP and no target named yet (reassembled, raw bytes held);
 * - `meta`: a non-target's listed in the audit (`includeNonTargets`; metadata only);
 * - `ignore`: a non-target's (frames bound and dropped).
 */
export type Mode = 'intercept' | 'pending' | 'meta' | 'ignore';

/** One task's view of one session. */
export interface Intercept {
  /** Both replaced when a reload or X1 ModifyTask keeps the task on this session (./task-reload.ts). */
  match: TaskMatch;
  task: TaskRef;
  readonly correlationId: Uint8Array;
  /** Communication Identity Number of this session in the task's LIID (./cin-allocator.ts). */
  readonly cin: number;
  readonly targetSide: Side;
  iriCount: number;
  ended: boolean;
  /** Issue 15: the trigger that made this intercept (not this tap's SIP or CPIM), ./trigger-claims.ts. */
  readonly trigger?: TriggerWindow;
  /**
   * Issue 15: this task's parties when they are not the session's (Session.sideIds): those the
   * trigger that made it names (./applied-trigger.ts takeParties). Two triggers of two tasks may
   * claim one session; each task's records name only its own triggering tap's parties.
   */
  sideIds?: [ImsIdentity[], ImsIdentity[]];
}

/**
 * What an intercept made by an LI_T3 trigger keeps of it: who sent it, and the capture-time
 * window whose frames it claims (the end moves when the trigger is withdrawn or modified).
 */
export interface TriggerWindow {
  readonly xId: string;
  readonly originTap: string;
  /** Capture time (s); a frame is claimed when `start <= t <= end`. */
  start: number;
  /** Infinity while the trigger is open. */
  end: number;
  /** Clock skew tolerated between the taps (s): a claimed session's frames from `start - skew` are emitted. */
  readonly skew: number;
  /** The session ids it names: a frame or message of the session is its only if an endpoint is one of them. */
  sids: readonly string[];
  /** The trigger named the target's session ids: CC directions are known (else `unknown`). */
  readonly targetKnown: boolean;
}

/** A raw request frame (a CC record's content, or held for a not-yet-identified session). */
export interface HeldFrame {
  readonly bytes: Uint8Array;
  readonly method: string;
  readonly senderSid: string | null;
  /** Session-id of the last To-Path URI (a trigger claims the frames whose endpoints it names). */
  readonly receiverSid?: string | null;
  readonly network: NetworkContext;
  readonly truncated: boolean;
  /**
   * Of a request: its Message-ID, the position of its first body byte in the message (Byte-Range
   * start, 1 when absent: RFC 4975 section 7.1.1) and where its body lies in `bytes`. A message
   * that finishes while its frames are held is rebuilt from their bodies, not held twice
   * (./held-budget.ts).
   */
  readonly messageId?: string | null;
  readonly rangeStart?: number;
  readonly bodyAt?: number;
  readonly bodyLength?: number;
}

/** A message that finished before its session was identified. */
export interface HeldMessage {
  readonly meta: MsgMeta;
  /** Its `content` is empty when `parts` is set. */
  readonly info: FinishedInfo;
  /**
   * The content as views of held frames' bodies, in order (./held-budget.ts): the message costs
   * the budget nothing beyond its frames; its content is put together when it goes out.
   */
  readonly parts?: readonly Uint8Array[];
}

/** What a not-yet-identified session holds (./held-budget.ts owns it and the overall total). */
export interface HeldBytes {
  frames: HeldFrame[];
  messages: HeldMessage[];
  /** Bytes of `frames` and of the messages' content. */
  bytes: number;
  /** Request frames not held because of the caps. */
  dropped: number;
  /** Finished messages not held because of the caps (neither they nor all their frames fit). */
  droppedMessages: number;
  /** Capture time (s) and wall clock (ms) when the session first held something (trigger latency, issue 15). */
  readonly firstAt: number;
  readonly firstWallMs: number;
}

/** What an rCSMessage needs of a finished message. */
export interface FinishedInfo {
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
  /**
   * It carries user content (./msrp-messages.ts): a message closed while its session waited for
   * a trigger is a file once the trigger's SDP names a file-selector (RFC 5547), as on a single tap.
   */
  readonly userContent?: boolean;
  readonly network: NetworkContext;
  /** Endpoint session-ids of its first chunk (sender, receiver), for a trigger's claim. */
  readonly sids?: readonly [string | null, string | null];
  /**
   * A relayed message (RFC 4976) closed on a leg other than both parties' own: the network
   * context of the copy on the sender's (0) and receiver's (1) own leg, null until seen
   * (./relay-leg-hold.ts). A record for a task uses its target's leg (./record-emitter.ts).
   */
  readonly legs?: LegNetworks;
}

/** Per party (0 the message's sender, 1 its receiver): the network context of the copy on its own leg, or null. */
export type LegNetworks = [NetworkContext | null, NetworkContext | null];

/** Per-message state beyond the tracker. */
export interface OpenMessage {
  readonly tracker: MessageTracker;
  readonly meta: MsgMeta;
  readonly senderSid: string | null;
  readonly receiverSid: string | null;
  cpimChecked: boolean;
  stream: MsrpStreamRef;
  /** The paths of its latest chunk naming one party each (From, To): which leg the copy that closes it is on (./relay-leg-hold.ts). */
  copySole: SolePaths;
  /** Issue 15: its first chunk's From-Path, To-Path named one URI (that party's own leg, RFC 4976 section 7.1). */
  readonly soleParty: readonly [boolean, boolean];
}

/** A SIP message a record carries, with where it was seen. */
export interface SipSeen {
  readonly ref: SipMessageRef;
  readonly network: NetworkContext;
}

/** The SIP side of an intercepted session's release (./session-release.ts). */
export interface ReleaseState {
  /** The last SIP message of the session recorded for its tasks. */
  lastSip: SipSeen | null;
  /** The first BYE, and who sent it (the release's direction). */
  byeSip: SipSeen | null;
  byeSide: Side | null;
  /** When the release began waiting for messages still in reassembly. */
  pendingSince: number | null;
  result: 'legRemovalComplete' | 'legRemovalRequest';
}

/** One SIP session (dialog) or MSRP session without SIP. */
export class Session {
  mode: Mode = 'ignore';
  intercepts: Intercept[] = [];
  /** Intercepts of tasks withdrawn by a reload: no more records, still listed in the audit. */
  readonly retired: Intercept[] = [];
  audit: AuditData | null = null;
  listed = false;
  closed = false;
  msrpSeen = false;
  /** Issue 15: an LI_T3 trigger handed this session's CC to the tap seeing its MSRP (./trigger-publisher.ts). */
  ccTriggered = false;
  tlsReported = false;
  /** Session-ids were learnt once through the RFC 6714 address binding. */
  cemaLearnt = false;
  openMessages = 0;
  readonly open = new Map<string, OpenMessage>();
  /** Made at the first frame held (sessions without SIP not yet identified). */
  held: HeldBytes | null = null;
  /**
   * Issue 15: per side, a message of this session was seen on that party's own leg (its From-Path,
   * when sending, or To-Path, when receiving, named it alone; RFC 4976 section 7.1).
   */
  readonly partyLeg: [boolean, boolean] = [false, false];
  /** Issue 15: a CPIM identification waiting for a trigger (./cpim-deferral.ts). */
  cpimDeferred: CpimDeferred | null = null;
  /**
   * Issue 15: the MSRP of a dialog this tap's SIP found no target in, offered to the LI_T3
   * triggers only (./trigger-shadows.ts): never identified by CPIM, never listed unclaimed.
   */
  triggerOnly = false;
  /** Identities of each side (SIP From/PAI/To/R-URI, or CPIM From/To). */
  readonly sideIds: [ImsIdentity[], ImsIdentity[]] = [[], []];
  fileSelector: FileSelector | null = null;
  conversationId: string | null = null;
  contributionId: string | null = null;
  largeMessage = false;
  sdpForCc: Uint8Array | null = null;
  /** Made at the first SIP message recorded for a task. */
  release: ReleaseState | null = null;
  /** Network context of the last record emitted for this session (the base of a task-removal record). */
  lastNet: NetworkContext | null = null;
  /** Where a not-yet-intercepted session without SIP was last seen (the base of a start-of-interception record). */
  lastSeenNet: NetworkContext | null = null;
  /** The same for a not-yet-intercepted dialog: its last SIP hop, kept small (./seen-sip-hop.ts). */
  lastSeenSip: SeenSipHop | null = null;
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
