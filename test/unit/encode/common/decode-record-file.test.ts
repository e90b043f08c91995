import { describe, expect, it } from 'vitest';
import { encodePsPdu } from '../../../../src/encode/asn1/encode-ps-pdu.js';
import { decodeRecordFile, detectRecordFileKind } from '../../../../src/encode/common/decode-record-file.js';
import { formatDecodedRecordFile } from '../../../../src/encode/common/format-decoded-record-file.js';
import { encodeProtobufRecord } from '../../../../src/encode/protobuf/encode-protobuf-record.js';
import { encodeKeepalive, encodeX2X3Pdu } from '../../../../src/encode/x2x3/encode-x2x3-pdu.js';
import { encodeX2X3Record } from '../../../../src/encode/x2x3/encode-x2x3-record.js';
import { concatBytes } from '../../../../src/util/bytes.js';
import { ALL_RECORDS, CC_BINARY, IRI_RECORDS, TASK, enc } from '../../../helpers/sample-records.js';

const X2X3 = concatBytes([encodeKeepalive(9), ...ALL_RECORDS.map((r, i) => encodeX2X3Record(r, i))]);
const PS = concatBytes(ALL_RECORDS.map((r, i) => encodePsPdu(r, { operatorIdentifier: 'OP', sequenceNumber: i })));
const PB = concatBytes(ALL_RECORDS.map(encodeProtobufRecord));

describe('decodeRecordFile', () => {
  it.each([
    ['x2x3', X2X3, ALL_RECORDS.length + 1],
    ['ps-pdu', PS, ALL_RECORDS.length],
    ['protobuf', PB, ALL_RECORDS.length],
  ] as const)('detects and decodes a %s file', (kind, bytes, n) => {
    expect(detectRecordFileKind(bytes)).toBe(kind);
    const d = decodeRecordFile(bytes);
    expect(d.kind).toBe(kind);
    expect(d.error).toBeUndefined();
    expect(d.kind !== 'unknown' && d.items.length).toBe(n);
  });

  it('X2 payloads are decoded as XIRIPayload trees; X3 payloads stay bytes', () => {
    const d = decodeRecordFile(X2X3);
    if (d.kind !== 'x2x3') throw new Error(d.kind);
    expect(d.items[1]!.payloadTree?.typeName).toBe('XIRIPayload');
    expect(d.items.at(-1)!.payloadTree).toBeUndefined();
  });

  it('prints every header field, attribute, the named tree and text as text', () => {
    const text = formatDecodedRecordFile(decodeRecordFile(X2X3)).join('\n');
    for (const s of [
      'kind: x2x3',
      'pduType: 3 (Keepalive)',
      'pduType: 1 (X2 xIRI)',
      'payloadFormat: 13 (MSRP message)',
      'payloadDirection: 2 (sent to the target, toTarget)',
      `xid: ${TASK.xid}`,
      'correlationId: 0102030405060708',
      'attribute 8 (Sequence Number): 0',
      'attribute 9 (Timestamp): 1764320400.123456789 (2025-11-28T09:00:00.123456789Z)',
      'attribute 10 (Source IPv4 address): 192.0.2.10',
      'attribute 17 (Matched Target Identifier): "sip:alice@example.com"',
      'event [2] XIRIEvent (CHOICE)',
      'iMSMessage [105] IMSMessage (SEQUENCE)',
      '| INVITE sip:bob@example.net SIP/2.0',
      '| MSRP a786hjs2 SEND',
      'rCSSessionRelease [145] RCSSessionRelease (SEQUENCE)',
      'conversationID [2] RCSConversationID (OCTET STRING): 0f0e0d0c-0b0a-4908-8706-050403020100',
      'iPv4Address [1] IPv4Address (OCTET STRING): 192.0.2.10',
    ]) {
      expect(text).toContain(s);
    }
    expect(text).toContain('\\x89P\\xff\\xfe');
  });

  it('PS-PDU and protobuf files render', () => {
    const ps = formatDecodedRecordFile(decodeRecordFile(PS)).join('\n');
    expect(ps).toContain('li-psDomainId [0] OBJECT IDENTIFIER: "0.4.0.2.2.5.1.35"');
    expect(ps).toContain('threeGPP33128DefinedCC [23]');
    const pb = formatDecodedRecordFile(decodeRecordFile(PB)).join('\n');
    expect(pb).toContain('"xid": "2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901"');
    expect(pb).toContain('"raw": "hex:');
  });

  it('keeps what decoded before a framing error and reports the error', () => {
    const cut = X2X3.subarray(0, X2X3.length - 3);
    const d = decodeRecordFile(cut);
    expect(d.kind).toBe('x2x3');
    expect(d.kind !== 'unknown' && d.items.length).toBe(ALL_RECORDS.length);
    expect(d.error).toMatchObject({ code: 'truncated' });
    expect(formatDecodedRecordFile(d).at(-1)).toMatch(/^error: truncated at offset \d+/);
  });

  it('reports an X2 payload that is not a valid XIRIPayload without losing the PDU', () => {
    const bad = encodeX2X3Pdu({ pduType: 1, payloadFormat: 2, payloadDirection: 3, xid: TASK.xid, correlationId: new Uint8Array(8), attributes: [], payload: enc('not BER') });
    const d = decodeRecordFile(bad);
    if (d.kind !== 'x2x3') throw new Error(d.kind);
    expect(d.items[0]!.payloadError).toBeDefined();
    expect(formatDecodedRecordFile(d).join('\n')).toMatch(/payload error: /);
  });

  it('unknown content', () => {
    const d = decodeRecordFile(enc('hello world, this is not a record file'));
    expect(d).toMatchObject({ kind: 'unknown', error: { code: 'unknown_format', offset: 0 } });
    expect(decodeRecordFile(new Uint8Array(0)).kind).toBe('unknown');
  });

  it('a PS-PDU file with trailing garbage keeps the good PDUs', () => {
    const d = decodeRecordFile(concatBytes([PS, Uint8Array.of(0x30, 0x05, 0x01)]));
    expect(d.kind === 'ps-pdu' && d.items.length).toBe(ALL_RECORDS.length);
    expect(d.error).toMatchObject({ code: 'truncated' });
    void CC_BINARY;
    void IRI_RECORDS;
  });
});
