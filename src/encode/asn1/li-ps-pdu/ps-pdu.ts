import { field, sequence } from '../asn-schema.js';
import { Payload } from './payload.js';
import { PSHeader } from './ps-header.js';

/**
 * ```asn1
 * PS-PDU ::= SEQUENCE
 * {
 *     pSHeader    [1] PSHeader,
 *     payload     [2] Payload
 * }
 * ```
 * Module LI-PS-PDU {... li-ps(5) genHeader(1) version35(35)}, ETSI TS 102 232-1 V3.29.1.
 */
export const PS_PDU = sequence('PS-PDU', [field('pSHeader', 1, PSHeader), field('payload', 2, Payload)]);

/** `li-psDomainId OBJECT IDENTIFIER ::= {lawfulInterceptDomainId li-ps(5) genHeader(1) version35(35)}` */
export const LI_PS_DOMAIN_ID = '0.4.0.2.2.5.1.35';
