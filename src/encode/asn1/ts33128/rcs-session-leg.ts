import { enumerated } from '../asn-schema.js';

/**
 * ```asn1
 * RCSSessionLeg ::= ENUMERATED
 * {
 *     remoteLeg(1),
 *     localLeg(2)
 * }
 * ```
 */
export const RCSSessionLeg = enumerated('RCSSessionLeg', { remoteLeg: 1, localLeg: 2 });
