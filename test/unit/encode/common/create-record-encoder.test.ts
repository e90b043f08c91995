import { describe, expect, it } from 'vitest';
import { decodeLiStructure } from '../../../../src/encode/asn1/decode-li-payloads.js';
import { findNode } from '../../../../src/encode/asn1/ber-decoder.js';
import { createRecordEncoder } from '../../../../src/encode/common/create-record-encoder.js';
import { readProtobufRecords } from '../../../../src/encode/protobuf/read-protobuf-records.js';
import { decodeX2X3Pdu } from '../../../../src/encode/x2x3/decode-x2x3-pdu.js';
import type { AnomalyRecord } from '../../../../src/records/li-record.js';
import { CC_TEXT, IRI_RECORDS, TASK } from '../../../helpers/sample-records.js';

const ANOMALY: AnomalyRecord = { kind: 'anomaly', code: 'pcap.truncated_record', tsSec: 1, tsNsec: 0 };

describe('createRecordEncoder', () => {
  it('x2x3: sequence numbers per XID, anomalies skipped', () => {
    const e = createRecordEncoder('x2x3');
    const other = { ...CC_TEXT, task: { ...TASK, xid: '00000000-0000-4000-8000-000000000001' } };
    const seqs = [CC_TEXT, IRI_RECORDS.iMSMessage, other, CC_TEXT].map((r) => {
      const out = e.encode(r)!;
      const d = decodeX2X3Pdu(out.bytes);
      const attr = d.ok ? d.value.pdu.attributes.find((a) => a.kind === 'sequenceNumber') : undefined;
      expect(attr && attr.kind === 'sequenceNumber' && attr.value).toBe(out.sequenceNumber);
      return out.sequenceNumber;
    });
    expect(seqs).toEqual([0, 1, 0, 2]);
    expect(e.encode(ANOMALY)).toBeUndefined();
  });

  it('x2x3 and etsi respect the delivery type', () => {
    for (const f of ['x2x3', 'etsi'] as const) {
      const e = createRecordEncoder(f);
      expect(e.encode({ ...CC_TEXT, task: { ...TASK, deliveryType: 'X2Only' } })).toBeUndefined();
      expect(e.encode({ ...IRI_RECORDS.iMSMessage, task: { ...TASK, deliveryType: 'X3Only' } })).toBeUndefined();
      expect(e.encode(IRI_RECORDS.iMSMessage)).toBeDefined();
    }
  });

  it('etsi: PS-PDU sequence numbers per LIID/CIN/kind and the configured header', () => {
    const e = createRecordEncoder('etsi', { psHeader: { operatorIdentifier: 'OPX', deliveryCountryCode: 'NL' } });
    const a = e.encode(IRI_RECORDS.iMSMessage)!;
    const b = e.encode(IRI_RECORDS.rCSMessage)!;
    const c = e.encode({ ...IRI_RECORDS.iMSMessage, communicationIdentityNumber: 5 })!;
    expect([a.sequenceNumber, b.sequenceNumber, c.sequenceNumber]).toEqual([0, 1, 0]);
    const d = decodeLiStructure('PS-PDU', b.bytes);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(Buffer.from(findNode(d.value.node, 'operatorIdentifier')!.value as Uint8Array).toString()).toBe('OPX');
    expect(findNode(d.value.node, 'deliveryCountryCode')?.value).toBe('NL');
    expect(findNode(d.value.node, 'sequenceNumber')?.value).toBe(1);
  });

  it('protobuf carries anomalies, and honours the delivery type like the LI formats', () => {
    const e = createRecordEncoder('protobuf');
    const r = readProtobufRecords(e.encode(ANOMALY)!.bytes);
    expect(r.ok && r.value[0]!.record.body).toBe('anomaly');
    // An X2Only task gets no CC anywhere (issue 4), the analytics stream included.
    expect(e.encode({ ...CC_TEXT, task: { ...TASK, deliveryType: 'X2Only' } })).toBeUndefined();
    expect(e.encode({ ...CC_TEXT, task: { ...TASK, deliveryType: 'X3Only' } })).toBeDefined();
  });
});
