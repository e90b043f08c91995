import { choice, field } from '../asn-schema.js';
import { E164Number, EmailAddress, IMPI, NAI } from './common-aliases.js';
import { IMPU } from './impu.js';

/**
 * ```asn1
 * TargetIdentifier ::= CHOICE
 * {
 *     sUPI                   [1] SUPI,
 *     iMSI                   [2] IMSI,
 *     ...
 *     nAI                    [7] NAI,
 *     ...
 *     iMPU                   [11] IMPU,
 *     iMPI                   [12] IMPI,
 *     e164Number             [13] E164Number,
 *     emailAddress           [14] EmailAddress,
 *     ...
 * }
 * ```
 * Trimmed to the identifier kinds an MSRP/SIP target can be provisioned with.
 */
export const TargetIdentifier = choice('TargetIdentifier', [field('nAI', 7, NAI), field('iMPU', 11, IMPU), field('iMPI', 12, IMPI), field('e164Number', 13, E164Number), field('emailAddress', 14, EmailAddress)]);
