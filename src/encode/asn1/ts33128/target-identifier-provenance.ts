import { enumerated } from '../asn-schema.js';

/**
 * ```asn1
 * TargetIdentifierProvenance ::= ENUMERATED
 * {
 *     lEAProvided(1),
 *     observed(2),
 *     matchedOn(3),
 *     other(4)
 * }
 * ```
 */
export const TargetIdentifierProvenance = enumerated('TargetIdentifierProvenance', { lEAProvided: 1, observed: 2, matchedOn: 3, other: 4 });
