import { sequenceOf } from '../asn-schema.js';
import { RCSDestination } from './rcs-destination.js';

/**
 * ```asn1
 * RCSDestinations ::= SEQUENCE SIZE (1..MAX) OF RCSDestination
 * ```
 */
export const RCSDestinations = sequenceOf('RCSDestinations', RCSDestination, 1);
