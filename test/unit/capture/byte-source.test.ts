import { describe, expect, it } from 'vitest';
import { ByteSource } from '../../../src/capture/byte-source.js';
import { isIoError } from '../../../src/core/errors.js';
import { payload, tempDir } from './capture-fixtures.js';

describe('ByteSource', () => {
  it('serves any sequence of ensure/skip with correct bytes and absolute offsets', () => {
    const data = payload(1000, 3);
    // Small chunks and short reads force every path: plain, compaction, growth, shrink.
    for (const [chunkSize, maxReadSize] of [
      [16, 3],
      [64, 64],
      [17, 1000],
      [4096, 7],
    ] as const) {
      const src = ByteSource.fromBytes(data, 'mem', { chunkSize, maxReadSize });
      let off = 0;
      let step = 0;
      while (off < data.length) {
        const want = [1, 5, 16, 40, 100, 3][step++ % 6]!;
        const n = Math.min(want, data.length - off);
        expect(src.ensure(n)).toBe(true);
        expect(src.offset).toBe(off);
        expect(Array.from(src.buf.subarray(src.pos, src.pos + n))).toEqual(Array.from(data.subarray(off, off + n)));
        expect(src.view.getUint8(src.pos)).toBe(data[off]);
        src.skip(n);
        off += n;
        // Bounded: never more than the chunk or the largest request plus a chunk.
        expect(src.bufferSize).toBeLessThanOrEqual(Math.max(chunkSize, 100 + chunkSize));
      }
      expect(src.ensure(1)).toBe(false);
      expect(src.available).toBe(0);
      expect(src.offset).toBe(data.length);
    }
  });

  it('grows for a request bigger than the buffer, then shrinks back to the chunk size', () => {
    const src = ByteSource.fromBytes(payload(500, 1), 'mem', { chunkSize: 32 });
    expect(src.ensure(10)).toBe(true);
    src.skip(10);
    expect(src.ensure(300)).toBe(true);
    expect(src.bufferSize).toBeGreaterThanOrEqual(300);
    expect(src.buf[src.pos]).toBe(payload(500, 1)[10]);
    src.skip(300);
    expect(src.ensure(8)).toBe(true);
    expect(src.bufferSize).toBe(32);
    expect(src.offset).toBe(310);
    expect(src.buf[src.pos]).toBe(payload(500, 1)[310]);
  });

  it('returns false at the end with the leftover bytes still available', () => {
    const src = ByteSource.fromBytes(payload(10, 1), 'mem', { chunkSize: 16 });
    expect(src.ensure(12)).toBe(false);
    expect(src.available).toBe(10);
    expect(src.offset).toBe(0);
  });

  it('reads a real file in chunks and knows its size', () => {
    const t = tempDir();
    try {
      const data = payload(100_000, 9);
      const p = t.file('f.bin', data);
      const src = ByteSource.open(p, { chunkSize: 4096 });
      expect(src.totalBytes).toBe(100_000);
      let off = 0;
      while (src.ensure(1000)) {
        expect(src.buf[src.pos]).toBe(data[off]);
        expect(src.buf[src.pos + 999]).toBe(data[off + 999]);
        src.skip(1000);
        off += 1000;
      }
      expect(off).toBe(100_000);
      src.close();
      src.close(); // idempotent
      expect(src.offset).toBe(100_000);
    } finally {
      t.cleanup();
    }
  });

  it.each([
    ['a missing file', (d: string) => `${d}/nope.pcap`, /^cannot open capture file .*nope\.pcap: no such file \(check the path/],
    ['a directory', (d: string) => d, /: is a directory \(give a \.pcap or \.pcapng file\)/],
    ['a path through a file', (d: string) => `${d}/f.bin/x`, /a part of the path is not a directory/],
  ])('throws IoError naming the path for %s', (_n, pathOf, message) => {
    const t = tempDir();
    try {
      t.file('f.bin', payload(4, 1));
      const p = pathOf(t.dir);
      let err: unknown;
      try {
        ByteSource.open(p);
      } catch (e) {
        err = e;
      }
      expect(isIoError(err)).toBe(true);
      expect((err as Error).message).toMatch(message);
      expect((err as { path: string }).path).toBe(p);
    } finally {
      t.cleanup();
    }
  });
});
