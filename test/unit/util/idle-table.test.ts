/** IdleTable: deadline-ordered expiry, hard cap with a keep policy, re-arming at expiry. */
import { describe, expect, it } from 'vitest';
import { IdleTable } from '../../../src/util/idle-table.js';

function expireAll(t: IdleTable<string, number>, now: number): string[] {
  const out: string[] = [];
  t.tick(now, (k) => {
    out.push(k);
    return undefined;
  });
  return out;
}

describe('IdleTable', () => {
  it('expires due entries in deadline order, ties in the order they were last set or touched', () => {
    const t = new IdleTable<string, number>({ cap: 10 });
    t.set('a', 1, 30);
    t.set('b', 2, 10);
    t.set('c', 3, 20);
    t.set('d', 4, 10);
    t.touch('b', 10); // same deadline, touched last: now after d
    expect(expireAll(t, 19)).toEqual(['d', 'b']);
    expect(t.size).toBe(2);
    expect(expireAll(t, 100)).toEqual(['c', 'a']);
  });

  it('a later deadline set by touch is honoured when the stale heap key reaches the top', () => {
    const t = new IdleTable<string, number>({ cap: 10 });
    t.set('a', 1, 10);
    t.set('b', 2, 15);
    t.touch('a', 40); // lazy: not re-sorted now
    expect(t.nextDeadline()).toBe(15);
    expect(expireAll(t, 20)).toEqual(['b']);
    expect(t.deadlineOf('a')).toBe(40);
    t.touch('a', 5); // earlier: sifted at once
    expect(expireAll(t, 5)).toEqual(['a']);
  });

  it('the expiry callback may keep an entry with a new deadline; one at or before now waits for the next tick', () => {
    const t = new IdleTable<string, number>({ cap: 10 });
    t.set('a', 1, 10);
    let calls = 0;
    expect(
      t.tick(10, () => {
        ++calls;
        return 10;
      }),
    ).toBe(0);
    expect(calls).toBe(1);
    expect(t.tick(10, () => 50)).toBe(0);
    expect(t.deadlineOf('a')).toBe(50);
    expect(expireAll(t, 50)).toEqual(['a']);
  });

  it('a full table evicts the earliest deadline the owner does not keep, and reports it', () => {
    const evicted: string[] = [];
    const t = new IdleTable<string, number>({ cap: 3, onEvict: (k) => evicted.push(k), keep: (k) => k.startsWith('target') });
    t.set('target1', 1, 1);
    t.set('x', 2, 5);
    t.set('y', 3, 2);
    t.set('z', 4, 9);
    expect(evicted).toEqual(['y']);
    t.set('target2', 5, 1);
    expect(evicted).toEqual(['y', 'x']);
    t.set('w', 6, 3);
    expect(evicted).toEqual(['y', 'x', 'z']);
    // All kept except the newest: the earliest unkept goes; all kept: the earliest goes.
    const all = new IdleTable<string, number>({ cap: 2, onEvict: (k) => evicted.push(k), keep: () => true });
    all.set('p', 1, 7);
    all.set('q', 2, 3);
    all.set('r', 3, 9);
    expect(evicted.at(-1)).toBe('q');
    expect(all.evictions).toBe(1);
    expect([...all.keys()]).toEqual(['p', 'r']);
  });

  it('iterates in insertion order, unchanged by touches', () => {
    const t = new IdleTable<string, number>({ cap: 10 });
    for (const [k, d] of [
      ['a', 3],
      ['b', 1],
      ['c', 2],
    ] as const)
      t.set(k, d, d);
    t.touch('a', 0);
    t.set('b', 7, 9);
    expect([...t.entries()]).toEqual([
      ['a', 3],
      ['b', 7],
      ['c', 2],
    ]);
  });

  it('an entry deferred to the next tick and evicted by a later callback of the same tick stays out', () => {
    const evicted: string[] = [];
    const t = new IdleTable<string, number>({ cap: 2, evict: 'lru', onEvict: (k) => evicted.push(k) });
    t.set('a', 1, 5);
    t.set('b', 2, 6);
    t.tick(10, (k) => {
      if (k === 'a') return 10; // re-armed at or before now: deferred to the next tick
      t.set('c', 3, 60); // full: evicts "a", the least recently used, while it waits
      return 50;
    });
    expect(evicted).toEqual(['a']);
    const seen: string[] = [];
    t.tick(100, (k) => {
      seen.push(k);
      return undefined;
    });
    expect(seen).toEqual(['b', 'c']);
    expect(t.size).toBe(0);
  });
});
