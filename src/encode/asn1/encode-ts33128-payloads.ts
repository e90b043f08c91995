/**
 * DER of the TS33128Payloads (r19 version8) structures msrptap emits. Pure: record in, bytes out.
 * Records are validated first (InvariantError on a malformed record, see src/records), then
 * written by the fast writer (./der-writer.ts; the validating ./der-encoder.ts gives the same
 * bytes, checked by the tests).
 */
import { assertValidRecord } from '../../records/validate-record.js';
import type { CcRecord, IriRecord } from '../../records/li-record.js';
import { writeDer } from './der-writer.js';
import { sharedIriEvent } from './shared-iri-event.js';
import { CCPayload } from './ts33128/cc-payload.js';
import { IRIPayload } from './ts33128/iri-payload.js';
import { XIRIPayload } from './ts33128/xiri-payload.js';
import { ccPayloadValue, iriPayloadValue, xiriPayloadValue } from './ts33128-record-values.js';

/** XIRIPayload DER: the payload of an X2 PDU with payload format 2. */
export function encodeXIRIPayload(r: IriRecord): Uint8Array {
  assertValidRecord(r);
  return writeDer(XIRIPayload, xiriPayloadValue(r, sharedIriEvent(r)));
}

/** 33.128 IRIPayload DER: the content of TS 102 232-1 threeGPP33128DefinedIRI (HI2). */
export function encodeTs33128IRIPayload(r: IriRecord): Uint8Array {
  assertValidRecord(r);
  return writeDer(IRIPayload, iriPayloadValue(r, sharedIriEvent(r)));
}

/** 33.128 CCPayload DER: the content of TS 102 232-1 threeGPP33128DefinedCC (HI3). */
export function encodeTs33128CCPayload(r: CcRecord): Uint8Array {
  assertValidRecord(r);
  return writeDer(CCPayload, ccPayloadValue(r));
}
