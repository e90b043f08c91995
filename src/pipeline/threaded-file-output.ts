/**
 * The file output (./file-record-output.ts) run in a worker thread, so record encoding (X2/X3,
 * the BER of HI2/HI3, protobuf), the hash chains, the writes and the final fsyncs use the second
 * core while the main thread reads, reassembles and correlates. On the bench capture that work was
 * ~28 % of the main thread's time (bench/README.md).
 *
 * Same records in, same bytes out: the worker runs the very same FileRecordOutput on the records
 * in emission order (one ordered message channel), so the files, their sequence numbers and the
 * manifests do not depend on the thread. Where no worker can run (TypeScript sources under the
 * test runner, see ./module-worker.ts, or thread creation failing), the output runs in this
 * thread instead, with the same interface. The thread's side is ./file-output-thread-entry.ts
 * (a module of its own, so the thread loads only what it runs).
 *
 * Flow control and errors go through a small SharedArrayBuffer, because the main thread may not
 * return to its event loop for the whole of an offline run:
 * - records in flight (posted, not yet written) are counted; above {@link MAX_IN_FLIGHT} the
 *   producer blocks (Atomics.wait) until the writer catches up: memory stays bounded when the
 *   disk is slower than the capture;
 * - a write error in the worker (disk full, permission) is stored there as JSON and thrown by
 *   the next `write` or by `close`, as the in-thread output would throw it: the run stops with
 *   the message naming the file.
 */
import type { Worker } from 'node:worker_threads';
import type { ManifestCapture, ManifestTask } from '../audit/custody-manifest.js';
import { z } from 'zod';
import { checkJson } from '../core/check-json.js';
import { ConfigError, IoError } from '../core/errors.js';
import type { RecordEncoderOptions } from '../encode/common/create-record-encoder.js';
import type { LiRecord } from '../records/li-record.js';
import { ERROR_AT, ERROR_LEN, IN_FLIGHT, IN_FLIGHT_KIB, READY, SHARED_BYTES, type StartData, type ToWorker } from './file-output-thread-entry.js';
import { FileRecordOutput, type ManifestOptions, type OutputCounts, type RotationOptions } from './file-record-output.js';
import { isLoadFailed, startModuleWorker } from './module-worker.js';
import { fallbackReason } from './worker-fallbacks.js';
import { readRecordBatch, RecordBatchWriter } from './record-batch-codec.js';

/** Records posted to the worker and not yet written, at most (then the producer waits)... */
const MAX_IN_FLIGHT = 1024;
/** ... and their serialised size (KiB), at most: the queue is memory of both threads. */
const MAX_IN_FLIGHT_KIB = 8 * 1024;
/** Records per message: fewer, larger messages amortise the channel's per-message cost. */
const BATCH_RECORDS = 64;
/** ... or fewer when they are large (serialised bytes). */
const BATCH_BYTES = 1 << 20;
/** Period of the timer that posts a partial batch (live capture: records trickle in; ms). */
const BATCH_MAX_AGE_MS = 250;
/** The producer gives up when the writer has not taken a record for this long (ms). */
const STALL_LIMIT_MS = 120_000;
/** Young generation of the worker's heap (MiB), see the constructor. */
const YOUNG_GENERATION_MB = 8;
/** How long the first write waits for the worker to load its modules before running in-thread. */
const READY_TIMEOUT_MS = 10_000;

/** What the worker stores of its error (one definition for the worker that writes it and the parent). */
export const errorInfoSchema = z.strictObject({ name: z.string(), message: z.string(), path: z.string().exactOptional(), fix: z.string().exactOptional() }).readonly();
export type ErrorInfo = z.infer<typeof errorInfoSchema>;

/** The error the worker reported, rebuilt with its class (so the CLI reports it the same way). */
function rebuildError(info: ErrorInfo): Error {
  if (info.path !== undefined) return new IoError(info.message, info.path);
  if (info.name === 'ConfigError') return new ConfigError(info.message, info.fix);
  return new Error(info.message);
}

export class ThreadedFileRecordOutput {
  /** The in-thread output: used when the worker cannot run; also checks the options up front. */
  private readonly local: FileRecordOutput;
  private worker: Worker | null = null;
  private readonly state: Int32Array | null = null;
  private readonly shared: SharedArrayBuffer | null = null;
  /** The worker loaded (1), or the output runs here (-1); 0 until known (see settleMode). */
  private mode: 0 | 1 | -1 = 0;
  /** Records not yet posted, written as they were emitted (./record-batch-codec.ts). */
  private readonly batch = new RecordBatchWriter();
  /** Batches posted before the worker said it loaded (replayed here if it did not). */
  private unconfirmed: Uint8Array[] = [];
  private closing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private workerCounts: Map<string, OutputCounts> | null = null;
  /** A write error of the in-thread output met by the timer (no caller to throw it to then). */
  private tickError: unknown;
  /**
   * Why the worker did not load, once its load-failed message or error arrived (an event: a
   * settleMode that waited on the flag may run before it, then the flag alone says why).
   */
  private loadFailure: string | undefined;

  /** @param inThread run the output in this thread (`run --single-thread`: debugging, and the bench's 1-thread baseline). */
  constructor(
    private readonly outDir: string,
    encoderOptions: RecordEncoderOptions = {},
    manifest?: ManifestOptions,
    rotation: RotationOptions = {},
    inThread = false,
    /** Hears why the output runs in this thread although a worker was wanted (./worker-fallbacks.ts). */
    private readonly onFallback?: (reason: string) => void,
  ) {
    this.local = new FileRecordOutput(outDir, encoderOptions, manifest, rotation);
    if (inThread) {
      this.mode = -1;
      return;
    }
    try {
      const shared = new SharedArrayBuffer(SHARED_BYTES);
      const data: StartData = { outDir, encoderOptions, manifest, rotation, shared };
      // A small young generation: the worker's garbage is short-lived encoder buffers, and its
      // semi-spaces would otherwise grow to V8's default and add tens of MiB to the RSS. The URL
      // names the entry's file from one level below the root, as ./capture-digests.ts does: the
      // same file from tsc's dist/pipeline/ and from a bundle chunk in dist/chunks/ (./module-worker.ts).
      this.worker = startModuleWorker(new URL('../pipeline/file-output-thread-entry.js', import.meta.url).href, 'fileOutputThreadEntry', data, {
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
        loadFlag: { buffer: shared, index: READY },
      });
      this.shared = shared;
      this.state = new Int32Array(shared, 0, 4);
      this.worker.on('message', (m: unknown) => {
        if (isLoadFailed(m)) {
          this.loadFailure = fallbackReason('module not loaded', m.message);
          Atomics.store(this.state!, READY, -1);
          Atomics.notify(this.state!, READY);
        }
      });
      // Live capture: records come in slowly; a batch does not wait for 64 of them. The same
      // tick settles the mode once the worker's load is decided: records posted while it
      // loaded are replayed here now if it failed, not at the next record, which a silent
      // input (a paused pipe, a quiet link) may never send, nor at close().
      this.timer = setInterval(() => {
        try {
          this.settleMode(false);
          this.flushBatch();
        } catch (e) {
          // The worker's write errors are in the shared state already; an in-thread one is
          // kept here: either is thrown by the next write() or close().
          this.tickError ??= e;
        }
      }, BATCH_MAX_AGE_MS);
      this.timer.unref();
      // An 'error' event without a listener would crash the process; the state says what happened.
      this.worker.on('error', (e) => {
        if (Atomics.load(this.state!, READY) === 0) {
          this.loadFailure = fallbackReason('worker error', e);
          Atomics.store(this.state!, READY, -1);
        }
      });
    } catch (e) {
      this.worker = null;
      this.mode = -1;
      this.onFallback?.(fallbackReason('thread not started', e));
    }
  }

  /** Per LIID: records written in each format (complete after {@link close}). */
  get counts(): ReadonlyMap<string, OutputCounts> {
    return this.workerCounts ?? this.local.counts;
  }

  /** True when the output runs in a worker thread (waits for the worker to load; for logs and tests). */
  get threaded(): boolean {
    return this.settleMode(true) === 1;
  }

  /** Hands one record to the output (encoded and written in record order). */
  write(rec: LiRecord): void {
    if (this.tickError !== undefined) throw this.tickError;
    if (this.mode === -1) {
      this.local.write(rec);
      return;
    }
    this.throwIfFailed();
    // Written into the batch now, not when the batch is posted: records share objects with the
    // correlator's session state (identity lists, for one), which may change before the batch
    // leaves; the in-thread output encodes each record at this moment too. A Uint8Array field
    // that views a larger buffer costs only its own bytes.
    this.batch.add(rec);
    if (this.batch.count >= BATCH_RECORDS || this.batch.byteLength >= BATCH_BYTES) this.flushBatch();
  }

  /** The capture digests for the manifests, and whether the run was interrupted (see FileRecordOutput.setCaptures). */
  setCaptures(captures: readonly ManifestCapture[], interrupted = false): void {
    this.flushBatch();
    if (this.settleMode(true) === -1) this.local.setCaptures(captures, interrupted);
    else this.post({ type: 'captures', captures, interrupted });
  }

  /** Tasks provisioned during the run, for the manifests (see FileRecordOutput.addTasks). */
  addTasks(tasks: readonly ManifestTask[]): void {
    this.flushBatch();
    if (this.settleMode(true) === -1) this.local.addTasks(tasks);
    else this.post({ type: 'tasks', tasks });
  }

  /**
   * Writes what is pending, closes every file (fsync) and writes the manifests; resolves when all
   * is on disk, rejects with the write error. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    try {
      this.flushBatch();
      if (this.settleMode(true) === -1) {
        // What was written is closed and listed as usual; the failure is still the run's.
        await this.local.closeAsync();
        if (this.tickError !== undefined) throw this.tickError;
        return;
      }
      // A failure reported earlier (its 'failed' message went by before anyone listened): the
      // worker no longer answers, so do not wait for it.
      this.throwIfFailed();
    } catch (e) {
      // Whatever happened, the thread must not outlive the output: it would keep the process
      // alive after the error has been reported.
      void this.worker?.terminate();
      throw e;
    }
    const w = this.worker!;
    await new Promise<void>((resolve, reject) => {
      w.on('message', (m: { type?: string; counts?: [string, OutputCounts][] }) => {
        if (m.type === 'closed') {
          this.workerCounts = new Map(m.counts);
          resolve();
        } else if (m.type === 'failed') reject(this.failure() ?? new Error('file output thread failed'));
      });
      w.once('error', (e) => reject(e));
      w.once('exit', () => reject(this.failure() ?? new Error('file output thread exited before closing the files')));
      this.post({ type: 'close' });
    }).finally(() => void w.terminate());
  }

  /**
   * Whether the worker loaded (1) or the output runs here (-1). Without `wait`, 0 while the worker
   * is still loading: records are posted meanwhile (they queue in the channel) and a copy is kept
   * until the worker answers; if it could not load, they are replayed here, in order.
   */
  private settleMode(wait: boolean): 0 | 1 | -1 {
    if (this.mode !== 0) return this.mode;
    const state = this.state!;
    if (wait && Atomics.load(state, READY) === 0) Atomics.wait(state, READY, 0, READY_TIMEOUT_MS);
    const ready = Atomics.load(state, READY);
    if (ready === 0 && !wait) return 0;
    this.mode = ready === 1 ? 1 : -1;
    const kept = this.unconfirmed;
    this.unconfirmed = [];
    if (this.mode === -1) {
      void this.worker?.terminate();
      this.worker = null;
      this.onFallback?.(this.loadFailure ?? (ready === -1 ? 'module not loaded' : `no load in ${READY_TIMEOUT_MS} ms`));
      for (const b of kept) this.writeHere(b);
    }
    return this.mode;
  }

  /** A batch's records, written by the in-thread output. */
  private writeHere(batch: Uint8Array): void {
    readRecordBatch(batch, (r) => this.local.write(r as LiRecord));
  }

  private flushBatch(): void {
    const count = this.batch.count;
    if (count === 0) return;
    const kib = Math.ceil(this.batch.byteLength / 1024);
    const batch = this.batch.take();
    if (this.settleMode(false) === -1) {
      this.writeHere(batch);
      return;
    }
    const state = this.state!;
    // Bounded memory: wait while the writer is MAX_IN_FLIGHT records (or KiB) behind.
    let last = -1;
    let since = 0;
    for (let n = Atomics.load(state, IN_FLIGHT); n > 0 && (n >= MAX_IN_FLIGHT || Atomics.load(state, IN_FLIGHT_KIB) >= MAX_IN_FLIGHT_KIB); n = Atomics.load(state, IN_FLIGHT)) {
      this.throwIfFailed();
      if (this.settleMode(true) === -1) {
        this.writeHere(batch);
        return;
      }
      // A writer that makes no progress for this long is dead or its disk is (the event loop,
      // where the worker's exit would be seen, may not run during an offline run).
      if (n !== last) [last, since] = [n, Date.now()];
      else if (Date.now() - since > STALL_LIMIT_MS) throw new IoError(`the output writer made no progress for ${STALL_LIMIT_MS / 1000} s (worker thread dead or disk stalled)`, this.outDir);
      Atomics.wait(state, IN_FLIGHT, n, 1000);
    }
    Atomics.add(state, IN_FLIGHT_KIB, kib);
    Atomics.add(state, IN_FLIGHT, count);
    if (this.mode === 0) {
      // Kept for a replay here if the worker fails to load: posted as a copy.
      this.unconfirmed.push(batch);
      this.post({ type: 'records', batch, count, kib });
    } else {
      // The batch owns its ArrayBuffer (RecordBatchWriter.take) and nothing here keeps it:
      // moved to the worker, not copied by the channel's structured clone.
      this.post({ type: 'records', batch, count, kib }, [batch.buffer as ArrayBuffer]);
    }
  }

  private post(m: ToWorker, transfer?: ArrayBuffer[]): void {
    this.throwIfFailed();
    this.worker!.postMessage(m, transfer);
  }

  private failure(): Error | null {
    const state = this.state;
    if (state === null) return null;
    const n = Atomics.load(state, ERROR_LEN);
    if (n === 0) return null;
    const text = new TextDecoder().decode(new Uint8Array(this.shared!, ERROR_AT, n).slice());
    // Written by this program's own worker, but cut at the shared area's size: a long message
    // can arrive as broken JSON, which must still stop the run with what it says.
    const r = checkJson(errorInfoSchema, text);
    return r.ok ? rebuildError(r.value) : new Error(`the file output thread failed: ${text.slice(0, 1000)}`);
  }

  private throwIfFailed(): void {
    const e = this.failure();
    if (e !== null) throw e;
  }
}
