/**
 * The packet half of the pipeline: decode → IP defragmentation → TCP tracking / UDP dispatch.
 * It owns the per-frame hot path, so it allocates nothing per frame itself: one reused
 * DecodedPacket, counters in plain fields.
 *
 * Application analyzers plug in through a StreamConsumerFactory (TCP byte streams) and a UDP
 * datagram handler; with neither, the pipeline only counts (this is `msrptap stats`).
 */
import { AnomalyCounter } from '../core/anomaly.js';
import type { CapturedFrame } from '../core/frame.js';
import { linkTypeName } from '../core/link-type.js';
import { createDecodedPacket, Tunnel, type DecodedPacket } from '../decode/decoded-packet.js';
import { decodeFrame, decodeTransport } from '../decode/decode-frame.js';
import { isDecodedIpProto } from '../decode/ip-payload.js';
import { IpDefragmenter } from '../flow/ip-defragmenter.js';
import { SctpReassembler, type SctpMessageConsumer, type SctpReassemblerOptions } from '../flow/sctp-reassembler.js';
import { TcpTracker, type StreamConsumerFactory, type TcpTrackerOptions, type TcpTrackerStats } from '../flow/tcp-tracker.js';
import { CaptureStats, sortedRecord, type CaptureStatsJson } from './capture-stats.js';

/** Receives each UDP datagram (after reassembly). `pkt` and its views are valid during the call only. */
export type UdpHandler = (pkt: DecodedPacket, frame: CapturedFrame) => void;

export interface PacketPipelineOptions {
  tcpConsumers?: StreamConsumerFactory;
  /** TCP table limits (defaults: DEFAULT_TCP_TRACKER_OPTIONS; tests lower the caps). */
  tcp?: Partial<TcpTrackerOptions>;
  udp?: UdpHandler;
  /** Receives SCTP user messages (reassembled); without it SCTP packets are only counted. */
  sctp?: SctpMessageConsumer;
  /** SCTP reassembly limits (defaults: DEFAULT_SCTP_REASSEMBLER_OPTIONS; tests lower the caps). */
  sctpLimits?: Partial<SctpReassemblerOptions>;
  anomalies?: AnomalyCounter;
  /** Called when capture time passes a whole second (application timeouts). */
  onTick?: (tsSec: number, tsNsec: number) => void;
}

const TUNNEL_NAMES: Record<number, string> = {
  [Tunnel.GRE]: 'gre',
  [Tunnel.ERSPAN_I]: 'erspan1',
  [Tunnel.ERSPAN_II]: 'erspan2',
  [Tunnel.ERSPAN_III]: 'erspan3',
  [Tunnel.VXLAN]: 'vxlan',
  [Tunnel.IPV4_IN_IP]: 'ipv4-in-ip',
  [Tunnel.IPV6_IN_IP]: 'ipv6-in-ip',
};

/** How often (in capture seconds) idle flows and stale fragments are expired. */
const EXPIRE_EVERY_SEC = 5;
/** How often (in capture seconds) the application stage is ticked. */
const TICK_EVERY_SEC = 1;

export class PacketPipeline {
  readonly anomalies: AnomalyCounter;
  readonly stats = new CaptureStats();
  private readonly pkt = createDecodedPacket();
  private readonly defrag: IpDefragmenter;
  private readonly tcp: TcpTracker;
  private readonly udp: UdpHandler | undefined;
  private readonly sctp: SctpReassembler | undefined;
  private nextExpireSec = -1;
  private nextTickSec = -1;
  private readonly onTick: ((tsSec: number, tsNsec: number) => void) | undefined;
  private lastLinkType = -1;
  private lastLinkName = '';
  /** Frames of `lastLinkType` not yet added to stats.linkTypes (a Map bump per frame costs). */
  private linkRun = 0;

  constructor(opts: PacketPipelineOptions = {}) {
    this.anomalies = opts.anomalies ?? new AnomalyCounter();
    this.defrag = new IpDefragmenter(this.anomalies);
    this.tcp = new TcpTracker(opts.tcpConsumers ?? { create: () => null }, this.anomalies, opts.tcp);
    this.udp = opts.udp;
    this.sctp = opts.sctp !== undefined ? new SctpReassembler(opts.sctp, this.anomalies, opts.sctpLimits) : undefined;
    this.onTick = opts.onTick;
  }

  /** Processes one captured frame. The frame's bytes are not kept after this returns. */
  frame(f: CapturedFrame): void {
    const s = this.stats;
    s.frames++;
    s.bytes += f.capLen;
    s.wireBytes += f.origLen;
    if (f.capLen < f.origLen) s.truncatedFrames++;
    s.time(f.tsSec, f.tsNsec);
    if (f.linkType !== this.lastLinkType) {
      this.flushLinkRun();
      this.lastLinkType = f.linkType;
      this.lastLinkName = linkTypeName(f.linkType);
    }
    this.linkRun++;

    const pkt = this.pkt;
    decodeFrame(f, pkt, this.anomalies);
    if (pkt.sawIpv4) s.ipv4++;
    if (pkt.sawIpv6) s.ipv6++;
    if (pkt.vlanDepth > 0) s.vlanTagged++;
    if (pkt.tunnel !== Tunnel.NONE) s.bump(s.tunnels, TUNNEL_NAMES[pkt.tunnel]!);

    // A reassembled datagram can carry a tunnel whose inner packet is itself a fragment, hence
    // the loop; the decoder's tunnel depth limit bounds it.
    while (pkt.isFragment) {
      if (!this.defrag.push(pkt, f.frameNo, f.tsSec, f.tsNsec)) {
        this.maybeExpire(f.tsSec, f.tsNsec);
        return;
      }
      decodeTransport(pkt, f.frameNo, this.anomalies);
    }
    if (pkt.l4 === 6) {
      s.tcpSegments++;
      this.tcp.packet(pkt, f.frameNo, f.tsSec, f.tsNsec);
    } else if (pkt.l4 === 17) {
      if (this.udp !== undefined) this.udp(pkt, f);
    } else if (pkt.l4 === 132) {
      s.sctpPackets++;
      if (this.sctp !== undefined) this.sctp.packet(pkt, f.frameNo, f.tsSec, f.tsNsec);
    }
    // Counted like tshark -Y udp: a frame with a UDP header at any depth (VXLAN carriers too).
    if (pkt.sawUdp) s.udpDatagrams++;
    // A whole datagram of a protocol no decoder looks into (ICMP, ESP, OSPF, ...): counted by
    // number, so traffic msrptap cannot see is never dropped silently (issue 16).
    if (pkt.l4 === 0 && pkt.ipVersion !== 0 && !isDecodedIpProto(pkt.ipProto)) s.ipProtocolsNotDecoded[pkt.ipProto]!++;
    this.maybeExpire(f.tsSec, f.tsNsec);
  }

  /** Adds the frames counted for the current link type to stats.linkTypes. */
  private flushLinkRun(): void {
    if (this.linkRun === 0) return;
    const s = this.stats;
    s.linkTypes.set(this.lastLinkName, (s.linkTypes.get(this.lastLinkName) ?? 0) + this.linkRun);
    this.linkRun = 0;
  }

  private maybeExpire(nowSec: number, nowNsec: number): void {
    if (nowSec < this.nextTickSec) return;
    this.nextTickSec = nowSec + TICK_EVERY_SEC;
    if (this.onTick !== undefined) this.onTick(nowSec, nowNsec);
    if (nowSec < this.nextExpireSec) return;
    if (this.nextExpireSec >= 0) {
      this.tcp.expire(nowSec);
      this.defrag.expire(nowSec);
      this.sctp?.expire(nowSec);
    }
    this.nextExpireSec = nowSec + EXPIRE_EVERY_SEC;
  }

  /** End of input: flushes reassembly (held data, gaps, ends of streams). */
  finish(): void {
    this.flushLinkRun();
    this.tcp.flush();
    this.sctp?.flush();
  }

  /** The TCP table's counters (live stats: gaps, bypass). */
  tcpStats(): TcpTrackerStats {
    return this.tcp.stats();
  }

  toJSON(inputs: { path: string; bytes: number }[]): CaptureStatsJson {
    this.flushLinkRun();
    const s = this.stats;
    const tcp = this.tcp.stats();
    const frag = this.defrag.stats();
    return {
      frames: s.frames,
      bytes: s.bytes,
      wireBytes: s.wireBytes,
      truncatedFrames: s.truncatedFrames,
      linkTypes: sortedRecord(s.linkTypes),
      ipv4: s.ipv4,
      ipv6: s.ipv6,
      fragments: frag.fragments,
      fragmentsReassembled: frag.reassembled,
      tcpConnections: tcp.connections,
      tcpSegments: s.tcpSegments,
      udpDatagrams: s.udpDatagrams,
      sctpPackets: s.sctpPackets,
      sctpMessages: this.sctp?.stats().messages ?? 0,
      tunnels: sortedRecord(s.tunnels),
      ipProtocolsNotDecoded: s.notDecodedRecord(),
      vlanTagged: s.vlanTagged,
      anomalies: this.anomalies.toJSON(),
      firstTimestamp: s.firstTimestamp(),
      lastTimestamp: s.lastTimestamp(),
      inputs,
    };
  }
}
