import { choice, field } from '../asn-schema.js';
import { MIMEEntity } from './mime-entity.js';

/**
 * ```asn1
 * RCSSessionContext ::= CHOICE
 * {
 *     cPMSessionInfo [1] MIMEEntity
 * }
 * ```
 */
export const RCSSessionContext = choice('RCSSessionContext', [field('cPMSessionInfo', 1, MIMEEntity)]);
