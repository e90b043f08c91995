// Runs a Node entry point in this process and reports, on stderr, one line
//   BENCH {"ms":…,"workMs":…,"maxRssKiB":…,"cpuMs":…,"mainCpuMs":…}
// so the benchmark can measure child processes exactly:
//   ms      wall time from just before the entry point is imported to process exit (includes
//           loading the subject's modules: commander, zod, protobufjs, …);
//   workMs  wall time from the first read of the capture file to process exit: the work on the
//           capture (reading, decoding, analysis, writing outputs and reports), without the
//           start-up cost the subject pays once per process whatever the capture size;
//   cpuMs   user + system CPU of the whole process (every thread); mainCpuMs that of the main
//           thread alone (Linux), so the rest is the workers and V8's helper threads.
// (Start-up included: bench.ts times the child process from the outside.)
// The capture is named by env BENCH_CAPTURE (a path); its first read is seen through
// ./watch-capture-reads.mjs.
import { readFileSync, writeSync } from 'node:fs';
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
  const ru = process.resourceUsage();
  // CPU per thread where Linux tells it: the main thread's own time (/proc/self/task/PID/stat,
  // utime + stime in clock ticks), the process total (all threads, those that ended too: the
  // output and digest workers, V8's compiler and GC helpers, libuv's pool).
  let mainCpuMs = null;
  try {
    const st = readFileSync(`/proc/self/task/${process.pid}/stat`, 'latin1');
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    mainCpuMs = (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    // not Linux
  }
  const cpuMs = (ru.userCPUTime + ru.systemCPUTime) / 1000;
  writeSync(2, `BENCH ${JSON.stringify({ ms, workMs, maxRssKiB: ru.maxRSS, cpuMs, mainCpuMs })}\n`);
});
await import(pathToFileURL(resolve(entry)).href);
