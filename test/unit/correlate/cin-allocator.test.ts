/** CIN numbering per LIID, and its capped table (./src/correlate/cin-allocator.ts). */
import { describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { CinAllocator } from '../../../src/correlate/cin-allocator.js';

describe('CinAllocator', () => {
  it('counts each LIID from 1, independently of the others', () => {
    const c = new CinAllocator(new AnomalyCounter());
    expect([c.allocate('A'), c.allocate('B'), c.allocate('A'), c.allocate('A'), c.allocate('B')]).toEqual([1, 1, 2, 3, 2]);
  });

  it('beyond its cap forgets the least recently used LIID and reports it', () => {
    const a = new AnomalyCounter();
    const c = new CinAllocator(a, 2);
    c.allocate('A');
    c.allocate('B');
    c.allocate('A'); // A is now the most recently used
    expect(c.allocate('C')).toBe(1); // evicts B
    expect(a.count('correlate.cin_counter_evicted')).toBe(1);
    expect(c.allocate('A')).toBe(3);
    expect(c.allocate('B')).toBe(1); // forgotten: starts again (evicts C)
    expect(a.count('correlate.cin_counter_evicted')).toBe(2);
  });
});
