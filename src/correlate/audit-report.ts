/**
 * The audit reconstruction: "target X exchanged these MSRP messages in this SIP session", as
 * JSON. The correlator keeps per-session and per-message METADATA while it runs (never bodies)
 * and renders it here, one entry per (session, task) pair: a session matching two tasks
 * appears twice, once per xid/liid, each with directions relative to its own target.
 *
 * The shape and its truth rules are defined once, with their zod schema, in
 * src/records/audit-report-schema.ts (shared with `audit`, which may not import `correlate`);
 * the correlator imports the types from here.
 */
export type {
  AuditChunk,
  AuditDetails,
  AuditDirection,
  AuditFile,
  AuditFileDetail,
  AuditLadderEvent,
  AuditMessage,
  AuditMessageDetail,
  AuditMessageStatus,
  AuditReport,
  AuditReportEvent,
  AuditSession,
  AuditSessionAnomaly,
  AuditSessionDetail,
  AuditTlsTransport,
} from '../records/audit-report-schema.js';

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
