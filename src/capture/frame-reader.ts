/**
 * The pull interface every frame source implements (pcap, pcapng, merged files, live capture),
 * and the extra state of file readers (damage seen, buffer size).
 */
import type { CapturedFrame } from '../core/frame.js';

/** A source of captured frames, pulled one at a time. */
export interface FrameReader {
  /**
   * Next frame or null at end. The returned object and its data view are reused/invalidated by
   * the next call.
   * @throws CaptureFormatError when the input is damaged beyond recovery (frames before the
   * damage were already returned); IoError when reading fails.
   */
  next(): CapturedFrame | null;
  readonly path: string;
  /** Bytes consumed so far (for progress). */
  readonly bytesRead: number;
  /** Total size when known (regular file), else undefined (stdin). */
  readonly totalBytes: number | undefined;
  close(): void;
  /**
   * Resolves once the next `next()` call can run without waiting on a pipe's writer (its bytes
   * are buffered, or the input ended), reading in the background meanwhile; at once for files.
   * Lets an offline run keep its event loop (and so its signal handlers) alive while standard
   * input is silent. Call only between `next()` calls, never twice at a time.
   */
  waitReadable?(): Promise<void>;
  /** True when `next()` would not wait on a pipe's writer now (see {@link waitReadable}). */
  readable?(): boolean;
}

/** A reader over one pcap or pcapng file. */
export interface CaptureFileReader extends FrameReader {
  readonly format: 'pcap' | 'pcapng';
  /**
   * Absolute offset of a record that the end of the file cut short (the reader then ended
   * normally and reported `pcap.truncated_record`); undefined while no such record was seen.
   */
  readonly truncatedAt: number | undefined;
  /** Frames whose captured length is less than their original length (snaplen). */
  readonly truncatedFrames: number;
  /** Current read buffer size in bytes, to check that memory stays bounded. */
  readonly bufferSize: number;
}

const EMPTY = new Uint8Array(0);

/**
 * The frame object a reader reuses for every record: the bytes are set as (buffer, offset,
 * length) and `data` is made only when asked for (see CapturedFrame.buf).
 */
export class ReaderFrame implements CapturedFrame {
  frameNo = 0;
  tsSec = 0;
  tsNsec = 0;
  linkType = 0;
  capLen = 0;
  origLen = 0;
  interfaceId = 0;
  buf: Uint8Array = EMPTY;
  offset = 0;
  private view: Uint8Array | null = EMPTY;

  constructor(public source: number) {}

  /** The record's bytes are `buf[offset, offset + capLen)` (capLen set by the caller). */
  setBytes(buf: Uint8Array, offset: number): void {
    this.buf = buf;
    this.offset = offset;
    this.view = null;
  }

  get data(): Uint8Array {
    this.view ??= this.buf.subarray(this.offset, this.offset + this.capLen);
    return this.view;
  }

  set data(v: Uint8Array) {
    this.buf = v;
    this.offset = 0;
    this.view = v;
  }
}

/** A reusable frame for reader `source` (index of the input). */
export function createFrame(source: number): ReaderFrame {
  return new ReaderFrame(source);
}
