// Runs a Node entry point (like bench/measure.mjs) and samples the main thread's LIVE heap:
// each time another tenth of the capture (env BENCH_CAPTURE) has been read, a full GC
// (node --expose-gc) and process.memoryUsage().heapUsed, taken when the read that crosses the
// mark returns (before that chunk is processed). At exit, on stderr:
//   HEAPPROBE {"liveMiB":[…10 values…]}
// Why: peak RSS mixes live data with garbage V8 has not collected yet; the live heap after a
// full GC is what must stay flat for "a 10 GB capture runs in the memory of a 10 MB one".
// Reads in worker threads (the capture digests) are not seen (./watch-capture-reads.mjs).
// The forced GCs cost time: the benchmark times nothing under this probe.
import { statSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { watchCaptureReads } from './watch-capture-reads.mjs';

const [entry, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], resolve(entry), ...args];
const capture = resolve(process.env.BENCH_CAPTURE ?? '');
const size = statSync(capture).size;
if (typeof globalThis.gc !== 'function') throw new Error('heap-probe: run node with --expose-gc');
const liveMiB = [];
let read = 0;
watchCaptureReads(capture, {
  after: (n) => {
    read += n;
    while (liveMiB.length < 10 && read >= ((liveMiB.length + 1) * size) / 10) {
      globalThis.gc();
      liveMiB.push(Number((process.memoryUsage().heapUsed / 1048576).toFixed(1)));
    }
  },
});
process.on('exit', () => {
  writeSync(2, `HEAPPROBE ${JSON.stringify({ liveMiB })}\n`);
});
await import(pathToFileURL(resolve(entry)).href);
