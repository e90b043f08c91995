import { SessionDirectionCode } from '../../../records/direction.js';
import { enumerated } from '../asn-schema.js';

/**
 * ```asn1
 * SessionDirection ::= ENUMERATED
 * {
 *     fromTarget(1),
 *     toTarget(2),
 *     combined(3),
 *     indeterminate(4)
 * }
 * ```
 */
export const SessionDirection = enumerated('SessionDirection', SessionDirectionCode);
