import { choice, containing, field } from '../asn-schema.js';
import { CCPayload as TS33128CCPayload } from '../ts33128/cc-payload.js';

/**
 * ```asn1
 * CCContents ::= CHOICE
 * {
 *     emailCC                     [1] EmailPDU.EmailCC,
 *     ...
 *     iPMMCC                      [12] IPMultimediaPDU.IPMMCC,
 *     ...
 *     threeGPP33128DefinedCC      [23] OCTET STRING (CONTAINING TS33128Payloads.CCPayload)
 * }
 * ```
 * Trimmed to threeGPP33128DefinedCC [23].
 */
export const CCContents = choice('CCContents', [field('threeGPP33128DefinedCC', 23, containing('OCTET STRING (CONTAINING CCPayload)', TS33128CCPayload))]);
