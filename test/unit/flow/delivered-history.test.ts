/** DeliveredHistory (ring of delivered bytes). */
import { describe, expect, it } from 'vitest';
import { DeliveredHistory } from '../../../src/flow/delivered-history.js';
import { ascii } from '../../helpers/flow-test-helpers.js';

describe('DeliveredHistory', () => {
  const budget = () => ({ historyBytes: 0, maxHistoryBytes: 1 << 20 });

  it('compares against recent bytes, across ring wrap and growth', () => {
    const b = budget();
    const h = new DeliveredHistory(8192, b);
    const all = new Uint8Array(10000).map((_, i) => (i * 7) & 0xff);
    for (let o = 0; o < all.length; o += 700) h.append(o, all.subarray(o, Math.min(all.length, o + 700)));
    expect(h.capacity).toBe(8192);
    expect(b.historyBytes).toBe(8192);
    // Recent bytes: equal → 0; one byte changed → 1.
    const probe = all.slice(9000, 9100);
    expect(h.countDifferent(9000, probe)).toBe(0);
    probe[50] = probe[50]! ^ 1;
    expect(h.countDifferent(9000, probe)).toBe(1);
    // Older than the ring: not compared.
    expect(h.countDifferent(0, new Uint8Array(100))).toBe(0);
  });

  it('forgets everything before a discontinuity (gap)', () => {
    const h = new DeliveredHistory(4096, budget());
    h.append(0, ascii('hello'));
    h.append(10, ascii('world'));
    expect(h.countDifferent(0, ascii('HELLO'))).toBe(0);
    expect(h.countDifferent(10, ascii('WORLD'))).toBe(5);
  });

  it('does not grow past the global budget, and release returns memory', () => {
    const b = { historyBytes: 0, maxHistoryBytes: 4096 };
    const h1 = new DeliveredHistory(65536, b);
    const h2 = new DeliveredHistory(65536, b);
    h1.append(0, new Uint8Array(100));
    h2.append(0, new Uint8Array(100));
    expect(h1.capacity).toBe(4096);
    expect(h2.capacity).toBe(0);
    expect(b.historyBytes).toBe(4096);
    h1.release();
    expect(b.historyBytes).toBe(0);
  });

  it('is off when its size is 0', () => {
    const b = budget();
    const h = new DeliveredHistory(0, b);
    h.append(0, ascii('abc'));
    expect(h.countDifferent(0, ascii('xyz'))).toBe(0);
    expect(b.historyBytes).toBe(0);
  });
});
