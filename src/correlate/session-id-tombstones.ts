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
 */
import type { AnomalySink } from '../core/anomaly.js';

export interface SessionIdTombstonesOptions {
  /** Session-ids remembered at once (default 262 144); the oldest is forgotten beyond it. */
  readonly max?: number;
}

export class SessionIdTombstones {
  private readonly until = new Map<string, number>();
  private readonly max: number;

  constructor(
    private readonly anomalies: AnomalySink,
    options: SessionIdTombstonesOptions = {},
  ) {
    this.max = options.max ?? 262_144;
  }

  get size(): number {
    return this.until.size;
  }

  /** Remembers `sids` until capture time `untilSec`. */
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

  /** True when `a` or `b` is the session-id of an ended non-target session still lingering. */
  coversAny(a: string | null, b: string | null): boolean {
    return (a !== null && this.until.has(a)) || (b !== null && this.until.has(b));
  }

  /** Forgets the entries whose time is up. */
  sweep(nowSec: number): void {
    for (const [sid, until] of this.until) {
      if (until > nowSec) return;
      this.until.delete(sid);
    }
  }
}
