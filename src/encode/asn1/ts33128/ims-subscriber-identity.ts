import { choice, field } from '../asn-schema.js';
import { IMEI, IMPI } from './common-aliases.js';
import { IMPU } from './impu.js';
import { PEI } from './pei.js';

/**
 * ```asn1
 * IMSSubscriberIdentity ::= CHOICE
 * {
 *     iMPI [1] IMPI,
 *     iMPU [2] IMPU,
 *     pEI  [3] PEI,
 *     iMEI [4] IMEI
 * }
 * ```
 */
export const IMSSubscriberIdentity = choice('IMSSubscriberIdentity', [field('iMPI', 1, IMPI), field('iMPU', 2, IMPU), field('pEI', 3, PEI), field('iMEI', 4, IMEI)]);
