/**
 * Offline driver: opens the `-r` inputs, merges them in timestamp order and feeds every frame to
 * a callback. The frame loop is synchronous on purpose: reading and decoding a capture is
 * CPU-bound, and a tight loop without promises per frame is what keeps msrptap close to the
 * speed of a bare record walk.
 *
 * {@link readCapturesUntil} (used by `run`) is the same loop cut into slices: between slices it
 * returns to the event loop, so SIGINT/SIGTERM handlers run and can stop the read; a pipe whose
 * writer is silent is waited on in the background (FrameReader.waitReadable), never by a
 * blocking read that would keep the signal from being handled.
 */
import type { AnomalySink } from '../core/anomaly.js';
import { isCaptureFormatError, type CaptureFormatError } from '../core/errors.js';
import type { CapturedFrame } from '../core/frame.js';
import { openCaptureFile, openCaptureFileAsync, type CaptureFileReader, type FrameReader } from '../capture/capture-file.js';
import { mergeReaders } from '../capture/merge-readers.js';
import { isDecodedLinkType } from '../decode/decode-frame.js';

export interface InputSummary {
  path: string;
  /** Bytes read from this input. */
  bytes: number;
  /** Byte offset at which the last record was cut short, when the file ends mid-record. */
  truncatedAt?: number;
}

/** An input that had frames, none of a link type msrptap decodes (so nothing of it was used). */
export interface UnusableInput {
  readonly path: string;
  readonly frames: number;
  /** The LINKTYPE_ values seen, ascending. */
  readonly linkTypes: readonly number[];
}

export interface ReadResult {
  inputs: InputSummary[];
  /** Set when an input was corrupt: every frame before `error.offset` was delivered. */
  error?: CaptureFormatError;
  /** Inputs none of whose frames could be decoded (unsupported link types). */
  unusable: UnusableInput[];
}

export interface ReadOptions {
  /** Called every `progressEvery` frames with bytes read so far and the total when known. */
  onProgress?: (bytesRead: number, totalBytes: number | undefined) => void;
  progressEvery?: number;
  /** Stop after this many frames of the merged inputs (tcpdump's `-c` with `-r`). */
  maxFrames?: number;
}

/** Frames between clock reads in {@link readCapturesUntil}. */
const SLICE_CHECK_FRAMES = 256;
/** Longest time {@link readCapturesUntil} keeps the event loop waiting (ms). */
const SLICE_MS = 50;

/** The open inputs and the per-input tallies, shared by the synchronous and the sliced loop. */
class CaptureRead {
  private readonly readers: CaptureFileReader[] = [];
  readonly merged: FrameReader;
  private readonly frames: number[];
  private readonly decoded: number[];
  private readonly linkTypes: Set<number>[];
  private readonly total: number | undefined;
  private n = 0;
  /** Frames handed to the consumer, for `maxFrames`. */
  private fed = 0;
  error: CaptureFormatError | undefined;

  constructor(
    paths: readonly string[],
    anomalies: AnomalySink,
    private readonly onFrame: (f: CapturedFrame) => void,
    private readonly opts: ReadOptions,
    opened?: readonly CaptureFileReader[],
  ) {
    try {
      if (opened !== undefined) this.readers.push(...opened);
      else {
        paths.forEach((p, i) => {
          this.readers.push(openCaptureFile(p, i, anomalies));
        });
      }
    } catch (e) {
      for (const r of this.readers) r.close();
      throw e;
    }
    this.merged = mergeReaders(this.readers);
    this.frames = paths.map(() => 0);
    this.decoded = paths.map(() => 0);
    this.linkTypes = paths.map(() => new Set<number>());
    let total: number | undefined = 0;
    for (const r of this.readers) total = r.totalBytes === undefined || total === undefined ? undefined : total + r.totalBytes;
    this.total = total;
  }

  /**
   * Feeds up to `max` frames; false once the input ended (or a damaged input stopped it: `error`).
   * Other exceptions (IoError, the consumer's) propagate; call {@link close} in any case.
   */
  step(max: number, ready?: () => boolean): boolean {
    const every = this.opts.progressEvery ?? 4096;
    const onProgress = this.opts.onProgress;
    const limit = this.opts.maxFrames ?? Infinity;
    try {
      for (let k = 0; k < max; k++) {
        if (ready !== undefined && !ready()) return true;
        if (this.fed >= limit) return false;
        const f = this.merged.next();
        if (f === null) return false;
        const s = f.source;
        this.frames[s]!++;
        if (isDecodedLinkType(f.linkType)) this.decoded[s]!++;
        else this.linkTypes[s]!.add(f.linkType);
        this.fed++;
        this.onFrame(f);
        if (onProgress !== undefined && ++this.n % every === 0) onProgress(this.bytesRead(), this.total);
      }
      return true;
    } catch (e) {
      if (!isCaptureFormatError(e)) throw e;
      this.error = e;
      return false;
    }
  }

  close(): void {
    for (const r of this.readers) r.close();
  }

  result(): ReadResult {
    this.opts.onProgress?.(this.bytesRead(), this.total);
    const inputs = this.readers.map((r) => {
      const s: InputSummary = { path: r.path, bytes: r.bytesRead };
      if (r.truncatedAt !== undefined) s.truncatedAt = r.truncatedAt;
      return s;
    });
    const unusable: UnusableInput[] = [];
    this.readers.forEach((r, i) => {
      if (this.frames[i]! > 0 && this.decoded[i] === 0) unusable.push({ path: r.path, frames: this.frames[i]!, linkTypes: [...this.linkTypes[i]!].sort((a, b) => a - b) });
    });
    return this.error === undefined ? { inputs, unusable } : { inputs, error: this.error, unusable };
  }

  private bytesRead(): number {
    let n = 0;
    for (const r of this.readers) n += r.bytesRead;
    return n;
  }
}

export function readCaptures(paths: readonly string[], onFrame: (f: CapturedFrame) => void, anomalies: AnomalySink, opts: ReadOptions = {}): ReadResult {
  const read = new CaptureRead(paths, anomalies, onFrame, opts);
  try {
    read.step(Infinity);
  } finally {
    read.close();
  }
  return read.result();
}

/**
 * {@link readCaptures} that returns to the event loop at least every {@link SLICE_MS} ms and
 * stops, between two frames, once `stop` resolves (`interrupted` then true). Frames are the
 * same and in the same order.
 */
export async function readCapturesUntil(paths: readonly string[], onFrame: (f: CapturedFrame) => void, anomalies: AnomalySink, stop: Promise<unknown>, opts: ReadOptions = {}): Promise<ReadResult & { interrupted: boolean }> {
  let stopped = false;
  /** Ends the current wait for a silent pipe; one at a time (no reaction piles up on `stop`). */
  let wake: (() => void) | undefined;
  void stop.then(() => {
    stopped = true;
    wake?.();
  });
  // Opened without blocking the thread on a silent pipe (capture-file.ts openCaptureFileAsync).
  const opened: CaptureFileReader[] = [];
  try {
    for (let i = 0; i < paths.length; i++) opened.push(await openCaptureFileAsync(paths[i]!, i, anomalies, stop));
  } catch (e) {
    for (const r of opened) r.close();
    // Stopped before a pipe sent its file header: nothing was read, the run was interrupted.
    if (stopped && isCaptureFormatError(e)) return { inputs: paths.map((path) => ({ path, bytes: 0 })), unusable: [], interrupted: true };
    throw e;
  }
  const read = new CaptureRead(paths, anomalies, onFrame, opts, opened);
  const merged = read.merged;
  const ready = merged.readable !== undefined ? () => merged.readable!() : undefined;
  try {
    for (;;) {
      // A silent pipe is waited on here, in the background, never by a blocking read.
      if (ready?.() === false) {
        await new Promise<void>((resolve, reject) => {
          wake = resolve;
          merged.waitReadable!().then(resolve, reject);
        });
        wake = undefined;
      } else await new Promise<void>((r) => setImmediate(r));
      if (stopped) break;
      const until = performance.now() + SLICE_MS;
      let more = true;
      while (more && performance.now() < until && ready?.() !== false) more = read.step(SLICE_CHECK_FRAMES, ready);
      if (!more) break;
    }
  } finally {
    read.close();
  }
  return { ...read.result(), interrupted: stopped };
}
