/**
 * The fast DER path (der-writer.ts, the shared IRI event) against the validating builder
 * (der-encoder.ts) on every record of every scenario sample: XIRIPayload (X2), IRIPayload and
 * CCPayload (33.128), the whole PS-PDU (HI2/HI3) and the X2 PDU's payload.
 */
import { describe, expect, it } from 'vitest';
import { encodeDer } from '../../../../src/encode/asn1/der-encoder.js';
import { encodePsPdu, psPduValue, type PsPduHeaderParams } from '../../../../src/encode/asn1/encode-ps-pdu.js';
import { encodeTs33128CCPayload, encodeTs33128IRIPayload, encodeXIRIPayload } from '../../../../src/encode/asn1/encode-ts33128-payloads.js';
import { PS_PDU } from '../../../../src/encode/asn1/li-ps-pdu/ps-pdu.js';
import { CCPayload } from '../../../../src/encode/asn1/ts33128/cc-payload.js';
import { IRIPayload } from '../../../../src/encode/asn1/ts33128/iri-payload.js';
import { XIRIPayload } from '../../../../src/encode/asn1/ts33128/xiri-payload.js';
import { ccPayloadValue, iriPayloadValue, xiriPayloadValue } from '../../../../src/encode/asn1/ts33128-record-values.js';
import { encodeX2Record } from '../../../../src/encode/x2x3/encode-x2x3-record.js';
import { u32be, toHex } from '../../../../src/util/bytes.js';
import type { IriRecord } from '../../../../src/records/li-record.js';
import { sampleCaptureRecords } from '../../../helpers/sample-capture-records.js';
import { ALL_RECORDS } from '../../../helpers/sample-records.js';

const SAMPLES = sampleCaptureRecords();
const HEADER: Omit<PsPduHeaderParams, 'sequenceNumber'> = { operatorIdentifier: 'msrptap', networkElementIdentifier: 'tap-01', authorizationCountryCode: 'DE', deliveryCountryCode: 'FR' };

describe('fast DER writer = validating builder on every sample record', () => {
  it('the samples give records of every kind', () => {
    const all = SAMPLES.flatMap((s) => s.records);
    expect(SAMPLES.length).toBeGreaterThanOrEqual(10);
    expect(all.some((r) => r.kind === 'cc')).toBe(true);
    const kinds = new Set(all.map((r) => (r.kind === 'iri' ? r.event.kind : 'cc')));
    for (const k of ['iMSMessage', 'rCSSessionEstablishment', 'rCSSessionRelease', 'rCSMessage', 'cc']) expect(kinds).toContain(k);
  });

  for (const { sample, records } of [...SAMPLES, { sample: 'unit fixtures', records: [...ALL_RECORDS] }]) {
    it(`${sample}: ${records.length} records, identical bytes`, () => {
      // HI2 of each record comes right after X2 of the previous one: the shared event must follow the record.
      let n = 0;
      for (const [i, r] of records.entries()) {
        const h = { ...HEADER, sequenceNumber: n++ };
        expect(toHex(encodePsPdu(r, h)), `${sample} #${i} PS-PDU`).toBe(toHex(encodeDer(PS_PDU, psPduValue(r, h))));
        if (r.kind === 'cc') {
          expect(toHex(encodeTs33128CCPayload(r)), `${sample} #${i} CCPayload`).toBe(toHex(encodeDer(CCPayload, ccPayloadValue(r))));
          continue;
        }
        const xiri = toHex(encodeDer(XIRIPayload, xiriPayloadValue(r)));
        const x2 = encodeX2Record(r, n);
        expect(toHex(x2.subarray(u32be(x2, 4))), `${sample} #${i} X2 payload`).toBe(xiri);
        expect(toHex(encodeXIRIPayload(r)), `${sample} #${i} XIRIPayload`).toBe(xiri);
        expect(toHex(encodeTs33128IRIPayload(r)), `${sample} #${i} IRIPayload`).toBe(toHex(encodeDer(IRIPayload, iriPayloadValue(r))));
      }
    });
  }

  it('a record encoded after another gets its own event, even when the previous one is encoded again', () => {
    const iris = SAMPLES.flatMap((s) => s.records).filter((r): r is IriRecord => r.kind === 'iri');
    const [a, b] = [iris[0]!, iris.find((r) => r.event.kind !== iris[0]!.event.kind)!];
    const ref = (r: IriRecord): string => toHex(encodeDer(XIRIPayload, xiriPayloadValue(r)));
    expect(toHex(encodeXIRIPayload(a))).toBe(ref(a));
    expect(toHex(encodeXIRIPayload(b))).toBe(ref(b));
    expect(toHex(encodeXIRIPayload(a))).toBe(ref(a));
  });

  it('mediation fields the validating builder refuses are still refused on the fast path', () => {
    const r = SAMPLES[0]!.records[0]!;
    expect(() => encodePsPdu(r, { operatorIdentifier: 'x'.repeat(17), sequenceNumber: 0 })).toThrow(/size 17/);
    expect(() => encodePsPdu(r, { operatorIdentifier: 'OP', interceptionPointID: 'ä', sequenceNumber: 0 })).toThrow(/PrintableString/);
    expect(() => encodePsPdu(r, { operatorIdentifier: 'OP', sequenceNumber: 0 })).not.toThrow();
  });
});
