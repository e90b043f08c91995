import { field, primitive, sequence } from '../asn-schema.js';

/**
 * ```asn1
 * NetworkIdentifier ::= SEQUENCE
 * {
 *     operatorIdentifier          [0] OCTET STRING (SIZE(1..16)),
 *     networkElementIdentifier    [1] OCTET STRING (SIZE(1..16)) OPTIONAL,
 *     ...,
 *     eTSI671NEID                 [2] HI2Operations.Network-Element-Identifier OPTIONAL
 * }
 * ```
 */
export const NetworkIdentifier = sequence('NetworkIdentifier', [
  field('operatorIdentifier', 0, primitive('octetString', 'OCTET STRING', { size: { min: 1, max: 16 } })),
  field('networkElementIdentifier', 1, primitive('octetString', 'OCTET STRING', { size: { min: 1, max: 16 } }), true),
]);
