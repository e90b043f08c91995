/**
 * The audit metadata of one message (./message-meta.ts), from its first frame to its close:
 * an MSRP message opened by its first SEND chunk, a pager-mode MESSAGE body (RFC 3428), the
 * fields a closed message adds (sizes, hashes, chunks, CPIM and IMDN facts), and the entry of a
 * transferred file (RFC 5547). Never a body: only lengths, hashes and header facts.
 */
import { createHash } from 'node:crypto';
import type { AnomalySink } from '../core/anomaly.js';
import { formatTimestamp } from '../core/timestamp.js';
import { parseCpim, parseImdn, type CpimMessage, type MsrpFrameHead, type MsrpMessage } from '../protocols/msrp/index.js';
import type { FileSelector } from '../protocols/sdp/index.js';
import type { SipMessage } from '../protocols/sip/index.js';
import type { PacketRef } from '../analyzers/app-event-sink.js';
import { ReportTally } from './audit-report.js';
import type { Side } from './dialog-tracker.js';
import type { FileMeta, MsgMeta } from './message-meta.js';
import type { MessageTracker } from './message-tracker.js';

/** Chunks listed per message in the audit (the counts stay exact). */
const AUDIT_CHUNKS_PER_MESSAGE = 64;

type Digest = { sha256: string; sha1: string | null };

/** What the close of a message computed once, for its records and file entry too. */
export interface ClosedMessage {
  readonly dig: Digest;
  readonly inner: Digest | null;
  readonly cpim: CpimMessage | null;
  /** The inner content type of a CPIM message, else the message's own. */
  readonly effective: string | null;
}

/** The metadata of an MSRP message at its first SEND chunk. */
export function msrpMessageMeta(head: MsrpFrameHead, mid: string, mediaType: string | null, senderSide: Side | null): MsgMeta {
  return {
    messageId: mid,
    senderSide,
    contentType: mediaType,
    innerContentType: null,
    size: 0,
    sha256: null,
    innerSha256: null,
    chunks: 0,
    status: 'incomplete',
    reports: new ReportTally(),
    firstFrame: head.frameNo,
    lastFrame: head.frameNo,
    missing: [],
    imdn: null,
    isComposing: false,
    carriedBy: 'msrp',
    firstTime: formatTimestamp(head.tsSec, head.tsNsec),
    lastTime: formatTimestamp(head.tsSec, head.tsNsec),
    totalSize: null,
    cpimFrom: null,
    cpimTo: [],
    contentOffset: null,
    contentLength: null,
    chunkList: [],
    chunkListOmitted: 0,
    reportEvents: [],
  };
}

/** The metadata of the body of a pager-mode MESSAGE (RFC 3428), sent by side `sender`. */
export function pagerMessageMeta(msg: SipMessage, sender: Side, where: PacketRef, anomalies: AnomalySink): MsgMeta {
  const contentType = msg.contentType?.mediaType.toLowerCase() ?? null;
  const body = msg.body;
  const cpim = contentType === 'message/cpim' ? parseCpim(body, anomalies, where.frameNo) : null;
  const inner = cpim?.contentType ?? null;
  let imdn: MsgMeta['imdn'] = null;
  if (inner === 'message/imdn+xml' && cpim !== null) {
    const doc = parseImdn(cpim.body, anomalies, where.frameNo);
    if (doc !== null) imdn = { messageId: doc.messageId, notification: doc.notification, status: doc.status };
  }
  return {
    messageId: cpim?.imdn.messageId ?? null,
    senderSide: sender,
    contentType,
    innerContentType: inner,
    size: body.length,
    sha256: sha256Hex(body),
    innerSha256: cpim !== null ? sha256Hex(cpim.body) : null,
    chunks: 0,
    status: 'complete',
    reports: new ReportTally(),
    firstFrame: where.frameNo,
    lastFrame: where.frameNo,
    missing: [],
    imdn,
    isComposing: (inner ?? contentType) === 'application/im-iscomposing+xml',
    carriedBy: 'sip',
    firstTime: formatTimestamp(where.tsSec, where.tsNsec),
    lastTime: formatTimestamp(where.tsSec, where.tsNsec),
    totalSize: body.length,
    cpimFrom: cpim?.from?.uri ?? null,
    cpimTo: cpim?.to.map((x) => x.uri) ?? [],
    contentOffset: cpim !== null ? cpim.body.byteOffset - body.byteOffset : contentType === 'message/cpim' ? null : 0,
    contentLength: cpim !== null ? cpim.body.length : contentType === 'message/cpim' ? null : body.length,
    chunkList: [],
    chunkListOmitted: 0,
    reportEvents: [],
  };
}

/** Fills `meta` with what the close of message `m` tells (./audit-report.ts, truth rules). */
export function closeMessageMeta(meta: MsgMeta, m: MsrpMessage, tr: MessageTracker, auditDetails: boolean, anomalies: AnomalySink): ClosedMessage {
  const dig = tr.digest();
  const inner = tr.cpim?.digest() ?? null;
  const status = m.status;
  meta.status = status;
  meta.size = status === 'complete' ? (m.size ?? tr.streamed) : m.receivedBytes;
  meta.sha256 = status === 'complete' ? dig.sha256 : status === 'aborted' && tr.streamed === m.receivedBytes ? dig.sha256 : null;
  const cpim = tr.cpim?.cpim ?? null;
  meta.innerContentType = cpim?.contentType ?? null;
  meta.cpimFrom = cpim?.from?.uri ?? null;
  meta.cpimTo = cpim?.to.map((x) => x.uri) ?? [];
  contentSpan(meta, tr, status);
  meta.innerSha256 = status === 'complete' && inner !== null ? inner.sha256 : null;
  const ranges = new Set<string>();
  for (const c of m.chunks) ranges.add(`${c.start}-${c.end}`);
  meta.chunks = ranges.size + m.chunksOmitted;
  meta.firstFrame = m.firstFrameNo;
  meta.lastFrame = m.lastFrameNo;
  meta.missing = m.missing.slice(0, 16).map((r) => ({ start: r.start, end: r.end }));
  meta.firstTime = formatTimestamp(m.firstTsSec, m.firstTsNsec);
  meta.lastTime = formatTimestamp(m.lastTsSec, m.lastTsNsec);
  meta.totalSize = m.size;
  meta.chunkList = (auditDetails ? m.chunks.slice(0, AUDIT_CHUNKS_PER_MESSAGE) : []).map((c) => ({
    start: c.start,
    end: c.end,
    frame: c.frameNo,
    lastFrame: c.lastFrameNo,
    time: formatTimestamp(c.tsSec, c.tsNsec),
    flag: c.flag,
    duplicate: c.duplicate,
  }));
  meta.chunkListOmitted = m.chunksOmitted + Math.max(0, m.chunks.length - AUDIT_CHUNKS_PER_MESSAGE);
  const effective = meta.innerContentType ?? meta.contentType;
  meta.isComposing = effective === 'application/im-iscomposing+xml';
  if (meta.innerContentType === 'message/imdn+xml' && tr.cpim !== null && tr.cpim.innerIsWhole) {
    const doc = parseImdn(tr.cpim.innerHead(), anomalies, m.lastFrameNo);
    if (doc !== null) meta.imdn = { messageId: doc.messageId, notification: doc.notification, status: doc.status };
  }
  return { dig, inner, cpim, effective };
}

/** A message with user content: not an IMDN, not an is-composing indication, not empty. */
export function hasUserContent(meta: MsgMeta, effective: string | null): boolean {
  return meta.imdn === null && !meta.isComposing && effective !== 'message/imdn+xml' && meta.size > 0;
}

/** The file entry of a closed message of a session with a=file-selector `sel` (RFC 5547). */
export function fileMetaOf(sel: FileSelector, meta: MsgMeta, tr: MessageTracker, c: ClosedMessage): FileMeta {
  const adv = sel.hashes.find((h) => h.algorithm === 'sha-1')?.hex.toLowerCase() ?? null;
  const complete = meta.status === 'complete';
  const sha1 = complete ? (c.cpim !== null ? (c.inner?.sha1 ?? null) : c.dig.sha1) : null;
  return {
    name: sel.name,
    size: c.cpim !== null ? (tr.cpim?.innerLength ?? 0) : meta.size,
    sha256: complete ? (c.cpim !== null ? (c.inner?.sha256 ?? null) : c.dig.sha256) : null,
    sha1,
    advertisedSha1: adv,
    advertisedSize: sel.size,
    advertisedType: sel.type,
    messageId: meta.messageId,
  };
}

/**
 * Where the user content lies in a closed message's body (see AuditMessage.contentOffset): the
 * body as retained for the record, its CPIM headers parsed once more (RFC 3862 section 2).
 */
function contentSpan(meta: MsgMeta, tr: MessageTracker, status: 'complete' | 'aborted' | 'incomplete'): void {
  if (tr.heldBytes === 0 || tr.contentTruncated || status !== 'complete') return;
  if (tr.cpim === null) {
    meta.contentOffset = 0;
    meta.contentLength = tr.heldBytes;
    return;
  }
  const body = tr.takeContent();
  const c = parseCpim(body);
  if (c === null) return;
  meta.contentOffset = c.body.byteOffset - body.byteOffset;
  meta.contentLength = c.body.length;
}

function sha256Hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}
