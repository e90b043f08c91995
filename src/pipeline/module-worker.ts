/**
 * Starts a worker thread that runs an exported function of one of our own modules.
 *
 * The worker is an eval'd CommonJS stub that imports the module by URL and calls
 * `entry(port, data)`. The caller names the entry's module file as
 * `new URL('../pipeline/<file>.js', import.meta.url)`: `msrptap` runs bundles (scripts/bundle.mjs)
 * whose code sits in dist/bundle/ while the worker modules (small modules that run their own
 * bundle) are in dist/pipeline/, and a path from one level below dist/ reaches them from either
 * (and from tsc's dist/pipeline/ itself). Under the test runner the URL names a .js file next to the TypeScript
 * source, which does not exist: the stub reports `{ type: 'load-failed' }` and callers fall back
 * to doing the work in their own thread.
 */
import { Worker, type MessagePort, type ResourceLimits } from 'node:worker_threads';

/** The first message of a worker whose module or entry could not be loaded. */
export interface LoadFailed {
  readonly type: 'load-failed';
  readonly message: string;
}

export interface ModuleWorkerOptions {
  readonly resourceLimits?: ResourceLimits;
  /**
   * An Int32 slot the stub sets to -1 (with Atomics.notify) when the module cannot load: for a
   * parent that waits with Atomics.wait and cannot see the 'load-failed' message meanwhile.
   */
  readonly loadFlag?: { readonly buffer: SharedArrayBuffer; readonly index: number };
}

/** The signature of a worker entry: `port` talks to the parent, `data` is the structured-cloned start data. */
export type WorkerEntry<D> = (port: MessagePort, data: D) => void;

const STUB = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.moduleUrl).then(
  (m) => {
    const entry = m[workerData.entry];
    if (typeof entry !== 'function') throw new Error('no export ' + workerData.entry);
    entry(parentPort, workerData.data);
  },
).catch((e) => {
  const f = workerData.loadFlag;
  if (f) {
    const a = new Int32Array(f.buffer);
    Atomics.store(a, f.index, -1);
    Atomics.notify(a, f.index);
  }
  parentPort.postMessage({ type: 'load-failed', message: String((e && e.message) || e) });
});
`;

/**
 * Starts `entry` of the module at `moduleUrl` in a new worker thread with `data`.
 * @throws what `new Worker` throws (resource limits); callers fall back to their own thread.
 */
export function startModuleWorker<D>(moduleUrl: string, entry: string, data: D, options: ModuleWorkerOptions = {}): Worker {
  const workerData = { moduleUrl, entry, data, ...(options.loadFlag !== undefined ? { loadFlag: options.loadFlag } : {}) };
  return new Worker(STUB, { eval: true, workerData, ...(options.resourceLimits !== undefined ? { resourceLimits: options.resourceLimits } : {}) });
}

/** True when `m` is the stub's report that the worker could not load its module. */
export function isLoadFailed(m: unknown): m is LoadFailed {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'load-failed';
}
