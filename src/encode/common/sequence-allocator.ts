/**
 * Per-stream sequence numbers for delivery headers: X2/X3 attribute 8 (uint32, per XID, wraps at
 * 2^32 like sipgate's sender) and the TS 102 232-1 PSHeader sequenceNumber (0..4294967295, per
 * LIID/CIN stream). Keys are task/stream ids; the table is capped so a stream of distinct keys
 * cannot grow memory without bound: the least recently used key is evicted and counted.
 */
export class SequenceAllocator {
  private readonly next = new Map<string, number>();
  private evicted = 0;

  /** @param maxKeys cap of remembered streams (tasks x sessions); must be >= 1. */
  constructor(private readonly maxKeys = 100_000) {}

  /** Returns the next number for `key` (first call: 0) and advances it modulo 2^32. */
  allocate(key: string): number {
    const v = this.next.get(key);
    if (v === undefined) {
      if (this.next.size >= this.maxKeys) {
        // Map iteration order is insertion order; re-inserting on use keeps it LRU.
        const oldest = this.next.keys().next().value as string;
        this.next.delete(oldest);
        this.evicted++;
      }
      this.next.set(key, 1);
      return 0;
    }
    this.next.delete(key);
    this.next.set(key, (v + 1) >>> 0);
    return v;
  }

  /** Forgets a stream (e.g. when its session ended). */
  release(key: string): void {
    this.next.delete(key);
  }

  /** Number of keys evicted by the cap so far (for the audit report). */
  get evictions(): number {
    return this.evicted;
  }

  get size(): number {
    return this.next.size;
  }
}
