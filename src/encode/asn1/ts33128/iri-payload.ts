import { choice, field, sequence, sequenceOf } from '../asn-schema.js';
import { PayloadOID } from './common-aliases.js';
import { IRIEvent } from './iri-event.js';
import { IRITargetIdentifier } from './iri-target-identifier.js';

/**
 * ```asn1
 * MediatedFromIndicator ::= CHOICE
 * {
 *     xIRIRelativeOID [1] RELATIVE-OID
 * }
 * ```
 */
const MediatedFromIndicator = choice('MediatedFromIndicator', [field('xIRIRelativeOID', 1, PayloadOID)]);

/**
 * ```asn1
 * IRIPayload ::= SEQUENCE
 * {
 *     iRIPayloadOID          [1] RELATIVE-OID,
 *     event                  [2] IRIEvent,
 *     targetIdentifiers      [3] SEQUENCE OF IRITargetIdentifier OPTIONAL,
 *     mediatedFromIndicator  [4] MediatedFromIndicator OPTIONAL
 * }
 * ```
 * The HI2 payload carried in TS 102 232-1 threeGPP33128DefinedIRI. (MediatedFromIndicator is a
 * one-alternative CHOICE used only here, so it is described in this file.)
 */
export const IRIPayload = sequence('IRIPayload', [
  field('iRIPayloadOID', 1, PayloadOID),
  field('event', 2, IRIEvent),
  field('targetIdentifiers', 3, sequenceOf('SEQUENCE OF IRITargetIdentifier', IRITargetIdentifier), true),
  field('mediatedFromIndicator', 4, MediatedFromIndicator, true),
]);
