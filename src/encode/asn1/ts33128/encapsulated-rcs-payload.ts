import { choice, field } from '../asn-schema.js';
import { MIMEEntity } from './mime-entity.js';
import { MSRPMessage } from './msrp-message.js';
import { SIPMessage } from './sip-message.js';

/**
 * ```asn1
 * EncapsulatedRCSPayload ::= CHOICE
 * {
 *     mIME [1] MIMEEntity,
 *     mSRP [2] MSRPMessage,
 *     sIP  [3] SIPMessage
 * }
 * ```
 */
export const EncapsulatedRCSPayload = choice('EncapsulatedRCSPayload', [field('mIME', 1, MIMEEntity), field('mSRP', 2, MSRPMessage), field('sIP', 3, SIPMessage)]);
