import { choice, field } from '../asn-schema.js';
import { IPv4Address, IPv6Address } from './common-aliases.js';

/**
 * ```asn1
 * IPAddress ::= CHOICE
 * {
 *     iPv4Address [1] IPv4Address,
 *     iPv6Address [2] IPv6Address
 * }
 * ```
 */
export const IPAddress = choice('IPAddress', [field('iPv4Address', 1, IPv4Address), field('iPv6Address', 2, IPv6Address)]);
