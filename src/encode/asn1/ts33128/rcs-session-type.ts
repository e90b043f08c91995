import { enumerated } from '../asn-schema.js';

/**
 * ```asn1
 * RCSSessionType ::= ENUMERATED
 * {
 *     largeMessageStandalone(1),
 *     oneTo1Chat(2)
 * }
 * ```
 */
export const RCSSessionType = enumerated('RCSSessionType', { largeMessageStandalone: 1, oneTo1Chat: 2 });
