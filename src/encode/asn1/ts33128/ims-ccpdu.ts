import { field, sequence } from '../asn-schema.js';
import { IMSCCPDUPayload, OctetString } from './common-aliases.js';

/**
 * ```asn1
 * IMSCCPDU ::= SEQUENCE
 * {
 *     payload [1] IMSCCPDUPayload,
 *     sDPInfo [2] OCTET STRING OPTIONAL
 * }
 *
 * IMSCCPDUPayload ::= OCTET STRING
 * ```
 */
export const IMSCCPDU = sequence('IMSCCPDU', [field('payload', 1, IMSCCPDUPayload), field('sDPInfo', 2, OctetString, true)]);
