/**
 * The audit reconstruction: "target X exchanged these MSRP messages in this SIP session", as
 * JSON. The correlator keeps per-session and per-message METADATA while it runs (never bodies)
 * and renders it here, one entry per (session, task) pair: a session matching two tasks
 * appears twice, once per xid/liid, each with directions relative to its own target.
 *
 * Truth rules (shared with samples/gen/scenarios/truth.ts):
 * - `startTime`: the first observation of the creating SIP request (INVITE / MESSAGE), or of
 *   the first MSRP frame for a session without SIP; `endTime`: the 2xx to BYE when seen, else
 *   the last SIP message or MSRP frame of the session. ISO-8601 UTC with nanoseconds.
 * - `size`: complete → the message size; aborted / incomplete → distinct body bytes received.
 *   `sha256`: complete → of the body; aborted → of the received prefix (null if it has a hole);
 *   incomplete → null. `innerSha256`: complete CPIM messages only. `chunks`: distinct byte
 *   ranges received (a chunk seen on two relay legs counts once).
 * - `reportStatuses`: REPORT status codes (RFC 4975 7.1.2) in order; the copies of one REPORT
 *   on several relay legs count once (per (Byte-Range, code): the highest count on any one
 *   connection).
 * - `msrpSessionIds`: endpoint session-ids (last a=path URI of each SDP; for sessions without
 *   SIP: last From-Path then last To-Path URI of the first request), in order of appearance.
 * - `connections`: `client-server` endpoints of the TCP connections that carried frames of the
 *   session, in order of first frame.
 * - files: one per message with user content in a session whose SDP has a=file-selector
 *   (RFC 5547); the file is the message body, or its CPIM inner content.
 */
import type { TargetRole } from '../records/task-ref.js';

export type AuditDirection = 'fromTarget' | 'toTarget';
export type AuditMessageStatus = 'complete' | 'aborted' | 'incomplete';

export interface AuditMessage {
  messageId: string | null;
  direction: AuditDirection;
  contentType: string | null;
  innerContentType: string | null;
  size: number;
  sha256: string | null;
  innerSha256: string | null;
  chunks: number;
  status: AuditMessageStatus;
  reportStatuses: string[];
  /** Extras. */
  firstFrame: number;
  lastFrame: number;
  missing: { start: number; end: number | '*' }[];
  /** An IMDN (RFC 5438): which message it notifies about, and how. */
  imdn: { messageId: string; notification: string; status: string | null } | null;
  isComposing: boolean;
  /** 'sip' for a pager-mode MESSAGE (RFC 3428). */
  carriedBy: 'msrp' | 'sip';
}

export interface AuditFile {
  name: string | null;
  size: number;
  sha256: string | null;
  sha1: string | null;
  hashVerified: boolean;
  messageId: string | null;
}

export interface AuditSession {
  callId?: string;
  xid: string | null;
  liid: string | null;
  matchedIdentity: string | null;
  startTime: string;
  endTime: string;
  msrpSessionIds: string[];
  connections: string[];
  messages: AuditMessage[];
  files: AuditFile[];
  /** Extras. */
  targetRole: TargetRole | null;
  messagesOmitted: number;
  ccUnavailable: string | null;
}

export interface AuditReport {
  sessions: AuditSession[];
  uncorrelated: AuditSession[];
  anomalies: Record<string, number>;
}

/** REPORT tally of one message with relay-leg deduplication (see the file comment). */
export class ReportTally {
  private readonly entries: { key: string; code: string; perConn: Map<number, number> }[] = [];

  add(byteRange: string, code: string, connId: number): void {
    const key = `${byteRange}|${code}`;
    let e = this.entries.find((x) => x.key === key);
    if (e === undefined) {
      if (this.entries.length >= 64) return;
      e = { key, code, perConn: new Map() };
      this.entries.push(e);
    }
    e.perConn.set(connId, (e.perConn.get(connId) ?? 0) + 1);
  }

  statuses(): string[] {
    const out: string[] = [];
    for (const e of this.entries) {
      let n = 0;
      for (const v of e.perConn.values()) n = Math.max(n, v);
      for (let i = 0; i < n; i++) out.push(e.code);
    }
    return out;
  }
}
