import { sequenceOf } from '../asn-schema.js';
import { RCSIdentity } from './rcs-identity.js';

/**
 * ```asn1
 * RCSDestination ::= SEQUENCE SIZE (1..MAX) OF RCSIdentity
 * ```
 */
export const RCSDestination = sequenceOf('RCSDestination', RCSIdentity, 1);
