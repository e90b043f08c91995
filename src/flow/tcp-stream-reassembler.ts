/**
 * One direction of a TCP connection: turns segments (sequence number + payload) into ordered
 * bytes, gaps and one end for a {@link StreamConsumer}. The TCP specialisation of the generic
 * {@link SegmentStore} (Zeek `TCP_Reassembler` over `Reassembler`, gopacket `tcpassembly`).
 *
 * Sequence space (RFC 9293 section 3.4): sequence numbers are mapped to stream offsets with
 * wrap-safe 32-bit arithmetic relative to the next expected sequence number, so a stream may
 * cross 2^32 any number of times; offsets are exact up to 2^53 bytes.
 *
 * ```
 *   offset 0 = base + 1       nextOff (= nextSeq)            finOff
 *   |==== delivered =========|..hole..[held]..hole..[held]...|
 *          (history ring keeps the tail of this)
 * ```
 *
 * Rules:
 * - SYN occupies one sequence number, FIN one (RFC 9293 section 3.4): data starts at ISN + 1
 *   and the FIN sits right after the last data byte.
 * - Exact next segment and nothing held: delivered straight from the packet's view (no copy).
 * - Later segments are copied into the store until the hole before them is filled.
 * - Overlaps: first data wins; overlapping bytes that differ from what was held or delivered
 *   are reported once per segment as `tcp.overlap_different_data`.
 * - Keep-alive probes (RFC 9293 section 3.8.4: one garbage byte at SND.NXT - 1, tshark's
 *   "TCP Keep-Alive") are old data by design: counted, never compared.
 * - A hole is given up (delivered as a gap) after a bounded wait: when the direction holds more
 *   than its byte/segment cap, when the hole is older than `holeTimeoutSec` of capture time,
 *   when the tracker needs memory back, on RST, timeout, eviction and end of input.
 */
import { TcpFlag } from '../decode/decoded-packet.js';
import { seqAdd, seqDiff } from '../util/seq32.js';
import { rangeView } from './reassembly-context.js';
import type { StreamEndReason } from './stream-consumer.js';
import { TcpStreamState } from './tcp-stream-state.js';

const SYN = TcpFlag.SYN;
const FIN = TcpFlag.FIN;
const RST = TcpFlag.RST;
const EMPTY = new Uint8Array(0);

/** Reassembles one direction of one connection. Created by the tracker, one per direction. */
export class TcpStreamReassembler extends TcpStreamState {
  /**
   * Processes one segment of this direction, whose payload is `buf[off, end)` (it may alias the
   * frame): delivered directly when in order, copied when held. Taken as a range, not a view, so
   * a segment that delivers nothing (an ACK, an ended or let-go direction, a retransmission of
   * delivered bytes, a bypassed direction without a watch) costs no Uint8Array: a view is made
   * only for the consumer (see {@link deliver}). RST is the tracker's business (see finish).
   * `seq` is used mod 2^32 only (seq32 arithmetic): signed or unsigned, the same segment.
   */
  segment(seq: number, buf: Uint8Array, off: number, end: number, flags: number, frameNo: number, tsSec: number, tsNsec: number): void {
    if (this.ended) return;
    if (this.detached) {
      this.end('shutdown');
      return;
    }
    if (!this.started) this.start((flags & SYN) !== 0 ? seq : seqAdd(seq, -1));
    // RFC 9293 section 3.4: the SYN occupies the first sequence number; data follows it.
    const dataSeq = (flags & SYN) !== 0 ? seqAdd(seq, 1) : seq;
    const rel = seqDiff(dataSeq, this.nextSeq);
    const now = tsSec + tsNsec * 1e-9;
    const len = end - off;
    if ((flags & FIN) !== 0 && this.finOff < 0) {
      // The FIN occupies the sequence number after the segment's data. A FIN that would end
      // the stream before bytes already delivered is inconsistent: end at what we have.
      const at = this.nextOff + rel + len;
      this.finOff = at > this.nextOff ? at : this.nextOff;
      this.finFrame = frameNo;
      this.finTsSec = tsSec;
      this.finTsNsec = tsNsec;
    }
    if (len > 0) {
      if (len === 1 && rel === -1 && (flags & (SYN | FIN | RST)) === 0) {
        // Keep-alive probe (RFC 9293 section 3.8.4, RFC 1122 section 4.2.3.6).
        this.ctx.counters.keepAlives++;
      } else {
        this.data(rel, buf, off, end, frameNo, tsSec, tsNsec);
      }
    }
    this.afterProgress();
    if (this.isPending && now - this.holeSince >= this.ctx.limits.holeTimeoutSec) this.checkAge(now);
  }

  /**
   * {@link checkAge} at capture time (tsSec, tsNsec), for the other direction of every segment:
   * two small integers cross the call instead of a fractional second, which an optimised caller
   * boxes into a heap number per call, and nothing is computed unless a hole waits.
   */
  checkAgeAt(tsSec: number, tsNsec: number): void {
    if (this.isPending) this.checkAge(tsSec + tsNsec * 1e-9);
  }

  /** Gives up holes that have waited `holeTimeoutSec` of capture time by `nowSec`. */
  checkAge(nowSec: number): void {
    while (this.isPending && !this.ended && nowSec - this.holeSince >= this.ctx.limits.holeTimeoutSec) {
      this.skipHole();
    }
  }

  /** Gives up every hole that has held data after it (memory pressure). */
  flushHeld(): void {
    while (!this.ended && this.store.count > 0) this.skipHole();
  }

  /**
   * Ends the direction: delivers what is held (holes as gaps), then `end(reason)`; if the FIN
   * is reached on the way the reason is 'fin'. Idempotent.
   */
  finish(reason: StreamEndReason): void {
    while (!this.ended && this.isPending) this.skipHole();
    if (!this.ended) this.end(reason);
  }

  /** Handles the payload `buf[off, end)` at `rel` bytes from the next expected byte. */
  private data(rel: number, buf: Uint8Array, off: number, end: number, frameNo: number, tsSec: number, tsNsec: number): void {
    const c = this.ctx.counters;
    // Bytes at or beyond the FIN are not part of the stream (RFC 9293 section 3.10.7.4).
    if (this.finOff >= 0) {
      const room = this.finOff - (this.nextOff + rel);
      if (room <= 0) return;
      if (room < end - off) end = off + room;
    }
    let retransmission = false;
    if (rel < 0) {
      // Starts before the next expected byte: a retransmission, possibly extending past it.
      // Compare with what was delivered (first data wins: the old bytes stand).
      retransmission = true;
      c.retransmissions++;
      const oldLen = -rel < end - off ? -rel : end - off;
      const diff = this.history.countDifferent(this.nextOff + rel, buf, off, off + oldLen);
      if (diff > 0) this.reportDifferent(frameNo, this.nextOff + rel, diff, [tsSec, tsNsec]);
      if (off + oldLen === end) return;
      off += oldLen;
      rel = 0;
    }
    if (rel === 0) {
      const first = this.store.first();
      if (first === undefined) {
        // Common case: exactly next, nothing held. Deliver from the frame's bytes, no copy.
        this.deliver(buf, off, end, frameNo, tsSec, tsNsec);
        return;
      }
      // Deliver the part before the first held segment directly; merge the rest.
      const room = first.start - this.nextOff;
      if (end - off <= room) {
        this.deliver(buf, off, end, frameNo, tsSec, tsNsec);
        this.drain();
        return;
      }
      this.deliver(buf, off, off + room, frameNo, tsSec, tsNsec);
      off += room;
    }
    const st = this.store;
    st.insert(this.nextOff + rel, rangeView(buf, off, end), frameNo, tsSec, tsNsec);
    this.syncHeld();
    if (st.lastOverlap > 0) {
      if (!retransmission) c.retransmissions++;
      if (st.lastDiffering > 0) {
        this.reportDifferent(frameNo, st.lastFirstDiff, st.lastDiffering, null);
        // The consumer hears of it when the contradicted bytes are delivered (they are held).
        if (this.conflictAt < 0 || st.lastFirstDiff < this.conflictAt) this.conflictAt = st.lastFirstDiff;
      }
    } else if (rel > 0) {
      c.outOfOrder++;
    }
    this.drain();
    const lim = this.ctx.limits;
    if (st.bytes > lim.maxHeldBytesPerDirection || st.count > lim.maxHeldSegmentsPerDirection) {
      this.ctx.sink.report('tcp.reassembly_limit', frameNo, `conn=${this.connId} dir=${this.dir} held_bytes=${st.bytes} held_segments=${st.count}`, this.connId);
      while (!this.ended && (st.bytes > lim.maxHeldBytesPerDirection || st.count > lim.maxHeldSegmentsPerDirection)) {
        this.skipHole();
      }
    }
  }

  /** `now`: tell the consumer at once (the contradicted bytes were delivered already). */
  private reportDifferent(frameNo: number, offset: number, bytes: number, now: readonly [number, number] | null): void {
    this.ctx.counters.overlapsDifferent++;
    this.ctx.sink.report('tcp.overlap_different_data', frameNo, `conn=${this.connId} dir=${this.dir} offset=${offset} bytes=${bytes}`, this.connId, this.dir);
    if (now !== null && !this.detached && !this.isBypassed) this.consumer.conflict?.(this.dir, frameNo, now[0], now[1]);
  }

  /**
   * Delivers `buf[off, end)`, the next bytes of the stream. The consumer's view is made here and
   * only here: a bypassed or let-go direction costs none (a watch is shown one, it reads bytes).
   */
  private deliver(buf: Uint8Array, off: number, end: number, frameNo: number, tsSec: number, tsNsec: number): void {
    const n = end - off;
    if (n === 0) return;
    const b = this.bypassState;
    if (b !== null && !this.detached) {
      if (b.pass(n, tsSec + tsNsec * 1e-9, b.watch !== null ? rangeView(buf, off, end) : EMPTY)) {
        // Bypassed: sequence tracking only (no consumer, no history; a contradiction in bytes
        // nobody reads is counted by reportDifferent and needs no cut).
        this.progressed = true;
        this.nextOff += n;
        this.nextSeq = seqAdd(this.nextSeq, n);
        // The history ring is kept, not released: a resumed direction (re-probes come every few
        // seconds) would allocate it again, and that churn cost more than the bypass saved. Its
        // next append is discontinuous, which forgets the stale bytes.
        this.conflictAt = -1;
        return;
      }
      this.giveBypassGap(frameNo, tsSec, tsNsec);
    }
    if (this.conflictAt >= 0 && this.conflictAt < this.nextOff + n) {
      // Held bytes that a retransmission contradicted start here: the consumer hears of it
      // right before them (see StreamConsumer.conflict).
      const cut = Math.max(0, this.conflictAt - this.nextOff);
      this.conflictAt = -1;
      if (cut > 0) this.deliver(buf, off, off + cut, frameNo, tsSec, tsNsec);
      if (!this.detached) this.consumer.conflict?.(this.dir, frameNo, tsSec, tsNsec);
      this.deliver(buf, off + cut, end, frameNo, tsSec, tsNsec);
      return;
    }
    const at = this.nextOff;
    this.progressed = true;
    this.nextOff += n;
    this.nextSeq = seqAdd(this.nextSeq, n);
    if (this.detached) return;
    const data = off === 0 && end === buf.length ? buf : rangeView(buf, off, end);
    this.consumer.data(this.dir, data, frameNo, tsSec, tsNsec);
    // Recorded after the consumer has seen the bytes: a direction it has just let go (neither
    // SIP nor MSRP) is never compared again, so its bytes need no copy into the ring.
    if (!this.detached) this.history.append(at, data);
  }

  /** Delivers held segments that have become contiguous with the delivered stream. */
  private drain(): void {
    const st = this.store;
    let s = st.first();
    while (s !== undefined && s.start <= this.nextOff) {
      st.shift();
      this.syncHeld();
      // Invariant: held segments never start before nextOff (inserts start at or after it and
      // deliveries stop at the first held segment); guard anyway for the partial case.
      const skip = this.nextOff - s.start;
      const d = s.data;
      if (skip < d.length) this.deliver(d, skip > 0 ? skip : 0, d.length, s.frameNo, s.tsSec, s.tsNsec);
      s = st.first();
    }
  }

  /** Declares the first hole lost: gap up to the next held byte (or the FIN), then drain. */
  private skipHole(): void {
    const first = this.store.first();
    let target: number;
    let frameNo: number;
    let tsSec: number;
    let tsNsec: number;
    if (first !== undefined) {
      target = first.start;
      frameNo = first.frameNo;
      tsSec = first.tsSec;
      tsNsec = first.tsNsec;
    } else if (this.finOff > this.nextOff) {
      target = this.finOff;
      frameNo = this.finFrame;
      tsSec = this.finTsSec;
      tsNsec = this.finTsNsec;
    } else {
      this.afterProgress();
      return;
    }
    const len = target - this.nextOff;
    if (len > 0) {
      const c = this.ctx.counters;
      c.gaps++;
      c.gapBytes += len;
      this.ctx.sink.report('tcp.gap', frameNo, `conn=${this.connId} dir=${this.dir} bytes=${len}`, this.connId, this.dir);
      this.nextOff = target;
      this.nextSeq = seqAdd(this.nextSeq, len);
      this.progressed = true;
      if (!this.detached && this.bypassState?.absorb(len) !== true) {
        if (this.bypassState !== null) this.giveBypassGap(frameNo, tsSec, tsNsec);
        this.consumer.gap(this.dir, len, frameNo, tsSec, tsNsec);
      }
    }
    this.drain();
    this.afterProgress();
  }

  /** Ends at the FIN once reached; otherwise keeps the pending set and the hole clock right. */
  private afterProgress(): void {
    if (this.ended) return;
    if (this.finOff >= 0 && this.nextOff >= this.finOff) {
      this.end('fin');
      return;
    }
    const pending = this.store.count > 0 || this.finOff > this.nextOff;
    if (pending) {
      if (!this.isPending) {
        this.isPending = true;
        this.ctx.pending.add(this);
        this.progressed = true;
      }
      // The clock restarts from the oldest remaining waiter whenever the front moved.
      if (this.progressed) this.holeSince = this.oldestPending();
    } else if (this.isPending) {
      this.isPending = false;
      this.holeSince = Infinity;
      this.ctx.pending.delete(this);
    }
    this.progressed = false;
  }

  /** Capture time of the oldest thing waiting behind a hole (held segment or FIN). */
  private oldestPending(): number {
    let t = this.store.oldestTime();
    if (this.finOff > this.nextOff) {
      const f = this.finTsSec + this.finTsNsec * 1e-9;
      if (f < t) t = f;
    }
    return t;
  }

  /** What a bypass passed over reaches the consumer as one gap, flagged as bypassed (not lost). */
  private giveBypassGap(frameNo: number, tsSec: number, tsNsec: number): void {
    const skipped = this.bypassState!.takeGap();
    if (skipped > 0) this.consumer.gap(this.dir, skipped, frameNo, tsSec, tsNsec, true);
  }

  private end(reason: StreamEndReason): void {
    if (this.ended) return;
    this.ended = true;
    this.bypassState?.end();
    this.store.clear();
    this.syncHeld();
    this.history.release();
    if (this.isPending) {
      this.isPending = false;
      this.ctx.pending.delete(this);
    }
    if (!this.detached) this.consumer.end(this.dir, reason);
  }
}
