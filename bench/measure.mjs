// Runs a Node entry point in this process and reports, on stderr, one line
//   BENCH {"ms":…,"workMs":…,"maxRssKiB":…}
// so the benchmark can measure child processes exactly:
//   ms      wall time from just before the entry point is imported to process exit (includes
//           loading the subject's modules: commander, zod, protobufjs, …);
//   workMs  wall time from the first read of the capture file to process exit: the work on the
//           capture (reading, decoding, analysis, writing outputs and reports), without the
//           start-up cost the subject pays once per process whatever the capture size.
// The capture is named by env BENCH_CAPTURE (a path); its first read is seen through
// ./watch-capture-reads.mjs.
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { watchCaptureReads } from './watch-capture-reads.mjs';

const [entry, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], resolve(entry), ...args];
const capture = process.env.BENCH_CAPTURE !== undefined ? resolve(process.env.BENCH_CAPTURE) : undefined;
let tFirstRead;

if (capture !== undefined) {
  watchCaptureReads(capture, {
    before: () => {
      tFirstRead ??= process.hrtime.bigint();
    },
  });
}

const t0 = process.hrtime.bigint();
process.on('exit', () => {
  const t1 = process.hrtime.bigint();
  const ms = Number(t1 - t0) / 1e6;
  const workMs = tFirstRead === undefined ? null : Number(t1 - tFirstRead) / 1e6;
  writeSync(2, `BENCH ${JSON.stringify({ ms, workMs, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
});
await import(pathToFileURL(resolve(entry)).href);
