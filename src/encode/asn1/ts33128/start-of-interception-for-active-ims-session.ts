import { field, sequence, sequenceOf } from '../asn-schema.js';
import { OctetString } from './common-aliases.js';
import { IMPU } from './impu.js';

/**
 * ```asn1
 * -- See clause 7.12.4.2.2 for details of this structure
 * StartOfInterceptionForActiveIMSSession ::= SEQUENCE
 * {
 *     originatingId              [1] SEQUENCE OF IMPU,
 *     terminatingId              [2] IMPU,
 *     sDPState                   [3] SEQUENCE OF OCTET STRING OPTIONAL,
 *     diversionIdentity          [4] IMPU OPTIONAL,
 *     voIPRoamingIndication      [5] VoIPRoamingIndication OPTIONAL,
 *     -- Tag [6] is not used.
 *     location                   [7] Location OPTIONAL,
 *     accessNetworkInformation   [8] SEQUENCE OF SIPAccessNetworkInformation OPTIONAL,
 *     cellularNetworkInformation [9] SEQUENCE OF SIPCellularNetworkInformation OPTIONAL
 * }
 * ```
 * Trimmed: [5], [7]-[9] are not produced.
 */
export const StartOfInterceptionForActiveIMSSession = sequence('StartOfInterceptionForActiveIMSSession', [
  field('originatingId', 1, sequenceOf('SEQUENCE OF IMPU', IMPU)),
  field('terminatingId', 2, IMPU),
  field('sDPState', 3, sequenceOf('SEQUENCE OF OCTET STRING', OctetString), true),
  field('diversionIdentity', 4, IMPU, true),
]);
