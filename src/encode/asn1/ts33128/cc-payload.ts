import { field, sequence } from '../asn-schema.js';
import { CCPDU } from './ccpdu.js';
import { PayloadOID } from './common-aliases.js';

/**
 * ```asn1
 * CCPayload ::= SEQUENCE
 * {
 *     cCPayloadOID         [1] RELATIVE-OID,
 *     pDU                  [2] CCPDU
 * }
 * ```
 * The HI3 payload carried in TS 102 232-1 threeGPP33128DefinedCC.
 */
export const CCPayload = sequence('CCPayload', [field('cCPayloadOID', 1, PayloadOID), field('pDU', 2, CCPDU)]);
