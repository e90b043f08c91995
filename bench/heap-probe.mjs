// Runs a Node entry point (like bench/measure.mjs) and samples the main thread's LIVE heap:
// each time another tenth of the capture (env BENCH_CAPTURE) has been read, a full GC
// (node --expose-gc) and process.memoryUsage().heapUsed, taken when the read that crosses the
// mark returns (before that chunk is processed). At exit, on stderr:
//   HEAPPROBE {"liveMiB":[…10 values…]}
// Why: peak RSS mixes live data with garbage V8 has not collected yet; the live heap after a
// full GC is what must stay flat for "a 10 GB capture runs in the memory of a 10 MB one".
// Reads in worker threads (the capture digests) are not seen: their fs module is their own.
// The forced GCs cost time: the benchmark times nothing under this probe.
import fs, { statSync, writeSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [entry, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], resolve(entry), ...args];
const capture = resolve(process.env.BENCH_CAPTURE ?? '');
const size = statSync(capture).size;
if (typeof globalThis.gc !== 'function') throw new Error('heap-probe: run node with --expose-gc');
const liveMiB = [];
let captureFd = -1;
let read = 0;

const openSync = fs.openSync;
const readSync = fs.readSync;
fs.openSync = function (path, ...rest) {
  const fd = openSync.call(this, path, ...rest);
  if (captureFd < 0 && typeof path === 'string' && resolve(path) === capture) captureFd = fd;
  return fd;
};
fs.readSync = function (fd, ...rest) {
  const n = readSync.call(this, fd, ...rest);
  if (fd === captureFd && n > 0) {
    read += n;
    while (liveMiB.length < 10 && read >= ((liveMiB.length + 1) * size) / 10) {
      globalThis.gc();
      liveMiB.push(Number((process.memoryUsage().heapUsed / 1048576).toFixed(1)));
    }
  }
  return n;
};
syncBuiltinESMExports();
process.on('exit', () => {
  writeSync(2, `HEAPPROBE ${JSON.stringify({ liveMiB })}\n`);
});
await import(pathToFileURL(resolve(entry)).href);
