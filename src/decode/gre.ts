/**
 * GRE (RFC 2784, with the key and sequence number extensions of RFC 2890) as used by mirror
 * sessions and routed tunnels: decapsulates IPv4, IPv6, transparent Ethernet (0x6558) and
 * ERSPAN (0x88BE type I/II, 0x22EB type III).
 */
import type { AnomalySink } from '../core/anomaly.js';
import { u16be } from '../util/bytes.js';
import { enterTunnel, Layer, type Cursor, type LayerCode } from './cursor.js';
import { Tunnel, type DecodedPacket } from './decoded-packet.js';
import { EtherType } from './ethernet.js';

// First octet of the GRE header (RFC 2784 section 2, RFC 2890 section 2, RFC 1701 section 2.1).
const GRE_C = 0x80; // checksum present: checksum + reserved1 (4 octets)
const GRE_R = 0x40; // RFC 1701 routing present: a variable source-route list follows
const GRE_K = 0x20; // RFC 2890 key present (4 octets)
const GRE_S = 0x10; // RFC 2890 sequence number present (4 octets)

/**
 * Parses the GRE header: flags, version, protocol type, and the optional checksum, key and
 * sequence words, leaving the protocol type in `c.type`. Only version 0 is decapsulated
 * (version 1 is PPTP's enhanced GRE, RFC 2637, which carries PPP). The RFC 1701 routing bit
 * changes the header layout and is deprecated by RFC 2784 section 2.3: such packets are
 * reported and left alone. The GRE checksum is not verified (it covers the whole payload and
 * mirror sessions do not set it).
 */
export function decodeGre(c: Cursor, _out: DecodedPacket, sink: AnomalySink): LayerCode {
  const b = c.buf;
  const off = c.off;
  if (c.end - off < 4) {
    sink.report('gre.truncated', c.frameNo);
    return Layer.DONE;
  }
  const flags = b[off]!;
  if ((b[off + 1]! & 0x07) !== 0) {
    sink.report('gre.unsupported_header', c.frameNo, 'version');
    return Layer.DONE;
  }
  if ((flags & GRE_R) !== 0) {
    sink.report('gre.unsupported_header', c.frameNo, 'routing');
    return Layer.DONE;
  }
  const hl = 4 + ((flags & GRE_C) !== 0 ? 4 : 0) + ((flags & GRE_K) !== 0 ? 4 : 0) + ((flags & GRE_S) !== 0 ? 4 : 0);
  if (c.end - off < hl) {
    sink.report('gre.truncated', c.frameNo);
    return Layer.DONE;
  }
  c.type = u16be(b, off + 2);
  c.greSeq = (flags & GRE_S) !== 0;
  c.off = off + hl;
  return Layer.GRE_PAYLOAD;
}

/**
 * Dispatches on the GRE protocol type (an EtherType). ERSPAN 0x88BE without the sequence bit
 * is type I, which has no ERSPAN header: the mirrored Ethernet frame follows at once (the
 * Linux erspan driver and Wireshark make the same distinction).
 */
export function decodeGrePayload(c: Cursor, out: DecodedPacket, sink: AnomalySink): LayerCode {
  switch (c.type) {
    case EtherType.IPV4:
      return enterTunnel(c, out, sink, Tunnel.GRE) ? Layer.IPV4 : Layer.DONE;
    case EtherType.IPV6:
      return enterTunnel(c, out, sink, Tunnel.GRE) ? Layer.IPV6 : Layer.DONE;
    case EtherType.TEB:
      return enterTunnel(c, out, sink, Tunnel.GRE) ? Layer.ETHERNET : Layer.DONE;
    case EtherType.ERSPAN_II:
      if (c.greSeq) return Layer.ERSPAN_II;
      return enterTunnel(c, out, sink, Tunnel.ERSPAN_I) ? Layer.ETHERNET : Layer.DONE;
    case EtherType.ERSPAN_III:
      return Layer.ERSPAN_III;
    default:
      sink.report('gre.unsupported_protocol', c.frameNo, `0x${c.type.toString(16).padStart(4, '0')}`);
      return Layer.DONE;
  }
}
