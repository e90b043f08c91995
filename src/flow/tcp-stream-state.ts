/**
 * The state of one direction of a TCP connection being reassembled (./tcp-stream-reassembler.ts
 * does the reassembling): where the stream is (next offset and sequence number, the FIN), the
 * held out-of-order segments and their share of the global memory account, the hole clock, the
 * delivered-bytes history, and the consumer's switches (detach, bypass). One object at run
 * time (the subclass): the split costs the per-segment paths nothing.
 */
import { seqAdd } from '../util/seq32.js';
import { SegmentStore } from '../util/segment-store.js';
import { DeliveredHistory } from './delivered-history.js';
import { HELD_SEGMENT_OVERHEAD, type ReassemblyContext } from './reassembly-context.js';
import { StreamBypass, type BypassWatch } from './stream-bypass.js';
import type { DirValue, StreamConsumer } from './stream-consumer.js';

/** The fields and switches of one direction; {@link TcpStreamReassembler} reassembles it. */
export abstract class TcpStreamState {
  protected started = false;
  protected ended = false;
  /** Stream offset of the next byte to deliver, and its sequence number. */
  protected nextOff = 0;
  protected nextSeq = 0;
  /** Stream offset of the FIN (= offset after the last data byte), or -1. */
  protected finOff = -1;
  /** Stream offset of held bytes a retransmission contradicted, not yet delivered (-1: none). */
  protected conflictAt = -1;
  protected finFrame = 0;
  protected finTsSec = 0;
  protected finTsNsec = 0;
  /** Capture time (fractional seconds) since which the oldest pending hole has waited. */
  protected holeSince = Infinity;
  protected isPending = false;
  /** The front of the stream moved since the hole clock was last computed. */
  protected progressed = false;
  /** Bytes and cost of `store` already added to `memory.heldBytes` / `memory.heldCost`. */
  protected accounted = 0;
  protected accountedCost = 0;
  protected readonly store = new SegmentStore();
  protected readonly history: DeliveredHistory;
  /** The consumer lost interest (see detach): nothing more is delivered or held. */
  protected detached = false;
  /** Made at the first bypass request (./stream-bypass.ts). */
  protected bypassState: StreamBypass | null = null;

  constructor(
    readonly dir: DirValue,
    readonly connId: number,
    protected readonly consumer: StreamConsumer,
    protected readonly ctx: ReassemblyContext,
  ) {
    this.history = new DeliveredHistory(ctx.limits.historyBytesPerDirection, ctx.memory);
  }

  /**
   * The consumer is not interested in this direction any more (e.g. it is neither SIP nor MSRP):
   * nothing more is delivered (no data, gaps or end) and held data is dropped at the next
   * segment, so uninteresting streams cost only the table lookup. Safe to call from inside a
   * consumer callback.
   */
  detach(): void {
    this.detached = true;
  }

  /**
   * The consumer does not want this direction's bytes for now (./stream-bypass.ts): from the next
   * delivery on, only sequence numbers are followed. Safe to call from inside a consumer callback.
   */
  bypass(watch?: BypassWatch): void {
    if (this.ended || this.detached || !this.ctx.limits.bypass) return;
    this.bypassState ??= new StreamBypass(this.ctx.limits, this.ctx.counters);
    this.bypassState.watch = watch ?? null;
    this.bypassState.request();
  }

  /**
   * Ends a bypass (or cancels a request): bytes are delivered again from the next one, after one
   * gap covering what was passed over. Safe to call at any time.
   */
  resume(): void {
    this.bypassState?.cancel();
  }

  /** True while the direction is bypassed. */
  get isBypassed(): boolean {
    return this.bypassState?.isActive === true;
  }

  /** True once `end` was delivered. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Out-of-order bytes held. */
  get heldBytes(): number {
    return this.store.bytes;
  }

  /** What this direction counts against the global cap (bytes + per-segment overhead). */
  get heldCost(): number {
    return this.accountedCost;
  }

  /** Out-of-order segments held. */
  get heldSegments(): number {
    return this.store.count;
  }

  /** Bytes delivered or skipped as gaps so far (the stream offset of the next byte). */
  get offset(): number {
    return this.nextOff;
  }

  /**
   * Fixes the sequence number before the first stream byte (the ISN when the SYN was seen,
   * else one less than the first sequence number seen). Later calls are ignored.
   */
  start(baseSeq: number): void {
    if (this.started) return;
    this.started = true;
    this.nextSeq = seqAdd(baseSeq, 1);
  }

  /** Brings `memory.heldBytes` / `memory.heldCost` in line with what `store` holds now. */
  protected syncHeld(): void {
    const b = this.store.bytes;
    const cost = b + this.store.count * HELD_SEGMENT_OVERHEAD;
    const m = this.ctx.memory;
    m.heldBytes += b - this.accounted;
    m.heldCost += cost - this.accountedCost;
    this.accounted = b;
    this.accountedCost = cost;
  }
}
