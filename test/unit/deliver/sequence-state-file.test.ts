/**
 * Sequence numbers across restarts: SequenceAllocator with the on-disk reservations of
 * SequenceStateFile never hands out a number twice for a key, whatever run it was in, and
 * numbers exactly like the plain allocator on a fresh folder.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { SequenceStateFile, SEQUENCE_STATE_FILE } from '../../../src/deliver/sequence-state-file.js';
import { SequenceAllocator } from '../../../src/encode/common/sequence-allocator.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'msrptap-seq-'));

describe('SequenceAllocator with SequenceStateFile', () => {
  it('fresh folder: numbers from 0 like the plain allocator; one durable write per block; file 0600', () => {
    const dir = fresh();
    const st = new SequenceStateFile(dir);
    expect(st.hadState).toBe(false);
    const a = new SequenceAllocator({ persistence: st, block: 4 });
    const plain = new SequenceAllocator();
    const got: number[] = [];
    for (let i = 0; i < 10; i++) {
      got.push(a.allocate('x'));
      expect(got[i]).toBe(plain.allocate('x'));
    }
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(st.writeCount).toBe(3); // before 0, 4 and 8
    const doc = JSON.parse(readFileSync(join(dir, SEQUENCE_STATE_FILE), 'utf8')) as { version: number; next: Record<string, number> };
    expect(doc).toEqual({ version: 1, next: { x: 12 } });
    expect(statSync(join(dir, SEQUENCE_STATE_FILE)).mode & 0o777).toBe(0o600);
  });

  it('restart (also after a crash mid-block): continues at the reservation, never repeats a number; unknown keys start at 0', () => {
    const dir = fresh();
    const used = new Map<string, Set<number>>();
    const take = (a: SequenceAllocator, k: string, n: number): void => {
      for (let i = 0; i < n; i++) {
        const v = a.allocate(k);
        const s = used.get(k) ?? new Set<number>();
        expect(s.has(v), `${k} ${v} reused`).toBe(false);
        s.add(v);
        used.set(k, s);
      }
    };
    // Run 1 "crashes" after 5 numbers of x (no clean shutdown: nothing but the reservations is written).
    take(new SequenceAllocator({ persistence: new SequenceStateFile(dir), block: 4 }), 'x', 5);
    const st2 = new SequenceStateFile(dir);
    expect(st2.hadState).toBe(true);
    const a2 = new SequenceAllocator({ persistence: st2, block: 4 });
    expect(a2.allocate('x')).toBe(8); // gap 5..7 (reserved, unused), no duplicate
    used.get('x')!.add(8);
    expect(a2.allocate('y')).toBe(0);
    used.set('y', new Set([0]));
    take(a2, 'x', 9);
    take(a2, 'y', 3);
    // Run 3.
    take(new SequenceAllocator({ persistence: new SequenceStateFile(dir), block: 4 }), 'x', 6);
    take(new SequenceAllocator({ persistence: new SequenceStateFile(dir), block: 4 }), 'y', 2);
    expect(used.get('x')!.size).toBe(21);
  });

  it('an evicted key that comes back continues at its reservation (no reuse within a run either)', () => {
    const st = new SequenceStateFile(fresh());
    const a = new SequenceAllocator({ persistence: st, block: 2, maxKeys: 1 });
    expect([a.allocate('x'), a.allocate('x'), a.allocate('x')]).toEqual([0, 1, 2]);
    a.allocate('y'); // evicts x
    expect(a.evictions).toBe(1);
    expect(a.allocate('x')).toBe(4);
  });

  it('wraps modulo 2^32 like the plain allocator', () => {
    const dir = fresh();
    writeFileSync(join(dir, SEQUENCE_STATE_FILE), JSON.stringify({ version: 1, next: { x: 0xffff_fffe } }));
    const a = new SequenceAllocator({ persistence: new SequenceStateFile(dir), block: 4 });
    expect([a.allocate('x'), a.allocate('x'), a.allocate('x')]).toEqual([0xffff_fffe, 0xffff_ffff, 0]);
    expect(JSON.parse(readFileSync(join(dir, SEQUENCE_STATE_FILE), 'utf8'))).toEqual({ version: 1, next: { x: 2 } });
  });

  it.each([
    ['not JSON', '{"version":1,'],
    ['null', 'null'],
    ['wrong version', '{"version":2,"next":{}}'],
    ['bad number', '{"version":1,"next":{"x":-1}}'],
    ['too large', '{"version":1,"next":{"x":4294967296}}'],
    ['next not an object', '{"version":1,"next":[1]}'],
  ])('a damaged state file stops the start with a ConfigError (%s)', (_name, text) => {
    const dir = fresh();
    writeFileSync(join(dir, SEQUENCE_STATE_FILE), text);
    expect(() => new SequenceStateFile(dir)).toThrow(ConfigError);
  });
});
