import { choice, field, type AsnField } from '../asn-schema.js';
import { IMSCCUnavailable } from './ims-cc-unavailable.js';
import { IMSMessage } from './ims-message.js';
import { RCSMessage } from './rcs-message.js';
import { RCSSessionEstablishment } from './rcs-session-establishment.js';
import { RCSSessionRelease } from './rcs-session-release.js';
import { StartOfInterceptWithEstablisedRCSSession } from './start-of-intercept-with-establised-rcs-session.js';
import { StartOfInterceptionForActiveIMSSession } from './start-of-interception-for-active-ims-session.js';

/**
 * The IMS and RCS alternatives msrptap emits. XIRIEvent and IRIEvent use the same tags for them
 * (li-standards 2.2), so the list is shared by both descriptors.
 *
 * ```asn1
 *     -- IMS events, see clause 7.12.4.2
 *     iMSMessage                                          [105] IMSMessage,
 *     startOfInterceptionForActiveIMSSession              [106] StartOfInterceptionForActiveIMSSession,
 *     iMSCCUnavailable                                    [107] IMSCCUnavailable,
 *     -- RCS events, see clause 7.13.3
 *     rCSMessage                                          [141] RCSMessage,
 *     rCSSessionEstablishment                             [143] RCSSessionEstablishment,
 *     rCSSessionRelease                                   [145] RCSSessionRelease,
 *     -- RCS events, see clause 7.13.3, continued from tag 145
 *     startOfInterceptWithEstablisedRCSSession            [158] StartOfInterceptWithEstablisedRCSSession,
 * ```
 */
export const IMS_RCS_EVENT_ALTERNATIVES: readonly AsnField[] = [
  field('iMSMessage', 105, IMSMessage),
  field('startOfInterceptionForActiveIMSSession', 106, StartOfInterceptionForActiveIMSSession),
  field('iMSCCUnavailable', 107, IMSCCUnavailable),
  field('rCSMessage', 141, RCSMessage),
  field('rCSSessionEstablishment', 143, RCSSessionEstablishment),
  field('rCSSessionRelease', 145, RCSSessionRelease),
  field('startOfInterceptWithEstablisedRCSSession', 158, StartOfInterceptWithEstablisedRCSSession),
];

/**
 * ```asn1
 * XIRIEvent ::= CHOICE
 * {
 *     -- AMF events, see clause 6.2.2.2
 *     registration                                        [1] AMFRegistration,
 *     ...                                                 -- 199 alternatives in r19 version8
 * }
 * ```
 * Trimmed to IMS_RCS_EVENT_ALTERNATIVES; other events decode as unknown alternatives.
 */
export const XIRIEvent = choice('XIRIEvent', IMS_RCS_EVENT_ALTERNATIVES);
