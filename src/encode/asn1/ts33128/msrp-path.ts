import { field, sequence } from '../asn-schema.js';
import { Utf8String } from './common-aliases.js';

/**
 * ```asn1
 * MSRPPath ::= SEQUENCE
 * {
 *     path [1] UTF8String
 * }
 * ```
 */
export const MSRPPath = sequence('MSRPPath', [field('path', 1, Utf8String)]);
