/**
 * Relative OIDs of TS33128Payloads r19 version8 (li-standards 2.1):
 *
 * ```asn1
 * tS33128PayloadsOID RELATIVE-OID ::= {threeGPP(4) ts33128(19) r19(19) version8(8)}
 * xIRIPayloadOID     RELATIVE-OID ::= {tS33128PayloadsOID xIRI(1)}
 * xCCPayloadOID      RELATIVE-OID ::= {tS33128PayloadsOID xCC(2)}
 * iRIPayloadOID      RELATIVE-OID ::= {tS33128PayloadsOID iRI(3)}
 * cCPayloadOID       RELATIVE-OID ::= {tS33128PayloadsOID cC(4)}
 * ```
 * Content octets of xIRIPayloadOID: 04 13 13 08 01 (tshark shows .4.19.19.8.1).
 */
export const TS33128_PAYLOADS_OID = '4.19.19.8';
export const XIRI_PAYLOAD_OID = `${TS33128_PAYLOADS_OID}.1`;
export const XCC_PAYLOAD_OID = `${TS33128_PAYLOADS_OID}.2`;
export const IRI_PAYLOAD_OID = `${TS33128_PAYLOADS_OID}.3`;
export const CC_PAYLOAD_OID = `${TS33128_PAYLOADS_OID}.4`;
