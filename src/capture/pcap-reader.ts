/**
 * Streaming reader for classic pcap files (tcpdump.org "pcap savefile format",
 * draft-ietf-opsawg-pcap).
 *
 * ```
 * File header (24 bytes)                   Record header (16 bytes) + data
 *  0 magic   a1b2c3d4 (µs) | a1b23c4d (ns)  0 timestamp seconds
 *  4 version major (2), minor (4)           4 microseconds or nanoseconds (per magic)
 *  8 reserved1 ("thiszone", ignored)        8 captured length
 * 12 reserved2 ("sigfigs", ignored)        12 original length
 * 16 snaplen                               16 captured length bytes of packet data
 * 20 link type + FCS information
 * ```
 * The writer's byte order is recognised from the magic as stored (section 3 of the draft:
 * "the byte order of the file can be determined from the magic number").
 */
import type { AnomalySink } from '../core/anomaly.js';
import { CaptureFormatError } from '../core/errors.js';
import type { CapturedFrame } from '../core/frame.js';
import { u16be, u16le, u32be, u32le } from '../util/bytes.js';
import type { ByteSource } from './byte-source.js';
import { displayName } from './open-error.js';
import { ByteSourceReader } from './byte-source-reader.js';

/** Magic numbers as read little-endian from the first four bytes. */
export const PCAP_MAGIC = {
  /** Microseconds, little-endian file. */
  US_LE: 0xa1b2c3d4,
  /** Microseconds, big-endian file. */
  US_BE: 0xd4c3b2a1,
  /** Nanoseconds, little-endian file. */
  NS_LE: 0xa1b23c4d,
  /** Nanoseconds, big-endian file. */
  NS_BE: 0x4d3cb2a1,
} as const;

/** True when `magicLe` (the first 4 bytes read little-endian) is one of the 4 pcap magics. */
export function isPcapMagic(magicLe: number): boolean {
  return magicLe === PCAP_MAGIC.US_LE || magicLe === PCAP_MAGIC.US_BE || magicLe === PCAP_MAGIC.NS_LE || magicLe === PCAP_MAGIC.NS_BE;
}

const FILE_HEADER = 24;
const RECORD_HEADER = 16;
/**
 * Sanity limit for a record's captured length: the file snaplen, but at least 256 KiB
 * (libpcap's MAXIMUM_SNAPLEN; writers often record a smaller snaplen than they used) and at
 * most 64 MiB (a bigger length is a damaged header, not a packet; Wireshark's largest per-link
 * maximum is 128 MiB for D-Bus, which msrptap does not decode).
 */
const MIN_SANE_CAPLEN = 262144;
const MAX_SANE_CAPLEN = 64 * 1024 * 1024;
/**
 * Link type field: the low 26 bits carry the LINKTYPE_ value, upper bits the FCS length
 * (draft-ietf-opsawg-pcap section 4; libpcap LT_LINKTYPE()).
 */
const LINKTYPE_MASK = 0x03ffffff;

/** Reader of one classic pcap file. Create with `openCaptureFile`. */
export class PcapReader extends ByteSourceReader {
  readonly format = 'pcap';
  readonly littleEndian: boolean;
  /** True for the nanosecond magic (0xa1b23c4d). */
  readonly nanosecond: boolean;
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly snaplen: number;
  /** LINKTYPE_ value of every record. */
  readonly linkType: number;
  private readonly maxCapLen: number;
  /** Sub-second units per second at the file's resolution. */
  private readonly fracUnits: number;
  private readonly nsPerFrac: number;

  /**
   * Reads the file header. `src` must start at the magic.
   * @throws CaptureFormatError when the header is cut short or the magic is not a pcap magic.
   */
  constructor(src: ByteSource, source: number, anomalies: AnomalySink) {
    super(src, source, anomalies);
    const name = displayName(src.path);
    if (!src.ensure(4)) throw new CaptureFormatError(`${name} is not a pcap file (too short for a magic number)`, src.path, 0);
    const magic = u32le(src.buf, src.pos);
    if (!isPcapMagic(magic)) {
      throw new CaptureFormatError(`${name} is not a pcap file (magic 0x${u32be(src.buf, src.pos).toString(16).padStart(8, '0')})`, src.path, 0);
    }
    if (!src.ensure(FILE_HEADER)) {
      throw new CaptureFormatError(`${name}: pcap file header is cut short (${src.available} of ${FILE_HEADER} bytes)`, src.path, 0);
    }
    const b = src.buf;
    const p = src.pos;
    const le = magic === PCAP_MAGIC.US_LE || magic === PCAP_MAGIC.NS_LE;
    this.littleEndian = le;
    this.nanosecond = magic === PCAP_MAGIC.NS_LE || magic === PCAP_MAGIC.NS_BE;
    this.versionMajor = le ? u16le(b, p + 4) : u16be(b, p + 4);
    this.versionMinor = le ? u16le(b, p + 6) : u16be(b, p + 6);
    this.snaplen = le ? u32le(b, p + 16) : u32be(b, p + 16);
    this.linkType = (le ? u32le(b, p + 20) : u32be(b, p + 20)) & LINKTYPE_MASK;
    src.skip(FILE_HEADER);
    this.maxCapLen = Math.max(MIN_SANE_CAPLEN, Math.min(this.snaplen, MAX_SANE_CAPLEN));
    this.fracUnits = this.nanosecond ? 1_000_000_000 : 1_000_000;
    this.nsPerFrac = this.nanosecond ? 1 : 1000;
    this.frame.linkType = this.linkType;
  }

  next(): CapturedFrame | null {
    if (this.done) return null;
    const src = this.src;
    if (!src.ensure(RECORD_HEADER)) return this.end(this.count + 1);
    const le = this.littleEndian;
    const capLen = src.view.getUint32(src.pos + 8, le);
    if (capLen > this.maxCapLen) return this.corrupt(capLen);
    if (!src.ensure(RECORD_HEADER + capLen)) return this.end(this.count + 1);
    // ensure() may have compacted or replaced the buffer: take buf/view/pos only now.
    const dv = src.view;
    const p = src.pos;
    let sec = dv.getUint32(p, le);
    let frac = dv.getUint32(p + 4, le);
    let origLen = dv.getUint32(p + 12, le);
    const f = this.frame;
    const frameNo = ++this.count;
    if (frac >= this.fracUnits) {
      // Out-of-range sub-second field (seen from broken writers): carry it into the seconds so
      // tsNsec keeps its 0..999 999 999 contract.
      this.anomalies.report('pcap.bad_timestamp_fraction', frameNo, `fraction ${frac}`);
      sec += Math.floor(frac / this.fracUnits);
      frac %= this.fracUnits;
    }
    if (origLen < capLen) {
      this.anomalies.report('capture.origlen_below_caplen', frameNo, `caplen ${capLen} origlen ${origLen}`);
      origLen = capLen;
    } else if (origLen > capLen) {
      this.snapTruncated++;
    }
    const start = p + RECORD_HEADER;
    f.frameNo = frameNo;
    f.tsSec = sec;
    f.tsNsec = frac * this.nsPerFrac;
    f.capLen = capLen;
    f.origLen = origLen;
    f.setBytes(src.buf, start);
    src.pos = start + capLen;
    return f;
  }

  protected bytesForNext(): number {
    const src = this.src;
    if (src.available < RECORD_HEADER) return RECORD_HEADER;
    const capLen = src.view.getUint32(src.pos + 8, this.littleEndian);
    return capLen > this.maxCapLen ? RECORD_HEADER : RECORD_HEADER + capLen;
  }

  private corrupt(capLen: number): never {
    this.done = true;
    const src = this.src;
    const at = src.offset;
    this.anomalies.report('pcap.caplen_too_large', this.count + 1, `caplen ${capLen} at offset ${at}`);
    throw new CaptureFormatError(`${displayName(src.path)}: corrupt pcap record header at offset ${at} (captured length ${capLen} exceeds ${this.maxCapLen}); ` + `${this.count} frames were read before it`, src.path, at);
  }
}
