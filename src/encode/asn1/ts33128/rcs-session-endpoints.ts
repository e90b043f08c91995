import { enumerated } from '../asn-schema.js';

/**
 * ```asn1
 * RCSSessionEndpoints ::= ENUMERATED
 * {
 *     remoteOnly(1),
 *     localOnly(2),
 *     localAndRemote(3)
 * }
 * ```
 */
export const RCSSessionEndpoints = enumerated('RCSSessionEndpoints', { remoteOnly: 1, localOnly: 2, localAndRemote: 3 });
