/**
 * GRE (RFC 2784 with the Key and Sequence Number extensions of RFC 2890) and the ERSPAN type II
 * and type III headers it carries (draft-foschiano-erspan-03 sections 4.1 and 4.2), as switches
 * and cloud traffic-mirroring emit them.
 *
 * ```
 * GRE:        | C . K S . . . . . . . . ver:3 | protocol (2) | [checksum (2) reserved (2)] | [key (4)] | [seq (4)] |
 * ERSPAN II:  | ver=1:4 vlan:12 | cos:3 en:2 t:1 session:10 | reserved:12 index:20 |
 * ERSPAN III: | ver=2:4 vlan:12 | cos:3 bso:2 t:1 session:10 | timestamp (4) | sgt:16 p:1 ft:5 hwid:6 d:1 gra:2 o:1 |
 * ```
 */
import { ByteWriter } from '../../../src/util/bytes.js';
import { internetChecksum } from './checksum.js';

export interface GreOptions {
  /** Protocol type of the payload (an EtherType: 0x0800, 0x86dd, 0x88be, 0x22eb, 0x6558). */
  protocol: number;
  payload: Uint8Array;
  /** Add the checksum field (C bit) with a correct checksum over header and payload. */
  checksum?: boolean;
  /** Key field (K bit, RFC 2890 section 2.1). */
  key?: number;
  /** Sequence number (S bit, RFC 2890 section 2.2); ERSPAN II and III always carry one. */
  sequence?: number;
}

/** Builds a GRE header + payload. */
export function gre(o: GreOptions): Uint8Array {
  const c = o.checksum === true;
  const w = new ByteWriter(16 + o.payload.length);
  w.u16((c ? 0x8000 : 0) | (o.key !== undefined ? 0x2000 : 0) | (o.sequence !== undefined ? 0x1000 : 0)).u16(o.protocol);
  if (c) w.u16(0).u16(0);
  if (o.key !== undefined) w.u32(o.key);
  if (o.sequence !== undefined) w.u32(o.sequence);
  const out = w.bytes(o.payload).finish();
  if (c) {
    // RFC 2784 section 2.5: checksum over the GRE header and payload with the field zeroed.
    const sum = internetChecksum([out]);
    out[4] = sum >>> 8;
    out[5] = sum & 0xff;
  }
  return out;
}

export interface ErspanOptions {
  /** Mirrored frame (an Ethernet frame without FCS). */
  payload: Uint8Array;
  /** ERSPAN session id, 0..1023. */
  sessionId: number;
  /** Original VLAN, 0..4095; default 0. */
  vlan?: number;
  /** Class of service, 0..7; default 0. */
  cos?: number;
  /** The mirrored frame was truncated by the switch (T bit). */
  truncated?: boolean;
}

export interface ErspanIIOptions extends ErspanOptions {
  /** Port index, 20 bits; default 0. */
  index?: number;
  /** Encapsulation type (En), 0..3; default 0 (originally untagged). */
  encap?: number;
}

/** ERSPAN type II header + mirrored frame; carry it in GRE with protocol 0x88be and a sequence number. */
export function erspanII(o: ErspanIIOptions): Uint8Array {
  const w = new ByteWriter(8 + o.payload.length);
  w.u16((1 << 12) | ((o.vlan ?? 0) & 0xfff))
    .u16(((o.cos ?? 0) << 13) | ((o.encap ?? 0) << 11) | (o.truncated === true ? 0x400 : 0) | (o.sessionId & 0x3ff))
    .u32((o.index ?? 0) & 0xfffff);
  return w.bytes(o.payload).finish();
}

export interface ErspanIIIOptions extends ErspanOptions {
  /** Timestamp in units of `granularity`; default 0. */
  timestamp?: number;
  /** Security group tag; default 0. */
  sgt?: number;
  /** Hardware id, 0..63; default 0. */
  hwId?: number;
  /** Direction bit: false = ingress, true = egress. */
  egress?: boolean;
  /** Timestamp granularity (Gra), 0..3; default 3 (IEEE 1588). */
  granularity?: number;
}

/**
 * ERSPAN type III header + mirrored frame; carry it in GRE with protocol 0x22eb and a sequence
 * number. Frame type 0 (Ethernet), no platform-specific sub-header (O = 0).
 */
export function erspanIII(o: ErspanIIIOptions): Uint8Array {
  const w = new ByteWriter(12 + o.payload.length);
  w.u16((2 << 12) | ((o.vlan ?? 0) & 0xfff))
    .u16(((o.cos ?? 0) << 13) | (o.truncated === true ? 0x400 : 0) | (o.sessionId & 0x3ff))
    .u32(o.timestamp ?? 0)
    .u16(o.sgt ?? 0)
    // P = 0, FT = 0 (Ethernet frame), Hw ID, D, Gra, O = 0.
    .u16((((o.hwId ?? 0) & 0x3f) << 4) | (o.egress === true ? 0x8 : 0) | (((o.granularity ?? 3) & 3) << 1));
  return w.bytes(o.payload).finish();
}
