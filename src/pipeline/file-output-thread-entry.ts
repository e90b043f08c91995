/**
 * The output worker's side of ./threaded-file-output.ts: the thread's entry (started by
 * ./module-worker.ts) and what both sides share (the layout of the shared state, the messages).
 *
 * A module of its own so that the thread loads only what it runs: the file output, its
 * encoders and the hash chains, not the parent's error schema (zod: ~80 ms of CPU to load in
 * each isolate on this machine) nor the record decoders behind the encoders' public index
 * (protobufjs).
 */
import type { MessagePort } from 'node:worker_threads';
import type { ManifestCapture, ManifestTask } from '../audit/custody-manifest.js';
import { ConfigError, IoError } from '../core/errors.js';
import type { RecordEncoderOptions } from '../encode/common/create-record-encoder.js';
import type { LiRecord } from '../records/li-record.js';
import { FileRecordOutput, type ManifestOptions, type RotationOptions } from './file-record-output.js';
import { readRecordBatch } from './record-batch-codec.js';
import type { ErrorInfo } from './threaded-file-output.js';

// Layout of the shared state (Int32 slots), then the error text.
export const IN_FLIGHT = 0;
export const IN_FLIGHT_KIB = 3;
/** 0 = loading, 1 = ready, -1 = could not load (run in-thread). */
export const READY = 1;
/** Byte length of the error JSON stored at ERROR_AT; 0 while no error. */
export const ERROR_LEN = 2;
export const ERROR_AT = 16;
export const SHARED_BYTES = ERROR_AT + 8192;

export interface StartData {
  readonly outDir: string;
  readonly encoderOptions: RecordEncoderOptions;
  readonly manifest: ManifestOptions | undefined;
  readonly rotation: RotationOptions;
  readonly shared: SharedArrayBuffer;
}

export type ToWorker =
  | { type: 'records'; batch: Uint8Array; count: number; kib: number }
  | { type: 'captures'; captures: readonly ManifestCapture[]; interrupted: boolean }
  | { type: 'tasks'; tasks: readonly ManifestTask[] }
  | { type: 'close' };

/** What the worker stores of its error (checked by the parent against errorInfoSchema). */
function errorInfo(e: unknown): ErrorInfo {
  const err = e instanceof Error ? e : new Error(String(e));
  const info: { name: string; message: string; path?: string; fix?: string } = { name: err.name, message: err.message };
  if (err instanceof IoError) info.path = err.path;
  if (err instanceof ConfigError && err.fix !== undefined) info.fix = err.fix;
  return info;
}

/** Worker entry (./module-worker.ts): the file output, fed by the parent's messages. */
export function fileOutputThreadEntry(port: MessagePort, data: StartData): void {
  const state = new Int32Array(data.shared, 0, 4);
  let failed = false;
  const fail = (e: unknown): void => {
    failed = true;
    const text = new TextEncoder().encode(JSON.stringify(errorInfo(e))).subarray(0, SHARED_BYTES - ERROR_AT);
    new Uint8Array(data.shared, ERROR_AT).set(text);
    Atomics.store(state, ERROR_LEN, text.length);
    Atomics.store(state, IN_FLIGHT, 0);
    Atomics.store(state, IN_FLIGHT_KIB, 0);
    Atomics.notify(state, IN_FLIGHT);
    port.postMessage({ type: 'failed' });
  };
  let out: FileRecordOutput;
  try {
    out = new FileRecordOutput(data.outDir, data.encoderOptions, data.manifest, data.rotation);
  } catch (e) {
    fail(e);
    Atomics.store(state, READY, 1);
    Atomics.notify(state, READY);
    return;
  }
  Atomics.store(state, READY, 1);
  Atomics.notify(state, READY);
  port.on('message', (m: ToWorker) => {
    // After a failure only a close gets an answer (the failure again): the parent may be waiting.
    if (failed) {
      if (m.type === 'close') port.postMessage({ type: 'failed' });
      return;
    }
    try {
      if (m.type === 'records') {
        readRecordBatch(m.batch, (r) => out.write(r as LiRecord));
        Atomics.sub(state, IN_FLIGHT_KIB, m.kib);
        Atomics.sub(state, IN_FLIGHT, m.count);
        Atomics.notify(state, IN_FLIGHT);
      } else if (m.type === 'captures') out.setCaptures(m.captures, m.interrupted);
      else if (m.type === 'tasks') out.addTasks(m.tasks);
      else {
        // The files' fsyncs overlap (FileRecordOutput.closeAsync): the run waits for the disk once.
        out.closeAsync().then(() => {
          port.postMessage({ type: 'closed', counts: [...out.counts] });
          port.close();
        }, fail);
      }
    } catch (e) {
      fail(e);
    }
  });
}
