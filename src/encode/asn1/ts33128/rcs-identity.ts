import { choice, field } from '../asn-schema.js';
import { IMSSubscriberIDs } from './ims-subscriber-ids.js';

/**
 * ```asn1
 * RCSIdentity ::= CHOICE
 * {
 *     fiveGSIdentities [1] FiveGSSubscriberIDs,
 *     ePSIdentities    [2] EPSSubscriberIDs,
 *     iMSIdentities    [3] IMSSubscriberIDs
 * }
 * ```
 * Trimmed: msrptap knows RCS parties only by SIP/TEL URIs, so only iMSIdentities [3] is
 * described; the decoder keeps the other alternatives as unknown elements.
 */
export const RCSIdentity = choice('RCSIdentity', [field('iMSIdentities', 3, IMSSubscriberIDs)]);
