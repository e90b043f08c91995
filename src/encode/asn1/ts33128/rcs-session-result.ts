import { enumerated } from '../asn-schema.js';

/**
 * ```asn1
 * RCSSessionResult ::= ENUMERATED
 * {
 *     newLegRequested(1),
 *     newLegEstablished(2),
 *     legModificationRequested(3),
 *     legModificationComplete(4),
 *     legRemovalRequest(5),
 *     legRemovalComplete(6)
 * }
 * ```
 */
export const RCSSessionResult = enumerated('RCSSessionResult', {
  newLegRequested: 1,
  newLegEstablished: 2,
  legModificationRequested: 3,
  legModificationComplete: 4,
  legRemovalRequest: 5,
  legRemovalComplete: 6,
});
