import { describe, expect, it } from 'vitest';
import { SequenceAllocator } from '../../../../src/encode/common/sequence-allocator.js';

describe('SequenceAllocator', () => {
  it('counts per key from 0', () => {
    const s = new SequenceAllocator();
    expect([s.allocate('a'), s.allocate('a'), s.allocate('b'), s.allocate('a')]).toEqual([0, 1, 0, 2]);
  });
  it('wraps at 2^32 (TS 103 221-2 sequence number is uint32)', () => {
    const s = new SequenceAllocator();
    (s as unknown as { next: Map<string, number> }).next.set('x', 0xffffffff);
    expect([s.allocate('x'), s.allocate('x')]).toEqual([0xffffffff, 0]);
  });
  it('evicts the least recently used key at the cap and counts evictions', () => {
    const s = new SequenceAllocator(2);
    s.allocate('a');
    s.allocate('b');
    s.allocate('a'); // a is now most recent
    s.allocate('c'); // evicts b
    expect(s.size).toBe(2);
    expect(s.evictions).toBe(1);
    expect(s.allocate('a')).toBe(2);
    expect(s.allocate('b')).toBe(0);
  });
  it('release forgets a key', () => {
    const s = new SequenceAllocator();
    s.allocate('a');
    s.release('a');
    expect(s.allocate('a')).toBe(0);
  });
});
