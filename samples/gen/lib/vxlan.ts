/**
 * VXLAN (RFC 7348 section 5): an 8-byte header after UDP (destination port 4789) carrying an
 * inner Ethernet frame.
 *
 * ```
 * | flags (I = 0x08) | reserved (3) | VNI (3) | reserved (1) |
 * ```
 */
import { ByteWriter } from '../../../src/util/bytes.js';

/** IANA-assigned VXLAN UDP port (RFC 7348 section 5). */
export const VXLAN_PORT = 4789;

/** VXLAN header + inner Ethernet frame. */
export function vxlan(o: { vni: number; payload: Uint8Array }): Uint8Array {
  return new ByteWriter(8 + o.payload.length)
    .u8(0x08) // I flag: the VNI is valid
    .zeros(3)
    .u32((o.vni & 0xffffff) << 8)
    .bytes(o.payload)
    .finish();
}
