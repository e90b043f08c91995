/**
 * Streaming reader for pcapng (draft-ietf-opsawg-pcapng).
 *
 * ```
 * General block (section 3.1)            Enhanced Packet Block body (section 4.3)
 *  0 block type                            8 interface id
 *  4 block total length (multiple of 4)   12 timestamp (upper 32 bits)
 *  8 body ...                             16 timestamp (lower 32 bits)
 *  L-4 block total length (copy)          20 captured length, 24 original length, 28 data (padded)
 * ```
 * Supported: several sections (each Section Header Block sets the byte order from its
 * byte-order magic and forgets the interfaces of the previous section, section 4.1), Interface
 * Description Blocks with if_tsresol / if_tsoffset (section 4.2), Enhanced (4.3), Simple (4.4)
 * and obsolete Packet Blocks (appendix, type 2). Interface Statistics Blocks (4.6) are kept, the
 * last one per interface (a live capture's drop counters, ./interface-statistics.ts). Name
 * resolution, journal, decryption-secrets and custom blocks are skipped silently; other types
 * are skipped with `pcapng.unknown_block`.
 */
import type { AnomalySink } from '../core/anomaly.js';
import { CaptureFormatError } from '../core/errors.js';
import type { CapturedFrame } from '../core/frame.js';
import { u32le } from '../util/bytes.js';
import type { ByteSource } from './byte-source.js';
import { displayName } from './open-error.js';
import { ByteSourceReader } from './byte-source-reader.js';
import { MIN_ISB, parseInterfaceStatistics, type InterfaceStatistics } from './interface-statistics.js';
import { TimeScale } from './time-scale.js';

/** Block type of the Section Header Block; a palindrome, so it reads the same in both orders. */
export const PCAPNG_SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** The byte-order magic of a big-endian section, read little-endian. */
const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;

const BT_IDB = 0x00000001;
const BT_OPB = 0x00000002;
const BT_SPB = 0x00000003;
const BT_NRB = 0x00000004;
const BT_ISB = 0x00000005;
const BT_EPB = 0x00000006;
const BT_JOURNAL = 0x00000009;
const BT_DSB = 0x0000000a;
const BT_CUSTOM = 0x00000bad;
const BT_CUSTOM_NOCOPY = 0x40000bad;

/** Smallest legal lengths (header + fixed fields + trailer). */
const MIN_BLOCK = 12;
const MIN_SHB = 28;
const MIN_IDB = 20;
const MIN_EPB = 32;
const MIN_OPB = 32;
const MIN_SPB = 16;
/**
 * Largest block accepted: bigger lengths are damaged headers (Wireshark's limit is a little over
 * its 128 MiB D-Bus maximum). Also bounds the read buffer.
 */
const MAX_BLOCK = 64 * 1024 * 1024;
/** Interfaces kept per section: each costs a small object, and the id is a 32-bit field. */
export const MAX_INTERFACES = 65536;

const OPT_ENDOFOPT = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

/** What the reader keeps of one Interface Description Block. */
export interface PcapngInterfaceInfo {
  readonly linkType: number;
  /** 0 = no limit. */
  readonly snaplen: number;
  /** Raw if_tsresol byte, undefined when absent (microseconds). */
  readonly tsresol: number | undefined;
  /** if_tsoffset seconds (0 when absent). */
  readonly tsoffset: number;
  readonly scale: TimeScale;
}

/** Reader of one pcapng file. Create with `openCaptureFile`. */
export class PcapngReader extends ByteSourceReader {
  readonly format = 'pcapng';
  private sectionCount = 0;

  private le = true;
  private ifaces: PcapngInterfaceInfo[] = [];
  private isbs: InterfaceStatistics[] = [];

  /**
   * `src` must start at a Section Header Block; it is parsed by the first `next()`.
   * @throws CaptureFormatError when the input does not start with a Section Header Block.
   */
  constructor(src: ByteSource, source: number, anomalies: AnomalySink) {
    super(src, source, anomalies);
    if (!src.ensure(4) || u32le(src.buf, src.pos) !== PCAPNG_SHB) {
      throw new CaptureFormatError(`${displayName(src.path)} is not a pcapng file (no Section Header Block)`, src.path, 0);
    }
  }

  /** Section Header Blocks seen so far. */
  get sections(): number {
    return this.sectionCount;
  }
  /** Interfaces of the current section, by interface id. */
  get interfaces(): readonly PcapngInterfaceInfo[] {
    return this.ifaces;
  }
  /**
   * The last Interface Statistics Block seen, per interface id of the section it was in (a
   * later section's blocks replace an earlier one's); at most {@link MAX_INTERFACES} entries.
   */
  get interfaceStatistics(): readonly InterfaceStatistics[] {
    return this.isbs.filter((s) => s !== undefined);
  }
  /** Byte order of the current section. */
  get littleEndian(): boolean {
    return this.le;
  }

  /** Through the blocks `next()` skips (interfaces, statistics...) to the end of the next packet block. */
  protected bytesForNext(): number {
    const src = this.src;
    const dv = src.view;
    let le = this.le;
    for (let off = 0; ; ) {
      if (src.available < off + MIN_BLOCK || off > MAX_BLOCK) return off + MIN_BLOCK;
      const p = src.pos + off;
      const type = dv.getUint32(p, le);
      if (type === PCAPNG_SHB) {
        const bom = dv.getUint32(p + 8, true);
        if (bom !== BYTE_ORDER_MAGIC && bom !== BYTE_ORDER_MAGIC_SWAPPED) return off + MIN_BLOCK;
        le = bom === BYTE_ORDER_MAGIC;
      }
      const len = dv.getUint32(p + 4, le);
      if (len < MIN_BLOCK || (len & 3) !== 0 || len > MAX_BLOCK) return off + MIN_BLOCK;
      if (type === BT_EPB || type === BT_SPB || type === BT_OPB) return off + len;
      off += len;
    }
  }

  next(): CapturedFrame | null {
    if (this.done) return null;
    const src = this.src;
    for (;;) {
      if (!src.ensure(MIN_BLOCK)) return this.end();
      let dv = src.view;
      let p = src.pos;
      const type = dv.getUint32(p, this.le);
      if (type === PCAPNG_SHB) {
        // Section 4.1: the byte-order magic, not the previous section, gives this section's order;
        // it must be known before the block length can be read.
        const bom = dv.getUint32(p + 8, true);
        if (bom === BYTE_ORDER_MAGIC) this.le = true;
        else if (bom === BYTE_ORDER_MAGIC_SWAPPED) this.le = false;
        else
          return this.corrupt(
            src.offset,
            `bad byte-order magic 0x${dv
              .getUint32(p + 8, false)
              .toString(16)
              .padStart(8, '0')} in a Section Header Block`,
          );
      }
      const le = this.le;
      // Section 3.1: Block Total Length is a multiple of 4, includes the 12 bytes of type and
      // both length fields, and is repeated at the end of the block.
      const len = dv.getUint32(p + 4, le);
      if (len < MIN_BLOCK || (len & 3) !== 0 || len > MAX_BLOCK) return this.badLength(len, `block type 0x${type.toString(16)} length ${len}`);
      if (!src.ensure(len)) return this.end();
      dv = src.view; // ensure() may have compacted or replaced the buffer
      p = src.pos;
      const trailer = dv.getUint32(p + len - 4, le);
      if (trailer !== len) return this.badLength(len, `block length ${len} but trailing copy ${trailer}`);

      switch (type) {
        case BT_EPB: {
          if (len < MIN_EPB) return this.badLength(len, `enhanced packet block length ${len}`);
          const ifId = dv.getUint32(p + 8, le);
          if (this.packet(p, len, ifId, 28, dv.getUint32(p + 20, le), dv.getUint32(p + 24, le))) {
            this.ifaces[ifId]!.scale.apply(dv.getUint32(p + 12, le), dv.getUint32(p + 16, le), this.frame);
            return this.frame;
          }
          break;
        }
        case BT_SPB: {
          if (len < MIN_SPB) return this.badLength(len, `simple packet block length ${len}`);
          const iface = this.ifaces[0];
          if (iface === undefined) {
            this.unknownInterface(0);
            break;
          }
          // Section 4.4: no interface id (always 0) and no captured length: it is the smaller of
          // the original length and interface 0's snaplen, bounded here by the block's room.
          const origLen = dv.getUint32(p + 8, le);
          let capLen = Math.min(origLen, len - MIN_SPB);
          if (iface.snaplen !== 0 && iface.snaplen < capLen) capLen = iface.snaplen;
          this.packet(p, len, 0, 12, capLen, origLen);
          // No timestamp in an SPB: time 0, as Wireshark shows it.
          this.frame.tsSec = 0;
          this.frame.tsNsec = 0;
          return this.frame;
        }
        case BT_OPB: {
          if (len < MIN_OPB) return this.badLength(len, `packet block length ${len}`);
          // Appendix A (obsolete Packet Block): 16-bit interface id, 16-bit drops count.
          const ifId = dv.getUint16(p + 8, le);
          if (this.packet(p, len, ifId, 28, dv.getUint32(p + 20, le), dv.getUint32(p + 24, le))) {
            this.ifaces[ifId]!.scale.apply(dv.getUint32(p + 12, le), dv.getUint32(p + 16, le), this.frame);
            return this.frame;
          }
          break;
        }
        case BT_IDB:
          if (len < MIN_IDB) return this.badLength(len, `interface description block length ${len}`);
          this.interfaceBlock(dv, p, len);
          break;
        case PCAPNG_SHB:
          if (len < MIN_SHB) return this.badLength(len, `section header block length ${len}`);
          this.sectionHeader(dv, p);
          break;
        case BT_ISB:
          // Too short to hold its fixed fields: skipped silently, as before ISBs were read
          // (statistics never hide packets).
          if (len >= MIN_ISB) this.statisticsBlock(dv, p, len);
          break;
        case BT_NRB:
        case BT_JOURNAL:
        case BT_DSB:
        case BT_CUSTOM:
        case BT_CUSTOM_NOCOPY:
          break; // known, carries nothing the pipeline uses
        default:
          this.anomalies.report('pcapng.unknown_block', undefined, `type 0x${type.toString(16)} length ${len} at offset ${src.offset}`);
      }
      src.pos = p + len;
    }
  }

  /**
   * Fills the frame's interface, lengths and data for a packet block at `p` whose data starts at
   * `p + dataOff`, and consumes the block. Returns false (block not consumed, anomaly reported)
   * when the interface is unknown; throws when the captured length does not fit in the block.
   */
  private packet(p: number, len: number, ifId: number, dataOff: number, capLen: number, origLen: number): boolean {
    if (capLen > len - dataOff - 4) {
      this.badLength(len, `captured length ${capLen} does not fit in a block of length ${len}`);
    }
    const iface = this.ifaces[ifId];
    if (iface === undefined) {
      this.unknownInterface(ifId);
      return false;
    }
    const f = this.frame;
    const frameNo = ++this.count;
    if (origLen < capLen) {
      this.anomalies.report('capture.origlen_below_caplen', frameNo, `caplen ${capLen} origlen ${origLen}`);
      origLen = capLen;
    } else if (origLen > capLen) {
      this.snapTruncated++;
    }
    const start = p + dataOff;
    f.frameNo = frameNo;
    f.interfaceId = ifId;
    f.linkType = iface.linkType;
    f.capLen = capLen;
    f.origLen = origLen;
    f.setBytes(this.src.buf, start);
    this.src.pos = p + len;
    return true;
  }

  private unknownInterface(ifId: number): void {
    this.anomalies.report('pcapng.unknown_interface', undefined, `interface ${ifId} of ${this.ifaces.length} at offset ${this.src.offset}`);
  }

  private sectionHeader(dv: DataView, p: number): void {
    const major = dv.getUint16(p + 12, this.le);
    // Section 4.1: a reader must not read a section whose major version it does not know.
    if (major !== 1) this.corrupt(this.src.offset, `unsupported pcapng major version ${major}`);
    this.sectionCount++;
    this.ifaces = [];
  }

  private interfaceBlock(dv: DataView, p: number, len: number): void {
    const le = this.le;
    if (this.ifaces.length >= MAX_INTERFACES) {
      this.anomalies.report('pcapng.too_many_interfaces', undefined, `limit ${MAX_INTERFACES} at offset ${this.src.offset}`);
      return;
    }
    const linkType = dv.getUint16(p + 8, le);
    const snaplen = dv.getUint32(p + 12, le);
    let tsresol: number | undefined;
    let tsoffset = 0;
    // Options (section 3.5): code u16, length u16, value padded to 32 bits, until opt_endofopt.
    const optEnd = p + len - 4;
    let o = p + 16;
    while (o + 4 <= optEnd) {
      const code = dv.getUint16(o, le);
      const olen = dv.getUint16(o + 2, le);
      if (code === OPT_ENDOFOPT) break;
      if (o + 4 + olen > optEnd) {
        this.anomalies.report('pcapng.bad_option', undefined, `option ${code} length ${olen} runs past the block at offset ${this.src.offset}`);
        break;
      }
      if (code === OPT_IF_TSRESOL) {
        if (olen === 1) tsresol = dv.getUint8(o + 4);
        else this.anomalies.report('pcapng.bad_option', undefined, `if_tsresol length ${olen}`);
      } else if (code === OPT_IF_TSOFFSET) {
        if (olen === 8) {
          // Signed 64-bit seconds; the high half carries the sign.
          const hi = dv.getInt32(le ? o + 8 : o + 4, le);
          const lo = dv.getUint32(le ? o + 4 : o + 8, le);
          tsoffset = hi * 4294967296 + lo;
        } else {
          this.anomalies.report('pcapng.bad_option', undefined, `if_tsoffset length ${olen}`);
        }
      }
      o += 4 + ((olen + 3) & ~3);
    }
    this.ifaces.push({ linkType, snaplen, tsresol, tsoffset, scale: TimeScale.fromTsresol(tsresol, tsoffset) });
  }

  private statisticsBlock(dv: DataView, p: number, len: number): void {
    const st = parseInterfaceStatistics(dv, p, len, this.le);
    if (st.badOptions > 0) this.anomalies.report('pcapng.bad_option', undefined, `interface statistics option at offset ${this.src.offset}`);
    if (st.interfaceId < MAX_INTERFACES) this.isbs[st.interfaceId] = st;
  }

  private badLength(len: number, what: string): never {
    this.anomalies.report('pcapng.bad_block_length', undefined, `length ${len} at offset ${this.src.offset}`);
    return this.corrupt(this.src.offset, what);
  }

  private corrupt(at: number, what: string): never {
    this.done = true;
    throw new CaptureFormatError(`${displayName(this.src.path)}: corrupt pcapng block at offset ${at}: ${what}; ${this.count} frames were read before it`, this.src.path, at);
  }
}
