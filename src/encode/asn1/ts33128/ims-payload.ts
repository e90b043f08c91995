import { choice, field } from '../asn-schema.js';
import { SIPMessage } from './sip-message.js';

/**
 * ```asn1
 * IMSPayload ::= CHOICE
 * {
 *     encapsulatedSIPMessage            [1] SIPMessage,
 *     modifiedSIPMessage                [2] ModifiedSIPMessage
 * }
 * ```
 * Trimmed: msrptap does not modify SIP messages, so modifiedSIPMessage [2] is not described.
 */
export const IMSPayload = choice('IMSPayload', [field('encapsulatedSIPMessage', 1, SIPMessage)]);
