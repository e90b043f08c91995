/**
 * What the MSRP message assembler (./msrp-message-assembler.ts) hands out: reassembled messages
 * and their chunk records (RFC 4975 sections 5.1, 7.1, 7.1.1), its options and counters, apart
 * from the reassembly logic so consumers import the vocabulary without it.
 */
import type { MsrpEndFlag, MsrpFrameEnd } from './msrp-frame.js';
import type { DEFAULT_MAX_MESSAGES, MsrpMessageAssembler } from './msrp-message-assembler.js';

/** One chunk as the assembler recorded it. */
export interface MsrpChunkRecord {
  readonly frameNo: number;
  readonly lastFrameNo: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  /** 1-based first byte of the chunk in the message. */
  readonly start: number;
  /** 1-based last byte placed (`start - 1` for an empty chunk); from the bytes actually received. */
  readonly end: number;
  /** End-line flag, or null when the frame was cut (gap, end of stream). */
  readonly flag: MsrpEndFlag | null;
  /** Every byte of this chunk had been received before (e.g. the copy seen on the other relay leg). */
  readonly duplicate: boolean;
}

export type MsrpMessageStatus = 'complete' | 'aborted' | 'incomplete';

/** Why a message was closed. */
export type MsrpMessageCloseReason = 'complete' | 'aborted' | 'missing_ranges' | 'timeout' | 'evicted' | 'flush';

/** A reassembled (or given-up) message. Owns its `head` bytes. */
export interface MsrpMessage {
  readonly session: string;
  readonly messageId: string;
  readonly contentType: string | null;
  readonly status: MsrpMessageStatus;
  readonly closeReason: MsrpMessageCloseReason;
  /** Total size in bytes when known (Byte-Range total, or the end of the `$` chunk). */
  readonly size: number | null;
  /** Distinct bytes received. */
  readonly receivedBytes: number;
  /** Bytes received more than once (duplicates, overlaps). */
  readonly duplicateBytes: number;
  /** SHA-256 (hex) of the whole body, only when `status` is complete (and `sha256` not turned off). */
  readonly sha256: string | null;
  /** Missing byte ranges, 1-based inclusive; `end: '*'` when the total is unknown. */
  readonly missing: readonly { readonly start: number; readonly end: number | '*' }[];
  readonly chunks: readonly MsrpChunkRecord[];
  /** Chunks not listed in `chunks` because of the per-message cap. */
  readonly chunksOmitted: number;
  /** Chunks whose bytes differed from bytes already received for the same offsets. */
  readonly conflictingChunks: number;
  readonly firstFrameNo: number;
  readonly firstTsSec: number;
  readonly firstTsNsec: number;
  readonly lastFrameNo: number;
  readonly lastTsSec: number;
  readonly lastTsNsec: number;
  /** The first bytes of the body (up to `retainBytes`), contiguous from offset 0. */
  readonly head: Uint8Array;
  /** `head` holds the entire body. */
  readonly headIsWhole: boolean;
}

/** Identifies a message in streaming callbacks. */
export interface MsrpMessageRef {
  readonly session: string;
  readonly messageId: string;
}

/** Receives one chunk's body; see {@link MsrpMessageAssembler.startChunk}. */
export interface MsrpChunkWriter {
  /** Body bytes in order; the view is only read during the call. */
  write(piece: Uint8Array): void;
  /** The frame ended (with or without an end-line). */
  end(end: MsrpFrameEnd): void;
}

export interface MsrpMessageAssemblerOptions {
  /** Body bytes kept from offset 0 for CPIM/IMDN parsing and the audit (default 64 KiB). */
  readonly retainBytes?: number;
  /** Out-of-order bytes held per message (default 4 MiB). */
  readonly maxPendingPerMessage?: number;
  /** Out-of-order bytes held over all messages (default 64 MiB). */
  readonly maxPendingTotal?: number;
  /** Pending segments per message (default 1024). */
  readonly maxSegmentsPerMessage?: number;
  /**
   * Messages in reassembly; the least recently active is closed as incomplete beyond it
   * (`msrp.message_evicted`). Default {@link DEFAULT_MAX_MESSAGES}.
   */
  readonly maxMessages?: number;
  /**
   * Hash each message's body for {@link MsrpMessage.sha256} (default true). A consumer that
   * hashes the `onData` stream itself turns it off: one hash context less per open message.
   */
  readonly sha256?: boolean;
  /** A message with no chunk for this long (capture time) is closed (default 120 s). */
  readonly idleTimeoutSec?: number;
  /** After the `$` chunk, how long missing ranges may still arrive (default 2 s; 0 = close at once). */
  readonly completionGraceSec?: number;
  /** Chunk records kept per message (default 4096). */
  readonly maxChunkRecords?: number;
  /** How long a closed key swallows late chunks (default 60 s), and how many keys (default 10 000). */
  readonly finishedLingerSec?: number;
  readonly maxFinished?: number;
  /** In-order body bytes as they become contiguous; `offset` is 0-based. The view is call-scoped. */
  readonly onData?: (msg: MsrpMessageRef, piece: Uint8Array, offset: number) => void;
}

/** Counters for the audit report. */
export interface MsrpAssemblerStats {
  chunks: number;
  duplicateChunks: number;
  /** Chunks for keys closed recently (late duplicates), ignored. */
  lateChunks: number;
  messagesComplete: number;
  messagesAborted: number;
  messagesIncomplete: number;
  evictions: number;
}
