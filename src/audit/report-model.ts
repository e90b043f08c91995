/**
 * The audit report's view model: everything the HTML shows, computed from the correlator's audit
 * and details (./report-input.ts), as plain JSON-able data (golden tests compare it). Pure.
 *
 * Every item keeps the capture frame numbers it came from, so an analyst can open the same
 * frames in Wireshark (`frame.number == N`). The views of its parts: ./session-view.ts (and the
 * message, file, ladder, chunk map and anomaly views it is made of).
 */
import type { AuditSession, AuditSessionDetail } from '../records/audit-report-schema.js';
import { type AnomalyView, anomalyViews } from './anomaly-view.js';
import type { ReportInput } from './report-input.js';
import { type SessionView, sessionView } from './session-view.js';

export interface TaskSummary {
  readonly xid: string;
  readonly liid: string;
  readonly deliveryType: string;
  readonly targets: readonly string[];
  readonly sessions: number;
  readonly messages: number;
  readonly files: number;
}

export interface ReportModel {
  readonly toolVersion: string;
  readonly generatedAt: string;
  readonly captures: ReportInput['captures'];
  readonly tasks: readonly TaskSummary[];
  readonly totals: {
    readonly sessions: number;
    readonly uncorrelated: number;
    readonly messages: number;
    readonly messagesComplete: number;
    readonly bytes: number;
    readonly files: number;
    readonly filesVerified: number;
    readonly anomalies: number;
  };
  readonly anomalies: readonly AnomalyView[];
  readonly sessions: readonly SessionView[];
}

/** Builds the report model. `details` must be index-aligned with `audit` (Correlator.auditWithDetails). */
export function buildReportModel(input: ReportInput): ReportModel {
  const a = input.audit;
  const all: { s: AuditSession; d: AuditSessionDetail }[] = [];
  a.sessions.forEach((s, i) => {
    all.push({ s, d: input.details.sessions[i]! });
  });
  a.uncorrelated.forEach((s, i) => {
    all.push({ s, d: input.details.uncorrelated[i]! });
  });
  const sessions = all.map(({ s, d }, i) => sessionView(input, s, d, `s${i + 1}`));
  const tasks: TaskSummary[] = input.tasks.map((t) => {
    const mine = sessions.filter((s) => s.xid === t.xid && s.liid === t.liid);
    return {
      xid: t.xid,
      liid: t.liid,
      deliveryType: t.deliveryType,
      targets: t.targets,
      sessions: mine.length,
      messages: mine.reduce((n, s) => n + s.messages.length, 0),
      files: mine.reduce((n, s) => n + s.files.length, 0),
    };
  });
  let messages = 0;
  let complete = 0;
  let bytes = 0;
  let files = 0;
  let verified = 0;
  for (const s of sessions) {
    for (const m of s.messages) {
      messages++;
      if (m.status === 'complete') complete++;
      bytes += m.size;
    }
    for (const f of s.files) {
      files++;
      if (f.verdict === 'verified') verified++;
    }
  }
  let anomalies = 0;
  for (const v of Object.values(a.anomalies)) anomalies += v;
  return {
    toolVersion: input.toolVersion,
    generatedAt: input.generatedAt,
    captures: input.captures,
    tasks,
    totals: { sessions: a.sessions.length, uncorrelated: a.uncorrelated.length, messages, messagesComplete: complete, bytes, files, filesVerified: verified, anomalies },
    anomalies: anomalyViews(a.anomalies, input.anomalyExamples),
    sessions,
  };
}
