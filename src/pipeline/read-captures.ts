/**
 * Offline driver: opens the `-r` inputs, merges them in timestamp order and feeds every frame to
 * a callback. Synchronous on purpose: reading and decoding a capture is CPU-bound, and a tight
 * loop without promises per frame is what keeps msrptap close to the speed of a bare record walk.
 */
import type { AnomalySink } from '../core/anomaly.js';
import { isCaptureFormatError, type CaptureFormatError } from '../core/errors.js';
import type { CapturedFrame } from '../core/frame.js';
import { openCaptureFile, type CaptureFileReader, type FrameReader } from '../capture/capture-file.js';
import { mergeReaders } from '../capture/merge-readers.js';

export interface InputSummary {
  path: string;
  /** Bytes read from this input. */
  bytes: number;
  /** Byte offset at which the last record was cut short, when the file ends mid-record. */
  truncatedAt?: number;
}

export interface ReadResult {
  inputs: InputSummary[];
  /** Set when an input was corrupt: every frame before `error.offset` was delivered. */
  error?: CaptureFormatError;
}

export interface ReadOptions {
  /** Called every `progressEvery` frames with bytes read so far and the total when known. */
  onProgress?: (bytesRead: number, totalBytes: number | undefined) => void;
  progressEvery?: number;
}

export function readCaptures(
  paths: readonly string[],
  onFrame: (f: CapturedFrame) => void,
  anomalies: AnomalySink,
  opts: ReadOptions = {},
): ReadResult {
  const readers: CaptureFileReader[] = [];
  try {
    paths.forEach((p, i) => readers.push(openCaptureFile(p, i, anomalies)));
  } catch (e) {
    for (const r of readers) r.close();
    throw e;
  }
  const merged = mergeReaders(readers);
  const every = opts.progressEvery ?? 4096;
  const onProgress = opts.onProgress;
  let total: number | undefined = 0;
  for (const r of readers) total = r.totalBytes === undefined || total === undefined ? undefined : total + r.totalBytes;
  let error: CaptureFormatError | undefined;
  try {
    let n = 0;
    for (let f = merged.next(); f !== null; f = merged.next()) {
      onFrame(f);
      if (onProgress !== undefined && ++n % every === 0) onProgress(sumRead(readers), total);
    }
  } catch (e) {
    if (!isCaptureFormatError(e)) throw e;
    error = e;
  } finally {
    for (const r of readers) r.close();
  }
  if (onProgress !== undefined) onProgress(sumRead(readers), total);
  const inputs = readers.map((r) => {
    const s: InputSummary = { path: r.path, bytes: r.bytesRead };
    if (r.truncatedAt !== undefined) s.truncatedAt = r.truncatedAt;
    return s;
  });
  return error === undefined ? { inputs } : { inputs, error };
}

function sumRead(readers: readonly FrameReader[]): number {
  let n = 0;
  for (const r of readers) n += r.bytesRead;
  return n;
}
