/**
 * One session as the report shows it: identities and task, parties, ladder, messages, files, its
 * anomalies, and the span of capture frames it covers. Pure.
 */
import type { AuditSession, AuditSessionDetail } from '../records/audit-report-schema.js';
import { type AnomalyView, sessionAnomalyViews } from './anomaly-view.js';
import { type FileView, fileView } from './file-view.js';
import { buildLadder, type LadderArrow, type LadderLane } from './ladder-view.js';
import { type MessageView, messageView } from './message-view.js';
import type { ReportInput } from './report-input.js';

export interface PartyView {
  readonly side: 0 | 1;
  readonly identities: readonly string[];
  readonly isTarget: boolean;
}

export interface SessionView {
  readonly anchor: string;
  readonly kind: 'sip' | 'msrp-only';
  readonly callId: string | null;
  readonly xid: string | null;
  readonly liid: string | null;
  readonly matchedIdentity: string | null;
  readonly targetRole: string | null;
  readonly startTime: string;
  readonly endTime: string;
  readonly msrpSessionIds: readonly string[];
  readonly connections: readonly string[];
  /** audit.json `transports` (present only when SCTP or WebSocket carried the session). */
  readonly transports: readonly string[] | null;
  /** audit.json `tls`: the decrypted TLS transports, as "msrp/tls TLS1.3 0x1301" (null when none). */
  readonly tls: readonly string[] | null;
  readonly ccUnavailable: string | null;
  readonly parties: readonly PartyView[];
  readonly lanes: readonly LadderLane[];
  readonly arrows: readonly LadderArrow[];
  readonly arrowsOmitted: number;
  readonly messages: readonly MessageView[];
  readonly messagesOmitted: number;
  readonly files: readonly FileView[];
  readonly anomalies: readonly AnomalyView[];
  /** Lowest and highest frame number of the session's items. */
  readonly frameSpan: readonly [number, number] | null;
}

/** The frames of the session's ladder, messages, chunks and reports (at most 64 per span). */
function sessionFrames(s: AuditSession, d: AuditSessionDetail): Set<number> {
  const f = new Set<number>();
  const span = (a: number, b: number): void => {
    for (let i = a; i <= b && i - a < 64; i++) f.add(i);
  };
  for (const e of d.ladder) span(e.frame, e.lastFrame);
  s.messages.forEach((m, i) => {
    f.add(m.firstFrame);
    f.add(m.lastFrame);
    for (const c of d.messages[i]?.chunkList ?? []) span(c.frame, c.lastFrame);
    for (const r of d.messages[i]?.reports ?? []) f.add(r.frame);
  });
  return f;
}

/** Session `s` with its details `d`, under the HTML anchor `anchor`. */
export function sessionView(input: ReportInput, s: AuditSession, d: AuditSessionDetail, anchor: string): SessionView {
  const { lanes, arrows } = buildLadder(d.ladder);
  const messages = s.messages.map((m, i) => messageView(input, s, d, m, i));
  const files = s.files.map((f, i) => fileView(s, d, f, i));
  const frames = sessionFrames(s, d);
  let lo = Infinity;
  let hi = -Infinity;
  for (const f of frames) {
    lo = Math.min(lo, f);
    hi = Math.max(hi, f);
  }
  return {
    anchor,
    kind: s.callId !== undefined ? 'sip' : 'msrp-only',
    callId: s.callId ?? null,
    xid: s.xid,
    liid: s.liid,
    matchedIdentity: s.matchedIdentity,
    targetRole: s.targetRole,
    startTime: s.startTime,
    endTime: s.endTime,
    msrpSessionIds: s.msrpSessionIds,
    connections: s.connections,
    transports: s.transports ?? null,
    tls: s.tls?.map((t) => `${t.transport} decrypted ${t.version} ${t.cipherSuite}`) ?? null,
    ccUnavailable: s.ccUnavailable,
    parties: ([0, 1] as const).map((side) => ({ side, identities: d.parties[side], isTarget: d.targetSide === side })),
    lanes,
    arrows,
    arrowsOmitted: d.ladderOmitted,
    messages,
    messagesOmitted: s.messagesOmitted,
    files,
    anomalies: sessionAnomalyViews(input, s, d, frames),
    frameSpan: frames.size > 0 ? [lo, hi] : null,
  };
}
