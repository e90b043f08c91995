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
 *
 * A message's state and what is derived from it are in ./assembling-message.ts, the placement of
 * chunk bytes (streaming, pending copies, caps) in ./message-body-placer.ts, the per-chunk
 * writer in ./assembler-chunk-writer.ts.
 */
import { createHash } from 'node:crypto';
import type { AnomalySink } from '../../core/anomaly.js';
import { toSeconds } from '../../core/timestamp.js';
import { DUE_SLACK_SEC, IdleTable } from '../../util/idle-table.js';
import { AssemblerChunkWriter } from './assembler-chunk-writer.js';
import { type AssemblingMessage, closedMessage, missingRanges, newAssemblingMessage, receivedBytes } from './assembling-message.js';
import { MessageBodyPlacer } from './message-body-placer.js';
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

const MAX_DIGESTS = 256;

/**
 * Memory budget (issue 12, see src/flow/tcp-tracker.ts for the 256 MiB split): messages in
 * reassembly get ~8 MiB. One costs ~4 KiB with the correlator's per-message state (its AssemblingMessage,
 * the key, chunk records, the correlator's MessageTracker with its hash context and the
 * message's audit metadata): measured ~3.3 KiB live (heap snapshots with 10 000 and 4096 open
 * messages of one target session), so 8 MiB / 4 KiB = 2048. At the old 10 000, 200 000 first
 * chunks that never finish peaked at 325 MiB of RSS; at 4096, 259 MiB (the budget is 256).
 * A message is open only while its chunks are in flight: 2048 at once is far beyond a chat.
 */
export const DEFAULT_MAX_MESSAGES = 2048;

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

  private readonly maxMessages: number;
  private readonly idleTimeout: number;
  private readonly grace: number;
  private readonly maxChunkRecords: number;
  private readonly linger: number;
  private readonly maxFinished: number;
  private readonly hashBodies: boolean;

  /** Messages in reassembly, by deadline (idle timeout, or the end of the completion grace). */
  private readonly messages: IdleTable<string, AssemblingMessage>;
  /** Closed keys → close time, expiring after the linger. */
  private readonly finished: IdleTable<string, number>;
  private readonly placer: MessageBodyPlacer;
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
    this.placer = new MessageBodyPlacer(
      {
        retain: options.retainBytes ?? 64 * 1024,
        maxPendingPerMessage: options.maxPendingPerMessage ?? 4 * 1024 * 1024,
        maxPendingTotal: options.maxPendingTotal ?? 64 * 1024 * 1024,
        maxSegments: options.maxSegmentsPerMessage ?? 1024,
      },
      options.onData,
      anomalies,
    );
    this.maxMessages = options.maxMessages ?? DEFAULT_MAX_MESSAGES;
    this.hashBodies = options.sha256 ?? true;
    this.idleTimeout = options.idleTimeoutSec ?? 120;
    this.grace = options.completionGraceSec ?? 2;
    this.maxChunkRecords = options.maxChunkRecords ?? 4096;
    this.linger = options.finishedLingerSec ?? 60;
    this.maxFinished = options.maxFinished ?? 10_000;
    this.messages = new IdleTable<string, AssemblingMessage>({
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
    let n = this.placer.pendingTotal;
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
      msg = newAssemblingMessage(key, ref, head, this.hashBodies ? createHash('sha256') : null, this.now, ++this.activitySeq);
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
    return new AssemblerChunkWriter(this, msg, head, range.start - 1, range.end === '*' ? null : range.end - range.start + 1);
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

  /** @internal Places `piece` at message offset `p` (see MessageBodyPlacer.place). */
  place(msg: AssemblingMessage, p: number, piece: Uint8Array, frameNo: number): { fresh: number; conflict: boolean } {
    return this.placer.place(msg, p, piece, frameNo);
  }

  /** @internal A chunk's Byte-Range length differs from its body (section 7.1.1). */
  reportRangeMismatch(frameNo: number, declared: number, body: number): void {
    this.anomalies?.report('msrp.byte_range_mismatch', frameNo, `declared=${declared} body=${body}`);
  }

  /** @internal */
  chunkEnded(msg: AssemblingMessage, rec: MsrpChunkRecord, digestKey: string, digest: string, conflict: boolean, end: MsrpFrameEnd): void {
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

  /** When `msg` is due: the end of its completion grace once the final chunk came, else its idle timeout. */
  private deadline(msg: AssemblingMessage): number {
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
    const due: AssemblingMessage[] = [];
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
  private closeIdle(msg: AssemblingMessage, reason: 'timeout' | 'evicted' | 'flush'): void {
    if (reason === 'timeout') this.anomalies?.report('msrp.message_timeout', msg.lastFrameNo, `idle=${this.idleTimeout}`);
    if (msg.total !== null && msg.nextOffset >= msg.total) {
      if (!msg.finalSeen) this.anomalies?.report('msrp.missing_final_chunk', msg.lastFrameNo);
      this.close(msg, 'complete', 'complete');
    } else {
      this.close(msg, 'incomplete', msg.finalSeen ? 'missing_ranges' : reason);
    }
  }

  private close(msg: AssemblingMessage, status: MsrpMessageStatus, reason: MsrpMessageCloseReason): void {
    if (msg.closed) return;
    msg.closed = true;
    this.messages.delete(msg.key);
    this.finished.set(msg.key, this.now, this.now + this.linger);
    const missing = missingRanges(msg);
    const received = receivedBytes(msg);
    this.placer.release(msg);
    if (status === 'complete') this.stats.messagesComplete++;
    else if (status === 'aborted') this.stats.messagesAborted++;
    else {
      this.stats.messagesIncomplete++;
      let lost = 0;
      for (const r of missing) if (r.end !== '*') lost += r.end - r.start + 1;
      this.anomalies?.report('msrp.message_incomplete', msg.lastFrameNo, `ranges=${missing.length} bytes=${lost}`);
    }
    const sha256 = status === 'complete' && msg.hash !== null ? msg.hash.digest('hex') : null;
    this.onMessage(closedMessage(msg, status, reason, missing, received, sha256));
  }
}
