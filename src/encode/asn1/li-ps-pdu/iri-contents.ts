import { choice, containing, field } from '../asn-schema.js';
import { IRIPayload as TS33128IRIPayload } from '../ts33128/iri-payload.js';

/**
 * ```asn1
 * IRIContents ::= CHOICE
 * {
 *     emailIRI                    [1] EmailPDU.EmailIRI,
 *     ...
 *     iPMMIRI                     [11] IPMultimediaPDU.IPMMIRI,
 *     ...
 *     threeGPP33128DefinedIRI     [19] OCTET STRING (CONTAINING TS33128Payloads.IRIPayload)
 * }
 * ```
 * Trimmed to threeGPP33128DefinedIRI [19].
 */
export const IRIContents = choice('IRIContents', [field('threeGPP33128DefinedIRI', 19, containing('OCTET STRING (CONTAINING IRIPayload)', TS33128IRIPayload))]);
