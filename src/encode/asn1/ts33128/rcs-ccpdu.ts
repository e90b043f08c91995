import { choice, field } from '../asn-schema.js';
import { EncapsulatedRCSPayload } from './encapsulated-rcs-payload.js';

/**
 * ```asn1
 * RCSCCPDU ::= CHOICE
 * {
 *     encapsulatedRCSPayload [1] EncapsulatedRCSPayload
 * }
 * ```
 */
export const RCSCCPDU = choice('RCSCCPDU', [field('encapsulatedRCSPayload', 1, EncapsulatedRCSPayload)]);
