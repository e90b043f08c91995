/**
 * Code points of ETSI TS 103 221-2 (X2/X3 PDU), as summarised in li-standards.md 1.1-1.5 from
 * Wireshark packet-li5g.c, OpenLI x2x3_ingest.h and sipgate li-lib-x1x2x3 (all agree).
 * Payload direction codes live with the direction vocabulary in src/records/direction.ts.
 */

/** Length of the fixed header part (octets 0..39). */
export const X2X3_FIXED_HEADER_LENGTH = 40;

/** Version field as emitted: major 0, minor 5 (li-standards 1.2 and decision 7). */
export const X2X3_VERSION = 0x0005;

/** PDU Type (header octets 2..3). */
export const PduType = {
  X2: 1,
  X3: 2,
  KEEPALIVE: 3,
  KEEPALIVE_ACK: 4,
} as const;

/** Payload Format (header octets 12..13, li-standards 1.3). */
export const PayloadFormat = {
  KEEPALIVE: 0,
  ETSI_102232_1: 1,
  TS_33128: 2,
  TS_33108: 3,
  PROPRIETARY: 4,
  IPV4_PACKET: 5,
  IPV6_PACKET: 6,
  ETHERNET_FRAME: 7,
  RTP_PACKET: 8,
  SIP_MESSAGE: 9,
  DHCP_MESSAGE: 10,
  RADIUS_PACKET: 11,
  GTPU_MESSAGE: 12,
  MSRP_MESSAGE: 13,
  EPS_IRI_CONTENT: 14,
  MIME_MESSAGE: 15,
  UNSTRUCTURED_PDU: 16,
} as const;

/** Conditional attribute types (li-standards 1.5). */
export const AttributeType = {
  ETSI_102232_1_ATTRIBUTE: 1,
  TS_33128_ATTRIBUTE: 2,
  TS_33108_ATTRIBUTE: 3,
  PROPRIETARY_ATTRIBUTE: 4,
  DOMAIN_ID: 5,
  NETWORK_FUNCTION_ID: 6,
  INTERCEPTION_POINT_ID: 7,
  SEQUENCE_NUMBER: 8,
  TIMESTAMP: 9,
  SOURCE_IPV4_ADDRESS: 10,
  DESTINATION_IPV4_ADDRESS: 11,
  SOURCE_IPV6_ADDRESS: 12,
  DESTINATION_IPV6_ADDRESS: 13,
  SOURCE_PORT: 14,
  DESTINATION_PORT: 15,
  IP_PROTOCOL: 16,
  MATCHED_TARGET_IDENTIFIER: 17,
  OTHER_TARGET_IDENTIFIER: 18,
  MIME_CONTENT_TYPE: 19,
  MIME_CONTENT_TRANSFER_ENCODING: 20,
  ADDITIONAL_XID_RELATED_INFORMATION: 21,
  SDP_SESSION_DESCRIPTION: 22,
} as const;

/** Attribute types that may occur more than once in one PDU (OpenLI x2x3_cond_attrs.c). */
export const REPEATABLE_ATTRIBUTES: ReadonlySet<number> = new Set([1, 2, 3, 4, 17, 18, 21]);

/** Names for display (decode command), indexed by type. */
export const ATTRIBUTE_NAMES: Readonly<Record<number, string>> = {
  1: 'ETSI TS 102 232-1 defined attribute',
  2: '3GPP TS 33.128 defined attribute',
  3: '3GPP TS 33.108 defined attribute',
  4: 'Proprietary attribute',
  5: 'Domain ID',
  6: 'Network Function ID',
  7: 'Interception Point ID',
  8: 'Sequence Number',
  9: 'Timestamp',
  10: 'Source IPv4 address',
  11: 'Destination IPv4 address',
  12: 'Source IPv6 address',
  13: 'Destination IPv6 address',
  14: 'Source port',
  15: 'Destination port',
  16: 'IP protocol',
  17: 'Matched Target Identifier',
  18: 'Other Target Identifier',
  19: 'MIME Content Type',
  20: 'MIME Content Transfer Encoding',
  21: 'Additional XID Related Information',
  22: 'SDP Session Description',
};

export const PDU_TYPE_NAMES: Readonly<Record<number, string>> = { 1: 'X2 xIRI', 2: 'X3 xCC', 3: 'Keepalive', 4: 'Keepalive Acknowledgement' };

export const PAYLOAD_FORMAT_NAMES: Readonly<Record<number, string>> = {
  0: 'reserved (keepalive)',
  1: 'ETSI TS 102 232-1 defined payload',
  2: '3GPP TS 33.128 defined payload',
  3: '3GPP TS 33.108 defined payload',
  4: 'proprietary payload',
  5: 'IPv4 packet',
  6: 'IPv6 packet',
  7: 'Ethernet frame',
  8: 'RTP packet',
  9: 'SIP message',
  10: 'DHCP message',
  11: 'RADIUS packet',
  12: 'GTP-U message',
  13: 'MSRP message',
  14: '3GPP TS 33.108 EpsIRIContent',
  15: 'MIME message',
  16: '3GPP unstructured PDU',
};

export const PAYLOAD_DIRECTION_NAMES: Readonly<Record<number, string>> = {
  0: 'reserved (keepalive)',
  1: 'unknown to the POI',
  2: 'sent to the target',
  3: 'sent from the target',
  4: 'more than one direction',
  5: 'not applicable',
};
