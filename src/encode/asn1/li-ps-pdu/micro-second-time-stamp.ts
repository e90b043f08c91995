import { field, primitive, sequence } from '../asn-schema.js';

/**
 * ```asn1
 * MicroSecondTimeStamp ::= SEQUENCE
 * {
 *     seconds         [0] INTEGER (0..18446744073709551615),
 *         -- number of seconds since 1970-1-1 00:00Z also known as unix time epoch
 *     microSeconds    [1] INTEGER (0..999999),
 *     ...
 * }
 * ```
 */
export const MicroSecondTimeStamp = sequence('MicroSecondTimeStamp', [
  field('seconds', 0, primitive('integer', 'INTEGER', { range: { min: 0n, max: 18446744073709551615n } })),
  field('microSeconds', 1, primitive('integer', 'INTEGER', { range: { min: 0n, max: 999999n } })),
]);
