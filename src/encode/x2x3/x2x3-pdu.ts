/**
 * The X2/X3 PDU as data (ETSI TS 103 221-2, li-standards 1.1):
 *
 * ```
 *  0       2       4               8               12      14      16
 *  +-------+-------+---------------+---------------+-------+-------+
 *  |version|pduType| headerLength  | payloadLength |format |direct.|
 *  +-------+-------+---------------+---------------+-------+-------+
 *  16: XID (16, RFC 4122 order)   32: correlation ID (8)   40: attributes (TLV) ... headerLength: payload
 * ```
 */

/** A conditional attribute, typed where the encoding is fixed (li-standards 1.5). */
export type X2X3Attribute =
  | { readonly kind: 'sequenceNumber'; readonly value: number }
  | { readonly kind: 'timestamp'; readonly sec: number; readonly nsec: number }
  | {
      readonly kind: 'sourceIPv4Address' | 'destinationIPv4Address' | 'sourceIPv6Address' | 'destinationIPv6Address';
      readonly address: Uint8Array;
    }
  | { readonly kind: 'sourcePort' | 'destinationPort'; readonly port: number }
  | { readonly kind: 'ipProtocol'; readonly protocol: number }
  | { readonly kind: 'matchedTargetIdentifier' | 'otherTargetIdentifier' | 'sdpSessionDescription'; readonly text: string }
  /** Types 1-7, 19-21 and unassigned types: the value bytes as they are. */
  | { readonly kind: 'opaque'; readonly type: number; readonly value: Uint8Array };

export type X2X3AttributeKind = X2X3Attribute['kind'];

/** Attribute kind → type code (opaque carries its own type). */
export const ATTRIBUTE_TYPE_OF: Readonly<Record<Exclude<X2X3AttributeKind, 'opaque'>, number>> = {
  sequenceNumber: 8,
  timestamp: 9,
  sourceIPv4Address: 10,
  destinationIPv4Address: 11,
  sourceIPv6Address: 12,
  destinationIPv6Address: 13,
  sourcePort: 14,
  destinationPort: 15,
  ipProtocol: 16,
  matchedTargetIdentifier: 17,
  otherTargetIdentifier: 18,
  sdpSessionDescription: 22,
};

/** Type code of an attribute. */
export function attributeType(a: X2X3Attribute): number {
  return a.kind === 'opaque' ? a.type : ATTRIBUTE_TYPE_OF[a.kind];
}

export interface X2X3Pdu {
  /** Version field; encoders always write 0x0005 and decoders return what they read. */
  readonly version: number;
  /** 1 X2, 2 X3, 3 keepalive, 4 keepalive acknowledgement (PduType). */
  readonly pduType: number;
  /** PayloadFormat code. */
  readonly payloadFormat: number;
  /** X2X3Direction code (src/records/direction.ts). */
  readonly payloadDirection: number;
  /** Task identifier as UUID text (all zeros for keepalives). */
  readonly xid: string;
  /** 8 octets. */
  readonly correlationId: Uint8Array;
  readonly attributes: readonly X2X3Attribute[];
  readonly payload: Uint8Array;
}
