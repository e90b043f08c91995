import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeProtobufRecord, protobufRecordObject } from '../../../../src/encode/protobuf/encode-protobuf-record.js';
import { MSRPTAP_PROTO_PATH } from '../../../../src/encode/protobuf/msrptap-proto.js';
import { readProtobufRecords } from '../../../../src/encode/protobuf/read-protobuf-records.js';
import type { RcsMessageEvent } from '../../../../src/records/iri-event.js';
import type { AnomalyRecord, MsrptapRecord } from '../../../../src/records/li-record.js';
import { concatBytes, toHex } from '../../../../src/util/bytes.js';
import { bytesOf } from '../helpers/hex-fixture.js';
import { ALL_RECORDS, CC_BINARY, IRI_RECORDS, iri } from '../../../helpers/sample-records.js';

const ANOMALY: AnomalyRecord = { kind: 'anomaly', code: 'pcap.truncated_record', frameNo: 3, tsSec: 1, tsNsec: 2 };

/** Length-delimited msrptap.v1.Record with an anomaly body (protobuf wire format, proto3). */
const ANOMALY_BYTES = `
  22                    varint length prefix: 34
  0a 04                 field 1 time (LEN), 4 bytes
  08 01                 time.seconds = 1
  10 02                 time.nanos = 2
  aa 01 19              field 21 anomaly (LEN, tag 21<<3|2 = 0xaa 0x01), 25 bytes
  0a 15 70 63 61 70 2e 74 72 75 6e 63 61 74 65 64 5f 72 65 63 6f 72 64  anomaly.code "pcap.truncated_record"
  10 03                 anomaly.frame_no = 3
`;

const bytes = (v: unknown): string => toHex(v as Uint8Array);

/** The fields these tests read from protobufjs' plain objects (`toObject`, bytes as Uint8Array). */
interface PlainRecord {
  task: unknown;
  iriType: string;
  direction: string;
  time: unknown;
  correlationId: Uint8Array;
  message: { content: Uint8Array; originating: { identities: unknown } };
  msrpChunk: { raw: Uint8Array };
}

describe('protobuf record stream', () => {
  it('the .proto is found relative to the package root', () => {
    expect(existsSync(MSRPTAP_PROTO_PATH)).toBe(true);
    expect(MSRPTAP_PROTO_PATH.endsWith('schemas/proto/msrptap.proto')).toBe(true);
  });

  it('golden: anomaly record', () => {
    expect(toHex(encodeProtobufRecord(ANOMALY))).toBe(toHex(bytesOf(ANOMALY_BYTES)));
  });

  it('every record kind round-trips through the length-delimited reader', () => {
    const all: MsrptapRecord[] = [...ALL_RECORDS, ANOMALY];
    const stream = concatBytes(all.map(encodeProtobufRecord));
    const r = readProtobufRecords(stream);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toHaveLength(all.length);
    expect(r.value.map((e) => e.record.body)).toEqual(['sipMessage', 'session', 'session', 'message', 'session', 'session', 'session', 'msrpChunk', 'msrpChunk', 'anomaly']);
    const first = r.value[0]!.record as unknown as PlainRecord;
    expect(first.task).toMatchObject({ xid: IRI_RECORDS.iMSMessage.task.xid, deliveryType: 'DELIVERY_TYPE_X2_AND_X3', targetRole: 'TARGET_ROLE_ORIGINATING' });
    expect(first.iriType).toBe('IRI_TYPE_BEGIN');
    expect(first.direction).toBe('DIRECTION_FROM_TARGET');
    expect(first.time).toEqual({ seconds: 1_764_320_400, nanos: 123_456_789 });
    expect(bytes(first.correlationId)).toBe('0102030405060708');
    const msg = r.value[3]!.record as unknown as PlainRecord;
    expect(Buffer.from(msg.message.content).toString()).toContain('Hello Bob');
    expect(msg.message.originating.identities).toEqual([
      { type: 'TYPE_SIP_URI', value: 'sip:alice@example.com' },
      { type: 'TYPE_TEL_URI', value: 'tel:+4930123456' },
    ]);
    const chunk = r.value[8]!.record as unknown as PlainRecord;
    expect(bytes(chunk.msrpChunk.raw)).toBe(toHex(CC_BINARY.event.bytes));
    expect(chunk.direction).toBe('DIRECTION_TO_TARGET');
    expect(r.value[9]!.record.anomaly).toEqual({ code: 'pcap.truncated_record', frameNo: 3 });
    // Offsets point at each length prefix.
    const lengths = all.map((x) => encodeProtobufRecord(x).length);
    expect(r.value.map((e) => e.offset)).toEqual(lengths.map((_l, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0)));
  });

  it('file transfers with file info use the file body', () => {
    const e = { ...(IRI_RECORDS.rCSMessage.event as RcsMessageEvent), messageType: 'fileTransferMessage' as const, file: { name: 'a.png', size: 4, contentType: 'image/png' } };
    const obj = protobufRecordObject(iri(e));
    expect(obj.file).toMatchObject({ name: 'a.png', size: 4, hasSize: true });
    const r = readProtobufRecords(encodeProtobufRecord(iri(e)));
    expect(r.ok && r.value[0]!.record.body).toBe('file');
  });

  it.each([
    ['a cut message', (b: Uint8Array) => b.subarray(0, b.length - 1), 'truncated'],
    ['an endless varint', () => Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 'bad_protobuf'],
    ['a length above the cap', () => Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f), 'too_large'],
    ['a wire type 7 field', () => Uint8Array.of(0x02, 0x0f, 0x00), 'bad_protobuf'],
    ['a sub-message longer than its message', () => Uint8Array.of(0x02, 0x0a, 0x05), 'bad_protobuf'],
  ] as const)('reports %s as a typed error', (_n, make, code) => {
    const r = readProtobufRecords(make(encodeProtobufRecord(ANOMALY)));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(code);
  });
});
