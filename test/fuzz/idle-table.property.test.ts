/**
 * Property test of the idle table (src/util/idle-table.ts) against a plain model: random
 * set / touch / delete / tick / evict sequences (deadlines moving both ways, callbacks that
 * re-arm, some entries protected by `keep`) expire exactly the due entries in (deadline, last
 * touch) order, never hold more than the cap, evict the earliest unprotected entry, and iterate
 * in insertion order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdleTable, type IdleEvictPolicy } from '../../src/util/idle-table.js';

interface ModelEntry {
  value: number;
  deadline: number;
  seq: number;
  /** Creation and last set/touch order (the `oldest` and `lru` policies). */
  inserted: number;
  used: number;
}

type Op = { op: 'set'; key: number; deadline: number } | { op: 'touch'; key: number; deadline: number } | { op: 'delete'; key: number } | { op: 'tick'; now: number; rearm: number[] } | { op: 'evict' };

const key = fc.integer({ min: 0, max: 11 });
const time = fc.integer({ min: 0, max: 12 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('set' as const), key, deadline: time }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('touch' as const), key, deadline: time }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
  // rearm: per expired entry, <0 = remove, else re-arm at now - 2 + value (0..1 = at or before now: deferred).
  { weight: 2, arbitrary: fc.record({ op: fc.constant('tick' as const), now: time, rearm: fc.array(fc.integer({ min: -3, max: 6 }), { maxLength: 12 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('evict' as const) }) },
);

/** (deadline, seq) order. */
const before = (a: ModelEntry, b: ModelEntry): boolean => a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);

function minKey(model: Map<number, ModelEntry>, skip: (k: number) => boolean, lt: (a: ModelEntry, b: ModelEntry) => boolean = before): number | undefined {
  let best: number | undefined;
  for (const [k, e] of model) {
    if (skip(k)) continue;
    if (best === undefined || lt(e, model.get(best)!)) best = k;
  }
  return best;
}

const POLICY_ORDER: Record<IdleEvictPolicy, (a: ModelEntry, b: ModelEntry) => boolean> = {
  soonest: before,
  oldest: (a, b) => a.inserted < b.inserted,
  lru: (a, b) => a.used < b.used,
};

describe('IdleTable property', () => {
  it('matches the model: expiry order, cap, eviction policies, iteration order', () => {
    const policy = fc.constantFrom<IdleEvictPolicy>('soonest', 'oldest', 'lru');
    fc.assert(
      fc.property(policy, fc.integer({ min: 1, max: 8 }), fc.array(opArb, { maxLength: 60 }), (evict, cap, ops) => {
        const kept = (k: number): boolean => k % 4 === 0;
        const evicted: number[] = [];
        const t = new IdleTable<number, number>({ cap, evict, onEvict: (k) => evicted.push(k), keep: (k) => kept(k) });
        const model = new Map<number, ModelEntry>();
        let seq = 0;
        let val = 0;
        let clock = 0;
        const order = POLICY_ORDER[evict];
        const modelEvict = (): number | undefined => {
          const k = minKey(model, kept, order) ?? minKey(model, () => false, order);
          if (k !== undefined) model.delete(k);
          return k;
        };
        for (const o of ops) {
          if (o.op === 'set') {
            val++;
            const e = model.get(o.key);
            const want: number[] = [];
            if (e !== undefined) Object.assign(e, { value: val, deadline: o.deadline, seq: ++seq, used: ++clock });
            else {
              if (model.size >= cap) want.push(modelEvict()!);
              model.set(o.key, { value: val, deadline: o.deadline, seq: ++seq, inserted: ++clock, used: clock });
            }
            evicted.length = 0;
            t.set(o.key, val, o.deadline);
            expect(evicted).toEqual(want);
          } else if (o.op === 'touch') {
            const e = model.get(o.key);
            if (e !== undefined) Object.assign(e, { deadline: o.deadline, seq: ++seq, used: ++clock });
            expect(t.touch(o.key, o.deadline)).toBe(e !== undefined);
          } else if (o.op === 'delete') {
            expect(t.delete(o.key)).toBe(model.delete(o.key));
          } else if (o.op === 'evict') {
            evicted.length = 0;
            const k = modelEvict();
            expect(t.evictOne()).toBe(k !== undefined);
            expect(evicted).toEqual(k === undefined ? [] : [k]);
          } else {
            // Model tick: due entries in order; re-armed at or before now wait for the next tick.
            const want: number[] = [];
            const deferred = new Set<number>();
            let i = 0;
            let removed = 0;
            for (let k = minKey(model, (x) => deferred.has(x) || model.get(x)!.deadline > o.now); k !== undefined; k = minKey(model, (x) => deferred.has(x) || model.get(x)!.deadline > o.now)) {
              want.push(k);
              const r = o.rearm[i++ % Math.max(1, o.rearm.length)] ?? -1;
              if (r < 0) {
                model.delete(k);
                removed++;
              } else {
                Object.assign(model.get(k)!, { deadline: o.now - 2 + r, seq: ++seq });
                if (o.now - 2 + r <= o.now) deferred.add(k);
              }
            }
            const got: number[] = [];
            let j = 0;
            const n = t.tick(o.now, (k) => {
              got.push(k);
              const r = o.rearm[j++ % Math.max(1, o.rearm.length)] ?? -1;
              return r < 0 ? undefined : o.now - 2 + r;
            });
            expect(got).toEqual(want);
            expect(n).toBe(removed);
          }
          expect(t.size).toBe(model.size);
          expect(t.size).toBeLessThanOrEqual(cap);
          // Iteration: insertion order, or recency order under `lru`.
          const iter = evict === 'lru' ? (e: ModelEntry) => e.used : (e: ModelEntry) => e.inserted;
          expect([...t.keys()]).toEqual([...model.keys()].sort((a, b) => iter(model.get(a)!) - iter(model.get(b)!)));
          for (const [k, e] of model) {
            expect(t.get(k)).toBe(e.value);
            expect(t.deadlineOf(k)).toBe(e.deadline);
          }
          const next = minKey(model, () => false);
          expect(t.nextDeadline()).toBe(next === undefined ? Infinity : model.get(next)!.deadline);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('iterates in insertion order whatever the touches and re-arming', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, time), { maxLength: 40 }), (touches) => {
        const t = new IdleTable<number, string>({ cap: 100 });
        const order: number[] = [];
        for (let k = 0; k < 12; k++) {
          t.set(k, `v${k}`, 50 - k);
          order.push(k);
        }
        for (const [k, d] of touches) t.touch(k, d);
        t.tick(10, () => 100);
        expect([...t.keys()]).toEqual(order);
        expect([...t.values()]).toEqual(order.map((k) => `v${k}`));
      }),
      { numRuns: 300 },
    );
  });
});
