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
import type { AuditSession } from './audit-session-schema.js';

export type AuditDirection = 'fromTarget' | 'toTarget';
export type AuditMessageStatus = 'complete' | 'aborted' | 'incomplete';

export type { AuditFile, AuditMessage, AuditSession } from './audit-session-schema.js';

/** One SEND chunk of a message: which bytes (1-based, inclusive) came in which capture frames. */
export interface AuditChunk {
  start: number;
  /** `start - 1` for an empty chunk. */
  end: number;
  frame: number;
  lastFrame: number;
  time: string;
  /** End-line flag (`$` last, `+` more, `#` aborted), null when the frame was cut. */
  flag: '$' | '+' | '#' | null;
  /** Every byte had been received before (e.g. the copy on a second relay leg). */
  duplicate: boolean;
}

/** One MSRP REPORT frame about a message. */
export interface AuditReportEvent {
  frame: number;
  time: string;
  /** Status code, 3 digits (`Status: 000 200 OK` → `200`). */
  status: string;
  /** `start-end/total` from the REPORT's Byte-Range, or '' without one. */
  byteRange: string;
  /** `client-server` of the connection that carried it. */
  connection: string;
}

/**
 * One arrow of the session's ladder diagram: a SIP message (first observation on each hop) or an
 * MSRP frame (request or response) of the session. Labels hold methods, status codes, byte
 * ranges and transaction ids only, never identities or content.
 */
export interface AuditLadderEvent {
  proto: 'sip' | 'msrp';
  frame: number;
  /** The frame carrying the last byte (MSRP frames spanning segments), else equal to `frame`. */
  lastFrame: number;
  time: string;
  /** `ip:port` / `[ipv6]:port` of the sender and the receiver of the packet. */
  src: string;
  dst: string;
  /** `INVITE`, `200 OK (INVITE)`, `SEND`, `REPORT 200`, `200 OK`… */
  label: string;
  /** MSRP: transaction id, Byte-Range and end-line flag; SIP: CSeq. Null when none. */
  detail: string | null;
  /** MSRP Message-ID of the frame, when it has one. */
  messageId: string | null;
}

export interface AuditReport {
  sessions: AuditSession[];
  uncorrelated: AuditSession[];
  anomalies: Record<string, number>;
}

/**
 * Details of the audit for the HTML report (src/audit), kept out of the audit JSON (whose shape
 * is the samples' truth format): `Correlator.auditDetails()` returns them in the same order as
 * `auditReport()`, one entry per session entry, messages and files index-aligned.
 */
export interface AuditMessageDetail {
  /** Capture times of the first and last frame. */
  firstTime: string;
  lastTime: string;
  /** Declared total size (Byte-Range total, or the end of the `$` chunk); null when never known. */
  totalSize: number | null;
  /** The sender's side of the dialog (0 = the party that sent the creating request), null when unknown. */
  senderSide: 0 | 1 | null;
  /** CPIM From / To URIs (RFC 3862 section 3.2), when the body is message/cpim. */
  cpimFrom: string | null;
  cpimTo: string[];
  /**
   * Where the user content starts in the body and how long it is: 0 / size for a plain body, the
   * CPIM encapsulated content for message/cpim (RFC 3862 section 2). Null when the body was not
   * retained (a task without IRI) or its CPIM headers did not parse.
   */
  contentOffset: number | null;
  contentLength: number | null;
  /** The chunks received, in arrival order (capped at 64; the rest counted in `chunkListOmitted`). */
  chunkList: AuditChunk[];
  chunkListOmitted: number;
  /** Every REPORT for the message (RFC 4975 section 7.1.2), each relay-leg copy listed (capped at 32). */
  reports: AuditReportEvent[];
}

export interface AuditFileDetail {
  /** What the SDP a=file-selector (RFC 5547 section 5) advertised. */
  advertisedSha1: string | null;
  advertisedSize: number | null;
  advertisedType: string | null;
}

export interface AuditSessionDetail {
  /** Identities seen for each side (SIP From/PAI/To/R-URI, CPIM From/To). */
  parties: [string[], string[]];
  /** The target's side (0 = sender of the creating request), null for a non-target entry. */
  targetSide: 0 | 1 | null;
  /** The ladder diagram's arrows in capture order (capped; the rest counted in `ladderOmitted`). */
  ladder: AuditLadderEvent[];
  ladderOmitted: number;
  messages: AuditMessageDetail[];
  files: AuditFileDetail[];
}

export interface AuditDetails {
  sessions: AuditSessionDetail[];
  uncorrelated: AuditSessionDetail[];
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
