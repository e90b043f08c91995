import { field, sequence, sequenceOf } from '../asn-schema.js';
import { RCSContributionID, RCSConversationID } from './common-aliases.js';
import { Direction } from './direction.js';
import { RCSIdentity } from './rcs-identity.js';
import { RCSSessionType } from './rcs-session-type.js';
import { RCSSIPSessionMessage } from './rcs-sip-session-message.js';

/**
 * ```asn1
 * -- See clause 7.13.3.4.4.1 for details of this structure
 * RCSSessionRelease ::= SEQUENCE
 * {
 *     rCSTargetIdentities     [1] SEQUENCE SIZE (1..MAX) OF RCSIdentity,
 *     conversationID          [2] RCSConversationID,
 *     contributionID          [3] RCSContributionID,
 *     rCSSessionType          [4] RCSSessionType,
 *     sessionDirection        [5] Direction,
 *     rCSSIPSessionMessage    [6] RCSSIPSessionMessage,
 *     location                [7] Location OPTIONAL
 * }
 * ```
 * Trimmed: location [7] is not produced.
 */
export const RCSSessionRelease = sequence('RCSSessionRelease', [
  field('rCSTargetIdentities', 1, sequenceOf('SEQUENCE OF RCSIdentity', RCSIdentity, 1)),
  field('conversationID', 2, RCSConversationID),
  field('contributionID', 3, RCSContributionID),
  field('rCSSessionType', 4, RCSSessionType),
  field('sessionDirection', 5, Direction),
  field('rCSSIPSessionMessage', 6, RCSSIPSessionMessage),
]);
