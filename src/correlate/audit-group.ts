/**
 * A session's audit metadata rendered as audit.json entries: one per (session, task) pair,
 * directions relative to that task's target (./audit-report.ts for the shape and rules), with
 * the HTML report's details when asked for.
 */
import { formatTimestamp } from '../core/timestamp.js';
import type { AuditFile, AuditMessage, AuditSession, AuditSessionDetail } from './audit-report.js';
import type { AuditGroup } from './audit-store.js';
import type { Side } from './dialog-tracker.js';
import { listsTransports, type AuditData, type SessionAnomalies } from './message-meta.js';
import type { Intercept, Session } from './session.js';

/** The audit entries of one session, one per (session, task) pair (./audit-report.ts). */
export function auditGroup(s: Session, withDetails: boolean): AuditGroup | null {
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
      ...(listsTransports(a) ? { transports: a.transports.slice() } : {}),
      ...(a.tls.length > 0 ? { tls: a.tls.map((t) => ({ ...t })) } : {}),
      messages,
      files,
      targetRole: it?.task.targetRole ?? null,
      messagesOmitted: a.omitted,
      ccUnavailable: a.ccUnavailable,
      ...(a.anomalies !== null ? { anomalies: anomalyCounts(a.anomalies) } : {}),
    });
    if (withDetails) details.push(sessionDetail(s, a, it === null ? null : targetSide));
  }
  return { order: s.order, uncorrelated: a.callId === null, entries, details: withDetails ? details : null };
}

function sessionDetail(s: Session, a: AuditData, targetSide: Side | null): AuditSessionDetail {
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
    ...(a.anomalies !== null ? { anomalies: a.anomalies.first.map((e) => ({ ...e })) } : {}),
  };
}

/** Counts by code, codes sorted (stable JSON, as the run's own `anomalies`). */
function anomalyCounts(an: SessionAnomalies): Record<string, number> {
  const out: Record<string, number> = {};
  for (const code of [...an.counts.keys()].sort()) out[code] = an.counts.get(code)!;
  return out;
}
