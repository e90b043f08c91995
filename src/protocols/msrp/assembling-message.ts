/**
 * The state of one MSRP message in reassembly (./msrp-message-assembler.ts), and what is derived
 * from it: its holes, its byte count, and the message handed out when it closes (RFC 4975
 * sections 7.1, 7.1.1).
 */
import type { Hash } from 'node:crypto';
import { SegmentStore } from '../../util/segment-store.js';
import type { MsrpFrameHead } from './msrp-frame.js';
import type { MsrpChunkRecord, MsrpMessage, MsrpMessageCloseReason, MsrpMessageRef, MsrpMessageStatus } from './msrp-message.js';

/** State of one message in reassembly. */
export interface AssemblingMessage {
  readonly key: string;
  readonly ref: MsrpMessageRef;
  contentType: string | null;
  total: number | null;
  nextOffset: number;
  hash: Hash | null;
  head: Uint8Array;
  headLen: number;
  /** Copies of out-of-order bytes past `nextOffset` (0-based offsets), made at the first such bytes. */
  pending: SegmentStore | null;
  finalSeen: boolean;
  finalAt: number;
  lastActive: number;
  /** Rank in activity order (a counter taken at every chunk): the order expiry closes in. */
  activity: number;
  chunks: MsrpChunkRecord[];
  chunksOmitted: number;
  conflicts: number;
  duplicateBytes: number;
  /** Per-chunk digests by exact range, to verify identical ranges beyond the retained head (made at the first). */
  digests: Map<string, string> | null;
  firstFrameNo: number;
  firstTsSec: number;
  firstTsNsec: number;
  lastFrameNo: number;
  lastTsSec: number;
  lastTsNsec: number;
  closed: boolean;
  reorderReported: boolean;
  beyondReported: boolean;
}

const EMPTY = new Uint8Array(0);
/** Stands in for a message that never held out-of-order bytes (never written to). */
const NO_PENDING = new SegmentStore();

/** A new message opened by its first chunk seen (`head`), at capture time `now`, `activity` its rank. */
export function newAssemblingMessage(key: string, ref: MsrpMessageRef, head: MsrpFrameHead, hash: Hash | null, now: number, activity: number): AssemblingMessage {
  return {
    key,
    ref,
    contentType: null,
    total: null,
    nextOffset: 0,
    hash,
    head: EMPTY,
    headLen: 0,
    pending: null,
    finalSeen: false,
    finalAt: 0,
    lastActive: now,
    activity,
    chunks: [],
    chunksOmitted: 0,
    conflicts: 0,
    duplicateBytes: 0,
    digests: null,
    firstFrameNo: head.frameNo,
    firstTsSec: head.tsSec,
    firstTsNsec: head.tsNsec,
    lastFrameNo: head.frameNo,
    lastTsSec: head.tsSec,
    lastTsNsec: head.tsNsec,
    closed: false,
    reorderReported: false,
    beyondReported: false,
  };
}

/**
 * Holes in [0, total) (or up to the highest byte seen, then an open end), 1-based inclusive.
 * Pending bytes past a total learnt after they arrived are ignored.
 */
export function missingRanges(msg: AssemblingMessage): { start: number; end: number | '*' }[] {
  const limit = msg.total ?? Infinity;
  return (msg.pending ?? NO_PENDING).gaps(msg.nextOffset, limit).map((h) => ({ start: h.start + 1, end: h.end === Infinity ? '*' : h.end }));
}

/** Distinct bytes received within the total (when known). */
export function receivedBytes(msg: AssemblingMessage): number {
  const limit = msg.total ?? Infinity;
  return Math.min(msg.nextOffset, limit) + (msg.pending?.bytesWithin(msg.nextOffset, limit) ?? 0);
}

/** The message handed out when `msg` closes (its holes and byte count taken before its pending bytes are released). */
export function closedMessage(msg: AssemblingMessage, status: MsrpMessageStatus, reason: MsrpMessageCloseReason, missing: { start: number; end: number | '*' }[], received: number, sha256: string | null): MsrpMessage {
  return {
    session: msg.ref.session,
    messageId: msg.ref.messageId,
    contentType: msg.contentType,
    status,
    closeReason: reason,
    size: msg.total,
    receivedBytes: received,
    duplicateBytes: msg.duplicateBytes,
    sha256,
    missing,
    chunks: msg.chunks,
    chunksOmitted: msg.chunksOmitted,
    conflictingChunks: msg.conflicts,
    firstFrameNo: msg.firstFrameNo,
    firstTsSec: msg.firstTsSec,
    firstTsNsec: msg.firstTsNsec,
    lastFrameNo: msg.lastFrameNo,
    lastTsSec: msg.lastTsSec,
    lastTsNsec: msg.lastTsNsec,
    head: msg.head.subarray(0, msg.headLen),
    headIsWhole: msg.total !== null && msg.headLen === msg.total && msg.nextOffset >= msg.total,
  };
}
