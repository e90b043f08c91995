import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IoError } from '../../../src/core/errors.js';
import { captureDigests, captureDigestsInBackground, IN_THREAD_MAX_BYTES } from '../../../src/pipeline/capture-digests.js';

const dir = mkdtempSync(join(tmpdir(), 'msrptap-digest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('capture digests', () => {
  // Larger than one read block, not a multiple of it.
  const bytes = new Uint8Array((4 << 20) + 12345).map((_, i) => (i * 7) & 0xff);
  const file = join(dir, 'a.pcap');
  writeFileSync(file, bytes);
  const want = createHash('sha256').update(bytes).digest('hex');

  it('hashes every byte of each file; standard input has no hash', () => {
    expect(captureDigests([file, '-'])).toEqual([
      { path: file, sha256: want, bytes: bytes.length },
      { path: '-', sha256: null, bytes: null },
    ]);
  });

  it("a FIFO is a stream like standard input: not read for a hash (its packets are the pipeline's)", async () => {
    const fifo = join(dir, 'capture.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // A writer waiting for a reader: hashing that opened the FIFO would take its bytes.
    const writer = spawn('sh', ['-c', `printf abc > '${fifo}'`], { stdio: 'ignore' });
    try {
      expect(captureDigests([fifo])).toEqual([{ path: fifo, sha256: null, bytes: null }]);
      expect(await captureDigestsInBackground([fifo, file])).toEqual([
        { path: fifo, sha256: null, bytes: null },
        { path: file, sha256: want, bytes: bytes.length },
      ]);
    } finally {
      writer.kill();
    }
  });

  it('the background variant gives the same digests', async () => {
    expect(await captureDigestsInBackground([file, '-'])).toEqual(captureDigests([file, '-']));
  });

  it('small captures are hashed in this thread, without a worker (its start-up would cost more)', async () => {
    // Under the test runner a worker cannot load the TypeScript module: had one been started,
    // onFallback would hear why. Exactly at the limit, two files and standard input together.
    const small = join(dir, 'small.pcap');
    writeFileSync(small, bytes.subarray(0, IN_THREAD_MAX_BYTES - 1000));
    const rest = join(dir, 'rest.pcap');
    writeFileSync(rest, bytes.subarray(0, 1000));
    const fallbacks: string[] = [];
    expect(await captureDigestsInBackground([small, rest, '-'], undefined, (r) => fallbacks.push(r))).toEqual(captureDigests([small, rest, '-']));
    expect(fallbacks).toEqual([]);
    // One byte more: the worker is wanted (and, here, falls back).
    writeFileSync(rest, bytes.subarray(0, 1001));
    expect(await captureDigestsInBackground([small, rest], undefined, (r) => fallbacks.push(r))).toEqual(captureDigests([small, rest]));
    expect(fallbacks).toHaveLength(1);
  });

  it('an aborted run stops the hashing: the promise rejects with the reason', async () => {
    const ac = new AbortController();
    ac.abort(new Error('run failed'));
    await expect(captureDigestsInBackground([file], ac.signal)).rejects.toThrow('run failed');
  });

  it('an unreadable capture rejects with an IoError naming the file', async () => {
    const missing = join(dir, 'missing.pcap');
    await expect(captureDigestsInBackground([missing])).rejects.toThrow(IoError);
    await expect(captureDigestsInBackground([missing])).rejects.toThrow(missing);
  });
});
