import { field, primitive, sequence } from '../asn-schema.js';
import { IRIContents } from './iri-contents.js';
import { IRIType } from './iri-type.js';
import { MicroSecondTimeStamp } from './micro-second-time-stamp.js';
import { PayloadDirection } from './payload-direction.js';
import { TimeStampQualifier } from './time-stamp-qualifier.js';

/**
 * ```asn1
 * IRIPayload ::= SEQUENCE
 * {
 *     iRIType                 [0] IRIType OPTIONAL,
 *     timeStamp               [1] GeneralizedTime OPTIONAL,
 *     iRIContents             [2] IRIContents,
 *     ...,
 *     microSecondTimeStamp    [3] MicroSecondTimeStamp OPTIONAL,
 *     timeStampQualifier      [4] TimeStampQualifier OPTIONAL,
 *     sessionDirection        [5] PayloadDirection OPTIONAL,
 *     payloadDirection        [6] PayloadDirection OPTIONAL
 * }
 * ```
 * (LI-PS-PDU's IRIPayload, not TS33128Payloads' one.)
 */
export const IRIPayload = sequence('IRIPayload', [
  field('iRIType', 0, IRIType, true),
  field('timeStamp', 1, primitive('generalizedTime', 'GeneralizedTime'), true),
  field('iRIContents', 2, IRIContents),
  field('microSecondTimeStamp', 3, MicroSecondTimeStamp, true),
  field('timeStampQualifier', 4, TimeStampQualifier, true),
  field('sessionDirection', 5, PayloadDirection, true),
  field('payloadDirection', 6, PayloadDirection, true),
]);
