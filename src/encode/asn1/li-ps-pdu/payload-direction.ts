import { PayloadDirectionCode } from '../../../records/direction.js';
import { enumerated } from '../asn-schema.js';

/**
 * ```asn1
 * PayloadDirection ::= ENUMERATED
 * {
 *     fromTarget(0),
 *     toTarget(1),
 *     ...,
 *     indeterminate(2),
 *     combined(3),
 *     notapplicable(4)
 * }
 * ```
 */
export const PayloadDirection = enumerated('PayloadDirection', PayloadDirectionCode);
