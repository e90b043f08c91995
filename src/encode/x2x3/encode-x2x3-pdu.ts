/**
 * X2/X3 PDU encoder (ETSI TS 103 221-2; layout in ./x2x3-pdu.ts). Pure: PDU data in, bytes out.
 * Invalid input (wrong XID, correlation ID length, out-of-range attribute values) is a caller bug
 * and throws InvariantError: an LI delivery must never carry a silently truncated field.
 */
import { InvariantError } from '../../core/errors.js';
import { parseUuidShared } from '../../records/uuid.js';
import { ByteWriter } from '../../util/bytes.js';
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

/** Encodes one attribute's value octets. */
function attributeValue(a: X2X3Attribute): Uint8Array {
  switch (a.kind) {
    case 'sequenceNumber': {
      checkUint('sequence number', a.value, 0xffffffff);
      return new ByteWriter(4).u32(a.value).finish();
    }
    case 'timestamp':
      // POSIX timespec as two uint32 (li-standards 1.5, OpenLI quotes the spec wording).
      checkUint('timestamp seconds', a.sec, 0xffffffff);
      checkUint('timestamp nanoseconds', a.nsec, 999_999_999);
      return new ByteWriter(8).u32(a.sec).u32(a.nsec).finish();
    case 'sourceIPv4Address':
    case 'destinationIPv4Address':
      if (a.address.length !== 4) throw new InvariantError(`X2/X3 ${a.kind}: ${a.address.length} bytes, expected 4`);
      return a.address;
    case 'sourceIPv6Address':
    case 'destinationIPv6Address':
      if (a.address.length !== 16) throw new InvariantError(`X2/X3 ${a.kind}: ${a.address.length} bytes, expected 16`);
      return a.address;
    case 'sourcePort':
    case 'destinationPort':
      checkUint(a.kind, a.port, 0xffff);
      return new ByteWriter(2).u16(a.port).finish();
    case 'ipProtocol':
      checkUint('IP protocol', a.protocol, 0xff);
      return Uint8Array.of(a.protocol);
    case 'matchedTargetIdentifier':
    case 'otherTargetIdentifier':
    case 'sdpSessionDescription':
      if (!isWellFormedString(a.text)) throw new InvariantError(`X2/X3 ${a.kind}: not encodable as UTF-8`);
      return Buffer.from(a.text, 'utf8');
    case 'opaque':
      checkUint('attribute type', a.type, 0xffff);
      if (a.type === 0) throw new InvariantError('X2/X3 attribute type 0 is reserved');
      return a.value;
  }
}

/** Encodes a PDU: fixed header, conditional attributes, payload. */
export function encodeX2X3Pdu(pdu: X2X3PduInput): Uint8Array {
  checkUint('PDU type', pdu.pduType, 0xffff);
  checkUint('payload format', pdu.payloadFormat, 0xffff);
  checkUint('payload direction', pdu.payloadDirection, 0xffff);
  const xid = parseUuidShared(pdu.xid);
  if (xid === undefined) throw new InvariantError('X2/X3 XID is not a UUID');
  if (pdu.correlationId.length !== 8) throw new InvariantError(`X2/X3 correlation ID: ${pdu.correlationId.length} bytes, expected 8`);

  const values = pdu.attributes.map((a) => [attributeType(a), attributeValue(a)] as const);
  let attrLen = 0;
  for (const [, v] of values) {
    if (v.length > 0xffff) throw new InvariantError(`X2/X3 attribute value of ${v.length} bytes exceeds 65535`);
    attrLen += 4 + v.length;
  }
  const headerLength = X2X3_FIXED_HEADER_LENGTH + attrLen;
  if (headerLength + pdu.payload.length > 0xffffffff) throw new InvariantError('X2/X3 PDU exceeds 2^32-1 bytes');

  const w = new ByteWriter(headerLength + pdu.payload.length);
  w.u16(X2X3_VERSION)
    .u16(pdu.pduType)
    .u32(headerLength)
    .u32(pdu.payload.length)
    .u16(pdu.payloadFormat)
    .u16(pdu.payloadDirection)
    .bytes(xid)
    .bytes(pdu.correlationId);
  for (const [type, v] of values) w.u16(type).u16(v.length).bytes(v);
  w.bytes(pdu.payload);
  return w.finish();
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
