/**
 * `decode --values`: camelCase keys and plain values, checked on records encoded by the real
 * encoders (test/unit/encode/helpers/sample-records.ts) for the three record file kinds.
 */
import { describe, expect, it } from 'vitest';
import { encodePsPdu } from '../../../../src/encode/asn1/encode-ps-pdu.js';
import { decodeRecordFile } from '../../../../src/encode/common/decode-record-file.js';
import { camelKey, decodedRecordsValues } from '../../../../src/encode/common/decoded-record-values.js';
import { encodeProtobufRecord } from '../../../../src/encode/protobuf/encode-protobuf-record.js';
import { encodeKeepalive } from '../../../../src/encode/x2x3/encode-x2x3-pdu.js';
import { encodeX2X3Record } from '../../../../src/encode/x2x3/encode-x2x3-record.js';
import { concatBytes } from '../../../../src/util/bytes.js';
import { ALL_RECORDS, TASK } from '../../../helpers/sample-records.js';

const X2X3 = concatBytes([encodeKeepalive(9), ...ALL_RECORDS.map((r, i) => encodeX2X3Record(r, i))]);
const PS = concatBytes(ALL_RECORDS.map((r, i) => encodePsPdu(r, { operatorIdentifier: 'OP', sequenceNumber: i })));
const PB = concatBytes(ALL_RECORDS.map(encodeProtobufRecord));

/** Every key of a JSON value, at any depth. */
function keysOf(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) keysOf(x, out);
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      keysOf(x, out);
    }
  }
  return out;
}

/** True when no value at any depth is a structure node of the default view ({name, type, tag} or {hex}). */
function isPlain(v: unknown): boolean {
  if (Array.isArray(v)) return v.every(isPlain);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('tag' in o || 'hex' in o || 'children' in o) return false;
    return Object.values(o).every(isPlain);
  }
  return true;
}

describe('decodedRecordsValues', () => {
  it('X2/X3: header and attributes by camelCase name with plain values; the XIRI payload as its values', () => {
    const v = decodedRecordsValues(decodeRecordFile(X2X3));
    expect(v).toHaveLength(ALL_RECORDS.length + 1);
    expect(v[0]).toMatchObject({ kind: 'x2x3', pduType: 'keepalive' });
    const x2 = v[1]!;
    expect(x2).toMatchObject({
      kind: 'x2x3',
      pduType: 'x2',
      xid: TASK.xid,
      correlationId: '0102030405060708',
      direction: expect.any(String),
      attributes: { sequenceNumber: 0, timestamp: '2025-11-28T09:00:00.123456789Z', sourceIPv4Address: '192.0.2.10', matchedTargetIdentifier: 'sip:alice@example.com' },
    });
    // 33.128 XIRIEvent CHOICE → the alternative's key; OCTET STRING text stays text.
    expect(Object.keys((x2.payload as { event: object }).event)).toEqual(['iMSMessage']);
    expect(JSON.stringify(x2.payload)).toContain('INVITE sip:bob@example.net SIP/2.0');
    for (const r of v) expect(isPlain(r), JSON.stringify(r)).toBe(true);
  });

  it('binary OCTET STRINGs are hex, printable ones text; times are ISO 8601', () => {
    const all = JSON.stringify(decodedRecordsValues(decodeRecordFile(X2X3)));
    // The conversation id of the session release (16 bytes, not printable); an IPv4Address as an address.
    expect(all).toContain('"conversationID":"0f0e0d0c0b0a49088706050403020100"');
    expect(all).toContain('"iPv4Address":"192.0.2.10"');
    expect(all).not.toContain('"sec":');
  });

  it('HI2/HI3 PS-PDUs and protobuf records: plain values, camelCase keys only', () => {
    for (const bytes of [PS, PB]) {
      const v = decodedRecordsValues(decodeRecordFile(bytes));
      expect(v).toHaveLength(ALL_RECORDS.length);
      for (const r of v) {
        expect(isPlain(r), JSON.stringify(r)).toBe(true);
        for (const k of keysOf(r)) expect(k, k).toMatch(/^(?:[a-z][A-Za-z0-9]*|\?)$/);
      }
    }
    const ps = decodedRecordsValues(decodeRecordFile(PS))[0]!;
    expect(ps).toMatchObject({ kind: 'ps-pdu', pSHeader: { lawfulInterceptionIdentifier: TASK.liid, sequenceNumber: 0 } });
  });

  it('camelKey drops ASN.1 hyphens', () => {
    expect(camelKey('iRI-Begin-record')).toBe('iRIBeginRecord');
    expect(camelKey('lawfulInterceptionIdentifier')).toBe('lawfulInterceptionIdentifier');
  });

  it('a damaged file still ends with its error object', () => {
    const v = decodedRecordsValues(decodeRecordFile(X2X3.subarray(0, X2X3.length - 3)));
    expect(v.at(-1)).toMatchObject({ error: { code: expect.any(String), offset: expect.any(Number) } });
  });
});
