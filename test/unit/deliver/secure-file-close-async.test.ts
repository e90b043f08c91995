/**
 * SecureFileWriter.closeAsync (src/deliver/secure-file.ts) calls close(2) once. Linux releases
 * a descriptor even when close reports an error, so closing "again" after a failure can close a
 * file opened meanwhile under the same number (libuv's pool runs other fsyncs concurrently).
 * Here a failing close releases the number and another file takes it at once; that file must
 * stay open. (Found by the round-22 review.)
 */
import { closeSync as realCloseSync, fstatSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const hook = vi.hoisted(() => ({ failFd: -1, otherPath: '', otherFd: -1 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const closeSync = (fd: number): void => {
    if (fd === hook.failFd) {
      hook.failFd = -1;
      fs.closeSync(fd);
      // Another open, at this moment, gets the lowest free number: the one just released.
      hook.otherFd = fs.openSync(hook.otherPath, 'w');
      const e = new Error('EIO: i/o error, close') as NodeJS.ErrnoException;
      e.code = 'EIO';
      throw e;
    }
    fs.closeSync(fd);
  };
  return { ...fs, default: { ...fs, closeSync }, closeSync };
});

const { SecureFileWriter } = await import('../../../src/deliver/secure-file.js');

const dir = mkdtempSync(join(tmpdir(), 'msrptap-close-async-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SecureFileWriter.closeAsync after a failed close', () => {
  it('reports the error and leaves descriptors it does not own alone', async () => {
    const w = new SecureFileWriter(join(dir, 'out', 'a.bin'));
    w.write(new Uint8Array([1, 2, 3]));
    hook.failFd = (w as unknown as { fd: number }).fd;
    hook.otherPath = join(dir, 'other.bin');
    await expect(w.closeAsync()).rejects.toThrow(/cannot close output file/);
    expect(hook.otherFd).toBeGreaterThanOrEqual(0);
    // Still open: a second close by the writer would have closed it.
    expect(() => fstatSync(hook.otherFd)).not.toThrow();
    realCloseSync(hook.otherFd);
  });
});
