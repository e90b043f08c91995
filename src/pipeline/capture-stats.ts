/**
 * What the capture layer and decoders saw: the model behind `msrptap stats`. Plain counters,
 * filled by PacketPipeline; JSON-serialisable as is.
 */
import { formatTimestamp } from '../core/timestamp.js';

export interface CaptureStatsJson {
  /** Capture records read (all inputs). */
  frames: number;
  /** Captured bytes (sum of captured lengths). */
  bytes: number;
  /** Bytes on the wire (sum of original lengths). */
  wireBytes: number;
  /** Frames whose captured length is less than their original length (snaplen). */
  truncatedFrames: number;
  linkTypes: Record<string, number>;
  ipv4: number;
  ipv6: number;
  fragments: number;
  fragmentsReassembled: number;
  tcpConnections: number;
  tcpSegments: number;
  udpDatagrams: number;
  /** Frames with a decoded SCTP common header (RFC 9260). */
  sctpPackets: number;
  /** SCTP user messages handed to the analyzers (0 for `msrptap stats`, which does not reassemble). */
  sctpMessages: number;
  /** Frames per innermost tunnel kind removed (gre, erspan1..3, vxlan, ipv4-in-ip, ipv6-in-ip). */
  tunnels: Record<string, number>;
  /**
   * Whole datagrams (after defragmentation and tunnel removal) whose IP protocol msrptap has no
   * decoder for, by protocol number ("1" ICMP, "50" ESP, ...): what the tap did not look into.
   */
  ipProtocolsNotDecoded: Record<string, number>;
  vlanTagged: number;
  anomalies: Record<string, number>;
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  inputs: { path: string; bytes: number }[];
  live?: { received: number; dropped: number; ifDropped: number };
}

export class CaptureStats {
  frames = 0;
  bytes = 0;
  wireBytes = 0;
  truncatedFrames = 0;
  readonly linkTypes = new Map<string, number>();
  ipv4 = 0;
  ipv6 = 0;
  tcpSegments = 0;
  udpDatagrams = 0;
  sctpPackets = 0;
  vlanTagged = 0;
  readonly tunnels = new Map<string, number>();
  /** Indexed by IP protocol number: a typed array, so counting a packet costs no Map lookup. */
  readonly ipProtocolsNotDecoded = new Float64Array(256);
  firstSec = -1;
  firstNsec = 0;
  lastSec = -1;
  lastNsec = 0;

  /**
   * Records a capture time; keeps the earliest and latest (merged inputs may interleave).
   * pcapng Simple Packet Blocks carry no time and arrive as 0.0, which is never a real capture
   * time: they are left out, as tshark leaves them out.
   */
  time(sec: number, nsec: number): void {
    if (sec === 0 && nsec === 0) return;
    if (this.firstSec < 0 || sec < this.firstSec || (sec === this.firstSec && nsec < this.firstNsec)) {
      this.firstSec = sec;
      this.firstNsec = nsec;
    }
    if (sec > this.lastSec || (sec === this.lastSec && nsec > this.lastNsec)) {
      this.lastSec = sec;
      this.lastNsec = nsec;
    }
  }

  bump(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  /** The non-zero {@link ipProtocolsNotDecoded} counts keyed by protocol number, ascending. */
  notDecodedRecord(): Record<string, number> {
    const out: Record<string, number> = {};
    this.ipProtocolsNotDecoded.forEach((n, proto) => {
      if (n > 0) out[String(proto)] = n;
    });
    return out;
  }

  firstTimestamp(): string | null {
    return this.firstSec < 0 ? null : formatTimestamp(this.firstSec, this.firstNsec);
  }
  lastTimestamp(): string | null {
    return this.lastSec < 0 ? null : formatTimestamp(this.lastSec, this.lastNsec);
  }
}

export function sortedRecord(map: ReadonlyMap<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...map.keys()].sort()) out[k] = map.get(k)!;
  return out;
}
