// Lets a bench wrapper see the reads of one capture file by the subject it runs in the same
// process: fs.openSync/fs.readSync are wrapped before the subject loads, and
// module.syncBuiltinESMExports makes `import { readSync } from 'node:fs'` see the wrappers. The
// cost is one comparison per read call (readers use multi-MiB chunks). Reads in worker threads
// are not seen: their fs module is their own.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { resolve } from 'node:path';

/**
 * `capture`: the file (any path form). `before()` runs before each read of it, `after(n)` after,
 * with the bytes read.
 */
export function watchCaptureReads(capture, { before, after }) {
  const target = resolve(capture);
  let captureFd = -1;
  const openSync = fs.openSync;
  const readSync = fs.readSync;
  fs.openSync = function (path, ...rest) {
    const fd = openSync.call(this, path, ...rest);
    if (captureFd < 0 && typeof path === 'string' && resolve(path) === target) captureFd = fd;
    return fd;
  };
  fs.readSync = function (fd, ...rest) {
    if (fd !== captureFd) return readSync.call(this, fd, ...rest);
    before?.();
    const n = readSync.call(this, fd, ...rest);
    after?.(n);
    return n;
  };
  syncBuiltinESMExports();
}
