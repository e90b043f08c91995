/**
 * A capped key → value table whose entries expire at a deadline: the one expiry primitive for
 * the long-lived tables of the tap: dialogs (src/correlate/dialog-tracker.ts), MSRP messages in
 * assembly, IP fragments, the correlator's MSRP sessions without SIP
 * (src/correlate/uncorrelated-sessions.ts) and its releases held for messages in reassembly
 * (src/correlate/session-release.ts). The held-byte budget (src/correlate/held-budget.ts) has
 * no timeout of its own: held bytes go with their session. Not here: session-id tombstones
 * (src/correlate/session-id-tombstones.ts): every entry gets the same linger and capture time
 * only moves forward, so their insertion-ordered Map is already in deadline order, at ~52 bytes
 * an entry against ~158 for an entry here (measured with 200 000 entries; ~34 MiB more at their
 * caps).
 *
 * Ordered by deadline in a binary min-heap (ties: the entry set or touched first goes first), so
 * `tick(now)` costs only what expires, never a sweep of the whole table. A hard cap: inserting a
 * new key into a full table first evicts one entry that the owner's `keep` predicate does not
 * protect (all protected: the first by the policy), and hands it to `onEvict`, so the owner
 * reports it as an anomaly (DEVELOPERS.md: every table has a cap and a timeout, and reports
 * evictions). Caps limit what is kept; the owner's `keep` says what must stay longest. Policies
 * ({@link IdleEvictPolicy}): the entry due soonest, the oldest inserted, or the least recently
 * set or touched (Zeek and Suricata evict flows by recency; a datagram or message still
 * receiving bytes is making progress).
 *
 * Touches are cheap where they are frequent: a later deadline is only written into the entry
 * (lazy re-keying, as Zeek's connection timers re-arm at expiry instead of on every packet); the
 * heap re-sorts that entry when it reaches the top. An earlier deadline sifts it up at once.
 * The owner may also leave deadlines stale on purpose and answer at expiry: `tick`'s callback
 * returns a new deadline to keep the entry.
 *
 * Iteration (`keys`, `values`, `entries`) is in insertion order, or with the `lru` policy in
 * recency order (least recent first); re-arming at expiry never changes it, so an owner's
 * end-of-input flush keeps the order its table always had.
 *
 * ```
 *   heap (by hkDeadline, hkSeq)        entry: deadline/seq = true key, hkDeadline/hkSeq = heap key
 *          [e1 10s]                    invariant: (deadline, seq) >= (hkDeadline, hkSeq)
 *        [e2 12s] [e3 11s]             top settled (heap key = true key) before it is used
 * ```
 */

/**
 * Seconds by which an owner takes expiry candidates early when its rule compares differences
 * (`now - last >= timeout`, as the tables did before they shared this one) while the table
 * orders by sums (`last + timeout`): the two can round apart by an ulp of a capture timestamp
 * (~2.4e-7 s around 1.7e9 s). `tick(now + DUE_SLACK_SEC)`, decide by the rule, and re-arm those
 * not due yet at `now + 2 * DUE_SLACK_SEC` (or their deadline): each then closes at exactly the
 * tick it always did.
 */
export const DUE_SLACK_SEC = 1e-6;

/** One entry; `pos` is its heap index (-1 while its `tick` callback runs). */
interface Entry<K, V> {
  readonly key: K;
  value: V;
  deadline: number;
  seq: number;
  hkDeadline: number;
  hkSeq: number;
  pos: number;
}

/**
 * Which entry a full table evicts: `soonest` the earliest deadline, `oldest` the first inserted,
 * `lru` the least recently set or touched.
 */
export type IdleEvictPolicy = 'soonest' | 'oldest' | 'lru';

export interface IdleTableOptions<K, V> {
  /** Most entries held at once (at least 1). */
  readonly cap: number;
  /** Receives each entry evicted to make room, after it left the table. */
  readonly onEvict?: (key: K, value: V) => void;
  /** Entries the owner wants evicted last (e.g. a target's); asked only when the table is full. */
  readonly keep?: (key: K, value: V) => boolean;
  /** Default `soonest`. */
  readonly evict?: IdleEvictPolicy;
}

/**
 * Deadline-ordered, capped table (see the file comment).
 *
 * @remarks Deadlines are plain numbers in the owner's clock (seconds of capture time for every
 * user today); the table never reads a clock itself: only `tick(now)` moves time.
 */
export class IdleTable<K, V> {
  private readonly map = new Map<K, Entry<K, V>>();
  private readonly heap: Entry<K, V>[] = [];
  private seq = 0;
  private readonly cap: number;
  private readonly onEvict: ((key: K, value: V) => void) | undefined;
  private readonly keep: ((key: K, value: V) => boolean) | undefined;
  private readonly policy: IdleEvictPolicy;
  /** Entries evicted by the cap since construction. */
  evictions = 0;

  constructor(options: IdleTableOptions<K, V>) {
    this.cap = Math.max(1, options.cap);
    this.onEvict = options.onEvict;
    this.keep = options.keep;
    this.policy = options.evict ?? 'soonest';
  }

  get size(): number {
    return this.map.size;
  }

  get capacity(): number {
    return this.cap;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  get(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  /** The entry's deadline, or undefined when absent. */
  deadlineOf(key: K): number | undefined {
    return this.map.get(key)?.deadline;
  }

  /**
   * Inserts `key` (evicting first when the table is full) or, when present, replaces its value
   * and deadline (its iteration position stays).
   */
  set(key: K, value: V, deadline: number): void {
    const e = this.map.get(key);
    if (e !== undefined) {
      e.value = value;
      this.touchEntry(e, deadline);
      return;
    }
    if (this.map.size >= this.cap) this.evictOne();
    const n: Entry<K, V> = { key, value, deadline, seq: ++this.seq, hkDeadline: deadline, hkSeq: 0, pos: -1 };
    this.map.set(key, n);
    this.pushEntry(n);
  }

  /** Moves `key`'s deadline (later: O(1), re-sorted lazily; earlier: sifted now). False when absent. */
  touch(key: K, deadline: number): boolean {
    const e = this.map.get(key);
    if (e === undefined) return false;
    this.touchEntry(e, deadline);
    return true;
  }

  /** Removes `key` without calling anything; false when absent. */
  delete(key: K): boolean {
    const e = this.map.get(key);
    if (e === undefined) return false;
    this.map.delete(key);
    if (e.pos >= 0) this.removeAt(e.pos);
    return true;
  }

  /** Drops every entry without calling anything. */
  clear(): void {
    this.map.clear();
    this.heap.length = 0;
  }

  keys(): IterableIterator<K> {
    return this.map.keys();
  }

  *values(): IterableIterator<V> {
    for (const e of this.map.values()) yield e.value;
  }

  *entries(): IterableIterator<[K, V]> {
    for (const e of this.map.values()) yield [e.key, e.value];
  }

  /** The earliest deadline held (Infinity when empty). */
  nextDeadline(): number {
    const top = this.settledTop();
    return top === undefined ? Infinity : top.deadline;
  }

  /**
   * Expires, in deadline order, every entry whose deadline is at or before `now`: each leaves
   * the heap and `onExpire` decides. Returning a number keeps the entry with that deadline (one
   * at or before `now` is looked at again at the next tick, not in this one); returning
   * undefined removes it (unless the callback already did). The callback may add, touch, evict
   * and delete entries.
   *
   * @returns how many entries were removed.
   */
  tick(now: number, onExpire: (key: K, value: V) => number | undefined): number {
    let removed = 0;
    // Entries re-armed at or before `now` wait for the next tick (a callback cannot loop this one).
    let deferred: Entry<K, V>[] | null = null;
    for (let top = this.settledTop(); top !== undefined && top.deadline <= now; top = this.settledTop()) {
      this.removeAt(0);
      const again = onExpire(top.key, top.value);
      if (this.map.get(top.key) !== top) {
        removed++;
        continue;
      }
      if (again === undefined) {
        this.map.delete(top.key);
        removed++;
        continue;
      }
      top.deadline = again;
      top.seq = ++this.seq;
      if (again <= now) {
        deferred ??= [];
        deferred.push(top);
      } else this.pushEntry(top);
    }
    // A deferred entry the callbacks deleted or evicted meanwhile stays out.
    if (deferred !== null) for (const e of deferred) if (this.map.get(e.key) === e) this.pushEntry(e);
    return removed;
  }

  /**
   * Evicts one entry now (by the policy, the first not protected by `keep`, else the first) and
   * hands it to `onEvict`. Returns false when empty.
   */
  evictOne(): boolean {
    if (this.policy !== 'soonest') return this.evictFirstInMap();
    let victim = this.settledTop();
    if (victim === undefined) return false;
    if (this.keep?.(victim.key, victim.value) === true) {
      // Step over protected entries in deadline order; put them back afterwards.
      const kept: Entry<K, V>[] = [];
      let found: Entry<K, V> | undefined;
      for (let e = this.settledTop(); e !== undefined; e = this.settledTop()) {
        this.removeAt(0);
        if (!this.keep(e.key, e.value)) {
          found = e;
          break;
        }
        kept.push(e);
      }
      for (const e of kept) this.pushEntry(e);
      victim = found ?? this.settledTop()!;
    }
    this.map.delete(victim.key);
    if (victim.pos >= 0) this.removeAt(victim.pos);
    this.evictions++;
    this.onEvict?.(victim.key, victim.value);
    return true;
  }

  // ---------------------------------------------------------------------------------------

  /** `oldest` / `lru`: the map is in that order; the first entry not kept (else the first) goes. */
  private evictFirstInMap(): boolean {
    let victim: Entry<K, V> | undefined;
    for (const e of this.map.values()) {
      victim ??= e;
      if (this.keep === undefined || !this.keep(e.key, e.value)) {
        victim = e;
        break;
      }
    }
    if (victim === undefined) return false;
    this.map.delete(victim.key);
    if (victim.pos >= 0) this.removeAt(victim.pos);
    this.evictions++;
    this.onEvict?.(victim.key, victim.value);
    return true;
  }

  /** Puts an entry that left the heap back, keyed by its true deadline. */
  private pushEntry(e: Entry<K, V>): void {
    e.hkDeadline = e.deadline;
    e.hkSeq = e.seq;
    e.pos = this.heap.length;
    this.heap.push(e);
    this.siftUp(e.pos);
  }

  private touchEntry(e: Entry<K, V>, deadline: number): void {
    e.deadline = deadline;
    e.seq = ++this.seq;
    if (this.policy === 'lru') {
      // Recency order is the map's order: most recently used last.
      this.map.delete(e.key);
      this.map.set(e.key, e);
    }
    if (e.pos < 0) return; // its tick callback is running; the callback's answer decides
    if (deadline < e.hkDeadline) {
      e.hkDeadline = deadline;
      e.hkSeq = e.seq;
      this.siftUp(e.pos);
    }
  }

  /** The heap top once its heap key equals its true key (re-sorting stale tops on the way). */
  private settledTop(): Entry<K, V> | undefined {
    const heap = this.heap;
    for (;;) {
      const top = heap[0];
      if (top === undefined || (top.hkDeadline === top.deadline && top.hkSeq === top.seq)) return top;
      top.hkDeadline = top.deadline;
      top.hkSeq = top.seq;
      this.siftDown(0);
    }
  }

  private removeAt(i: number): void {
    const heap = this.heap;
    const e = heap[i]!;
    const last = heap.pop()!;
    e.pos = -1;
    if (i < heap.length) {
      heap[i] = last;
      last.pos = i;
      this.siftDown(i);
      this.siftUp(last.pos);
    }
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const e = heap[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pe = heap[p]!;
      if (pe.hkDeadline < e.hkDeadline || (pe.hkDeadline === e.hkDeadline && pe.hkSeq <= e.hkSeq)) break;
      heap[i] = pe;
      pe.pos = i;
      i = p;
    }
    heap[i] = e;
    e.pos = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const e = heap[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      let ce = heap[l]!;
      if (r < n) {
        const re = heap[r]!;
        if (re.hkDeadline < ce.hkDeadline || (re.hkDeadline === ce.hkDeadline && re.hkSeq < ce.hkSeq)) {
          c = r;
          ce = re;
        }
      }
      if (e.hkDeadline < ce.hkDeadline || (e.hkDeadline === ce.hkDeadline && e.hkSeq <= ce.hkSeq)) break;
      heap[i] = ce;
      ce.pos = i;
      i = c;
    }
    heap[i] = e;
    e.pos = i;
  }
}
