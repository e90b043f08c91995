/**
 * The audit metadata the correlator keeps while a run goes on (never a body): per message
 * ({@link MsgMeta}), per transferred file ({@link FileMeta}) and per session ({@link AuditData}).
 * ./session-audit.ts and ./message-audit.ts fill them, ./audit-group.ts renders them as audit.json
 * entries (./audit-report.ts for the shape and the truth rules).
 */
import type { Side } from './dialog-tracker.js';
import type { AuditChunk, AuditLadderEvent, AuditReportEvent, ReportTally } from './audit-report.js';

/** Audit metadata of one message, kept for the whole run (never the body). */
export interface MsgMeta {
  readonly messageId: string | null;
  senderSide: Side | null;
  readonly contentType: string | null;
  innerContentType: string | null;
  size: number;
  sha256: string | null;
  innerSha256: string | null;
  chunks: number;
  status: 'complete' | 'aborted' | 'incomplete';
  readonly reports: ReportTally;
  firstFrame: number;
  lastFrame: number;
  missing: { start: number; end: number | '*' }[];
  imdn: { messageId: string; notification: string; status: string | null } | null;
  isComposing: boolean;
  readonly carriedBy: 'msrp' | 'sip';
  firstTime: string;
  lastTime: string;
  totalSize: number | null;
  cpimFrom: string | null;
  cpimTo: string[];
  contentOffset: number | null;
  contentLength: number | null;
  chunkList: AuditChunk[];
  chunkListOmitted: number;
  readonly reportEvents: AuditReportEvent[];
}

/** Audit metadata of one transferred file (RFC 5547 a=file-selector session). */
export interface FileMeta {
  name: string | null;
  size: number;
  sha256: string | null;
  sha1: string | null;
  advertisedSha1: string | null;
  advertisedSize: number | null;
  advertisedType: string | null;
  messageId: string | null;
}

/** Audit metadata of one session. */
export interface AuditData {
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
  /** Entries of `messages` counted in SessionAudit's live-message count (0 once frozen or dropped). */
  liveCount: number;
  readonly files: FileMeta[];
  omitted: number;
  ccUnavailable: string | null;
  readonly ladder: AuditLadderEvent[];
  ladderOmitted: number;
}
