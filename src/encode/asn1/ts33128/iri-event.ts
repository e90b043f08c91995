import { choice } from '../asn-schema.js';
import { IMS_RCS_EVENT_ALTERNATIVES } from './xiri-event.js';

/**
 * ```asn1
 * IRIEvent ::= CHOICE
 * {
 *     -- AMF events, see clause 6.2.2.3
 *     registration                                        [1] AMFRegistration,
 *     ...                                                 -- same IMS/RCS tags as XIRIEvent
 * }
 * ```
 * Trimmed to the IMS/RCS alternatives of ./xiri-event.ts (clauses 7.12.7 and 7.13.3).
 */
export const IRIEvent = choice('IRIEvent', IMS_RCS_EVENT_ALTERNATIVES);
