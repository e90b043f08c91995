/**
 * One budget of held TLS ciphertext shared by every connection of a run: records held while
 * waiting for keys or for the ServerHello (./tls-decryptor.ts) count against it, so N
 * connections cannot hold N times the per-connection cap (the run's memory budget is fixed,
 * the number of TLS connections is not). When a record does not fit, the connection that has
 * been holding longest gives up first (it is the least likely to still get keys); the holder
 * reports that as `tls.pending_overflow`.
 */

/** A connection that holds ciphertext: it can be told to drop it all (and report why). */
export interface TlsHeldBudgetHolder {
  /** Drop everything held and stop; must call {@link TlsHeldBudget.release} for those bytes. */
  evictHeld(cap: number): void;
}

/** Default budget: 32 MiB, an eighth of the run's 256 MiB memory budget. */
export const DEFAULT_TLS_MAX_HELD_BYTES = 32 << 20;

export class TlsHeldBudget {
  /** Bytes held per holder; Map order: the holder that started holding first comes first. */
  private readonly holders = new Map<TlsHeldBudgetHolder, number>();
  private used = 0;
  /** Holders made to give up their ciphertext for room. */
  evictions = 0;

  constructor(readonly cap: number = DEFAULT_TLS_MAX_HELD_BYTES) {}

  /** Bytes held by all holders now. */
  get heldBytes(): number {
    return this.used;
  }

  /**
   * Makes room for `bytes` more held by `h`, evicting the oldest other holders first; false when
   * even alone `h` would exceed the budget (the caller then gives up itself).
   */
  reserve(h: TlsHeldBudgetHolder, bytes: number): boolean {
    const own = this.holders.get(h) ?? 0;
    if (own + bytes > this.cap) return false;
    while (this.used + bytes > this.cap) {
      let oldest: TlsHeldBudgetHolder | undefined;
      for (const k of this.holders.keys()) {
        if (k !== h) {
          oldest = k;
          break;
        }
      }
      // Unreachable while own + bytes <= cap; guards the loop against a holder that does not release.
      if (oldest === undefined) return false;
      const before = this.used;
      this.evictions++;
      oldest.evictHeld(this.cap);
      if (this.holders.has(oldest)) this.release(oldest, this.holders.get(oldest)!);
      if (this.used >= before) return false;
    }
    this.holders.set(h, own + bytes);
    this.used += bytes;
    return true;
  }

  /** `h` no longer holds `bytes` of what it reserved. */
  release(h: TlsHeldBudgetHolder, bytes: number): void {
    const own = this.holders.get(h);
    if (own === undefined || bytes <= 0) return;
    const n = Math.min(own, bytes);
    this.used -= n;
    if (own - n === 0) this.holders.delete(h);
    else this.holders.set(h, own - n);
  }
}
