import { field, sequence } from '../asn-schema.js';
import { IMSPayload } from './ims-payload.js';
import { RCSSessionLeg } from './rcs-session-leg.js';

/**
 * ```asn1
 * RCSSIPSessionExchange ::= SEQUENCE
 * {
 *     sessionLeg       [1] RCSSessionLeg,
 *     sIPRequest       [2] IMSPayload,
 *     sIPResponse      [3] IMSPayload
 * }
 * ```
 */
export const RCSSIPSessionExchange = sequence('RCSSIPSessionExchange', [field('sessionLeg', 1, RCSSessionLeg), field('sIPRequest', 2, IMSPayload), field('sIPResponse', 3, IMSPayload)]);
