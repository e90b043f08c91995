import { field, primitive, sequence } from '../asn-schema.js';
import { CommunicationIdentifier } from './communication-identifier.js';
import { MicroSecondTimeStamp } from './micro-second-time-stamp.js';
import { TimeStampQualifier } from './time-stamp-qualifier.js';

/**
 * `LawfulInterceptionIdentifier ::= Common-Parameters.LIID` with, in ETSI TS 103 280,
 * `LIID ::= UTF8String (SIZE(1..25))` (wandder writes the same octets as an OCTET STRING).
 */
const LawfulInterceptionIdentifier = primitive('utf8String', 'LawfulInterceptionIdentifier', { size: { min: 1, max: 25 } });

/**
 * ```asn1
 * PSHeader ::= SEQUENCE
 * {
 *     li-psDomainId                   [0] OBJECT IDENTIFIER,
 *     lawfulInterceptionIdentifier    [1] LawfulInterceptionIdentifier,
 *     authorizationCountryCode        [2] PrintableString (SIZE (2)) OPTIONAL,
 *     communicationIdentifier         [3] CommunicationIdentifier,
 *     sequenceNumber                  [4] INTEGER (0..4294967295),
 *     timeStamp                       [5] GeneralizedTime OPTIONAL,
 *     ...,
 *     interceptionPointID             [6] PrintableString (SIZE (1..8)) OPTIONAL,
 *     microSecondTimeStamp            [7] MicroSecondTimeStamp OPTIONAL,
 *     timeStampQualifier              [8] TimeStampQualifier OPTIONAL,
 *     extendedInterceptionPointID     [9] OCTET STRING (SIZE (1..65535)) OPTIONAL,
 *     networkFunctionIdentifier       [10] OCTET STRING (SIZE (1..65535)) OPTIONAL
 * }
 * ```
 */
export const PSHeader = sequence('PSHeader', [
  field('li-psDomainId', 0, primitive('oid', 'OBJECT IDENTIFIER')),
  field('lawfulInterceptionIdentifier', 1, LawfulInterceptionIdentifier),
  field('authorizationCountryCode', 2, primitive('printableString', 'PrintableString', { size: { min: 2, max: 2 } }), true),
  field('communicationIdentifier', 3, CommunicationIdentifier),
  field('sequenceNumber', 4, primitive('integer', 'INTEGER', { range: { min: 0n, max: 4294967295n } })),
  field('timeStamp', 5, primitive('generalizedTime', 'GeneralizedTime'), true),
  field('interceptionPointID', 6, primitive('printableString', 'PrintableString', { size: { min: 1, max: 8 } }), true),
  field('microSecondTimeStamp', 7, MicroSecondTimeStamp, true),
  field('timeStampQualifier', 8, TimeStampQualifier, true),
  field('extendedInterceptionPointID', 9, primitive('octetString', 'OCTET STRING', { size: { min: 1, max: 65535 } }), true),
  field('networkFunctionIdentifier', 10, primitive('octetString', 'OCTET STRING', { size: { min: 1, max: 65535 } }), true),
]);
