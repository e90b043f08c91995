import { enumerated } from '../asn-schema.js';

/**
 * ```asn1
 * TimeStampQualifier ::= ENUMERATED
 * {
 *     unknown(0),
 *     timeOfInterception(1),
 *     timeOfMediation(2),
 *     ...,
 *     timeOfAggregation(3)
 * }
 * ```
 */
export const TimeStampQualifier = enumerated('TimeStampQualifier', { unknown: 0, timeOfInterception: 1, timeOfMediation: 2, timeOfAggregation: 3 });
