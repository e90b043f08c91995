/**
 * IPv6 packets (RFC 8200 section 3) with extension headers (section 4): Hop-by-Hop Options,
 * Routing, Fragment and Destination Options, chained through their Next Header fields.
 *
 * ```
 * | ver:4 tc:8 flow:20 | payload length (2) | next header | hop limit | src (16) | dst (16) | ext headers... | payload |
 * ```
 */
import { ByteWriter } from '../../../src/util/bytes.js';

/** One TLV option inside a Hop-by-Hop or Destination Options header (RFC 8200 section 4.2). */
export interface Ipv6Option {
  type: number;
  data: Uint8Array;
}

/** An extension header; list them in the order RFC 8200 section 4.1 recommends. */
export type Ipv6ExtensionHeader =
  | { kind: 'hop-by-hop' | 'destination'; options?: readonly Ipv6Option[] }
  | {
      kind: 'routing';
      routingType: number;
      segmentsLeft: number;
      /** Type-specific data after the 4 fixed bytes; 4 + length must be a multiple of 8. Default 4 zero bytes. */
      data?: Uint8Array;
    }
  | {
      kind: 'fragment';
      /** Fragment offset in bytes (multiple of 8). */
      offset: number;
      more: boolean;
      id: number;
    };

/** Next Header values of the extension headers (IANA protocol numbers). */
export const Ipv6Ext = { HOP_BY_HOP: 0, ROUTING: 43, FRAGMENT: 44, DESTINATION: 60, NO_NEXT: 59 } as const;

export interface Ipv6Options {
  src: Uint8Array;
  dst: Uint8Array;
  /** Protocol of the payload after all extension headers (6 TCP, 17 UDP, ...). */
  nextHeader: number;
  payload: Uint8Array;
  extensions?: readonly Ipv6ExtensionHeader[];
  /** Default 64. */
  hopLimit?: number;
  trafficClass?: number;
  flowLabel?: number;
  /** Payload-length field override. */
  payloadLength?: number;
}

function extCode(h: Ipv6ExtensionHeader): number {
  switch (h.kind) {
    case 'hop-by-hop':
      return Ipv6Ext.HOP_BY_HOP;
    case 'routing':
      return Ipv6Ext.ROUTING;
    case 'fragment':
      return Ipv6Ext.FRAGMENT;
    case 'destination':
      return Ipv6Ext.DESTINATION;
  }
}

/**
 * Options area padded with Pad1/PadN (RFC 8200 section 4.2) so that the header (2 fixed bytes +
 * options) is a multiple of 8 bytes.
 */
function optionsArea(options: readonly Ipv6Option[]): Uint8Array {
  const w = new ByteWriter(16);
  for (const o of options) w.u8(o.type).u8(o.data.length).bytes(o.data);
  const pad = (8 - ((2 + w.length) % 8)) % 8;
  if (pad === 1)
    w.u8(0); // Pad1
  else if (pad > 1)
    w.u8(1)
      .u8(pad - 2)
      .zeros(pad - 2); // PadN
  return w.finish();
}

/** Serialises one extension header given the Next Header value that follows it. */
export function ipv6ExtensionHeader(h: Ipv6ExtensionHeader, next: number): Uint8Array {
  const w = new ByteWriter(16);
  switch (h.kind) {
    case 'hop-by-hop':
    case 'destination': {
      const area = optionsArea(h.options ?? []);
      w.u8(next)
        .u8((2 + area.length) / 8 - 1)
        .bytes(area);
      break;
    }
    case 'routing': {
      const data = h.data ?? new Uint8Array(4);
      if ((4 + data.length) % 8 !== 0) throw new RangeError('ipv6 routing header: 4 + data length must be a multiple of 8');
      w.u8(next)
        .u8((4 + data.length) / 8 - 1)
        .u8(h.routingType)
        .u8(h.segmentsLeft)
        .bytes(data);
      break;
    }
    case 'fragment':
      if (h.offset % 8 !== 0) throw new RangeError(`ipv6 fragment offset ${h.offset} not a multiple of 8`);
      // RFC 8200 section 4.5: offset in 8-octet units in the top 13 bits, M flag in bit 0.
      w.u8(next)
        .u8(0)
        .u16(((h.offset / 8) << 3) | (h.more ? 1 : 0))
        .u32(h.id);
      break;
  }
  return w.finish();
}

/**
 * Segment Routing Header data (RFC 8754 section 2, routing type 4) for {@link Ipv6ExtensionHeader}
 * `routing.data`: last entry, flags, tag, then the segment list (segment[0] is the final destination).
 */
export function srhData(segments: readonly Uint8Array[], tag = 0): Uint8Array {
  const w = new ByteWriter(4 + 16 * segments.length);
  w.u8(segments.length - 1)
    .u8(0)
    .u16(tag);
  for (const s of segments) w.bytes(s);
  return w.finish();
}

/** Builds an IPv6 header, its extension headers, then `payload`. */
export function ipv6(o: Ipv6Options): Uint8Array {
  const exts = o.extensions ?? [];
  const encoded = exts.map((h, i) => ipv6ExtensionHeader(h, i + 1 < exts.length ? extCode(exts[i + 1]!) : o.nextHeader));
  const extLen = encoded.reduce((n, e) => n + e.length, 0);
  const w = new ByteWriter(40 + extLen + o.payload.length);
  w.u32((6 << 28) | ((o.trafficClass ?? 0) << 20) | ((o.flowLabel ?? 0) & 0xfffff))
    .u16(o.payloadLength ?? extLen + o.payload.length)
    .u8(exts.length > 0 ? extCode(exts[0]!) : o.nextHeader)
    .u8(o.hopLimit ?? 64)
    .bytes(o.src)
    .bytes(o.dst);
  for (const e of encoded) w.bytes(e);
  return w.bytes(o.payload).finish();
}
