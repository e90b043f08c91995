/**
 * Wraps byte payloads into a classic pcap of Ethernet/IPv4/TCP segments (one payload per
 * segment, correct IPv4 header and TCP checksums, RFC 791 / RFC 9293 3.1), so tshark and
 * wiregasm can dissect X2/X3 PDUs, which their li5g dissector does not reassemble.
 */
import { PcapWriter } from '../../../../src/capture/pcap-writer.js';
import { LinkType } from '../../../../src/core/link-type.js';
import { ByteWriter, concatBytes } from '../../../../src/util/bytes.js';

/** RFC 1071 Internet checksum over the concatenated parts. */
export function internetChecksum(parts: readonly Uint8Array[]): number {
  let sum = 0;
  let odd: number | undefined;
  for (const p of parts) {
    for (const byte of p) {
      if (odd === undefined) odd = byte;
      else {
        sum += (odd << 8) | byte;
        odd = undefined;
      }
    }
  }
  if (odd !== undefined) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export interface TcpFlowSpec {
  readonly srcIp: readonly [number, number, number, number];
  readonly dstIp: readonly [number, number, number, number];
  readonly srcPort: number;
  readonly dstPort: number;
}

/** One Ethernet frame carrying `payload` in a TCP segment with sequence number `seq`. */
export function tcpFrame(f: TcpFlowSpec, seq: number, payload: Uint8Array, id = 1): Uint8Array {
  const src = Uint8Array.from(f.srcIp);
  const dst = Uint8Array.from(f.dstIp);
  const tcp = new ByteWriter(20 + payload.length);
  tcp
    .u16(f.srcPort)
    .u16(f.dstPort)
    .u32(seq)
    .u32(1)
    .u8(5 << 4)
    .u8(0x18)
    .u16(65535)
    .u16(0)
    .u16(0)
    .bytes(payload);
  const seg = tcp.finish();
  const pseudo = new ByteWriter(12).bytes(src).bytes(dst).u8(0).u8(6).u16(seg.length).finish();
  const tsum = internetChecksum([pseudo, seg]);
  seg[16] = tsum >> 8;
  seg[17] = tsum & 0xff;
  const ip = new ByteWriter(20);
  ip.u8(0x45)
    .u8(0)
    .u16(20 + seg.length)
    .u16(id & 0xffff)
    .u16(0x4000)
    .u8(64)
    .u8(6)
    .u16(0)
    .bytes(src)
    .bytes(dst);
  const iph = ip.finish();
  const isum = internetChecksum([iph]);
  iph[10] = isum >> 8;
  iph[11] = isum & 0xff;
  const eth = new ByteWriter(14)
    .bytes(Uint8Array.of(2, 0, 0, 0, 0, 2))
    .bytes(Uint8Array.of(2, 0, 0, 0, 0, 1))
    .u16(0x0800)
    .finish();
  return concatBytes([eth, iph, seg]);
}

/** A pcap file with one TCP segment per payload, all in one direction of one flow. */
export function pduPcap(payloads: readonly Uint8Array[], f: TcpFlowSpec, tsSec = 1_764_320_400): Uint8Array {
  const chunks: Uint8Array[] = [];
  const w = new PcapWriter((c) => chunks.push(c), { linkType: LinkType.ETHERNET, nanosecond: true });
  let seq = 1000;
  payloads.forEach((p, i) => {
    w.packet(tsSec + i, 0, tcpFrame(f, seq, p, i + 1));
    seq = (seq + p.length) >>> 0;
  });
  return concatBytes(chunks);
}

export const X2X3_TEST_FLOW: TcpFlowSpec = { srcIp: [198, 51, 100, 1], dstIp: [198, 51, 100, 2], srcPort: 40000, dstPort: 20000 };
