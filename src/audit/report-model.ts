/**
 * The audit report's view model: everything the HTML shows, computed from the correlator's audit
 * and details (./report-input.ts), as plain JSON-able data (golden tests compare it). Pure.
 *
 * Every item keeps the capture frame numbers it came from, so an analyst can open the same
 * frames in Wireshark (`frame.number == N`).
 */
import { anomalyDef } from '../core/anomaly.js';
import { contentView, type ContentView } from './content-view.js';
import { extractFileName } from './extract-file-name.js';
import type { AuditChunk, AuditLadderEvent, AuditMessage, AuditMessageDetail, AuditSession, AuditSessionDetail } from '../records/audit-report-schema.js';
import type { ReportInput, StoredContent } from './report-input.js';

export interface AnomalyView {
  readonly code: string;
  readonly severity: string;
  readonly description: string;
  readonly count: number;
  /** Frames of the first occurrences (the counter keeps a few per code). */
  readonly frames: readonly number[];
}

export interface LadderLane {
  /** IP address (lanes are hosts; ports vary per connection and are shown per arrow). */
  readonly address: string;
}

export interface LadderArrow {
  readonly from: number;
  readonly to: number;
  readonly proto: 'sip' | 'msrp';
  readonly frame: number;
  readonly lastFrame: number;
  readonly time: string;
  readonly src: string;
  readonly dst: string;
  readonly label: string;
  readonly detail: string | null;
  readonly messageId: string | null;
}

export type ChunkSegmentKind = 'received' | 'duplicate' | 'missing';

export interface ChunkSegment {
  readonly start: number;
  /** Inclusive; `null` = open-ended (total unknown). */
  readonly end: number | null;
  readonly kind: ChunkSegmentKind;
  readonly frame: number | null;
  readonly lastFrame: number | null;
}

export interface ChunkMapView {
  /** Declared total, else the highest byte known. */
  readonly total: number;
  readonly totalKnown: boolean;
  readonly segments: readonly ChunkSegment[];
  readonly chunks: readonly AuditChunk[];
  readonly chunksOmitted: number;
}

export interface MessageView {
  readonly index: number;
  readonly messageId: string | null;
  readonly direction: 'fromTarget' | 'toTarget';
  readonly sender: string;
  readonly receiver: string;
  readonly firstTime: string;
  readonly lastTime: string;
  readonly firstFrame: number;
  readonly lastFrame: number;
  readonly contentType: string | null;
  readonly innerContentType: string | null;
  readonly size: number;
  readonly status: 'complete' | 'aborted' | 'incomplete';
  readonly sha256: string | null;
  readonly innerSha256: string | null;
  readonly chunks: number;
  readonly carriedBy: 'msrp' | 'sip';
  readonly kindLabel: string;
  readonly reportStatuses: readonly string[];
  readonly reports: AuditMessageDetail['reports'];
  readonly imdn: AuditMessage['imdn'];
  readonly content: ContentView;
  readonly chunkMap: ChunkMapView | null;
}

export type FileVerdict = 'verified' | 'mismatch' | 'not_advertised' | 'incomplete';

export interface FileView {
  readonly name: string | null;
  readonly size: number;
  readonly advertisedSize: number | null;
  readonly advertisedType: string | null;
  readonly sha256: string | null;
  readonly sha1: string | null;
  readonly advertisedSha1: string | null;
  readonly verdict: FileVerdict;
  readonly messageId: string | null;
  readonly firstFrame: number | null;
  readonly lastFrame: number | null;
  /** Name under `--extract DIR`, when the file is complete. */
  readonly extractName: string | null;
}

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

/** Host part of `a.b.c.d:port` / `[v6]:port`. */
export function endpointHost(ep: string): string {
  const m = /^\[(.*)\]:\d+$/.exec(ep);
  if (m !== null) return m[1]!;
  const i = ep.lastIndexOf(':');
  return i > 0 ? ep.slice(0, i) : ep;
}

function buildLadder(events: readonly AuditLadderEvent[]): { lanes: LadderLane[]; arrows: LadderArrow[] } {
  const lanes: LadderLane[] = [];
  const idx = new Map<string, number>();
  const lane = (ep: string): number => {
    const h = endpointHost(ep);
    let i = idx.get(h);
    if (i === undefined) {
      i = lanes.length;
      idx.set(h, i);
      lanes.push({ address: h });
    }
    return i;
  };
  const arrows = events.map((e) => ({ from: lane(e.src), to: lane(e.dst), proto: e.proto, frame: e.frame, lastFrame: e.lastFrame, time: e.time, src: e.src, dst: e.dst, label: e.label, detail: e.detail, messageId: e.messageId }));
  return { lanes, arrows };
}

/** Received / duplicate / missing byte ranges of a message, in byte order. */
export function buildChunkMap(m: AuditMessage, d: AuditMessageDetail): ChunkMapView | null {
  if (m.carriedBy === 'sip') return null;
  let max = 0;
  for (const c of d.chunkList) max = Math.max(max, c.end);
  for (const r of m.missing) if (r.end !== '*') max = Math.max(max, r.end);
  const totalKnown = d.totalSize !== null;
  const total = d.totalSize ?? max;
  const segs: ChunkSegment[] = [];
  for (const c of d.chunkList) if (c.end >= c.start) segs.push({ start: c.start, end: c.end, kind: c.duplicate ? 'duplicate' : 'received', frame: c.frame, lastFrame: c.lastFrame });
  for (const r of m.missing) segs.push({ start: r.start, end: r.end === '*' ? null : r.end, kind: 'missing', frame: null, lastFrame: null });
  segs.sort((a, b) => a.start - b.start || (a.kind === 'missing' ? 1 : 0) - (b.kind === 'missing' ? 1 : 0));
  return { total, totalKnown, segments: segs, chunks: d.chunkList, chunksOmitted: d.chunkListOmitted };
}

function who(session: AuditSession, detail: AuditSessionDetail, side: 0 | 1 | null, cpim: string | null): string {
  if (cpim !== null) return cpim;
  if (side === null) return 'unknown';
  const ids = detail.parties[side];
  if (ids.length > 0) return ids[0]!;
  return detail.targetSide === side && session.matchedIdentity !== null ? session.matchedIdentity : `side ${side}`;
}

function kindLabel(m: AuditMessage): string {
  if (m.imdn !== null) return `IMDN ${m.imdn.notification}${m.imdn.status !== null ? ` (${m.imdn.status})` : ''}`;
  if (m.isComposing) return 'isComposing';
  return m.carriedBy === 'sip' ? 'pager MESSAGE' : 'message';
}

function messageContent(session: AuditSession, m: AuditMessage, d: AuditMessageDetail, stored: StoredContent | undefined): ContentView {
  if (m.size === 0) return { kind: 'none', reason: 'empty body', size: 0, sha256: null };
  if (stored === undefined) {
    return { kind: 'none', reason: session.liid === null ? 'not a target session: no content is kept' : 'body not delivered (the task delivers no IRI, or the message carried no content record)', size: null, sha256: null };
  }
  if (stored.bytes === null) return { kind: 'none', reason: 'body not retained for the report (memory cap); delivered record holds it', size: stored.size, sha256: stored.sha256 };
  const off = d.contentOffset ?? (m.innerContentType === null ? 0 : null);
  const len = d.contentLength ?? (off === 0 ? stored.bytes.length : null);
  if (off === null || len === null || off + len > stored.bytes.length) return contentView(stored.bytes, m.contentType);
  return contentView(stored.bytes.subarray(off, off + len), m.innerContentType ?? m.contentType);
}

function anomalyViews(counts: Readonly<Record<string, number>>, examples: ReportInput['anomalyExamples'], only?: (frame: number) => boolean): AnomalyView[] {
  const out: AnomalyView[] = [];
  for (const code of Object.keys(counts).sort()) {
    const frames = examples(code)
      .map((e) => e.frame)
      .filter((f): f is number => f !== undefined);
    const shown = only === undefined ? frames : frames.filter(only);
    if (only !== undefined && shown.length === 0) continue;
    const def = anomalyDef(code);
    out.push({ code, severity: def?.severity ?? 'unknown', description: def?.description ?? '', count: only === undefined ? counts[code]! : shown.length, frames: shown });
  }
  return out;
}

/**
 * The anomalies of one session: those the pipeline attributed to it (`AuditSession.anomalies`:
 * reported on a connection that carried its frames, or by the correlator about it), with their
 * exact counts and first frames; then, for other codes, the run's remembered occurrences whose
 * frame is one of the session's (reporters that know no connection, e.g. the assembler).
 */
function sessionAnomalyViews(input: ReportInput, s: AuditSession, d: AuditSessionDetail, frames: ReadonlySet<number>): AnomalyView[] {
  const own = s.anomalies ?? {};
  const out: AnomalyView[] = [];
  for (const code of Object.keys(own).sort()) {
    const def = anomalyDef(code);
    const shown: number[] = [];
    for (const e of d.anomalies ?? []) if (e.code === code && e.frame !== null && !shown.includes(e.frame)) shown.push(e.frame);
    out.push({ code, severity: def?.severity ?? 'unknown', description: def?.description ?? '', count: own[code]!, frames: shown });
  }
  const rest: Record<string, number> = {};
  for (const [code, n] of Object.entries(input.audit.anomalies)) if (!Object.hasOwn(own, code)) rest[code] = n;
  out.push(...anomalyViews(rest, input.anomalyExamples, (f) => frames.has(f)));
  return out.sort((x, y) => (x.code < y.code ? -1 : x.code > y.code ? 1 : 0));
}

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

function sessionView(input: ReportInput, s: AuditSession, d: AuditSessionDetail, anchor: string): SessionView {
  const { lanes, arrows } = buildLadder(d.ladder);
  const messages: MessageView[] = s.messages.map((m, i) => {
    const md = d.messages[i]!;
    const senderSide = md.senderSide;
    const receiverSide = senderSide === null ? null : senderSide === 0 ? 1 : 0;
    const stored = s.liid === null ? undefined : input.contents.get(s.liid, m.lastFrame, m.messageId);
    return {
      index: i + 1,
      messageId: m.messageId,
      direction: m.direction,
      sender: who(s, d, senderSide, md.cpimFrom),
      receiver: md.cpimTo.length > 0 ? md.cpimTo.join(', ') : who(s, d, receiverSide, null),
      firstTime: md.firstTime,
      lastTime: md.lastTime,
      firstFrame: m.firstFrame,
      lastFrame: m.lastFrame,
      contentType: m.contentType,
      innerContentType: m.innerContentType,
      size: m.size,
      status: m.status,
      sha256: m.sha256,
      innerSha256: m.innerSha256,
      chunks: m.chunks,
      carriedBy: m.carriedBy,
      kindLabel: kindLabel(m),
      reportStatuses: m.reportStatuses,
      reports: md.reports,
      imdn: m.imdn,
      content: messageContent(s, m, md, stored),
      chunkMap: buildChunkMap(m, md),
    };
  });
  const files: FileView[] = s.files.map((f, i) => {
    const fd = d.files[i]!;
    const msg = f.messageId === null ? undefined : s.messages.find((m) => m.messageId === f.messageId);
    const verdict: FileVerdict = f.sha1 === null ? 'incomplete' : fd.advertisedSha1 === null ? 'not_advertised' : f.hashVerified ? 'verified' : 'mismatch';
    return {
      name: f.name,
      size: f.size,
      advertisedSize: fd.advertisedSize,
      advertisedType: fd.advertisedType,
      sha256: f.sha256,
      sha1: f.sha1,
      advertisedSha1: fd.advertisedSha1,
      verdict,
      messageId: f.messageId,
      firstFrame: msg?.firstFrame ?? null,
      lastFrame: msg?.lastFrame ?? null,
      extractName: f.sha256 !== null ? extractFileName(f.sha256, f.name) : null,
    };
  });
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
