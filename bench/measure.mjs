// Runs a Node entry point in this process and reports, on stderr, one line
//   BENCH {"ms":…,"workMs":…,"maxRssKiB":…,"cpuMs":…,"mainCpuMs":…,"workers":[{"name":…,"cpuMs":…}]}
// so the benchmark can measure child processes exactly:
//   ms      wall time from just before the entry point is imported to process exit (includes
//           loading the subject's modules: commander, zod, protobufjs, …);
//   workMs  wall time from the first read of the capture file to process exit: the work on the
//           capture (reading, decoding, analysis, writing outputs and reports), without the
//           start-up cost the subject pays once per process whatever the capture size;
//   cpuMs   user + system CPU of the whole process (every thread); mainCpuMs that of the main
//           thread alone, workers that of each worker thread by its entry (Linux), so the rest
//           is V8's helper threads and libuv's pool.
// (Start-up included: bench.ts times the child process from the outside.)
// The capture is named by env BENCH_CAPTURE (a path); its first read is seen through
// ./watch-capture-reads.mjs.
import { readFileSync, writeSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import workerThreads from 'node:worker_threads';
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

// CPU of each worker thread: the subject's workers (src/pipeline/module-worker.ts: an eval'd
// stub naming its entry in workerData) get a prologue that stores their thread id in a shared
// cell; their CPU (/proc/self/task/TID/stat) is read just before they are terminated, or at exit.
const threadCpuMs = (tid) => {
  try {
    const st = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return null;
  }
};
const PROLOGUE = `;try { const c = require('node:worker_threads').workerData.benchTid;
  c[0] = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()); } catch {}\n`;
/** name → CPU ms of the workers read so far, and the live ones. */
const workerCpu = [];
const liveWorkers = new Set();
const readWorker = (w) => {
  if (!liveWorkers.delete(w) || w.benchTid[0] === 0) return;
  const ms = threadCpuMs(w.benchTid[0]);
  if (ms !== null) workerCpu.push({ name: w.benchName, cpuMs: ms });
};
const OrigWorker = workerThreads.Worker;
workerThreads.Worker = class extends OrigWorker {
  constructor(code, options) {
    const entry = options?.eval === true && typeof code === 'string' ? options?.workerData?.entry : undefined;
    const cell = new Int32Array(new SharedArrayBuffer(4));
    if (entry !== undefined) options = { ...options, workerData: { ...options.workerData, benchTid: cell } };
    super(entry !== undefined ? PROLOGUE + code : code, options);
    this.benchTid = cell;
    this.benchName = entry ?? 'worker';
    liveWorkers.add(this);
  }
  terminate() {
    readWorker(this);
    return super.terminate();
  }
};
syncBuiltinESMExports();

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
  for (const w of [...liveWorkers]) readWorker(w);
  writeSync(2, `BENCH ${JSON.stringify({ ms, workMs, maxRssKiB: ru.maxRSS, cpuMs, mainCpuMs, workers: workerCpu })}\n`);
});
await import(pathToFileURL(resolve(entry)).href);
