import { field, sequence } from '../asn-schema.js';
import { OctetString } from './common-aliases.js';
import { IPAddress } from './ip-address.js';

/**
 * ```asn1
 * SIPMessage ::= SEQUENCE
 * {
 *     iPSourceAddress       [1] IPAddress,
 *     iPDestinationAddress  [2] IPAddress,
 *     sIPContent            [3] OCTET STRING
 * }
 * ```
 */
export const SIPMessage = sequence('SIPMessage', [field('iPSourceAddress', 1, IPAddress), field('iPDestinationAddress', 2, IPAddress), field('sIPContent', 3, OctetString)]);
