/**
 * Where the bytes of MSRP chunks go in their message (RFC 4975 section 7.1.1: chunks may
 * overlap, repeat and arrive out of order): for ./msrp-message-assembler.ts. Bytes at the
 * message's next offset are streamed (incremental SHA-256, the first `retain` bytes kept, the
 * caller's `onData`), bytes past a hole are copied into pending segments within the per-message
 * and global caps (`msrp.reorder_cap_exceeded`), bytes seen before are compared where they are
 * still held (a conflict). Owns the count of pending bytes across messages.
 */
import type { AnomalySink } from '../../core/anomaly.js';
import { SegmentStore } from '../../util/segment-store.js';
import type { AssemblingMessage } from './assembling-message.js';
import type { MsrpMessageAssemblerOptions } from './msrp-message.js';

/** Caps and sinks of a {@link MessageBodyPlacer}. */
export interface BodyPlacerLimits {
  /** Leading bytes of each message kept (for CPIM/IMDN parsing and for comparing duplicates). */
  readonly retain: number;
  readonly maxPendingPerMessage: number;
  readonly maxPendingTotal: number;
  readonly maxSegments: number;
}

export class MessageBodyPlacer {
  /** Out-of-order bytes held across all messages. */
  pendingTotal = 0;

  constructor(
    private readonly limits: BodyPlacerLimits,
    private readonly onData: MsrpMessageAssemblerOptions['onData'],
    private readonly anomalies?: AnomalySink,
  ) {}

  /** Drops the pending bytes of a message that closed. */
  release(msg: AssemblingMessage): void {
    this.pendingTotal -= msg.pending?.bytes ?? 0;
    msg.pending = null;
  }

  /**
   * Places `piece` at message offset `p`: bytes already held are compared (a conflict), new
   * in-order bytes are streamed, new out-of-order ones stored; returns the new byte count.
   */
  place(msg: AssemblingMessage, p: number, piece: Uint8Array, frameNo: number): { fresh: number; conflict: boolean } {
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

  /** In-order bytes: hash, keep the head, hand to onData, then drain pending that became contiguous. */
  private stream(msg: AssemblingMessage, part: Uint8Array): void {
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

  private consume(msg: AssemblingMessage, part: Uint8Array): void {
    if (part.length === 0) return;
    const offset = msg.nextOffset;
    msg.hash?.update(part);
    if (msg.headLen < this.limits.retain) {
      const n = Math.min(part.length, this.limits.retain - msg.headLen);
      if (msg.headLen + n > msg.head.length) {
        const cap = Math.min(this.limits.retain, Math.max(msg.headLen + n, msg.head.length * 2, 256));
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
  private store(msg: AssemblingMessage, at: number, part: Uint8Array, frameNo: number): void {
    const n = part.length;
    msg.pending ??= new SegmentStore(true);
    const pending = msg.pending;
    if (pending.bytes + n > this.limits.maxPendingPerMessage || this.pendingTotal + n > this.limits.maxPendingTotal) {
      this.reorderDrop(msg, frameNo, 'bytes');
      return;
    }
    // The growable store extends the segment that ends exactly here (the same chunk's earlier
    // pieces), so the segment cap counts runs of contiguous bytes.
    if (!pending.put(at, part, frameNo, 0, 0, this.limits.maxSegments, Math.min(4096, this.limits.maxPendingPerMessage - pending.bytes))) {
      this.reorderDrop(msg, frameNo, 'segments');
      return;
    }
    this.pendingTotal += n;
  }

  private reorderDrop(msg: AssemblingMessage, frameNo: number, what: string): void {
    if (msg.reorderReported) return;
    msg.reorderReported = true;
    this.anomalies?.report('msrp.reorder_cap_exceeded', frameNo, `cap=${what} pending=${msg.pending?.bytes ?? 0}`);
  }
}
