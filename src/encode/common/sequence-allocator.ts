/**
 * Per-stream sequence numbers for delivery headers: X2/X3 attribute 8 (uint32, per XID, wraps at
 * 2^32 like sipgate's sender) and the TS 102 232-1 PSHeader sequenceNumber (0..4294967295, per
 * LIID/CIN stream). Keys are task/stream ids; the table is capped so a stream of distinct keys
 * cannot grow memory without bound: the least recently used key is evicted and counted.
 *
 * Restarts (`run --deliver`): a receiver drops PDUs whose sequence number it already stored for
 * the XID, so a restarted tap must never hand out a number again. With a {@link SequencePersistence}
 * the allocator reserves numbers in blocks: before it uses the first number of a block it has
 * the persistence record "the next free number is N + block" durably; a restarted allocator
 * starts every known key at its stored reservation. A crash therefore leaves a gap (the unused
 * rest of the block), never a duplicate. Without persistence (the file output) every key
 * starts at 0, so one capture always yields the same bytes.
 */

/** Durable storage of per-key reservations (see the file comment). */
export interface SequencePersistence {
  /** The number `key` starts at (a previous run's reservation); undefined = never used, start at 0. */
  start(key: string): number | undefined;
  /**
   * Records durably that numbers below `next` (mod 2^32, counted from the key's current number)
   * may be in use for `key`. Called before any of them is handed out; must throw on failure.
   */
  reserve(key: string, next: number): void;
}

/** Options of {@link SequenceAllocator}. */
export interface SequenceAllocatorOptions {
  /** Cap of remembered streams (default 100 000; >= 1). */
  readonly maxKeys?: number;
  readonly persistence?: SequencePersistence;
  /** Numbers reserved per persistence write (default 1024). */
  readonly block?: number;
}

export class SequenceAllocator {
  private readonly next = new Map<string, number>();
  /** Reserved numbers left per key (persistence only). */
  private readonly left = new Map<string, number>();
  private readonly maxKeys: number;
  private readonly persistence: SequencePersistence | undefined;
  private readonly block: number;
  private evicted = 0;

  /** @param opts cap of remembered streams (a number, for compatibility) or the options. */
  constructor(opts: number | SequenceAllocatorOptions = {}) {
    const o = typeof opts === 'number' ? { maxKeys: opts } : opts;
    this.maxKeys = o.maxKeys ?? 100_000;
    this.persistence = o.persistence;
    this.block = Math.max(1, Math.min(o.block ?? 1024, 0x7fff_ffff));
  }

  /** Returns the next number for `key` (first call: 0, or the stored reservation) and advances it modulo 2^32. */
  allocate(key: string): number {
    let v = this.next.get(key);
    if (v === undefined) {
      if (this.next.size >= this.maxKeys) {
        // Map iteration order is insertion order; re-inserting on use keeps it LRU.
        const oldest = this.next.keys().next().value as string;
        this.next.delete(oldest);
        this.left.delete(oldest);
        this.evicted++;
      }
      v = (this.persistence?.start(key) ?? 0) >>> 0;
    } else this.next.delete(key);
    if (this.persistence !== undefined) {
      const left = this.left.get(key) ?? 0;
      if (left === 0) {
        // Durable before use: a crash after this point can only skip numbers.
        this.persistence.reserve(key, (v + this.block) >>> 0);
        this.left.set(key, this.block - 1);
      } else this.left.set(key, left - 1);
    }
    this.next.set(key, (v + 1) >>> 0);
    return v;
  }

  /** Forgets a stream (e.g. when its session ended). */
  release(key: string): void {
    this.next.delete(key);
    this.left.delete(key);
  }

  /** Number of keys evicted by the cap so far (for the audit report). */
  get evictions(): number {
    return this.evicted;
  }

  get size(): number {
    return this.next.size;
  }
}
