/**
 * What every direction of a TCP tracker shares (limits, counters, memory accounting, the
 * directions waiting on a hole) and the one way a payload range becomes a view: segments travel
 * through ./tcp-tracker.ts and ./tcp-stream-reassembler.ts as `buf[off, end)` ranges, and a
 * view is made only for bytes a consumer is given (issue 13: a Uint8Array per segment was most
 * of what the TCP layer allocated, though most segments deliver nothing: ACKs, let-go and ended
 * directions, retransmissions).
 */
import type { AnomalySink } from '../core/anomaly.js';
import type { HistoryBudget } from './delivered-history.js';
import type { BypassCounters, BypassLimits } from './stream-bypass.js';
import type { TcpStreamReassembler } from './tcp-stream-reassembler.js';

/** Per-direction limits (see TcpTrackerOptions for the defaults and their reasons). */
export interface ReassemblyLimits extends BypassLimits {
  readonly maxHeldBytesPerDirection: number;
  readonly maxHeldSegmentsPerDirection: number;
  readonly holeTimeoutSec: number;
  readonly historyBytesPerDirection: number;
}

/** Counters shared by every direction of a tracker (mutated in place). */
export interface ReassemblyCounters extends BypassCounters {
  gaps: number;
  gapBytes: number;
  overlapsDifferent: number;
  retransmissions: number;
  outOfOrder: number;
  keepAlives: number;
}

/** Memory shared by every direction of a tracker. */
export interface ReassemblyMemory extends HistoryBudget {
  /** Out-of-order payload bytes held by all directions. */
  heldBytes: number;
  /** `heldBytes` plus {@link HELD_SEGMENT_OVERHEAD} per held segment: what the global cap limits. */
  heldCost: number;
}

/**
 * Estimated bookkeeping cost of one held segment (object, typed-array header, array slot), so a
 * flood of tiny out-of-order segments cannot outgrow the global cap while its payload stays small.
 */
export const HELD_SEGMENT_OVERHEAD = 128;

/** What a direction needs from its tracker. */
export interface ReassemblyContext {
  readonly sink: AnomalySink;
  readonly limits: ReassemblyLimits;
  readonly counters: ReassemblyCounters;
  readonly memory: ReassemblyMemory;
  /** Directions that wait for a hole to be filled, oldest first (for expiry and the memcap). */
  readonly pending: Set<TcpStreamReassembler>;
}

/**
 * `buf[off, end)` as a plain Uint8Array over the same memory, without the species lookup of
 * `subarray` (see src/decode/cursor.ts `view`). Callers guarantee `0 <= off <= end <= buf.length`.
 */
export function rangeView(buf: Uint8Array, off: number, end: number): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset + off, end - off);
}
