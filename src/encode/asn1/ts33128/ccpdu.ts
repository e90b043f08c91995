import { choice, field } from '../asn-schema.js';
import { IMSCCPDU } from './ims-ccpdu.js';
import { RCSCCPDU } from './rcs-ccpdu.js';

/**
 * ```asn1
 * CCPDU ::= CHOICE
 * {
 *     uPFCCPDU            [1] UPFCCPDU,
 *     extendedUPFCCPDU    [2] ExtendedUPFCCPDU,
 *     mMSCCPDU            [3] MMSCCPDU,
 *     nIDDCCPDU           [4] NIDDCCPDU,
 *     pTCCCPDU            [5] PTCCCPDU,
 *     iMSCCPDU            [6] IMSCCPDU,
 *     rCSCCPDU            [7] RCSCCPDU,
 *     mCVideoCCPDU        [8] MCVideoCCPDU,
 *     mCDataCCPDU         [9] MCDataCCPDU,
 *     mCPTTCCPDU          [10] MCPTTCCPDU
 * }
 * ```
 * Trimmed to iMSCCPDU [6] and rCSCCPDU [7].
 */
export const CCPDU = choice('CCPDU', [field('iMSCCPDU', 6, IMSCCPDU), field('rCSCCPDU', 7, RCSCCPDU)]);
