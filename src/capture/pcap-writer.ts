/**
 * Writers for classic pcap and pcapng, used by the sample generator, by tests that wrap
 * records into captures for tshark, and by anything that exports packets. Output goes to a
 * callback in chunks, so files of any size can be written without holding them.
 *
 * Formats: classic pcap (tcpdump.org "pcap savefile format", draft-ietf-opsawg-pcap) with
 * microsecond (0xa1b2c3d4) or nanosecond (0xa1b23c4d) magic in either byte order; pcapng
 * (draft-ietf-opsawg-pcapng) SHB, IDB (with if_tsresol), EPB, SPB, OPB, and custom blocks.
 */
import { ByteWriter } from '../util/bytes.js';

export type ChunkSink = (chunk: Uint8Array) => void;

export interface PcapWriterOptions {
  linkType: number;
  /** Nanosecond-resolution magic (0xa1b23c4d); default microseconds. */
  nanosecond?: boolean;
  /** Byte order of the file; default little-endian (what x86 tcpdump writes). */
  littleEndian?: boolean;
  snaplen?: number;
}

/** Classic pcap writer. The file header is written by the constructor. */
export class PcapWriter {
  private readonly le: boolean;
  private readonly ns: boolean;

  constructor(
    private readonly sink: ChunkSink,
    opts: PcapWriterOptions,
  ) {
    this.le = opts.littleEndian ?? true;
    this.ns = opts.nanosecond ?? false;
    const w = new ByteWriter(24);
    w.u32(this.ns ? 0xa1b23c4d : 0xa1b2c3d4, this.le)
      .u16(2, this.le)
      .u16(4, this.le)
      .u32(0, this.le) // thiszone
      .u32(0, this.le) // sigfigs
      .u32(opts.snaplen ?? 262144, this.le)
      .u32(opts.linkType, this.le);
    sink(w.finish());
  }

  /**
   * Writes one record. `origLen` defaults to `data.length`; give a larger value to describe a
   * snaplen-truncated packet.
   */
  packet(tsSec: number, tsNsec: number, data: Uint8Array, origLen = data.length): void {
    const w = new ByteWriter(16 + data.length);
    const frac = this.ns ? tsNsec : Math.floor(tsNsec / 1000);
    w.u32(tsSec, this.le).u32(frac, this.le).u32(data.length, this.le).u32(origLen, this.le).bytes(data);
    this.sink(w.finish());
  }
}

export interface PcapngInterface {
  linkType: number;
  snaplen?: number;
  /**
   * Raw if_tsresol option byte: MSB clear = 10^-n s, MSB set = 2^-n s. Omitted = option not
   * written (readers then assume microseconds).
   */
  tsresol?: number;
  name?: string;
}

export type PcapngPacketBlock = 'epb' | 'spb' | 'opb';

const PCAPNG_BOM = 0x1a2b3c4d;

/** pcapng writer. Call `section()` first, then `addInterface()`, then packets. */
export class PcapngWriter {
  private readonly le: boolean;
  private ifaces: PcapngInterface[] = [];

  constructor(
    private readonly sink: ChunkSink,
    opts: { littleEndian?: boolean } = {},
  ) {
    this.le = opts.littleEndian ?? true;
  }

  /** Starts a new section (Section Header Block); interfaces of earlier sections are forgotten. */
  section(): void {
    this.ifaces = [];
    const body = new ByteWriter(16);
    body.u32(PCAPNG_BOM, this.le).u16(1, this.le).u16(0, this.le).u32(0xffffffff, this.le).u32(0xffffffff, this.le);
    this.block(0x0a0d0d0a, body.finish());
  }

  /** Writes an Interface Description Block and returns the interface id. */
  addInterface(iface: PcapngInterface): number {
    const body = new ByteWriter(32);
    body
      .u16(iface.linkType, this.le)
      .u16(0, this.le)
      .u32(iface.snaplen ?? 0, this.le);
    const opts: [number, Uint8Array][] = [];
    if (iface.name !== undefined) opts.push([2, Buffer.from(iface.name, 'utf8')]);
    if (iface.tsresol !== undefined) opts.push([9, Uint8Array.of(iface.tsresol)]);
    this.options(body, opts);
    this.block(1, body.finish());
    this.ifaces.push(iface);
    return this.ifaces.length - 1;
  }

  /** Writes a packet as an Enhanced (default), Simple or obsolete Packet Block. */
  packet(ifId: number, tsSec: number, tsNsec: number, data: Uint8Array, origLen = data.length, kind: PcapngPacketBlock = 'epb'): void {
    const iface = this.ifaces[ifId];
    if (iface === undefined) throw new RangeError(`pcapng writer: no interface ${ifId}`);
    const body = new ByteWriter(32 + data.length);
    if (kind === 'spb') {
      // SPB carries no interface id and no timestamp: interface 0, and the reader derives the
      // captured length from the block length and the snaplen.
      body.u32(origLen, this.le).bytes(data).zeros(pad4(data.length));
      this.block(3, body.finish());
      return;
    }
    const ticks = toTicks(tsSec, tsNsec, iface.tsresol);
    const hi = Number(ticks >> 32n);
    const lo = Number(ticks & 0xffffffffn);
    if (kind === 'opb') body.u16(ifId, this.le).u16(0, this.le);
    else body.u32(ifId, this.le);
    body.u32(hi, this.le).u32(lo, this.le).u32(data.length, this.le).u32(origLen, this.le).bytes(data).zeros(pad4(data.length));
    this.block(kind === 'opb' ? 2 : 6, body.finish());
  }

  /** Writes an arbitrary block (e.g. an unknown type, to test that readers skip it). */
  rawBlock(type: number, body: Uint8Array): void {
    const w = new ByteWriter(body.length + 4);
    w.bytes(body).zeros(pad4(body.length));
    this.block(type, w.finish());
  }

  private options(w: ByteWriter, opts: [number, Uint8Array][]): void {
    if (opts.length === 0) return;
    for (const [code, value] of opts) w.u16(code, this.le).u16(value.length, this.le).bytes(value).zeros(pad4(value.length));
    w.u16(0, this.le).u16(0, this.le); // opt_endofopt
  }

  private block(type: number, body: Uint8Array): void {
    const total = 12 + body.length;
    const w = new ByteWriter(total);
    w.u32(type, this.le).u32(total, this.le).bytes(body).u32(total, this.le);
    this.sink(w.finish());
  }
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

/** Converts (sec, nsec) to if_tsresol ticks (default resolution 10^-6). */
function toTicks(sec: number, nsec: number, tsresol: number | undefined): bigint {
  const r = tsresol ?? 6;
  const total = BigInt(sec) * 1_000_000_000n + BigInt(nsec); // nanoseconds
  if (r & 0x80) {
    const shift = BigInt(r & 0x7f);
    return (total << shift) / 1_000_000_000n;
  }
  const units = 10n ** BigInt(r);
  return (total * units) / 1_000_000_000n;
}
