import { enumerated } from '../asn-schema.js';

/**
 * ```asn1
 * IRIType ::= ENUMERATED
 * {
 *     iRI-Begin(1),
 *     iRI-End(2),
 *     iRI-Continue(3),
 *     iRI-Report(4)
 * }
 * ```
 */
export const IRIType = enumerated('IRIType', { 'iRI-Begin': 1, 'iRI-End': 2, 'iRI-Continue': 3, 'iRI-Report': 4 });
