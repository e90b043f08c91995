/** UDP datagrams (RFC 768) with the pseudo-header checksum for IPv4 or IPv6 (RFC 8200 section 8.1). */
import { ByteWriter } from '../../../src/util/bytes.js';
import { transportChecksum } from './checksum.js';

export interface UdpOptions {
  /** IP source / destination (4 or 16 bytes): only used for the checksum pseudo-header. */
  src: Uint8Array;
  dst: Uint8Array;
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
  /**
   * 'valid' (default), 'zero' (no checksum: allowed for IPv4 only, RFC 768), 'bad' (valid + 1),
   * or a number stored verbatim.
   */
  checksum?: 'valid' | 'zero' | 'bad' | number;
  /** Length field override. */
  length?: number;
}

/** Builds a UDP header + payload. */
export function udp(o: UdpOptions): Uint8Array {
  const seg = new ByteWriter(8 + o.payload.length)
    .u16(o.srcPort)
    .u16(o.dstPort)
    .u16(o.length ?? 8 + o.payload.length)
    .u16(0)
    .bytes(o.payload)
    .finish();
  const mode = o.checksum ?? 'valid';
  let sum: number;
  if (typeof mode === 'number') sum = mode;
  else if (mode === 'zero') sum = 0;
  else {
    sum = transportChecksum(o.src, o.dst, 17, seg);
    if (mode === 'bad') sum = sum === 0xffff ? 1 : (sum + 1) & 0xffff;
  }
  seg[6] = sum >>> 8;
  seg[7] = sum & 0xff;
  return seg;
}
