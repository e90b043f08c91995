/**
 * One-line aliases of built-in types from TS33128Payloads r19 version8 ("Common Parameters",
 * "RCS Parameters", "MSRP Parameters", "MIME Entity Parameters", "IMS CCPDU"). Each is a single
 * built-in type with a constraint, so they are kept together here instead of one file each; the
 * type name is preserved so decoded trees show the module's names.
 */
import { primitive } from '../asn-schema.js';

/** `SIPURI ::= UTF8String` */
export const SIPURI = primitive('utf8String', 'SIPURI');
/** `TELURI ::= UTF8String` */
export const TELURI = primitive('utf8String', 'TELURI');
/** `NAI ::= UTF8String` */
export const NAI = primitive('utf8String', 'NAI');
/** `IMPI ::= NAI` */
export const IMPI = primitive('utf8String', 'IMPI');
/** `EmailAddress ::= UTF8String` */
export const EmailAddress = primitive('utf8String', 'EmailAddress');
/** `E164Number ::= NumericString (SIZE(1..15))` */
export const E164Number = primitive('numericString', 'E164Number', { size: { min: 1, max: 15 } });
/** `IMEI ::= NumericString (SIZE(14))` */
export const IMEI = primitive('numericString', 'IMEI', { size: { min: 14, max: 14 } });
/** `IMEISV ::= NumericString (SIZE(16))` */
export const IMEISV = primitive('numericString', 'IMEISV', { size: { min: 16, max: 16 } });
/** `MACAddress ::= OCTET STRING (SIZE(6))` */
export const MACAddress = primitive('octetString', 'MACAddress', { size: { min: 6, max: 6 } });
/** `EUI64 ::= OCTET STRING (SIZE(8))` */
export const EUI64 = primitive('octetString', 'EUI64', { size: { min: 8, max: 8 } });
/** `IPv4Address ::= OCTET STRING (SIZE(4))` */
export const IPv4Address = primitive('octetString', 'IPv4Address', { size: { min: 4, max: 4 } });
/** `IPv6Address ::= OCTET STRING (SIZE(16))` */
export const IPv6Address = primitive('octetString', 'IPv6Address', { size: { min: 16, max: 16 } });
/** `RCSConversationID ::= UUID` with `UUID ::= OCTET STRING (SIZE (16))` */
export const RCSConversationID = primitive('octetString', 'RCSConversationID', { size: { min: 16, max: 16 } });
/** `RCSContributionID ::= UUID` */
export const RCSContributionID = primitive('octetString', 'RCSContributionID', { size: { min: 16, max: 16 } });
/** `IMDNMessageID ::= UTF8String` */
export const IMDNMessageID = primitive('utf8String', 'IMDNMessageID');
/** `RCSGroupChatSessionID ::= SIPURI` */
export const RCSGroupChatSessionID = primitive('utf8String', 'RCSGroupChatSessionID');
/** `EncapsulatedMSRP ::= UTF8String` */
export const EncapsulatedMSRP = primitive('utf8String', 'EncapsulatedMSRP');
/** `MIMEContentType ::= UTF8String` */
export const MIMEContentType = primitive('utf8String', 'MIMEContentType');
/** `EncapsulatedMIMEEntity ::= UTF8String` */
export const EncapsulatedMIMEEntity = primitive('utf8String', 'EncapsulatedMIMEEntity');
/** `IMSCCPDUPayload ::= OCTET STRING` */
export const IMSCCPDUPayload = primitive('octetString', 'IMSCCPDUPayload');
/** The payload OIDs, e.g. `xIRIPayloadOID RELATIVE-OID ::= {tS33128PayloadsOID xIRI(1)}` */
export const PayloadOID = primitive('relativeOid', 'RELATIVE-OID');
/** Plain `OCTET STRING` (e.g. sDPState, sIPContent). */
export const OctetString = primitive('octetString', 'OCTET STRING');
/** Plain `UTF8String` (e.g. cCUnavailableReason). */
export const Utf8String = primitive('utf8String', 'UTF8String');
