/**
 * One byte budget shared by every WebSocket connection of a run: the handshake bytes held while
 * an Upgrade is undecided and the whole messages held while they arrive (SIP, RFC 7118 section 5:
 * one SIP message per WebSocket message; compressed messages, RFC 7692 7.2.2: inflated whole).
 * Uncompressed MSRP is streamed (RFC 7977 5.3) and holds nothing here. A direction with
 * permessage-deflate context takeover also holds its 32 KiB window (RFC 7692 7.2.3) here: evicted
 * only for the budget (its later compressed messages are then lost, reported), never for idleness.
 *
 * Holders register while they keep bytes. When a reservation does not fit, the holders that
 * started earliest are evicted first (each reports `websocket.memcap` and stays in step), so a
 * message left unfinished (FIN=0, RFC 6455 5.4) cannot pin the budget; one idle longer than
 * `idleSec` of capture time is evicted by {@link sweep}.
 */

/** Something that keeps budgeted bytes and can let them go. */
export interface WebSocketBudgetHolder {
  /** Capture second of the holder's last byte. */
  readonly heldSinceSec: number;
  /**
   * Lets its bytes go (releasing them from the budget) and reports why; false when it had nothing
   * to let go for that reason (a deflate window is kept however idle the direction).
   */
  evict(reason: 'memcap' | 'timeout'): boolean;
}

/**
 * Default: 32 MiB. The TCP tables get ~60 MiB of the ~100 MiB of live data the 256 MiB RSS budget
 * leaves (src/flow/tcp-tracker-options.ts); 32 MiB of WebSocket buffers fits beside them with the
 * rest of the tables, and still holds 32 SIP messages at the 1 MiB cap, or thousands of usual ones.
 */
export const DEFAULT_WS_BUDGET_BYTES = 32 << 20;
/** Default idle time of a held message or handshake, capture seconds. */
export const DEFAULT_WS_IDLE_SEC = 60;

export class WebSocketMemoryBudget {
  /** Bytes held now. */
  used = 0;
  /** Highest `used` seen. */
  peak = 0;
  /** Holders evicted for the budget, and for idleness. */
  evictedMemcap = 0;
  evictedTimeout = 0;
  /** In registration order: the earliest first. */
  private readonly holders = new Set<WebSocketBudgetHolder>();
  private lastSweepSec = -Infinity;

  constructor(
    readonly limit = DEFAULT_WS_BUDGET_BYTES,
    readonly idleSec = DEFAULT_WS_IDLE_SEC,
  ) {}

  /**
   * Asks for `bytes` more for `holder`, evicting the earliest other holders if needed. False when
   * even then they do not fit: the caller drops what it was collecting.
   */
  reserve(holder: WebSocketBudgetHolder, bytes: number): boolean {
    if (this.used + bytes > this.limit) {
      for (const h of this.holders) {
        if (this.used + bytes <= this.limit) break;
        if (h === holder) continue;
        if (h.evict('memcap')) this.evictedMemcap++;
      }
      if (this.used + bytes > this.limit) return false;
    }
    this.used += bytes;
    if (this.used > this.peak) this.peak = this.used;
    this.holders.add(holder);
    return true;
  }

  /** Gives back `bytes`; `done` when the holder keeps nothing any more. */
  release(holder: WebSocketBudgetHolder, bytes: number, done: boolean): void {
    this.used -= bytes;
    if (done) this.holders.delete(holder);
  }

  /** Evicts holders idle for longer than `idleSec` (checked at most once per capture second). */
  sweep(nowSec: number): void {
    if (nowSec - this.lastSweepSec < 1) return;
    this.lastSweepSec = nowSec;
    for (const h of this.holders) {
      if (nowSec - h.heldSinceSec > this.idleSec && h.evict('timeout')) this.evictedTimeout++;
    }
  }
}
