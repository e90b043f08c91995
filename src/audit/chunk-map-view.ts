/**
 * The chunk map of one MSRP message as data: which byte ranges arrived (RFC 4975 7.1.1: chunks
 * may arrive out of order and twice), which are missing, with the frames that carried them. Pure.
 */
import type { AuditChunk, AuditMessage, AuditMessageDetail } from '../records/audit-report-schema.js';

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
