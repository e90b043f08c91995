import { choice, field } from '../asn-schema.js';
import { EncapsulatedRCSPayload } from './encapsulated-rcs-payload.js';

/**
 * ```asn1
 * RCSPayload ::= CHOICE
 * {
 *     fullPayload     [1] EncapsulatedRCSPayload,
 *     modifiedPayload [2] ModifiedRCSPayload
 * }
 * ```
 * Trimmed: msrptap delivers full payloads only; modifiedPayload [2] is not described.
 */
export const RCSPayload = choice('RCSPayload', [field('fullPayload', 1, EncapsulatedRCSPayload)]);
