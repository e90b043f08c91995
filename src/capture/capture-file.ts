/**
 * Opens a capture file (or standard input, `-`) and picks the reader from its magic number:
 * one of the four classic pcap magics (µs/ns × byte order) or the pcapng Section Header Block
 * type 0x0a0d0d0a. File extensions are not trusted: tools write pcapng into `.pcap` files.
 */
import type { AnomalySink } from '../core/anomaly.js';
import { CaptureFormatError } from '../core/errors.js';
import { u32be, u32le } from '../util/bytes.js';
import { ByteSource, type ByteSourceOptions } from './byte-source.js';
import { displayName } from './open-error.js';
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

/** pcapng Section Header Block type and byte-order magic (pcapng draft §4.1). */
const PCAPNG_SHB_TYPE = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** The pcap file header (libpcap savefile format). */
const PCAP_HEADER_BYTES = 24;
/** Longer Section Header Blocks are read by the reader itself (they carry options only). */
const MAX_HEADER_WAIT = 64 * 1024;

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
      let waiting = true;
      const stopped = stop?.then(() => waiting && src.close());
      const wait = async (n: number): Promise<boolean> => (stopped === undefined ? src.ensureAsync(n) : Promise.race([src.ensureAsync(n), stopped.then(() => false)]));
      // The whole file header before the synchronous reader takes over: a writer that sends a
      // few bytes and goes quiet must not block the thread where a signal would go unheard.
      // pcap: 24 bytes; pcapng: the Section Header Block, whose total length (bytes 4..8, in the
      // byte order of the magic at 8..12, pcapng draft-ietf-opsawg-pcapng §4.1) is known after 12 bytes.
      if (await wait(12)) {
        const b = src.buf;
        const p = src.pos;
        const dv = new DataView(b.buffer, b.byteOffset + p, 12);
        if (dv.getUint32(0) === PCAPNG_SHB_TYPE) {
          const le = dv.getUint32(8, true) === PCAPNG_BYTE_ORDER_MAGIC;
          const len = dv.getUint32(4, le);
          if (len >= 28 && len <= MAX_HEADER_WAIT) await wait(len);
        } else await wait(PCAP_HEADER_BYTES);
      }
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
