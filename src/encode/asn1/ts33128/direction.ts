import { Ts33128DirectionCode } from '../../../records/direction.js';
import { enumerated } from '../asn-schema.js';

/**
 * ```asn1
 * Direction ::= ENUMERATED
 * {
 *     fromTarget(1),
 *     toTarget(2)
 * }
 * ```
 */
export const Direction = enumerated('Direction', Ts33128DirectionCode);
