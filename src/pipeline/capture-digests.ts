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
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { MessagePort, Worker } from 'node:worker_threads';
import type { ManifestCapture } from '../audit/custody-manifest.js';
import { IoError } from '../core/errors.js';
import { isLoadFailed, startModuleWorker } from './module-worker.js';
import { fallbackReason } from './worker-fallbacks.js';

/** Read block: large reads keep the syscall count low; bounded memory on 10 GB captures. */
const BLOCK = 4 << 20;

/**
 * Captures of at most this many bytes in all are hashed in the calling thread: a worker thread
 * costs ~30-50 ms of CPU to start (its isolate and modules) while reading and hashing costs ~1 ms
 * per MB here, so for captures that fit in one read block the worker is most of a small run's
 * fixed cost (docs/performance.md, "Round 22: fixed cost of a run").
 */
export const IN_THREAD_MAX_BYTES = BLOCK;

/**
 * Whether `path` names a capture that can be read a second time for its hash: a regular file. A
 * FIFO, a character device or /dev/fd/N is a stream like standard input: reading it here would
 * take packets away from the pipeline reading the same stream (silent loss), so it is not hashed.
 * An unreadable path counts as a file (hashing reports it).
 */
function rereadable(path: string): boolean {
  if (path === '-') return false;
  try {
    return statSync(path).isFile();
  } catch {
    return true;
  }
}

/** Total size of the files among `paths` (streams excluded), or undefined if one cannot be stat'ed. */
function totalBytes(paths: readonly string[]): number | undefined {
  let total = 0;
  for (const p of paths) {
    if (!rereadable(p)) continue;
    try {
      total += statSync(p).size;
    } catch {
      // Hashing reports the unreadable file (the same IoError either way).
      return undefined;
    }
  }
  return total;
}

/**
 * Hashes each capture file in this thread. A stream ("-", standard input, or a FIFO or device)
 * cannot be re-read: hash null.
 */
export function captureDigests(paths: readonly string[]): ManifestCapture[] {
  return paths.map((path) => {
    if (!rereadable(path)) return { path, sha256: null, bytes: null };
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

/** Worker entry (./module-worker.ts): hashes `paths` and posts the digests, or `{ failed: true }`. */
export function captureDigestsThreadEntry(port: MessagePort, paths: readonly string[]): void {
  try {
    port.postMessage({ ok: captureDigests(paths) });
  } catch {
    port.postMessage({ failed: true });
  }
}

/**
 * Starts hashing `paths` in a worker thread; the promise settles with the digests, or rejects with
 * the same IoError {@link captureDigests} would throw. The worker keeps the process alive while
 * it hashes (a caller awaiting the digests must not see the process exit under it); `signal`
 * stops it (the promise then rejects with the abort reason), for a run that fails first.
 * Captures of at most {@link IN_THREAD_MAX_BYTES} in all are hashed here at once, without a worker.
 * `onFallback` hears why the hashing runs in this thread instead (the worker could not start
 * or load): the run says so (review: the fallback was silent).
 */
export function captureDigestsInBackground(paths: readonly string[], signal?: AbortSignal, onFallback?: (reason: string) => void): Promise<ManifestCapture[]> {
  const total = totalBytes(paths);
  if (total !== undefined && total <= IN_THREAD_MAX_BYTES) {
    try {
      return Promise.resolve(captureDigests(paths));
    } catch (e) {
      return Promise.reject(e);
    }
  }
  return new Promise((resolve, reject) => {
    const fallback = (): void => {
      try {
        resolve(captureDigests(paths));
      } catch (e) {
        reject(e);
      }
    };
    let worker: Worker;
    try {
      // This module's file, named from one level below the root: the same file whether this code
      // runs from tsc's dist/pipeline/ or from a bundle in dist/bundle/ (./module-worker.ts).
      worker = startModuleWorker(new URL('../pipeline/capture-digests.js', import.meta.url).href, 'captureDigestsThreadEntry', [...paths]);
    } catch (e) {
      onFallback?.(fallbackReason('thread not started', e));
      fallback();
      return;
    }
    const onAbort = (): void => {
      void worker.terminate();
      reject(signal!.reason);
    };
    if (signal !== undefined) {
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      worker.once('exit', () => signal.removeEventListener('abort', onAbort));
    }
    worker.once('message', (m: { ok?: ManifestCapture[] }) => {
      void worker.terminate();
      if (isLoadFailed(m)) onFallback?.(fallbackReason('module not loaded', m.message));
      if (m.ok !== undefined) resolve(m.ok);
      // Failed in the worker (an unreadable file, or a module the worker cannot load): hash
      // here, which throws the same IoError naming the file.
      else fallback();
    });
    worker.once('error', (e) => {
      onFallback?.(fallbackReason('worker error', e));
      fallback();
    });
  });
}
