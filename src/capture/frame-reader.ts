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
 * Creates the one frame object a reader reuses for every frame. All fields are initialised so
 * every reader's frames share one hidden class (monomorphic property access downstream).
 */
export function createFrame(source: number): CapturedFrame {
  return { frameNo: 0, tsSec: 0, tsNsec: 0, linkType: 0, capLen: 0, origLen: 0, data: EMPTY, interfaceId: 0, source };
}
