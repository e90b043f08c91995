import { field, sequence } from '../asn-schema.js';
import { OctetString, Utf8String } from './common-aliases.js';

/**
 * ```asn1
 * -- See clause 7.12.4.2.3 for the details.
 * IMSCCUnavailable ::= SEQUENCE
 * {
 *     cCUnavailableReason   [1] UTF8String,
 *     sDPState              [2] OCTET STRING OPTIONAL
 * }
 * ```
 */
export const IMSCCUnavailable = sequence('IMSCCUnavailable', [field('cCUnavailableReason', 1, Utf8String), field('sDPState', 2, OctetString, true)]);
