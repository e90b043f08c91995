/**
 * What the pcap and pcapng readers share: the byte source, the reused frame, the counters
 * behind CaptureFileReader's getters, and the end-of-input rule (a record cut short by the end
 * of the file is reported as 'pcap.truncated_record' and ends the reader normally).
 */
import type { AnomalySink } from '../core/anomaly.js';
import type { CapturedFrame } from '../core/frame.js';
import type { ByteSource } from './byte-source.js';
import { createFrame, type CaptureFileReader, type ReaderFrame } from './frame-reader.js';

export abstract class ByteSourceReader implements CaptureFileReader {
  abstract readonly format: 'pcap' | 'pcapng';
  protected truncAt: number | undefined;
  protected snapTruncated = 0;
  /** Frames returned so far. */
  protected count = 0;
  protected done = false;
  protected readonly frame: ReaderFrame;

  constructor(
    protected readonly src: ByteSource,
    source: number,
    protected readonly anomalies: AnomalySink,
  ) {
    this.frame = createFrame(source);
  }

  abstract next(): CapturedFrame | null;

  /**
   * Bytes from the current position that the next `next()` call reads, as far as the buffered
   * bytes tell (at least a record header; a damaged length counts as the header only: `next()`
   * then reports it without reading further).
   */
  protected abstract bytesForNext(): number;

  readable(): boolean {
    const src = this.src;
    return this.done || !src.mayBlock || src.ended || src.available >= this.bytesForNext();
  }

  async waitReadable(): Promise<void> {
    const src = this.src;
    if (this.done || !src.mayBlock) return;
    for (;;) {
      const need = this.bytesForNext();
      if (src.available >= need || !(await src.ensureAsync(need))) return;
    }
  }

  get path(): string {
    return this.src.path;
  }
  get bytesRead(): number {
    return this.src.offset;
  }
  get totalBytes(): number | undefined {
    return this.src.totalBytes;
  }
  get truncatedAt(): number | undefined {
    return this.truncAt;
  }
  get truncatedFrames(): number {
    return this.snapTruncated;
  }
  get bufferSize(): number {
    return this.src.bufferSize;
  }

  close(): void {
    this.done = true;
    this.src.close();
  }

  /** End of input: clean, or a record cut short (reported, then the reader ends normally). */
  protected end(frameNo?: number): null {
    this.done = true;
    const src = this.src;
    if (src.available > 0) {
      this.truncAt = src.offset;
      this.anomalies.report('pcap.truncated_record', frameNo, `${src.path} at offset ${src.offset}`);
    }
    return null;
  }
}
