/**
 * The worker threads of a run (the threaded file output, the capture digests) fall back to the
 * main thread when they cannot start or load their module: the results are the same, only
 * slower. Review finding: that fallback was silent. {@link WorkerFallbacks} logs one `warn`
 * event per worker (`worker.fallback`, naming the worker and the reason: an error class or a
 * module-load message, never content) and lists them for run.summary and run.stats.
 */
import type { Logger } from '../core/log.js';

/** The workers of a run. */
export type RunWorker = 'file-output' | 'capture-digests';

/** Longest reason kept: an error's name and message (a module URL at most), not a stack. */
const MAX_REASON = 200;

/** `what: detail` for an Error (its name and message) or a message, capped. */
export function fallbackReason(what: string, e: unknown): string {
  const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return `${what}: ${detail}`.slice(0, MAX_REASON);
}

export class WorkerFallbacks {
  private readonly seen = new Map<RunWorker, string>();

  constructor(private readonly log: Logger) {}

  /** The callback a worker's owner calls when it runs in this thread instead (once per worker is logged). */
  reporter(worker: RunWorker): (reason: string) => void {
    return (reason) => {
      if (this.seen.has(worker)) return;
      this.seen.set(worker, reason);
      this.log.log('warn', 'worker.fallback', { worker, reason }, 'a worker thread could not run: its work runs in the main thread (same results, slower)');
    };
  }

  /** `{ workerFallbacks: [...] }` when any worker fell back, else nothing (outputs of normal runs keep their shape). */
  summary(): { workerFallbacks?: RunWorker[] } {
    return this.seen.size > 0 ? { workerFallbacks: [...this.seen.keys()] } : {};
  }
}
