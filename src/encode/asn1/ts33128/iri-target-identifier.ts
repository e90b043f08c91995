import { field, sequence } from '../asn-schema.js';
import { TargetIdentifierProvenance } from './target-identifier-provenance.js';
import { TargetIdentifier } from './target-identifier.js';

/**
 * ```asn1
 * IRITargetIdentifier ::= SEQUENCE
 * {
 *     identifier                                          [1] TargetIdentifier,
 *     provenance                                          [2] TargetIdentifierProvenance OPTIONAL
 * }
 * ```
 */
export const IRITargetIdentifier = sequence('IRITargetIdentifier', [field('identifier', 1, TargetIdentifier), field('provenance', 2, TargetIdentifierProvenance, true)]);
