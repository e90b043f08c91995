/**
 * Reassembles MSRP messages from SEND chunks (RFC 4975 sections 5.1, 7.1, 7.1.1, 7.3), keyed
 * by (session, Message-ID).
 *
 * Each chunk carries a Byte-Range `start-end/total` (1-based, inclusive; `*` = not yet known);
 * its end-line flag says whether more chunks follow (`+`), the message is complete (`$`) or the
 * sender aborted it (`#`). Chunks of several messages may interleave on one connection; a relay
 * may re-chunk; the same chunk is seen twice when the tap sees both legs of a relay, so
 * identical bytes are counted once. A chunk without Byte-Range is the whole message (`1-* / *`,
 * section 7.1.1).
 *
 * Memory stays bounded without holding whole messages:
 *
 *   message offset:  0 ............ nextOffset ......... pending segments ........ total
 *                    |== streamed ==|   (hole)   [seg]  (hole)  [seg]
 *                     hashed + first `retainBytes` kept     copies, capped per message and globally
 *
 * Bytes at `nextOffset` are streamed (incremental SHA-256, optional `onData`, the first
 * `retainBytes` kept for CPIM/IMDN parsing); bytes past a hole are copied into pending segments
 * until the hole fills, up to the caps (`msrp.reorder_cap_exceeded`, then those bytes count as
 * missing). Messages close when complete, aborted, idle, evicted, or when the final chunk
 * arrived with ranges still missing and a short grace period passed (the missing chunk may still
 * come over the other relay leg). A closed key lingers for a while so late duplicates of its
 * chunks do not open a second message.
 */
import { createHash, type Hash } from 'node:crypto';
import type { AnomalySink } from '../../core/anomaly.js';
import { toSeconds } from '../../core/timestamp.js';
import { DUE_SLACK_SEC, IdleTable } from '../../util/idle-table.js';
import { SegmentStore } from '../../util/segment-store.js';
import type { MsrpFrameEnd, MsrpFrameHead, MsrpFrameSink } from './msrp-frame.js';
import type { MsrpAssemblerStats, MsrpChunkRecord, MsrpChunkWriter, MsrpMessage, MsrpMessageAssemblerOptions, MsrpMessageCloseReason, MsrpMessageRef, MsrpMessageStatus } from './msrp-message.js';

export type {
  MsrpAssemblerStats,
  MsrpChunkRecord,
  MsrpChunkWriter,
  MsrpMessage,
  MsrpMessageAssemblerOptions,
  MsrpMessageCloseReason,
  MsrpMessageRef,
  MsrpMessageStatus,
} from './msrp-message.js';

/** State of one message in reassembly. */
interface Msg {
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

const MAX_DIGESTS = 256;

/**
 * Memory budget (issue 12, see src/flow/tcp-tracker.ts for the 256 MiB split): messages in
 * reassembly get ~8 MiB. One costs ~4 KiB with the correlator's per-message state (this Msg,
 * the key, chunk records, the correlator's MessageTracker with its hash context and the
 * message's audit metadata): measured ~3.3 KiB live (heap snapshots with 10 000 and 4096 open
 * messages of one target session), so 8 MiB / 4 KiB = 2048. At the old 10 000, 200 000 first
 * chunks that never finish peaked at 325 MiB of RSS; at 4096, 259 MiB (the budget is 256).
 * A message is open only while its chunks are in flight: 2048 at once is far beyond a chat.
 */
export const DEFAULT_MAX_MESSAGES = 2048;
const EMPTY = new Uint8Array(0);
/** Stands in for a message that never held out-of-order bytes (never written to). */
const NO_PENDING = new SegmentStore();

/**
 * Reassembles MSRP messages from chunks. Feed it from one or more {@link MsrpFramer}s (one per
 * TCP direction) through {@link sinkFor}, or chunk by chunk through {@link startChunk}.
 *
 * @remarks For a relay seen on both legs, give both legs the same `session` key (e.g. the SIP
 * session's id): the Message-ID is kept end to end (RFC 4975 section 7.1.1), so the two copies
 * then merge into one message.
 */
export class MsrpMessageAssembler {
  readonly stats: MsrpAssemblerStats = {
    chunks: 0,
    duplicateChunks: 0,
    lateChunks: 0,
    messagesComplete: 0,
    messagesAborted: 0,
    messagesIncomplete: 0,
    evictions: 0,
  };

  private readonly retain: number;
  private readonly maxPendingPerMessage: number;
  private readonly maxPendingTotal: number;
  private readonly maxSegments: number;
  private readonly maxMessages: number;
  private readonly idleTimeout: number;
  private readonly grace: number;
  private readonly maxChunkRecords: number;
  private readonly linger: number;
  private readonly maxFinished: number;
  private readonly onData: MsrpMessageAssemblerOptions['onData'];
  private readonly hashBodies: boolean;

  /** Messages in reassembly, by deadline (idle timeout, or the end of the completion grace). */
  private readonly messages: IdleTable<string, Msg>;
  /** Closed keys → close time, expiring after the linger. */
  private readonly finished: IdleTable<string, number>;
  private pendingTotal = 0;
  private now = 0;
  private lastSweep = -Infinity;
  private activitySeq = 0;
  /** Frame that made room for a new message (the eviction anomaly's frame). */
  private evictFrameNo = 0;

  /**
   * @param onMessage receives every message once, when it closes.
   * @param anomalies receives `msrp.*` reassembly anomalies.
   */
  constructor(
    private readonly onMessage: (m: MsrpMessage) => void,
    private readonly anomalies?: AnomalySink,
    options: MsrpMessageAssemblerOptions = {},
  ) {
    this.retain = options.retainBytes ?? 64 * 1024;
    this.maxPendingPerMessage = options.maxPendingPerMessage ?? 4 * 1024 * 1024;
    this.maxPendingTotal = options.maxPendingTotal ?? 64 * 1024 * 1024;
    this.maxSegments = options.maxSegmentsPerMessage ?? 1024;
    this.maxMessages = options.maxMessages ?? DEFAULT_MAX_MESSAGES;
    this.hashBodies = options.sha256 ?? true;
    this.idleTimeout = options.idleTimeoutSec ?? 120;
    this.grace = options.completionGraceSec ?? 2;
    this.maxChunkRecords = options.maxChunkRecords ?? 4096;
    this.linger = options.finishedLingerSec ?? 60;
    this.maxFinished = options.maxFinished ?? 10_000;
    this.onData = options.onData;
    this.messages = new IdleTable<string, Msg>({
      cap: this.maxMessages,
      evict: 'lru',
      onEvict: (_key, msg) => {
        this.stats.evictions++;
        this.anomalies?.report('msrp.message_evicted', this.evictFrameNo, `cap=${this.maxMessages}`);
        this.closeIdle(msg, 'evicted');
      },
    });
    // A forgotten key only lets a late duplicate open a second message: evicted silently, as before.
    this.finished = new IdleTable<string, number>({ cap: this.maxFinished });
  }

  /** Messages in reassembly. */
  inFlight(): number {
    return this.messages.size;
  }

  /**
   * Bytes held: retained head buffers plus pending out-of-order bytes (counted by length, which
   * is what the caps bound; a segment's allocation may be up to twice its length while it grows).
   */
  retainedBytes(): number {
    let n = this.pendingTotal;
    for (const m of this.messages.values()) n += m.head.length;
    return n;
  }

  /**
   * A frame sink that feeds SEND chunks of one framer into this assembler.
   *
   * @param session the session key, or a function choosing it per frame (null = ignore frame).
   */
  sinkFor(session: string | ((head: MsrpFrameHead) => string | null)): MsrpFrameSink {
    let writer: MsrpChunkWriter | null = null;
    return {
      onFrameStart: (head) => {
        const key = typeof session === 'string' ? session : session(head);
        writer = key === null ? null : this.startChunk(key, head);
      },
      onBody: (piece) => writer?.write(piece),
      onFrameEnd: (end) => {
        writer?.end(end);
        writer = null;
      },
    };
  }

  /**
   * Starts one chunk. Returns null for frames that are not SEND requests with a Message-ID, and
   * for late chunks of a message closed recently.
   */
  startChunk(session: string, head: MsrpFrameHead): MsrpChunkWriter | null {
    if (head.kind !== 'request' || head.method !== 'SEND' || head.headers.messageId === null) return null;
    this.advance(toSeconds(head.tsSec, head.tsNsec));
    const ref: MsrpMessageRef = { session, messageId: head.headers.messageId };
    const key = `${session}\u0000${ref.messageId}`;
    this.stats.chunks++;
    if (this.finished.has(key)) {
      this.stats.lateChunks++;
      return null;
    }
    let msg = this.messages.get(key);
    if (msg === undefined) {
      msg = this.newMsg(key, ref, head);
      // A full table first evicts the least recently active message (onEvict above).
      this.evictFrameNo = head.frameNo;
      this.messages.set(key, msg, this.deadline(msg));
    } else {
      msg.lastActive = this.now;
      msg.activity = ++this.activitySeq;
      this.messages.touch(key, this.deadline(msg));
    }
    const range = head.headers.byteRange ?? { start: 1, end: '*' as const, total: '*' as const };
    if (range.total !== '*') {
      if (msg.total === null) msg.total = range.total;
      else if (msg.total !== range.total) {
        this.anomalies?.report('msrp.total_mismatch', head.frameNo, `total=${range.total} known=${msg.total}`);
      }
    }
    if (msg.contentType === null && head.headers.contentType !== null) msg.contentType = head.headers.contentType;
    return new ChunkWriterImpl(this, msg, head, range.start - 1, range.end === '*' ? null : range.end - range.start + 1);
  }

  /** Advances the capture clock: closes idle messages and those whose grace period ended. */
  tick(tsSec: number, tsNsec: number): void {
    this.advance(toSeconds(tsSec, tsNsec));
  }

  /** Closes every message in reassembly (end of input). */
  flush(): void {
    // Least recently active first (the table's order).
    for (const msg of [...this.messages.values()]) this.closeIdle(msg, 'flush');
    this.finished.clear();
  }

  // ---------------------------------------------------------------------------------------
  // Called by chunk writers.

  /** @internal Places `piece` at message offset `p`; returns [newBytes, conflict]. */
  place(msg: Msg, p: number, piece: Uint8Array, frameNo: number): { fresh: number; conflict: boolean } {
    let fresh = 0;
    let conflict = false;
    let off = 0;
    let len = piece.length;
    if (msg.total !== null && p + len > msg.total) {
      if (!msg.beyondReported) {
        msg.beyondReported = true;
        this.anomalies?.report('msrp.byte_range_beyond_total', frameNo, `end=${p + len} total=${msg.total}`);
      }
      len = Math.max(0, msg.total - p);
    }
    while (off < len) {
      const at = p + off;
      if (at < msg.nextOffset) {
        // Already streamed: compare where the retained head still has the bytes.
        const n = Math.min(len - off, msg.nextOffset - at);
        const cmpEnd = Math.min(at + n, msg.headLen);
        for (let i = at; i < cmpEnd; i++) {
          if (msg.head[i] !== piece[off + i - at]) {
            conflict = true;
            break;
          }
        }
        msg.duplicateBytes += n;
        off += n;
        continue;
      }
      const seg = msg.pending?.findEndingAfter(at);
      if (seg !== undefined && seg.start <= at) {
        const n = Math.min(len - off, seg.end - at);
        const base = at - seg.start;
        for (let i = 0; i < n; i++) {
          if (seg.data[base + i] !== piece[off + i]) {
            conflict = true;
            break;
          }
        }
        msg.duplicateBytes += n;
        off += n;
        continue;
      }
      const n = Math.min(len - off, (seg === undefined ? Infinity : seg.start) - at);
      const part = piece.subarray(off, off + n);
      if (at === msg.nextOffset) this.stream(msg, part);
      else this.store(msg, at, part, frameNo);
      fresh += n;
      off += n;
    }
    return { fresh, conflict };
  }

  /** @internal A chunk's Byte-Range length differs from its body (section 7.1.1). */
  reportRangeMismatch(frameNo: number, declared: number, body: number): void {
    this.anomalies?.report('msrp.byte_range_mismatch', frameNo, `declared=${declared} body=${body}`);
  }

  /** @internal */
  chunkEnded(msg: Msg, rec: MsrpChunkRecord, digestKey: string, digest: string, conflict: boolean, end: MsrpFrameEnd): void {
    if (msg.closed) {
      // The message closed while this chunk streamed (e.g. its other-leg copy completed it).
      this.stats.lateChunks++;
      return;
    }
    if (rec.duplicate) this.stats.duplicateChunks++;
    const prev = msg.digests?.get(digestKey);
    if (prev !== undefined && prev !== digest) conflict = true;
    else if (prev === undefined && rec.end >= rec.start && (msg.digests?.size ?? 0) < MAX_DIGESTS) {
      msg.digests ??= new Map();
      msg.digests.set(digestKey, digest);
    }
    if (conflict) {
      msg.conflicts++;
      this.anomalies?.report('msrp.chunk_overlap_different_data', rec.frameNo, `start=${rec.start} end=${rec.end}`);
    }
    if (msg.chunks.length < this.maxChunkRecords) msg.chunks.push(rec);
    else {
      if (msg.chunksOmitted === 0) this.anomalies?.report('msrp.chunk_records_capped', rec.frameNo, `cap=${this.maxChunkRecords}`);
      msg.chunksOmitted++;
    }
    if (msg.firstFrameNo === 0 || rec.frameNo < msg.firstFrameNo) {
      msg.firstFrameNo = rec.frameNo;
      msg.firstTsSec = rec.tsSec;
      msg.firstTsNsec = rec.tsNsec;
    }
    if (end.lastFrameNo >= msg.lastFrameNo) {
      msg.lastFrameNo = end.lastFrameNo;
      msg.lastTsSec = end.lastTsSec;
      msg.lastTsNsec = end.lastTsNsec;
    }
    if (rec.flag === '#') {
      // Section 7.1: "#" aborts the message; what arrived is still reported.
      this.close(msg, 'aborted', 'aborted');
      return;
    }
    if (rec.flag === '$') {
      // The last chunk fixes the total when it was "*" (section 7.1.1).
      const endOffset = rec.end;
      if (msg.total === null) msg.total = Math.max(endOffset, 0);
      else if (!rec.duplicate && endOffset !== msg.total && endOffset >= rec.start) {
        this.anomalies?.report('msrp.total_mismatch', rec.frameNo, `end=${endOffset} known=${msg.total}`);
      }
      if (!msg.finalSeen) {
        msg.finalSeen = true;
        msg.finalAt = this.now;
        this.messages.touch(msg.key, this.deadline(msg));
      }
    }
    if (msg.total !== null && msg.nextOffset >= msg.total && msg.finalSeen) {
      this.close(msg, 'complete', 'complete');
    } else if (msg.finalSeen && this.grace <= 0) {
      this.close(msg, 'incomplete', 'missing_ranges');
    }
  }

  // ---------------------------------------------------------------------------------------

  private newMsg(key: string, ref: MsrpMessageRef, head: MsrpFrameHead): Msg {
    return {
      key,
      ref,
      contentType: null,
      total: null,
      nextOffset: 0,
      hash: this.hashBodies ? createHash('sha256') : null,
      head: EMPTY,
      headLen: 0,
      pending: null,
      finalSeen: false,
      finalAt: 0,
      lastActive: this.now,
      activity: ++this.activitySeq,
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

  /** In-order bytes: hash, keep the head, hand to onData, then drain pending that became contiguous. */
  private stream(msg: Msg, part: Uint8Array): void {
    this.consume(msg, part);
    const pending = msg.pending;
    if (pending === null) return;
    for (let s = pending.first(); s !== undefined && s.start <= msg.nextOffset; s = pending.first()) {
      pending.shift();
      const len = s.end - s.start;
      this.pendingTotal -= len;
      const skip = msg.nextOffset - s.start;
      if (skip < len) this.consume(msg, s.data.subarray(skip));
    }
  }

  private consume(msg: Msg, part: Uint8Array): void {
    if (part.length === 0) return;
    const offset = msg.nextOffset;
    msg.hash?.update(part);
    if (msg.headLen < this.retain) {
      const n = Math.min(part.length, this.retain - msg.headLen);
      if (msg.headLen + n > msg.head.length) {
        const cap = Math.min(this.retain, Math.max(msg.headLen + n, msg.head.length * 2, 256));
        const next = new Uint8Array(cap);
        next.set(msg.head.subarray(0, msg.headLen));
        msg.head = next;
      }
      msg.head.set(part.subarray(0, n), msg.headLen);
      msg.headLen += n;
    }
    msg.nextOffset += part.length;
    this.onData?.(msg.ref, part, offset);
  }

  /** Copies out-of-order bytes at offset `at` into a pending segment, within the caps. */
  private store(msg: Msg, at: number, part: Uint8Array, frameNo: number): void {
    const n = part.length;
    msg.pending ??= new SegmentStore(true);
    const pending = msg.pending;
    if (pending.bytes + n > this.maxPendingPerMessage || this.pendingTotal + n > this.maxPendingTotal) {
      this.reorderDrop(msg, frameNo, 'bytes');
      return;
    }
    // The growable store extends the segment that ends exactly here (the same chunk's earlier
    // pieces), so the segment cap counts runs of contiguous bytes.
    if (!pending.put(at, part, frameNo, 0, 0, this.maxSegments, Math.min(4096, this.maxPendingPerMessage - pending.bytes))) {
      this.reorderDrop(msg, frameNo, 'segments');
      return;
    }
    this.pendingTotal += n;
  }

  private reorderDrop(msg: Msg, frameNo: number, what: string): void {
    if (msg.reorderReported) return;
    msg.reorderReported = true;
    this.anomalies?.report('msrp.reorder_cap_exceeded', frameNo, `cap=${what} pending=${msg.pending?.bytes ?? 0}`);
  }

  /** When `msg` is due: the end of its completion grace once the final chunk came, else its idle timeout. */
  private deadline(msg: Msg): number {
    const idle = msg.lastActive + this.idleTimeout;
    return msg.finalSeen ? Math.min(msg.finalAt + this.grace, idle) : idle;
  }

  private advance(t: number): void {
    if (t > this.now) this.now = t;
    // Expiry runs at most once a second of capture time: messages close at the same points of
    // the capture as they always did (output order is part of what the samples pin down).
    if (this.now - this.lastSweep < 1) return;
    this.lastSweep = this.now;
    const now = this.now;
    // Only the messages the table says are due (DUE_SLACK_SEC early: the rules below compare
    // differences, the table sums), decided by the rules, closed in activity order as they
    // always were; those not due yet are looked at again at the next sweep.
    const due: Msg[] = [];
    this.messages.tick(now + DUE_SLACK_SEC, (_key, msg) => {
      if ((msg.finalSeen && now - msg.finalAt >= this.grace) || now - msg.lastActive >= this.idleTimeout) {
        due.push(msg);
        return Infinity; // closed just below (close() takes it out)
      }
      return now + 2 * DUE_SLACK_SEC;
    });
    if (due.length > 1) due.sort((a, b) => a.activity - b.activity);
    for (const msg of due) {
      if (msg.closed) continue;
      if (msg.finalSeen && now - msg.finalAt >= this.grace) this.close(msg, 'incomplete', 'missing_ranges');
      else this.closeIdle(msg, 'timeout');
    }
    this.finished.tick(now + DUE_SLACK_SEC, (_key, at) => (now - at < this.linger ? now + 2 * DUE_SLACK_SEC : undefined));
  }

  /** Closes a message that stopped without a verdict: complete if every byte is there. */
  private closeIdle(msg: Msg, reason: 'timeout' | 'evicted' | 'flush'): void {
    if (reason === 'timeout') this.anomalies?.report('msrp.message_timeout', msg.lastFrameNo, `idle=${this.idleTimeout}`);
    if (msg.total !== null && msg.nextOffset >= msg.total) {
      if (!msg.finalSeen) this.anomalies?.report('msrp.missing_final_chunk', msg.lastFrameNo);
      this.close(msg, 'complete', 'complete');
    } else {
      this.close(msg, 'incomplete', msg.finalSeen ? 'missing_ranges' : reason);
    }
  }

  private close(msg: Msg, status: MsrpMessageStatus, reason: MsrpMessageCloseReason): void {
    if (msg.closed) return;
    msg.closed = true;
    this.messages.delete(msg.key);
    this.finished.set(msg.key, this.now, this.now + this.linger);
    const missing = missingRanges(msg);
    const received = receivedBytes(msg);
    this.pendingTotal -= msg.pending?.bytes ?? 0;
    msg.pending = null;
    if (status === 'complete') this.stats.messagesComplete++;
    else if (status === 'aborted') this.stats.messagesAborted++;
    else {
      this.stats.messagesIncomplete++;
      let lost = 0;
      for (const r of missing) if (r.end !== '*') lost += r.end - r.start + 1;
      this.anomalies?.report('msrp.message_incomplete', msg.lastFrameNo, `ranges=${missing.length} bytes=${lost}`);
    }
    const sha256 = status === 'complete' && msg.hash !== null ? msg.hash.digest('hex') : null;
    this.onMessage({
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
    });
  }
}

/**
 * Holes in [0, total) (or up to the highest byte seen, then an open end), 1-based inclusive.
 * Pending bytes past a total learnt after they arrived are ignored.
 */
function missingRanges(msg: Msg): { start: number; end: number | '*' }[] {
  const limit = msg.total ?? Infinity;
  return (msg.pending ?? NO_PENDING).gaps(msg.nextOffset, limit).map((h) => ({ start: h.start + 1, end: h.end === Infinity ? '*' : h.end }));
}

/** Distinct bytes received within the total (when known). */
function receivedBytes(msg: Msg): number {
  const limit = msg.total ?? Infinity;
  return Math.min(msg.nextOffset, limit) + (msg.pending?.bytesWithin(msg.nextOffset, limit) ?? 0);
}

/** Receives one chunk's body and places it in its message. */
class ChunkWriterImpl implements MsrpChunkWriter {
  private pos: number;
  private fresh = 0;
  private conflict = false;
  private readonly digest: Hash = createHash('sha256');

  constructor(
    private readonly asm: MsrpMessageAssembler,
    private readonly msg: Msg,
    private readonly head: MsrpFrameHead,
    private readonly start0: number,
    private readonly declaredLength: number | null,
  ) {
    this.pos = start0;
  }

  write(piece: Uint8Array): void {
    if (piece.length === 0) return;
    this.digest.update(piece);
    if (!this.msg.closed) {
      const r = this.asm.place(this.msg, this.pos, piece, this.head.frameNo);
      this.fresh += r.fresh;
      if (r.conflict) this.conflict = true;
    }
    this.pos += piece.length;
  }

  end(end: MsrpFrameEnd): void {
    const received = this.pos - this.start0;
    // Section 7.1: a "+" chunk may be interrupted before its range end; anything else must match.
    if (end.flag !== null && this.declaredLength !== null && received !== this.declaredLength && !(end.flag === '+' && received < this.declaredLength)) {
      this.asm.reportRangeMismatch(this.head.frameNo, this.declaredLength, received);
    }
    const rec: MsrpChunkRecord = {
      frameNo: this.head.frameNo,
      lastFrameNo: end.lastFrameNo,
      tsSec: this.head.tsSec,
      tsNsec: this.head.tsNsec,
      start: this.start0 + 1,
      end: this.start0 + received,
      flag: end.flag,
      duplicate: received > 0 && this.fresh === 0,
    };
    this.asm.chunkEnded(this.msg, rec, `${this.start0}:${received}`, this.digest.digest('hex'), this.conflict, end);
  }
}
