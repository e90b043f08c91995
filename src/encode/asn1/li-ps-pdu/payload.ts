import { choice, field, sequenceOf } from '../asn-schema.js';
import { CCPayload } from './cc-payload.js';
import { IRIPayload } from './iri-payload.js';

/**
 * ```asn1
 * Payload ::= CHOICE
 * {
 *     iRIPayloadSequence      [0] SEQUENCE OF IRIPayload,
 *     cCPayloadSequence       [1] SEQUENCE OF CCPayload,
 *     tRIPayload              [2] TRIPayload,
 *     ...,
 *     hI1-Operation           [3] HI1NotificationOperations.HI1-Operation,
 *     ...
 *     hI4Payload              [7] SEQUENCE OF HI4Payload
 * }
 * ```
 * Trimmed to the IRI and CC sequences.
 */
export const Payload = choice('Payload', [field('iRIPayloadSequence', 0, sequenceOf('SEQUENCE OF IRIPayload', IRIPayload)), field('cCPayloadSequence', 1, sequenceOf('SEQUENCE OF CCPayload', CCPayload))]);
