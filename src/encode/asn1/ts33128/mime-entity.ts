import { field, sequence } from '../asn-schema.js';
import { EncapsulatedMIMEEntity, MIMEContentType } from './common-aliases.js';

/**
 * ```asn1
 * MIMEEntity ::= SEQUENCE
 * {
 *     contentType            [1] MIMEContentType,
 *     encapsulatedMIMEEntity [2] EncapsulatedMIMEEntity
 * }
 * ```
 */
export const MIMEEntity = sequence('MIMEEntity', [field('contentType', 1, MIMEContentType), field('encapsulatedMIMEEntity', 2, EncapsulatedMIMEEntity)]);
