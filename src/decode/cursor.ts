/**
 * Internal plumbing of the layer decoders: the cursor that walks one frame, the layer codes the
 * dispatcher switches on (Zeek ForwardPacket / gopacket NextLayerType style), and the shared
 * "enter a tunnel" step. Not part of the public decode API.
 *
 * Every layer step has the shape `(c, out, sink) => Layer`: it reads its header at
 * `c.buf[c.off, c.end)`, writes what it learned into `out`, advances the cursor past its header
 * and returns the layer to decode next (or `Layer.DONE`). Steps never recurse, so nesting depth is
 * bounded by the tunnel limit alone and no per-packet closures or result objects are created.
 */
import type { AnomalySink } from '../core/anomaly.js';
import type { DecodedPacket, TunnelKind } from './decoded-packet.js';

/** Position in the bytes being decoded. One instance is reused for every frame. */
export interface Cursor {
  /** Bytes of the current layer (the frame, or the IP payload view once past the IP layer). */
  buf: Uint8Array;
  /** Start of the next header within `buf`. */
  off: number;
  /** End of the valid bytes within `buf` (IP length fields shrink it: Ethernet padding trimmed). */
  end: number;
  /** Pending protocol selector: EtherType, GRE protocol type. */
  type: number;
  /** GRE sequence-number bit of the GRE header just decoded (ERSPAN type I vs II). */
  greSeq: boolean;
  /** 1-based frame number for anomaly reports. */
  frameNo: number;
  /**
   * The capture layer cut the frame (capLen < origLen): payloads shorter than their length
   * fields are expected and are not reported again (the capture layer reports the snaplen).
   */
  snapCut: boolean;
}

/** Layer codes the dispatcher switches on. */
export const Layer = {
  DONE: 0,
  ETHERNET: 1,
  /** EtherType in `c.type`, VLAN tags (if any) at `c.off`. */
  ETHERTYPE: 2,
  LINUX_SLL: 3,
  LINUX_SLL2: 4,
  BSD_NULL: 5,
  BSD_LOOP: 6,
  /** Raw IP: version from the first nibble. */
  RAW_IP: 7,
  IPV4: 8,
  IPV6: 9,
  /** Dispatch on out.ipProto over out.ipPayload. */
  TRANSPORT: 10,
  TCP: 11,
  UDP: 12,
  GRE: 13,
  /** GRE protocol type in `c.type`, GRE payload at `c.off`. */
  GRE_PAYLOAD: 14,
  ERSPAN_II: 15,
  ERSPAN_III: 16,
  VXLAN: 17,
  SCTP: 18,
} as const;
export type LayerCode = (typeof Layer)[keyof typeof Layer];

/**
 * Maximum number of tunnel encapsulations removed from one frame. Real mirror traffic has one
 * (ERSPAN, VXLAN), rarely two; a deeper stack is either hostile or a loop in a broken mirror
 * setup, and each level costs a full re-decode.
 */
export const MAX_TUNNEL_DEPTH = 4;

const EMPTY = new Uint8Array(0);

/**
 * Commits to decapsulating a tunnel of `kind`: counts the depth (reporting
 * `decode.tunnel_too_deep` past MAX_TUNNEL_DEPTH) and clears the transport fields of the outer
 * packet, whose UDP/GRE payload is now the tunnel and not application data. The outer IP fields
 * stay until an inner IP header overwrites them, so a tunnel with a non-IP inner frame still
 * describes the carrier datagram (with l4 = 0).
 *
 * @returns false when the tunnel must not be entered.
 */
export function enterTunnel(c: Cursor, out: DecodedPacket, sink: AnomalySink, kind: TunnelKind): boolean {
  if (out.tunnelDepth >= MAX_TUNNEL_DEPTH) {
    sink.report('decode.tunnel_too_deep', c.frameNo);
    return false;
  }
  out.tunnelDepth++;
  out.tunnel = kind;
  clearTransport(out);
  return true;
}

/** Resets the transport-layer fields of `out` (before re-decoding them or entering a tunnel). */
export function clearTransport(out: DecodedPacket): void {
  out.l4 = 0;
  out.srcPort = 0;
  out.dstPort = 0;
  out.tcpSeq = 0;
  out.tcpAck = 0;
  out.tcpFlags = 0;
  out.tcpWindow = 0;
  out.sctpVtag = 0;
  out.payload = EMPTY;
}

/** The shared empty view, for fields that have no bytes. */
export const EMPTY_BYTES: Uint8Array = EMPTY;

/**
 * `b.subarray(start, end)` without the species lookup `subarray` performs: a plain Uint8Array
 * over the same memory, about twice as fast in V8 on this per-packet path. Callers guarantee
 * `0 <= start <= end <= b.length`.
 */
export function view(b: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset + start, end - start);
}
