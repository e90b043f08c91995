import { field, primitive, sequence } from '../asn-schema.js';
import { CCContents } from './cc-contents.js';
import { MicroSecondTimeStamp } from './micro-second-time-stamp.js';
import { PayloadDirection } from './payload-direction.js';
import { TimeStampQualifier } from './time-stamp-qualifier.js';

/**
 * ```asn1
 * CCPayload ::= SEQUENCE
 * {
 *     payloadDirection        [0] PayloadDirection OPTIONAL,
 *     timeStamp               [1] GeneralizedTime OPTIONAL,
 *     cCContents              [2] CCContents,
 *     ...,
 *     microSecondTimeStamp    [3] MicroSecondTimeStamp OPTIONAL,
 *     timeStampQualifier      [4] TimeStampQualifier OPTIONAL
 * }
 * ```
 * (LI-PS-PDU's CCPayload, not TS33128Payloads' one.)
 */
export const CCPayload = sequence('CCPayload', [
  field('payloadDirection', 0, PayloadDirection, true),
  field('timeStamp', 1, primitive('generalizedTime', 'GeneralizedTime'), true),
  field('cCContents', 2, CCContents),
  field('microSecondTimeStamp', 3, MicroSecondTimeStamp, true),
  field('timeStampQualifier', 4, TimeStampQualifier, true),
]);
