/** TCP segments (RFC 9293 section 3.1) with options and the pseudo-header checksum. */
import { ByteWriter } from '../../../src/util/bytes.js';
import { transportChecksum } from './checksum.js';

/** TCP flag bits (RFC 9293 section 3.1; ECE/CWR from RFC 3168). */
export const TcpFlags = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80 } as const;

export interface TcpOptions {
  /** IP source / destination (4 or 16 bytes), for the checksum pseudo-header. */
  src: Uint8Array;
  dst: Uint8Array;
  srcPort: number;
  dstPort: number;
  seq: number;
  /** Acknowledgment number; 0 unless ACK is set. */
  ack?: number;
  flags: number;
  /** Default 65535. */
  window?: number;
  urgent?: number;
  /** Raw option bytes, padded with End-of-Option-List (0) to a multiple of 4; at most 40. */
  options?: Uint8Array;
  payload?: Uint8Array;
  /** 'valid' (default), 'bad' (valid + 1) or a number stored verbatim. */
  checksum?: 'valid' | 'bad' | number;
}

/** MSS option (kind 2, RFC 9293 section 3.2). */
export function tcpMssOption(mss: number): Uint8Array {
  return Uint8Array.of(2, 4, mss >>> 8, mss & 0xff);
}

/** SYN options as common stacks send them: MSS, NOP, NOP, SACK-permitted (RFC 2018). */
export function tcpSynOptions(mss: number): Uint8Array {
  return Uint8Array.of(...tcpMssOption(mss), 1, 1, 4, 2);
}

/** Builds a TCP header + payload. */
export function tcp(o: TcpOptions): Uint8Array {
  const opt = o.options ?? new Uint8Array(0);
  const optLen = Math.ceil(opt.length / 4) * 4;
  if (optLen > 40) throw new RangeError('tcp: options longer than 40 bytes');
  const payload = o.payload ?? new Uint8Array(0);
  const hlen = 20 + optLen;
  const seg = new ByteWriter(hlen + payload.length)
    .u16(o.srcPort)
    .u16(o.dstPort)
    .u32(o.seq)
    .u32(o.ack ?? 0)
    .u8((hlen / 4) << 4)
    .u8(o.flags)
    .u16(o.window ?? 65535)
    .u16(0)
    .u16(o.urgent ?? 0)
    .bytes(opt)
    .zeros(optLen - opt.length)
    .bytes(payload)
    .finish();
  const mode = o.checksum ?? 'valid';
  let sum = typeof mode === 'number' ? mode : transportChecksum(o.src, o.dst, 6, seg);
  if (mode === 'bad') sum = (sum + 1) & 0xffff;
  seg[16] = sum >>> 8;
  seg[17] = sum & 0xff;
  return seg;
}
