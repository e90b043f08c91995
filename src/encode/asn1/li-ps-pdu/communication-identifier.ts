import { field, primitive, sequence } from '../asn-schema.js';
import { NetworkIdentifier } from './network-identifier.js';

/**
 * ```asn1
 * CommunicationIdentifier ::= SEQUENCE
 * {
 *     networkIdentifier               [0] NetworkIdentifier,
 *     communicationIdentityNumber     [1] INTEGER (0..4294967295) OPTIONAL,
 *     deliveryCountryCode             [2] PrintableString (SIZE (2)) OPTIONAL,
 *     ...,
 *     cINExtension                    [3] UmtsHI2Operations.CorrelationValues OPTIONAL
 * }
 * ```
 */
export const CommunicationIdentifier = sequence('CommunicationIdentifier', [
  field('networkIdentifier', 0, NetworkIdentifier),
  field('communicationIdentityNumber', 1, primitive('integer', 'INTEGER', { range: { min: 0n, max: 4294967295n } }), true),
  field('deliveryCountryCode', 2, primitive('printableString', 'PrintableString', { size: { min: 2, max: 2 } }), true),
]);
