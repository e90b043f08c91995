import { choice, field } from '../asn-schema.js';
import { SIPURI, TELURI } from './common-aliases.js';

/**
 * ```asn1
 * IMPU ::= CHOICE
 * {
 *     sIPURI [1] SIPURI,
 *     tELURI [2] TELURI
 * }
 * ```
 */
export const IMPU = choice('IMPU', [field('sIPURI', 1, SIPURI), field('tELURI', 2, TELURI)]);
