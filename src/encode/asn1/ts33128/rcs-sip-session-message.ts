import { field, sequence } from '../asn-schema.js';
import { IMSPayload } from './ims-payload.js';
import { MSRPPath } from './msrp-path.js';
import { RCSSessionLeg } from './rcs-session-leg.js';
import { RCSSessionResult } from './rcs-session-result.js';

/**
 * ```asn1
 * RCSSIPSessionMessage ::= SEQUENCE
 * {
 *     sessionLeg       [1] RCSSessionLeg,
 *     sIPMessage       [2] IMSPayload,
 *     rCSSessionResult [3] RCSSessionResult,
 *     mSRPPathInfo     [4] MSRPPath OPTIONAL
 * }
 * ```
 */
export const RCSSIPSessionMessage = sequence('RCSSIPSessionMessage', [field('sessionLeg', 1, RCSSessionLeg), field('sIPMessage', 2, IMSPayload), field('rCSSessionResult', 3, RCSSessionResult), field('mSRPPathInfo', 4, MSRPPath, true)]);
