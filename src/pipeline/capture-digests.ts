/**
 * SHA-256 of the capture files, for the custody manifests and the audit report.
 *
 * {@link captureDigests} hashes in the calling thread. {@link captureDigestsInBackground} does the
 * same work in a worker thread while the run processes the capture: hashing is a second full read
 * plus SHA-256 of every byte (on a 200 MB capture ~15 % of a run's time in the main thread), and
 * the second core is otherwise idle. The file is read twice either way: hashing the chunks as the
 * pipeline reads them would keep the cost on the main thread.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ManifestCapture } from '../audit/custody-manifest.js';
import { IoError } from '../core/errors.js';

/** Read block: large reads keep the syscall count low; bounded memory on 10 GB captures. */
const BLOCK = 4 << 20;

/** Hashes each capture file in this thread. "-" (standard input) cannot be re-read: hash null. */
export function captureDigests(paths: readonly string[]): ManifestCapture[] {
  return paths.map((path) => {
    if (path === '-') return { path, sha256: null, bytes: null };
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(BLOCK);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      throw new IoError(`cannot read capture ${path} to hash it: ${(e as Error).message}`, path, undefined, { cause: e });
    }
    let bytes = 0;
    try {
      for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) {
        h.update(buf.subarray(0, n));
        bytes += n;
      }
    } finally {
      closeSync(fd);
    }
    return { path, sha256: h.digest('hex'), bytes };
  });
}

/**
 * The worker: loads this very module and runs {@link captureDigests}. An eval'd CommonJS stub
 * (not a separate entry file) so the same code serves the built JavaScript and the TypeScript
 * sources under the test runner; where the module cannot load in a plain worker (TypeScript
 * sources), the caller falls back to hashing in its own thread.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.moduleUrl)
  .then((m) => parentPort.postMessage({ ok: m.captureDigests(workerData.paths) }))
  .catch(() => parentPort.postMessage({ failed: true }));
`;

/**
 * Starts hashing `paths` in a worker thread; the promise settles with the digests, or rejects with
 * the same IoError {@link captureDigests} would throw. The worker does not keep the process alive.
 */
export function captureDigestsInBackground(paths: readonly string[]): Promise<ManifestCapture[]> {
  if (paths.every((p) => p === '-')) return Promise.resolve(captureDigests(paths));
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { moduleUrl: import.meta.url, paths: [...paths] } });
    } catch {
      resolve(captureDigests(paths));
      return;
    }
    worker.unref();
    const fallback = (): void => {
      try {
        resolve(captureDigests(paths));
      } catch (e) {
        reject(e);
      }
    };
    worker.once('message', (m: { ok?: ManifestCapture[] }) => {
      void worker.terminate();
      if (m.ok !== undefined) resolve(m.ok);
      // Failed in the worker (unreadable file, or a module the worker cannot load): hash here,
      // which throws the same IoError naming the file.
      else fallback();
    });
    worker.once('error', () => fallback());
  });
}
