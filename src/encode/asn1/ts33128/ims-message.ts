import { field, sequence } from '../asn-schema.js';
import { IMSPayload } from './ims-payload.js';
import { SessionDirection } from './session-direction.js';

/**
 * ```asn1
 * -- See clause 7.12.4.2.1 for details of this structure
 * IMSMessage ::= SEQUENCE
 * {
 *     payload                      [1] IMSPayload,
 *     sessionDirection             [2] SessionDirection,
 *     voIPRoamingIndication        [3] VoIPRoamingIndication OPTIONAL,
 *     -- Tag [4] is not used.
 *     -- Tag [5] is not used.
 *     location                     [6] Location OPTIONAL,
 *     accessNetworkInformation     [7] SEQUENCE OF SIPAccessNetworkInformation OPTIONAL,
 *     cellularNetworkInformation   [8] SEQUENCE OF SIPCellularNetworkInformation OPTIONAL,
 *     numberTranslationInformation [9] SEQUENCE OF NumberTranslation OPTIONAL
 * }
 * ```
 * Trimmed to what a passive tap knows: [3], [6]-[9] are not produced (decoded as unknown).
 */
export const IMSMessage = sequence('IMSMessage', [field('payload', 1, IMSPayload), field('sessionDirection', 2, SessionDirection)]);
