import { describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { SessionIdTombstones } from '../../../src/correlate/session-id-tombstones.js';

describe('SessionIdTombstones', () => {
  it('covers a session-id until its time, then forgets it', () => {
    const t = new SessionIdTombstones(new AnomalyCounter());
    t.add(['sidA', 'sidB'], 100);
    t.add(['sidC'], 105);
    expect(t.coversAny('sidA', null)).toBe(true);
    expect(t.coversAny(null, 'sidC')).toBe(true);
    expect(t.coversAny('other', null)).toBe(false);
    expect(t.coversAny(null, null)).toBe(false);
    t.sweep(99.9);
    expect(t.size).toBe(3);
    t.sweep(100);
    expect(t.coversAny('sidA', 'sidB')).toBe(false);
    expect(t.coversAny('sidC', null)).toBe(true);
    t.sweep(200);
    expect(t.size).toBe(0);
  });

  it('a session-id added again takes the later time', () => {
    const t = new SessionIdTombstones(new AnomalyCounter());
    t.add(['sidA'], 100);
    t.add(['sidB'], 101);
    t.add(['sidA'], 102);
    t.sweep(101);
    expect(t.coversAny('sidA', null)).toBe(true);
    expect(t.coversAny('sidB', null)).toBe(false);
  });

  it('is capped: the oldest entry goes first, and each eviction is counted', () => {
    const a = new AnomalyCounter();
    const t = new SessionIdTombstones(a, { max: 2 });
    t.add(['s1', 's2', 's3'], 10);
    expect(t.size).toBe(2);
    expect(t.coversAny('s1', null)).toBe(false);
    expect(t.coversAny('s3', 's2')).toBe(true);
    expect(a.toJSON()['correlate.tombstone_evicted']).toBe(1);
  });
});
