/**
 * X2/X3 PDU encoder (ETSI TS 103 221-2; layout in ./x2x3-pdu.ts). Pure: PDU data in, bytes out.
 * Invalid input (wrong XID, correlation ID length, out-of-range attribute values) is a caller bug
 * and throws InvariantError: an LI delivery must never carry a silently truncated field.
 */
import { InvariantError } from '../../core/errors.js';
import { parseUuidShared } from '../../records/uuid.js';
import { isWellFormedString } from '../common/utf8.js';
import { PduType, PayloadFormat, X2X3_FIXED_HEADER_LENGTH, X2X3_VERSION } from './x2x3-constants.js';
import { attributeType, type X2X3Attribute, type X2X3Pdu } from './x2x3-pdu.js';

/** What the encoder needs: version is always written as 00 05. */
export type X2X3PduInput = Omit<X2X3Pdu, 'version'>;

/** The all-zero XID / correlation ID of keepalives (OpenLI keepalive ack). */
export const ZERO_XID = '00000000-0000-0000-0000-000000000000';
const ZERO_CID = new Uint8Array(8);

function checkUint(name: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new InvariantError(`X2/X3 ${name}: ${v} not in 0..${max}`);
}

/** Octets of an attribute's value, checking it (the encoder never truncates a field). */
function attributeLength(a: X2X3Attribute): number {
  switch (a.kind) {
    case 'sequenceNumber':
      checkUint('sequence number', a.value, 0xffffffff);
      return 4;
    case 'timestamp':
      // POSIX timespec as two uint32 (li-standards 1.5, OpenLI quotes the spec wording).
      checkUint('timestamp seconds', a.sec, 0xffffffff);
      checkUint('timestamp nanoseconds', a.nsec, 999_999_999);
      return 8;
    case 'sourceIPv4Address':
    case 'destinationIPv4Address':
      if (a.address.length !== 4) throw new InvariantError(`X2/X3 ${a.kind}: ${a.address.length} bytes, expected 4`);
      return 4;
    case 'sourceIPv6Address':
    case 'destinationIPv6Address':
      if (a.address.length !== 16) throw new InvariantError(`X2/X3 ${a.kind}: ${a.address.length} bytes, expected 16`);
      return 16;
    case 'sourcePort':
    case 'destinationPort':
      checkUint(a.kind, a.port, 0xffff);
      return 2;
    case 'ipProtocol':
      checkUint('IP protocol', a.protocol, 0xff);
      return 1;
    case 'matchedTargetIdentifier':
    case 'otherTargetIdentifier':
    case 'sdpSessionDescription':
      if (!isWellFormedString(a.text)) throw new InvariantError(`X2/X3 ${a.kind}: not encodable as UTF-8`);
      return Buffer.byteLength(a.text, 'utf8');
    case 'opaque':
      checkUint('attribute type', a.type, 0xffff);
      if (a.type === 0) throw new InvariantError('X2/X3 attribute type 0 is reserved');
      return a.value.length;
  }
}

/** Writes an attribute's value octets at `p` (length from {@link attributeLength}). */
function writeAttributeValue(a: X2X3Attribute, out: Buffer, p: number): void {
  switch (a.kind) {
    case 'sequenceNumber':
      out.writeUInt32BE(a.value, p);
      return;
    case 'timestamp':
      out.writeUInt32BE(a.sec, p);
      out.writeUInt32BE(a.nsec, p + 4);
      return;
    case 'sourceIPv4Address':
    case 'destinationIPv4Address':
    case 'sourceIPv6Address':
    case 'destinationIPv6Address':
      out.set(a.address, p);
      return;
    case 'sourcePort':
    case 'destinationPort':
      out.writeUInt16BE(a.port, p);
      return;
    case 'ipProtocol':
      out[p] = a.protocol;
      return;
    case 'matchedTargetIdentifier':
    case 'otherTargetIdentifier':
    case 'sdpSessionDescription':
      out.write(a.text, p, 'utf8');
      return;
    case 'opaque':
      out.set(a.value, p);
  }
}

/** A payload written in place by its producer (the X2 DER, ../asn1/der-writer.ts prepareDer). */
export interface PayloadWriter {
  readonly length: number;
  writeTo(out: Uint8Array, at: number): void;
}

/** Encodes a PDU: fixed header, conditional attributes, payload. */
export function encodeX2X3Pdu(pdu: X2X3PduInput): Uint8Array {
  const payload = pdu.payload;
  return encodeX2X3PduWith(pdu, { length: payload.length, writeTo: (out, at) => out.set(payload, at) });
}

/**
 * Encodes a PDU whose payload is written straight into the PDU's buffer (one buffer of exactly
 * the PDU's size, no copy of the payload through an intermediate one).
 */
export function encodeX2X3PduWith(pdu: Omit<X2X3PduInput, 'payload'>, payload: PayloadWriter): Uint8Array {
  checkUint('PDU type', pdu.pduType, 0xffff);
  checkUint('payload format', pdu.payloadFormat, 0xffff);
  checkUint('payload direction', pdu.payloadDirection, 0xffff);
  const xid = parseUuidShared(pdu.xid);
  if (xid === undefined) throw new InvariantError('X2/X3 XID is not a UUID');
  if (pdu.correlationId.length !== 8) throw new InvariantError(`X2/X3 correlation ID: ${pdu.correlationId.length} bytes, expected 8`);

  const attrs = pdu.attributes;
  const lengths: number[] = [];
  let attrLen = 0;
  for (const a of attrs) {
    const n = attributeLength(a);
    if (n > 0xffff) throw new InvariantError(`X2/X3 attribute value of ${n} bytes exceeds 65535`);
    lengths.push(n);
    attrLen += 4 + n;
  }
  const headerLength = X2X3_FIXED_HEADER_LENGTH + attrLen;
  if (headerLength + payload.length > 0xffffffff) throw new InvariantError('X2/X3 PDU exceeds 2^32-1 bytes');

  const bytes = new Uint8Array(headerLength + payload.length);
  const out = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  out.writeUInt16BE(X2X3_VERSION, 0);
  out.writeUInt16BE(pdu.pduType, 2);
  out.writeUInt32BE(headerLength, 4);
  out.writeUInt32BE(payload.length, 8);
  out.writeUInt16BE(pdu.payloadFormat, 12);
  out.writeUInt16BE(pdu.payloadDirection, 14);
  out.set(xid, 16);
  out.set(pdu.correlationId, 32);
  let p = X2X3_FIXED_HEADER_LENGTH;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    out.writeUInt16BE(attributeType(a), p);
    out.writeUInt16BE(lengths[i]!, p + 2);
    writeAttributeValue(a, out, p + 4);
    p += 4 + lengths[i]!;
  }
  payload.writeTo(bytes, headerLength);
  return bytes;
}

/**
 * A keepalive (PDU type 3): no payload, format 0, direction 0, zero XID and correlation ID,
 * carrying the sequence number the peer must echo (OpenLI receiver behaviour, li-standards 1.6).
 */
export function encodeKeepalive(sequenceNumber: number): Uint8Array {
  return encodeX2X3Pdu({
    pduType: PduType.KEEPALIVE,
    payloadFormat: PayloadFormat.KEEPALIVE,
    payloadDirection: 0,
    xid: ZERO_XID,
    correlationId: ZERO_CID,
    attributes: [{ kind: 'sequenceNumber', value: sequenceNumber }],
    payload: new Uint8Array(0),
  });
}

/**
 * The acknowledgement of a received keepalive: echoes its sequence number attribute (header
 * length 48). Undefined when the keepalive carries no sequence number (a receiver then does not
 * reply, li-standards 1.6) or the PDU is not a keepalive.
 */
export function encodeKeepaliveAck(keepalive: X2X3Pdu): Uint8Array | undefined {
  if (keepalive.pduType !== PduType.KEEPALIVE) return undefined;
  const seq = keepalive.attributes.find((a) => a.kind === 'sequenceNumber');
  if (seq === undefined || seq.kind !== 'sequenceNumber') return undefined;
  return encodeX2X3Pdu({
    pduType: PduType.KEEPALIVE_ACK,
    payloadFormat: PayloadFormat.KEEPALIVE,
    payloadDirection: 0,
    xid: ZERO_XID,
    correlationId: ZERO_CID,
    attributes: [{ kind: 'sequenceNumber', value: seq.value }],
    payload: new Uint8Array(0),
  });
}
