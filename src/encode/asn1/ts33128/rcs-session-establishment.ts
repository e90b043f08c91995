import { field, sequence, sequenceOf } from '../asn-schema.js';
import { RCSContributionID, RCSConversationID } from './common-aliases.js';
import { Direction } from './direction.js';
import { RCSIdentity } from './rcs-identity.js';
import { RCSSessionType } from './rcs-session-type.js';
import { RCSSIPSessionMessage } from './rcs-sip-session-message.js';

/**
 * ```asn1
 * -- See clause 7.13.3.4.2.1 for details of this structure
 * RCSSessionEstablishment ::= SEQUENCE
 * {
 *     rCSTargetIdentities     [1] SEQUENCE SIZE (1..MAX) OF RCSIdentity,
 *     conversationID          [2] RCSConversationID,
 *     contributionID          [3] RCSContributionID,
 *     inReplyToContributionID [4] RCSContributionID OPTIONAL,
 *     sessionReplaces         [5] RCSContributionID OPTIONAL,
 *     rCSSessionType          [6] RCSSessionType,
 *     sessionDirection        [7] Direction,
 *     rCSSessionMessage       [8] RCSSIPSessionMessage,
 *     location                [9] Location OPTIONAL
 * }
 * ```
 * Trimmed: location [9] is not produced.
 */
export const RCSSessionEstablishment = sequence('RCSSessionEstablishment', [
  field('rCSTargetIdentities', 1, sequenceOf('SEQUENCE OF RCSIdentity', RCSIdentity, 1)),
  field('conversationID', 2, RCSConversationID),
  field('contributionID', 3, RCSContributionID),
  field('inReplyToContributionID', 4, RCSContributionID, true),
  field('sessionReplaces', 5, RCSContributionID, true),
  field('rCSSessionType', 6, RCSSessionType),
  field('sessionDirection', 7, Direction),
  field('rCSSessionMessage', 8, RCSSIPSessionMessage),
]);
