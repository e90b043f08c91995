import { choice, field } from '../asn-schema.js';
import { EUI64, IMEI, IMEISV, MACAddress } from './common-aliases.js';

/**
 * ```asn1
 * PEI ::= CHOICE
 * {
 *     iMEI        [1] IMEI,
 *     iMEISV      [2] IMEISV,
 *     mACAddress  [3] MACAddress,
 *     eUI64       [4] EUI64
 * }
 * ```
 */
export const PEI = choice('PEI', [field('iMEI', 1, IMEI), field('iMEISV', 2, IMEISV), field('mACAddress', 3, MACAddress), field('eUI64', 4, EUI64)]);
