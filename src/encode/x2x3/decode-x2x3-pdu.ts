/**
 * X2/X3 PDU decoder (ETSI TS 103 221-2, li-standards 1.1-1.6). Never throws on input: returns the
 * PDU or a typed error with the byte offset and what was expected there.
 *
 * Checks: version 00 05, PDU type 1..4, header length >= 40 and within the caps, attributes
 * exactly filling the header, fixed attribute lengths (OpenLI x2x3_cond_attrs.c: seq 4,
 * timestamp 8, IPv4 4, IPv6 16, ports 2, protocol 1), type 0 reserved, no duplicates of
 * non-repeatable types, text attributes valid UTF-8, keepalives without payload.
 *
 * @remarks `correlationId`, `payload` and opaque/address attribute values are views into the
 * input; copy them if the input buffer is reused.
 */
import { formatUuid } from '../../records/uuid.js';
import { u16be, u32be } from '../../util/bytes.js';
import { decodeFail, type DecodeResult } from '../common/decode-error.js';
import { decodeUtf8 } from '../common/utf8.js';
import { PduType, REPEATABLE_ATTRIBUTES, X2X3_FIXED_HEADER_LENGTH, X2X3_VERSION } from './x2x3-constants.js';
import type { X2X3Attribute, X2X3Pdu } from './x2x3-pdu.js';

export interface X2X3DecodeOptions {
  /** Largest header length accepted (default 65535 + 40: attributes are TLVs with 16-bit lengths). */
  readonly maxHeaderLength?: number;
  /** Largest payload accepted (default 16 MiB). */
  readonly maxPayloadLength?: number;
}

export const DEFAULT_MAX_HEADER_LENGTH = 0xffff + X2X3_FIXED_HEADER_LENGTH;
export const DEFAULT_MAX_PAYLOAD_LENGTH = 16 * 1024 * 1024;

/** Expected value lengths of fixed-size attributes. */
const FIXED_LENGTH: Readonly<Record<number, number>> = { 8: 4, 9: 8, 10: 4, 11: 4, 12: 16, 13: 16, 14: 2, 15: 2, 16: 1 };

const ADDRESS_KIND = {
  10: 'sourceIPv4Address',
  11: 'destinationIPv4Address',
  12: 'sourceIPv6Address',
  13: 'destinationIPv6Address',
} as const;
const TEXT_KIND = { 17: 'matchedTargetIdentifier', 18: 'otherTargetIdentifier', 22: 'sdpSessionDescription' } as const;

/**
 * Reads the two length fields of a PDU starting at `off`; undefined when fewer than 12 bytes are
 * available. Used by the stream framer to know how much to wait for.
 */
export function peekX2X3Lengths(b: Uint8Array, off = 0): { headerLength: number; payloadLength: number } | undefined {
  if (b.length - off < 12) return undefined;
  return { headerLength: u32be(b, off + 4), payloadLength: u32be(b, off + 8) };
}

function decodeAttribute(type: number, v: Uint8Array, at: number): DecodeResult<X2X3Attribute> {
  const want = FIXED_LENGTH[type];
  if (want !== undefined && v.length !== want) return decodeFail('bad_attribute', at, `attribute ${type} value length ${want}, got ${v.length}`);
  switch (type) {
    case 8:
      return { ok: true, value: { kind: 'sequenceNumber', value: u32be(v, 0) } };
    case 9: {
      const nsec = u32be(v, 4);
      if (nsec > 999_999_999) return decodeFail('bad_attribute', at + 8, 'timestamp nanoseconds <= 999999999');
      return { ok: true, value: { kind: 'timestamp', sec: u32be(v, 0), nsec } };
    }
    case 10:
    case 11:
    case 12:
    case 13:
      return { ok: true, value: { kind: ADDRESS_KIND[type], address: v } };
    case 14:
      return { ok: true, value: { kind: 'sourcePort', port: u16be(v, 0) } };
    case 15:
      return { ok: true, value: { kind: 'destinationPort', port: u16be(v, 0) } };
    case 16:
      return { ok: true, value: { kind: 'ipProtocol', protocol: v[0]! } };
    case 17:
    case 18:
    case 22: {
      const text = decodeUtf8(v);
      if (text === undefined) return decodeFail('bad_attribute', at + 4, `attribute ${type} value as UTF-8 text`);
      return { ok: true, value: { kind: TEXT_KIND[type], text } };
    }
    default:
      return { ok: true, value: { kind: 'opaque', type, value: v } };
  }
}

/**
 * Decodes one PDU at `off`. On success `length` is the number of bytes it occupies
 * (headerLength + payloadLength); trailing bytes after it are not examined.
 */
export function decodeX2X3Pdu(b: Uint8Array, off = 0, opts: X2X3DecodeOptions = {}): DecodeResult<{ pdu: X2X3Pdu; length: number }> {
  const maxHeader = opts.maxHeaderLength ?? DEFAULT_MAX_HEADER_LENGTH;
  const maxPayload = opts.maxPayloadLength ?? DEFAULT_MAX_PAYLOAD_LENGTH;
  const avail = b.length - off;
  if (avail < X2X3_FIXED_HEADER_LENGTH) return decodeFail('truncated', off + Math.max(avail, 0), `${X2X3_FIXED_HEADER_LENGTH - avail} more header bytes`);
  const version = u16be(b, off);
  if (version !== X2X3_VERSION) return decodeFail('bad_version', off, 'version 00 05');
  const pduType = u16be(b, off + 2);
  if (pduType < PduType.X2 || pduType > PduType.KEEPALIVE_ACK) return decodeFail('bad_pdu_type', off + 2, 'PDU type 1..4');
  const headerLength = u32be(b, off + 4);
  if (headerLength < X2X3_FIXED_HEADER_LENGTH) return decodeFail('bad_header_length', off + 4, 'header length >= 40');
  if (headerLength > maxHeader) return decodeFail('too_large', off + 4, `header length <= ${maxHeader}`);
  const payloadLength = u32be(b, off + 8);
  if (payloadLength > maxPayload) return decodeFail('too_large', off + 8, `payload length <= ${maxPayload}`);
  if ((pduType === PduType.KEEPALIVE || pduType === PduType.KEEPALIVE_ACK) && payloadLength !== 0) {
    return decodeFail('bad_keepalive', off + 8, 'payload length 0 for keepalive PDUs');
  }
  const total = headerLength + payloadLength;
  if (avail < total) return decodeFail('truncated', b.length, `${total - avail} more bytes (PDU of ${total})`);

  const attributes: X2X3Attribute[] = [];
  const seen = new Set<number>();
  let p = off + X2X3_FIXED_HEADER_LENGTH;
  const hEnd = off + headerLength;
  while (p < hEnd) {
    if (hEnd - p < 4) return decodeFail('bad_attribute', p, `attribute type and length (4 bytes) within the header, ${hEnd - p} left`);
    const type = u16be(b, p);
    const len = u16be(b, p + 2);
    if (type === 0) return decodeFail('bad_attribute', p, 'attribute type != 0 (reserved)');
    if (p + 4 + len > hEnd) return decodeFail('bad_attribute', p + 2, `attribute length <= ${hEnd - p - 4} (end of header)`);
    if (seen.has(type) && !REPEATABLE_ATTRIBUTES.has(type)) return decodeFail('bad_attribute', p, `attribute ${type} at most once`);
    seen.add(type);
    const a = decodeAttribute(type, b.subarray(p + 4, p + 4 + len), p);
    if (!a.ok) return a;
    attributes.push(a.value);
    p += 4 + len;
  }

  return {
    ok: true,
    value: {
      length: total,
      pdu: {
        version,
        pduType,
        payloadFormat: u16be(b, off + 12),
        payloadDirection: u16be(b, off + 14),
        xid: formatUuid(b.subarray(off + 16, off + 32)),
        correlationId: b.subarray(off + 32, off + 40),
        attributes,
        payload: b.subarray(hEnd, off + total),
      },
    },
  };
}
