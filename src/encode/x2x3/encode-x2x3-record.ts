/**
 * LI records → X2/X3 PDUs (li-standards decision 7):
 * - IRI → X2 PDU, payload format 2 (TS 33.128 XIRIPayload DER);
 * - CC (one MSRP request) → X3 PDU, payload format 13 (MSRP message), the request bytes as-is.
 * Both carry attributes 8 (sequence number, per XID), 9 (capture time), 10-13 (addresses),
 * 14/15 (ports), 16 (IP protocol) and 17 (matched target identifier), in type order.
 */
import { InvariantError } from '../../core/errors.js';
import { toX2X3Direction } from '../../records/direction.js';
import type { CcRecord, IriRecord, LiRecord } from '../../records/li-record.js';
import { assertValidRecord } from '../../records/validate-record.js';
import { prepareDer } from '../asn1/der-writer.js';
import { sharedIriEvent } from '../asn1/shared-iri-event.js';
import { XIRIPayload } from '../asn1/ts33128/xiri-payload.js';
import { xiriPayloadValue } from '../asn1/ts33128-record-values.js';
import { encodeX2X3Pdu, encodeX2X3PduWith } from './encode-x2x3-pdu.js';
import { PayloadFormat, PduType } from './x2x3-constants.js';
import type { X2X3Attribute } from './x2x3-pdu.js';

/** Conditional attributes describing where/when a record's packet was seen. */
export function networkAttributes(r: LiRecord, sequenceNumber: number): X2X3Attribute[] {
  const n = r.network;
  const v6 = n.srcAddr.length === 16;
  return [
    { kind: 'sequenceNumber', value: sequenceNumber },
    { kind: 'timestamp', sec: n.tsSec, nsec: n.tsNsec },
    { kind: v6 ? 'sourceIPv6Address' : 'sourceIPv4Address', address: n.srcAddr },
    { kind: v6 ? 'destinationIPv6Address' : 'destinationIPv4Address', address: n.dstAddr },
    { kind: 'sourcePort', port: n.srcPort },
    { kind: 'destinationPort', port: n.dstPort },
    { kind: 'ipProtocol', protocol: n.ipProto },
    { kind: 'matchedTargetIdentifier', text: r.task.matchedTargetId },
  ];
}

/** X2 PDU for an IRI record. `sequenceNumber` comes from a per-XID SequenceAllocator. */
export function encodeX2Record(r: IriRecord, sequenceNumber: number): Uint8Array {
  assertValidRecord(r);
  // The XIRIPayload DER is written straight into the PDU (its event shared with HI2).
  return encodeX2X3PduWith(
    {
      pduType: PduType.X2,
      payloadFormat: PayloadFormat.TS_33128,
      payloadDirection: toX2X3Direction(r.direction),
      xid: r.task.xid,
      correlationId: r.correlationId,
      attributes: networkAttributes(r, sequenceNumber),
    },
    prepareDer(XIRIPayload, xiriPayloadValue(r, sharedIriEvent(r))),
  );
}

/** X3 PDU (payload format 13, MSRP message) for a CC record. */
export function encodeX3Record(r: CcRecord, sequenceNumber: number): Uint8Array {
  assertValidRecord(r);
  return encodeX2X3Pdu({
    pduType: PduType.X3,
    payloadFormat: PayloadFormat.MSRP_MESSAGE,
    payloadDirection: toX2X3Direction(r.direction),
    xid: r.task.xid,
    correlationId: r.correlationId,
    attributes: networkAttributes(r, sequenceNumber),
    payload: r.event.bytes,
  });
}

/**
 * X2 or X3 PDU for any LI record. Throws InvariantError when the task's delivery type excludes
 * the record's kind (the pipeline must not ask for it).
 */
export function encodeX2X3Record(r: LiRecord, sequenceNumber: number): Uint8Array {
  if (r.kind === 'iri') {
    if (r.task.deliveryType === 'X3Only') throw new InvariantError('IRI record for an X3Only task');
    return encodeX2Record(r, sequenceNumber);
  }
  if (r.task.deliveryType === 'X2Only') throw new InvariantError('CC record for an X2Only task');
  return encodeX3Record(r, sequenceNumber);
}
