/**
 * One message of a session as the report shows it: who sent it to whom (CPIM names first, then
 * the SIP identities of its side), what kind it is, its content as retained from the delivered
 * record, its chunk map, and the frames it came from. Pure.
 */
import type { AuditMessage, AuditMessageDetail, AuditSession, AuditSessionDetail } from '../records/audit-report-schema.js';
import { type ChunkMapView, buildChunkMap } from './chunk-map-view.js';
import { type ContentView, contentView } from './content-view.js';
import type { ReportInput, StoredContent } from './report-input.js';

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

/** Message `i` (0-based) of session `s`; its body is looked up in the delivered records of the session's task only. */
export function messageView(input: ReportInput, s: AuditSession, d: AuditSessionDetail, m: AuditMessage, i: number): MessageView {
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
}
