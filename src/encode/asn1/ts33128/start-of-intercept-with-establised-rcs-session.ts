import { field, sequence, sequenceOf } from '../asn-schema.js';
import { RCSContributionID, RCSConversationID } from './common-aliases.js';
import { RCSDestinations } from './rcs-destinations.js';
import { RCSIdentity } from './rcs-identity.js';
import { RCSSessionContext } from './rcs-session-context.js';
import { RCSSessionEndpoints } from './rcs-session-endpoints.js';
import { RCSSessionType } from './rcs-session-type.js';
import { RCSSIPSessionExchange } from './rcs-sip-session-exchange.js';

/**
 * ```asn1
 * -- See clause 7.13.3.6.1.3 for details of this structure
 * StartOfInterceptWithEstablisedRCSSession ::= SEQUENCE
 * {
 *     rCSTargetIdentities        [1] SEQUENCE SIZE (1..MAX) OF RCSIdentity,
 *     participants               [2] SEQUENCE SIZE (1..MAX) OF RCSDestinations,
 *     conversationID             [3] RCSConversationID,
 *     contributionID             [4] RCSContributionID,
 *     rCSSessionType             [5] RCSSessionType,
 *     rCSSessionEndpoints        [6] RCSSessionEndpoints,
 *     rCSSessionLegs             [7] SEQUENCE SIZE (1..MAX) OF RCSSIPSessionExchange OPTIONAL,
 *     rCSSessionInformation      [8] SEQUENCE SIZE (1..MAX) OF RCSSessionContext,
 *     location                   [9] Location OPTIONAL,
 *     additionalInstanceLocation [10] SEQUENCE SIZE (1..MAX) OF AdditionalInstanceLocation OPTIONAL
 * }
 * ```
 * ("Establised" is the module's spelling.) Trimmed: [9], [10] are not produced.
 */
export const StartOfInterceptWithEstablisedRCSSession = sequence('StartOfInterceptWithEstablisedRCSSession', [
  field('rCSTargetIdentities', 1, sequenceOf('SEQUENCE OF RCSIdentity', RCSIdentity, 1)),
  field('participants', 2, sequenceOf('SEQUENCE OF RCSDestinations', RCSDestinations, 1)),
  field('conversationID', 3, RCSConversationID),
  field('contributionID', 4, RCSContributionID),
  field('rCSSessionType', 5, RCSSessionType),
  field('rCSSessionEndpoints', 6, RCSSessionEndpoints),
  field('rCSSessionLegs', 7, sequenceOf('SEQUENCE OF RCSSIPSessionExchange', RCSSIPSessionExchange, 1), true),
  field('rCSSessionInformation', 8, sequenceOf('SEQUENCE OF RCSSessionContext', RCSSessionContext, 1)),
]);
