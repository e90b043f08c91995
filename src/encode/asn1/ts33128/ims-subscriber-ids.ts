import { choice, field, sequenceOf } from '../asn-schema.js';
import { IMPI } from './common-aliases.js';
import { IMPU } from './impu.js';
import { IMSSubscriberIdentity } from './ims-subscriber-identity.js';

/**
 * ```asn1
 * IMSSubscriberIDs ::= CHOICE
 * {
 *     -- deprecatedIMPI and deprecatedIMPU were deprecated in r(19) version6(6)
 *     deprecatedIMPI        [1] IMPI,
 *     deprecatedIMPU        [2] IMPU,
 *     iMSSubscriberIDs      [3] SEQUENCE (SIZE (1..MAX)) OF IMSSubscriberIdentity
 * }
 * ```
 * msrptap writes only iMSSubscriberIDs [3] (the r19 v6+ form).
 */
export const IMSSubscriberIDs = choice('IMSSubscriberIDs', [field('deprecatedIMPI', 1, IMPI), field('deprecatedIMPU', 2, IMPU), field('iMSSubscriberIDs', 3, sequenceOf('SEQUENCE OF IMSSubscriberIdentity', IMSSubscriberIdentity, 1))]);
