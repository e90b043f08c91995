import { field, sequence } from '../asn-schema.js';
import { PayloadOID } from './common-aliases.js';
import { XIRIEvent } from './xiri-event.js';

/**
 * ```asn1
 * XIRIPayload ::= SEQUENCE
 * {
 *     xIRIPayloadOID      [1] RELATIVE-OID,
 *     event               [2] XIRIEvent
 * }
 * ```
 * The X2 PDU payload for payload format 2 (TS 103 221-2 / 33.128 clause 5.3).
 */
export const XIRIPayload = sequence('XIRIPayload', [field('xIRIPayloadOID', 1, PayloadOID), field('event', 2, XIRIEvent)]);
