/**
 * HI2/HI3 delivery PDUs: ETSI TS 102 232-1 PS-PDU (LI-PS-PDU version35) carrying the 33.128
 * IRIPayload in threeGPP33128DefinedIRI [19] (HI2) or CCPayload in threeGPP33128DefinedCC [23]
 * (HI3), li-standards 3 and decision 7. Written as DER, which is valid BER.
 *
 * ```
 * PS-PDU
 *  ├─ pSHeader [1]: li-psDomainId 0.4.0.2.2.5.1.35, LIID, countries, communicationIdentifier,
 *  │                sequenceNumber, timeStamp (GeneralizedTime), microSecondTimeStamp, qualifier
 *  └─ payload [2] ─ iRIPayloadSequence [0] ─ IRIPayload { iRIType, iRIContents [2] ─ [19] OCTET STRING(33.128 IRIPayload) }
 *                 └ cCPayloadSequence [1] ─ CCPayload { payloadDirection, cCContents [2] ─ [23] OCTET STRING(33.128 CCPayload) }
 * ```
 */
import { InvariantError } from '../../core/errors.js';
import { toPayloadDirection } from '../../records/direction.js';
import type { LiRecord } from '../../records/li-record.js';
import { assertValidRecord } from '../../records/validate-record.js';
import type { AsnValue } from './asn-schema.js';
import { encodeDer } from './der-encoder.js';
import { writeDer } from './der-writer.js';
import { PSHeader } from './li-ps-pdu/ps-header.js';
import { LI_PS_DOMAIN_ID, PS_PDU } from './li-ps-pdu/ps-pdu.js';
import { sharedIriEvent } from './shared-iri-event.js';
import { ccPayloadValue, iriPayloadValue, iriTypeValue } from './ts33128-record-values.js';

/** Mediation configuration and the per-stream sequence number for one PS-PDU. */
export interface PsPduHeaderParams {
  /** NetworkIdentifier.operatorIdentifier, 1..16 octets (text is written as its UTF-8 bytes). */
  readonly operatorIdentifier: string | Uint8Array;
  /** NetworkIdentifier.networkElementIdentifier, 1..16 octets. */
  readonly networkElementIdentifier?: string | Uint8Array;
  /** ISO 3166-1 alpha-2 of the authorising country (clause 5.2.3). */
  readonly authorizationCountryCode?: string;
  /** ISO 3166-1 alpha-2 of the delivery country (clause 5.2.4). */
  readonly deliveryCountryCode?: string;
  /** PSHeader sequenceNumber 0..2^32-1 (per LIID/CIN stream, see encode/common SequenceAllocator). */
  readonly sequenceNumber: number;
  /** PrintableString 1..8 (clause 5.2.11). */
  readonly interceptionPointID?: string;
  /** Default 'timeOfInterception': the timestamps are capture times. */
  readonly timeStampQualifier?: 'unknown' | 'timeOfInterception' | 'timeOfMediation' | 'timeOfAggregation';
}

function octets(v: string | Uint8Array): Uint8Array {
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

/** The PSHeader value for a record. */
export function psHeaderValue(r: LiRecord, h: PsPduHeaderParams): AsnValue {
  const { tsSec, tsNsec } = r.network;
  return {
    'li-psDomainId': LI_PS_DOMAIN_ID,
    lawfulInterceptionIdentifier: r.task.liid,
    authorizationCountryCode: h.authorizationCountryCode,
    communicationIdentifier: {
      networkIdentifier: {
        operatorIdentifier: octets(h.operatorIdentifier),
        networkElementIdentifier: h.networkElementIdentifier !== undefined ? octets(h.networkElementIdentifier) : undefined,
      },
      communicationIdentityNumber: r.communicationIdentityNumber,
      deliveryCountryCode: h.deliveryCountryCode,
    },
    sequenceNumber: h.sequenceNumber,
    timeStamp: { sec: tsSec, nsec: tsNsec },
    interceptionPointID: h.interceptionPointID,
    // Clause 5.2.6: microSecondTimeStamp carries the same instant as seconds + microseconds.
    microSecondTimeStamp: { seconds: tsSec, microSeconds: Math.floor(tsNsec / 1000) },
    timeStampQualifier: h.timeStampQualifier ?? 'timeOfInterception',
  };
}

/**
 * The whole PS-PDU value (HI2 for IRI records, HI3 for CC records). `event`: see
 * iriPayloadValue (the event's value by default, for the validating encoder).
 */
export function psPduValue(r: LiRecord, h: PsPduHeaderParams, event?: AsnValue): AsnValue {
  const payload =
    r.kind === 'iri'
      ? { iRIPayloadSequence: [{ iRIType: iriTypeValue(r.iriType), iRIContents: { threeGPP33128DefinedIRI: event !== undefined ? iriPayloadValue(r, event) : iriPayloadValue(r) } }] }
      : { cCPayloadSequence: [{ payloadDirection: toPayloadDirection(r.direction), cCContents: { threeGPP33128DefinedCC: ccPayloadValue(r) } }] };
  return { pSHeader: psHeaderValue(r, h), payload };
}

/** The mediation fields last checked (they are per-run configuration: checked once, not per record). */
let checkedHeader: PsPduHeaderParams | undefined;

/**
 * Checks the mediation fields against their types (sizes, PrintableString) with the validating
 * encoder, once per distinct configuration: the fast writer does not check, and unlike the
 * record fields (src/records/validate-record.ts) they come from the command line.
 */
function checkMediationFields(h: PsPduHeaderParams): void {
  const c = checkedHeader;
  if (
    c !== undefined &&
    c.operatorIdentifier === h.operatorIdentifier &&
    c.networkElementIdentifier === h.networkElementIdentifier &&
    c.authorizationCountryCode === h.authorizationCountryCode &&
    c.deliveryCountryCode === h.deliveryCountryCode &&
    c.interceptionPointID === h.interceptionPointID &&
    c.timeStampQualifier === h.timeStampQualifier
  ) {
    return;
  }
  const probe = { task: { liid: 'x' }, communicationIdentityNumber: 0, network: { tsSec: 0, tsNsec: 0 } } as LiRecord;
  encodeDer(PSHeader, psHeaderValue(probe, { ...h, sequenceNumber: 0 }), 'PS-PDU.pSHeader');
  checkedHeader = h;
}

/** Encodes one record as a PS-PDU (DER, fast writer; an IRI shares its event encoding with X2). */
export function encodePsPdu(r: LiRecord, h: PsPduHeaderParams): Uint8Array {
  assertValidRecord(r);
  if (!Number.isInteger(h.sequenceNumber) || h.sequenceNumber < 0 || h.sequenceNumber > 0xffffffff) {
    throw new InvariantError(`PS-PDU sequenceNumber ${h.sequenceNumber} not in 0..2^32-1`);
  }
  checkMediationFields(h);
  return writeDer(PS_PDU, psPduValue(r, h, r.kind === 'iri' ? sharedIriEvent(r) : undefined));
}
