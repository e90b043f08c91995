import { field, sequence } from '../asn-schema.js';
import { EncapsulatedMSRP } from './common-aliases.js';

/**
 * ```asn1
 * EncapsulatedMSRP ::= UTF8String
 *
 * MSRPMessage ::= SEQUENCE
 * {
 *     encapsulatedMSRP [1] EncapsulatedMSRP
 * }
 * ```
 */
export const MSRPMessage = sequence('MSRPMessage', [field('encapsulatedMSRP', 1, EncapsulatedMSRP)]);
