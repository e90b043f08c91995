/**
 * Session-ids of non-target dialogs that have ended, remembered until their linger expires.
 *
 * Why: after BYE (or a failed INVITE) MSRP frames of the session can still arrive for a while
 * (frames in flight, the closing REPORTs and responses, RFC 4975 section 7.1.2). They must be
 * recognised as belonging to a known non-target session, or they would open an "MSRP without SIP"
 * session. Keeping the whole dialog (SDPs, repeat table, identities) for the linger period was
 * the biggest memory cost on a busy link: a dialog and its session weigh ~10 KB, and a link that
 * ends 200 calls a second keeps 6 400 of them for the 32 s linger. A tombstone keeps one Map
 * entry per session-id.
 *
 * Expiry times arrive in non-decreasing order (capture time only moves forward and every entry
 * gets the same linger), so expired entries are always at the front of the insertion-ordered Map:
 * a sweep costs only what it removes.
 * That is why this table is not on the shared deadline heap (src/util/idle-table.ts): its
 * order is already the deadline order, and a heap entry weighs ~158 bytes against ~52 for this
 * Map's (measured with 200 000 entries): at the caps (327 680 tombstones) ~34 MiB more.
 *
 * Evicted dialogs (issue 12): a non-target dialog pushed out of the full dialog table has not
 * ended; its MSRP session may go on for as long as a dialog may stay idle. Its session-ids go
 * to a second, separately capped set with that longer linger (each set keeps one linger, so
 * stays ordered by expiry), so that its frames are still recognised as a non-target's and
 * dropped, never taken for an MSRP session without SIP (which a CPIM header could attribute to
 * a target). Both sets are capped: beyond the cap the oldest is forgotten and reported.
 */
import type { AnomalySink } from '../core/anomaly.js';

/**
 * Tombstones of evicted dialogs remembered at once (issue 12 budget, see
 * src/correlate/dialog-tracker.ts): an entry is the session-id string the dialog already owned
 * plus ~40 bytes of map entry and expiry, ~90 bytes in all: 65 536 × 90 B = 5.6 MiB.
 */
export const DEFAULT_MAX_EVICTED_TOMBSTONES = 65_536;

export interface SessionIdTombstonesOptions {
  /** Session-ids of ended sessions remembered at once (default 262 144); the oldest is forgotten beyond it. */
  readonly max?: number;
  /** Session-ids of evicted dialogs remembered at once (default {@link DEFAULT_MAX_EVICTED_TOMBSTONES}). */
  readonly maxEvicted?: number;
}

/** One insertion-ordered set of session-ids with their expiry (one linger per set). */
class TombstoneSet {
  readonly until = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly anomalies: AnomalySink,
  ) {}

  add(sids: Iterable<string>, untilSec: number): void {
    for (const sid of sids) {
      // Re-inserting keeps the Map ordered by expiry.
      this.until.delete(sid);
      if (this.until.size >= this.max) {
        this.until.delete(this.until.keys().next().value!);
        this.anomalies.report('correlate.tombstone_evicted', undefined, `cap=${this.max}`);
      }
      this.until.set(sid, untilSec);
    }
  }

  sweep(nowSec: number): void {
    for (const [sid, until] of this.until) {
      if (until > nowSec) return;
      this.until.delete(sid);
    }
  }
}

export class SessionIdTombstones {
  private readonly ended: TombstoneSet;
  private readonly evicted: TombstoneSet;

  constructor(anomalies: AnomalySink, options: SessionIdTombstonesOptions = {}) {
    this.ended = new TombstoneSet(options.max ?? 262_144, anomalies);
    this.evicted = new TombstoneSet(options.maxEvicted ?? DEFAULT_MAX_EVICTED_TOMBSTONES, anomalies);
  }

  get size(): number {
    return this.ended.until.size + this.evicted.until.size;
  }

  /** Remembers `sids` of an ended session until capture time `untilSec`. */
  add(sids: Iterable<string>, untilSec: number): void {
    this.ended.add(sids, untilSec);
  }

  /** Remembers `sids` of an evicted (not ended) dialog until capture time `untilSec` (callers use one linger for all). */
  addEvicted(sids: Iterable<string>, untilSec: number): void {
    this.evicted.add(sids, untilSec);
  }

  /** True when `a` or `b` is the session-id of an ended non-target session or evicted dialog still lingering. */
  coversAny(a: string | null, b: string | null): boolean {
    return (a !== null && (this.ended.until.has(a) || this.evicted.until.has(a))) || (b !== null && (this.ended.until.has(b) || this.evicted.until.has(b)));
  }

  /** Forgets the entries whose time is up. */
  sweep(nowSec: number): void {
    this.ended.sweep(nowSec);
    this.evicted.sweep(nowSec);
  }
}
