import { enumerated } from '../asn-schema.js';

/**
 * ```asn1
 * RCSMessageType ::= ENUMERATED
 * {
 *     messageWithUserContent(1),
 *     fileTransferMessage(2),
 *     geoLocationPUSHMessage(3),
 *     iMDNNotification(4)
 * }
 * ```
 */
export const RCSMessageType = enumerated('RCSMessageType', {
  messageWithUserContent: 1,
  fileTransferMessage: 2,
  geoLocationPUSHMessage: 3,
  iMDNNotification: 4,
});
