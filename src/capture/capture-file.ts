/**
 * Opens a capture file (or standard input, `-`) and picks the reader from its magic number:
 * one of the four classic pcap magics (µs/ns × byte order) or the pcapng Section Header Block
 * type 0x0a0d0d0a. File extensions are not trusted: tools write pcapng into `.pcap` files.
 */
import type { AnomalySink } from '../core/anomaly.js';
import { CaptureFormatError } from '../core/errors.js';
import { u32be, u32le } from '../util/bytes.js';
import { ByteSource, displayName, type ByteSourceOptions } from './byte-source.js';
import type { CaptureFileReader } from './frame-reader.js';
import { isPcapMagic, PcapReader } from './pcap-reader.js';
import { PCAPNG_SHB, PcapngReader } from './pcapng-reader.js';

export type { FrameReader, CaptureFileReader } from './frame-reader.js';

/** Options of {@link openCaptureFile}: buffer tuning, mostly for tests. */
export type OpenCaptureOptions = ByteSourceOptions;

/** Capture formats recognised from the first four bytes. */
export type CaptureFormat = 'pcap' | 'pcapng';

/**
 * Recognises a capture format from the first four bytes of a file; undefined for anything else.
 * @param head at least 4 bytes from the start of the file
 */
export function detectCaptureFormat(head: Uint8Array): CaptureFormat | undefined {
  if (head.length < 4) return undefined;
  const magic = u32le(head, 0);
  if (isPcapMagic(magic)) return 'pcap';
  if (magic === PCAPNG_SHB) return 'pcapng';
  return undefined;
}

/**
 * Opens a pcap or pcapng file for streaming.
 * @param path file path, FIFO, or `-` for standard input
 * @param source index of this input among the `-r` files (copied to `CapturedFrame.source`)
 * @param anomalies where damaged-input anomalies go
 * @throws IoError when the file cannot be opened; CaptureFormatError (offset 0) when it is not
 * a pcap or pcapng file or its file header is cut short.
 */
export function openCaptureFile(path: string, source: number, anomalies: AnomalySink, options: OpenCaptureOptions = {}): CaptureFileReader {
  return openSource(ByteSource.open(path, options), source, anomalies);
}

/**
 * {@link openCaptureFile} that waits for a pipe's file header on the event loop instead of
 * blocking the thread in a read: while `-r -` is still silent, the process keeps serving what
 * runs on the loop (signals, the X1 endpoint that provisions the tasks before the capture
 * arrives). `stop` resolving first closes the input: the reader then sees it empty.
 */
export async function openCaptureFileAsync(path: string, source: number, anomalies: AnomalySink, stop?: Promise<unknown>, options: OpenCaptureOptions = {}): Promise<CaptureFileReader> {
  const src = ByteSource.open(path, options);
  if (src.mayBlock) {
    try {
      const header = src.ensureAsync(4);
      let waiting = true;
      if (stop === undefined) await header;
      else await Promise.race([header, stop.then(() => waiting && src.close())]);
      waiting = false;
    } catch (e) {
      src.close();
      throw e;
    }
  }
  return openSource(src, source, anomalies);
}

/**
 * Reads a capture held in memory (tests, captures embedded in other data). `name` stands for
 * the path in messages and anomaly details.
 */
export function openCaptureBytes(bytes: Uint8Array, name: string, source: number, anomalies: AnomalySink, options: OpenCaptureOptions = {}): CaptureFileReader {
  return openSource(ByteSource.fromBytes(bytes, name, options), source, anomalies);
}

function openSource(src: ByteSource, source: number, anomalies: AnomalySink): CaptureFileReader {
  try {
    const name = displayName(src.path);
    if (!src.ensure(4)) {
      throw new CaptureFormatError(`${name} is not a pcap or pcapng file (${src.available === 0 ? 'it is empty' : `only ${src.available} bytes`})`, src.path, 0);
    }
    const format = detectCaptureFormat(src.buf.subarray(src.pos, src.pos + 4));
    if (format === 'pcap') return new PcapReader(src, source, anomalies);
    if (format === 'pcapng') return new PcapngReader(src, source, anomalies);
    const magic = u32be(src.buf, src.pos).toString(16).padStart(8, '0');
    throw new CaptureFormatError(`${name} is not a pcap or pcapng file (magic 0x${magic})`, src.path, 0);
  } catch (e) {
    src.close();
    throw e;
  }
}
