/**
 * One sample capture being generated: writes frames through the project's own PcapWriter /
 * PcapngWriter into memory and keeps the bookkeeping that becomes `<sample>.expected.json`
 * (frame counts per protocol, TCP connections, reassemblies, first/last timestamp), in the
 * terms tshark reports them.
 */
import { PcapngWriter, PcapWriter, type PcapngInterface, type PcapngPacketBlock } from '../../../src/capture/pcap-writer.js';
import { InvariantError } from '../../../src/core/errors.js';
import { concatBytes } from '../../../src/util/bytes.js';
import type { Encapsulation } from './encapsulation.js';
import { mergeFacts, type BuiltPacket, type FrameFacts } from './frame-facts.js';
import { epochString, type Timeline, type Timestamp } from './timeline.js';

export type SampleFormat = { kind: 'pcap'; linkType: number; nanosecond?: boolean; littleEndian?: boolean; snaplen?: number } | { kind: 'pcapng'; littleEndian?: boolean };

/** Contents of `<sample>.expected.json`. Counts are of frames unless said otherwise. */
export interface ExpectedSample {
  file: string;
  description: string;
  /** Generator function that produced the sample. */
  generator: string;
  format: 'pcap' | 'pcapng';
  /** Distinct LINKTYPE_* values of the file's interfaces, in order of appearance. */
  linkTypes: number[];
  /** Complete records tshark reads. */
  frames: number;
  /** Frames with an IPv4 header at any depth (`tshark -Y ip`). */
  ipv4Frames: number;
  /** Frames with an IPv6 header at any depth (`-Y ipv6`). */
  ipv6Frames: number;
  /** Frames with a TCP header (`-Y tcp`). */
  tcpFrames: number;
  /** UDP datagrams decoded, i.e. frames with a UDP header after reassembly (`-Y udp`). */
  udpDatagrams: number;
  /** Distinct TCP connections (distinct `tcp.stream`). */
  tcpConnections: number;
  /** IPv4 datagrams reassembled from fragments (frames with `ip.reassembled.length`). */
  ipv4Reassembled: number;
  /** IPv6 datagrams reassembled (frames with `ipv6.reassembled.length`). */
  ipv6Reassembled: number;
  /** Frames with a deliberately wrong IPv4 header, UDP or TCP checksum. */
  badChecksumFrames: number;
  /** Records with captured length < original length (snaplen). */
  truncatedRecords: number;
  /** The file ends inside a record that readers must report as cut short (not counted in `frames`). */
  cutShort: boolean;
  /** Time of the first / last complete frame as tshark prints `frame.time_epoch`; null without frames. */
  firstTimestamp: string | null;
  lastTimestamp: string | null;
}

export interface FrameOptions {
  /** pcapng interface id; default 0. */
  interfaceId?: number;
  /** pcapng block kind; default 'epb'. SPB frames carry no timestamp. */
  block?: PcapngPacketBlock;
  /** Original length when larger than the data (describes a packet cut by the capturer). */
  origLen?: number;
}

interface FrameRecord {
  facts: FrameFacts;
  /** Time as stored in the file (after the file's resolution), or null for an SPB. */
  ts: Timestamp | null;
  truncated: boolean;
  chunk: number;
}

/** Builds one sample in memory; call {@link bytes} and {@link expected} at the end. */
export class SampleCapture {
  private readonly chunks: Uint8Array[] = [];
  private readonly frames: FrameRecord[] = [];
  private readonly pcap: PcapWriter | undefined;
  private readonly ng: PcapngWriter | undefined;
  /** if_tsresol (or 6/9 for pcap) of each interface, for the stored-time bookkeeping. */
  private ifaces: { linkType: number; tsresol: number; snaplen: number }[] = [];
  private readonly linkTypes: number[] = [];
  private cut = false;

  constructor(
    readonly file: string,
    readonly generator: string,
    readonly description: string,
    private readonly format: SampleFormat,
  ) {
    const sink = (c: Uint8Array): void => {
      this.chunks.push(c);
    };
    if (format.kind === 'pcap') {
      this.pcap = new PcapWriter(sink, {
        linkType: format.linkType,
        nanosecond: format.nanosecond ?? false,
        littleEndian: format.littleEndian ?? true,
        snaplen: format.snaplen ?? 262144,
      });
      this.ifaces.push({ linkType: format.linkType, tsresol: format.nanosecond === true ? 9 : 6, snaplen: format.snaplen ?? 262144 });
      this.linkTypes.push(format.linkType);
    } else {
      this.ng = new PcapngWriter(sink, { littleEndian: format.littleEndian ?? true });
    }
  }

  private requireNg(): PcapngWriter {
    if (this.ng === undefined) throw new InvariantError(`${this.file}: pcapng operation on a classic pcap sample`);
    return this.ng;
  }

  /** pcapng: starts a section (interface ids restart at 0). */
  section(): void {
    this.requireNg().section();
    this.ifaces = [];
  }

  /** pcapng: adds an interface to the current section and returns its id. */
  addInterface(iface: PcapngInterface): number {
    const id = this.requireNg().addInterface(iface);
    const r = iface.tsresol ?? 6;
    if ((r & 0x80) !== 0) throw new InvariantError('SampleCapture: binary if_tsresol not modelled in the bookkeeping');
    this.ifaces.push({ linkType: iface.linkType, tsresol: r, snaplen: iface.snaplen ?? 0 });
    if (!this.linkTypes.includes(iface.linkType)) this.linkTypes.push(iface.linkType);
    return id;
  }

  /** pcapng: writes an arbitrary block (readers must skip unknown types). */
  rawBlock(type: number, body: Uint8Array): void {
    this.requireNg().rawBlock(type, body);
  }

  /**
   * Writes one frame. Data longer than the snaplen (pcap header or pcapng interface) is cut to
   * it, keeping the original length. `facts` describe the full frame; the caller ensures the
   * cut leaves the headers they name.
   */
  frame(ts: Timestamp, data: Uint8Array, facts: FrameFacts = {}, o: FrameOptions = {}): void {
    if (this.cut) throw new InvariantError(`${this.file}: frame after cutLastRecord()`);
    const ifId = o.interfaceId ?? 0;
    const iface = this.ifaces[ifId];
    if (iface === undefined) throw new InvariantError(`${this.file}: no interface ${ifId}`);
    const origLen = o.origLen ?? data.length;
    const cap = iface.snaplen > 0 && data.length > iface.snaplen ? data.subarray(0, iface.snaplen) : data;
    const block = o.block ?? 'epb';
    if (block === 'spb' && ifId !== 0) throw new InvariantError('SPB frames always belong to interface 0');
    if (this.pcap !== undefined) this.pcap.packet(ts.sec, ts.nsec, cap, origLen);
    else this.ng!.packet(ifId, ts.sec, ts.nsec, cap, origLen, block);
    this.frames.push({
      facts,
      ts: block === 'spb' ? null : stored(ts, iface.tsresol),
      truncated: cap.length < origLen,
      chunk: this.chunks.length - 1,
    });
  }

  /** Wraps `pkt` with `link` and writes it (facts of both merged). */
  packet(ts: Timestamp, link: Encapsulation, pkt: BuiltPacket, o: FrameOptions = {}): void {
    this.frame(ts, link.wrap(pkt.ip), mergeFacts(link.facts, pkt.facts), o);
  }

  /** Writes `pkts` in order, each at `timeline.next(stepNs)`. */
  packets(timeline: Timeline, link: Encapsulation, pkts: readonly BuiltPacket[], stepNs?: number, o: FrameOptions = {}): void {
    for (const p of pkts) this.packet(timeline.next(stepNs), link, p, o);
  }

  /**
   * Cuts the last record short: keeps only `keep` bytes of its block (header included), as a
   * capture interrupted mid-write leaves it. The record no longer counts as a frame.
   */
  cutLastRecord(keep: number): void {
    const last = this.frames.pop();
    if (last === undefined || last.chunk !== this.chunks.length - 1) throw new InvariantError(`${this.file}: last chunk is not a frame`);
    const c = this.chunks[last.chunk]!;
    if (keep <= 0 || keep >= c.length) throw new InvariantError(`${this.file}: cut must keep 1..${c.length - 1} bytes`);
    this.chunks[last.chunk] = c.subarray(0, keep);
    this.cut = true;
  }

  /** The file contents. */
  bytes(): Uint8Array {
    return concatBytes(this.chunks);
  }

  /** The bookkeeping for `<sample>.expected.json`. */
  expected(): ExpectedSample {
    const f = this.frames;
    const streams = new Set<object>();
    let ipv4 = 0;
    let ipv6 = 0;
    let tcp = 0;
    let udp = 0;
    let r4 = 0;
    let r6 = 0;
    let trunc = 0;
    let bad = 0;
    for (const fr of f) {
      if (fr.facts.ipv4 === true) ipv4++;
      if (fr.facts.ipv6 === true) ipv6++;
      if (fr.facts.udp === true) udp++;
      if (fr.facts.tcpStream !== undefined) {
        tcp++;
        streams.add(fr.facts.tcpStream);
      }
      if (fr.facts.reassembled === 4) r4++;
      if (fr.facts.reassembled === 6) r6++;
      if (fr.truncated) trunc++;
      if (fr.facts.badChecksum === true) bad++;
    }
    const first = f[0]?.ts;
    const last = f[f.length - 1]?.ts;
    if (first === null || last === null) throw new InvariantError(`${this.file}: first/last frame must carry a timestamp (not an SPB)`);
    return {
      file: this.file,
      description: this.description,
      generator: this.generator,
      format: this.format.kind,
      linkTypes: this.linkTypes.slice(),
      frames: f.length,
      ipv4Frames: ipv4,
      ipv6Frames: ipv6,
      tcpFrames: tcp,
      udpDatagrams: udp,
      tcpConnections: streams.size,
      ipv4Reassembled: r4,
      ipv6Reassembled: r6,
      badChecksumFrames: bad,
      truncatedRecords: trunc,
      cutShort: this.cut,
      firstTimestamp: first === undefined ? null : epochString(first),
      lastTimestamp: last === undefined ? null : epochString(last),
    };
  }
}

/** The time a reader recovers from a file storing 10^-resol second ticks (writers truncate). */
function stored(ts: Timestamp, resol: number): Timestamp {
  if (resol >= 9) return ts;
  const unit = 10 ** (9 - resol);
  return { sec: ts.sec, nsec: Math.floor(ts.nsec / unit) * unit };
}
