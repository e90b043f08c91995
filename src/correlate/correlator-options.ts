/** The options of the Correlator (./correlator.ts) and the default of the live audit cap. */
import type { AnomalySink } from '../core/anomaly.js';
import type { MsrpMessageAssemblerOptions } from '../protocols/msrp/index.js';
import type { LiRecord } from '../records/li-record.js';
import type { AuditStore } from './audit-store.js';
import type { DialogTrackerOptions } from './dialog-tracker.js';
import type { MediaTriggerSink } from './media-trigger.js';
import type { SessionIdTombstonesOptions } from './session-id-tombstones.js';
import type { Task, TaskSet } from './tasks-file.js';

/** Options of the Correlator (./correlator.ts). */
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
  /**
   * Issue 15 (CC-TF, TS 33.127 clause 5.3.3): receives one trigger per (target session, task
   * wanting CC) whose SIP dialog completed an MSRP offer/answer (./trigger-publisher.ts). Absent:
   * nothing is published and the records are those of a tap without a bus.
   */
  readonly triggerSink?: MediaTriggerSink;
  /** This tap's name (`--tap-id`): the originTap of the triggers it publishes; it ignores triggers carrying it. */
  readonly tapId?: string;
  /** Triggers applied at once (default 10 000; the oldest is evicted and reported, ./trigger-claims.ts). */
  readonly maxTriggers?: number;
  /**
   * How long a withdrawn trigger stays after its window's end (capture time, default 300 s) and
   * an open trigger after its window's start (default 86 400 s) before it is forgotten.
   */
  readonly triggerRetentionSec?: number;
  readonly triggerMaxOpenSec?: number;
  /**
   * Clock skew tolerated between this tap and a triggering one (`--bus-clock-skew`, seconds,
   * default 0): a claimed session's frames up to this long before a trigger's window start are recorded.
   */
  readonly triggerClockSkewSec?: number;
  /** Wall clock in milliseconds for the trigger latency (default `performance.now`). */
  readonly wallClockMs?: () => number;
  /**
   * TLS is decrypted with a key log (`--tls-keylog`): a session whose SDP says TLS media
   * (TCP/TLS/MSRP, msrps:) is not reported iMSCCUnavailable at its SDP, but at its release, and
   * only if none of its MSRP was seen (decrypted). Default false: reported at the SDP, as before.
   */
  readonly tlsDecryption?: boolean;
}

/**
 * Memory budget (issue 12, see src/flow/tcp-tracker.ts for the 256 MiB split): the audit entries
 * of messages of sessions in progress get ~16 MiB. A listed message's MsgMeta with its strings
 * (two formatted times, the Message-ID, types, a SHA-256 hex) and REPORT tally is ~500 bytes
 * in `run` (no details): 32 768 × 500 B = 16 MiB. The per-session cap (10 000) alone let 100
 * long target sessions hold 1 000 000 of them.
 */
export const DEFAULT_MAX_LIVE_AUDIT_MESSAGES = 32_768;
