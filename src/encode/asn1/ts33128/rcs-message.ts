import { field, sequence, sequenceOf } from '../asn-schema.js';
import { IMDNMessageID, RCSContributionID, RCSConversationID, RCSGroupChatSessionID } from './common-aliases.js';
import { Direction } from './direction.js';
import { RCSDestinations } from './rcs-destinations.js';
import { RCSIdentity } from './rcs-identity.js';
import { RCSMessageType } from './rcs-message-type.js';
import { RCSPayload } from './rcs-payload.js';

/**
 * ```asn1
 * -- See clause 7.13.3.3 for details of this structure
 * RCSMessage ::= SEQUENCE
 * {
 *     rCSTargetIdentities     [1] SEQUENCE SIZE (1..MAX) OF RCSIdentity,
 *     groupChatSessionID      [2] RCSGroupChatSessionID OPTIONAL,
 *     originatingIdentity     [3] SEQUENCE SIZE (1..MAX) OF RCSIdentity,
 *     destinationIdentities   [4] RCSDestinations,
 *     direction               [5] Direction,
 *     messageType             [6] RCSMessageType,
 *     conversationID          [7] RCSConversationID,
 *     contributionID          [8] RCSContributionID,
 *     inReplyToContributionID [9] RCSContributionID OPTIONAL,
 *     messageID               [10] IMDNMessageID OPTIONAL,
 *     location                [11] Location OPTIONAL,
 *     messagePayload          [12] RCSPayload
 * }
 * ```
 * Trimmed: location [11] is not produced.
 */
export const RCSMessage = sequence('RCSMessage', [
  field('rCSTargetIdentities', 1, sequenceOf('SEQUENCE OF RCSIdentity', RCSIdentity, 1)),
  field('groupChatSessionID', 2, RCSGroupChatSessionID, true),
  field('originatingIdentity', 3, sequenceOf('SEQUENCE OF RCSIdentity', RCSIdentity, 1)),
  field('destinationIdentities', 4, RCSDestinations),
  field('direction', 5, Direction),
  field('messageType', 6, RCSMessageType),
  field('conversationID', 7, RCSConversationID),
  field('contributionID', 8, RCSContributionID),
  field('inReplyToContributionID', 9, RCSContributionID, true),
  field('messageID', 10, IMDNMessageID, true),
  field('messagePayload', 12, RCSPayload),
]);
