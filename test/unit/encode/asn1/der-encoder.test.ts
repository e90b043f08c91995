import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { choice, enumerated, field, primitive, sequence, sequenceOf } from '../../../../src/encode/asn1/asn-schema.js';
import { decodeBer, treeToValue } from '../../../../src/encode/asn1/ber-decoder.js';
import { encodeDer } from '../../../../src/encode/asn1/der-encoder.js';
import { encodePsPdu } from '../../../../src/encode/asn1/encode-ps-pdu.js';
import { encodeTs33128CCPayload, encodeTs33128IRIPayload, encodeXIRIPayload } from '../../../../src/encode/asn1/encode-ts33128-payloads.js';
import { toHex } from '../../../../src/util/bytes.js';
import { derProblems } from '../helpers/der-check.js';
import { bytesOf } from '../helpers/hex-fixture.js';
import { ALL_RECORDS, iri } from '../../../helpers/sample-records.js';

/** XIRIPayload for iMSCCUnavailable("TLS"): 33.128 r19 v8, DER. */
const XIRI_CC_UNAVAILABLE = `
  30 11                 XIRIPayload SEQUENCE, 17 octets
  81 05 04 13 13 08 01  xIRIPayloadOID [1] RELATIVE-OID 4.19.19.8.1
  a2 08                 event [2] XIRIEvent: a CHOICE, so explicitly tagged (constructed)
  bf 6b 05              iMSCCUnavailable [107] IMSCCUnavailable: implicit SEQUENCE, high tag 107 = 0x6b
  81 03 54 4c 53        cCUnavailableReason [1] UTF8String "TLS"
`;

const Inner = choice('Inner', [field('a', 1, primitive('boolean', 'BOOLEAN')), field('b', 200, primitive('null', 'NULL'))]);
const Test = sequence('Test', [
  field('flag', 0, primitive('boolean', 'BOOLEAN')),
  field('n', 1, primitive('integer', 'INTEGER', { range: { min: 0n, max: 10n } }), true),
  field('inner', 2, Inner),
  field('list', 3, sequenceOf('SEQUENCE OF Inner', Inner, 1), true),
  field('s', 4, primitive('octetString', 'OCTET STRING', { size: { min: 0, max: 300 } }), true),
  field('e', 5, enumerated('E', { x: 1, y: 2 }), true),
  field('t', 6, primitive('utf8String', 'UTF8String'), true),
]);

describe('DER encoder', () => {
  it('golden: XIRIPayload with iMSCCUnavailable', () => {
    expect(toHex(encodeXIRIPayload(iri({ kind: 'iMSCCUnavailable', reason: 'TLS' })))).toBe(toHex(bytesOf(XIRI_CC_UNAVAILABLE)));
  });

  it('BOOLEAN TRUE is FF, explicit CHOICE tags, high tag numbers, untagged CHOICE in SEQUENCE OF', () => {
    const der = encodeDer(Test, { flag: true, inner: { b: null }, list: [{ a: false }, { b: null }] });
    expect(toHex(der)).toBe(
      [
        '3012', // Test (18 octets)
        '8001ff', // flag [0] BOOLEAN TRUE = FF (X.690 11.1)
        'a2049f814800', // inner [2] explicit around b [200] NULL (high tag 81 48)
        'a307', // list [3] (7 octets)
        '810100', // a [1] FALSE, no wrapper (untagged element)
        '9f814800', // b [200]
      ].join(''),
    );
  });

  it.each([
    [127, '7f'],
    [128, '8180'],
    [255, '81ff'],
    [256, '820100'],
  ])('length %i is written in the minimal form %s', (n, lenHex) => {
    const der = encodeDer(Test, { flag: false, inner: { a: true }, s: new Uint8Array(n > 300 ? 0 : n) });
    const at = toHex(der).indexOf('84' + lenHex);
    expect(at).toBeGreaterThan(0);
    expect(derProblems(der)).toEqual([]);
  });

  it('long forms on primitive and constructed lengths decode with asn1js (content of 70 000 octets)', () => {
    const Big = sequence('Big', [field('blob', 31, primitive('octetString', 'OCTET STRING'))]);
    const blob = new Uint8Array(70_000).map((_, i) => i & 0xff);
    const der = encodeDer(Big, { blob });
    // SEQUENCE of 70 006 = 0x011176 octets; [31] is a high tag (9f 1f); 70 000 = 0x011170.
    expect(toHex(der.subarray(0, 11))).toBe('30' + '83011176' + '9f1f' + '83011170');
    expect(derProblems(der)).toEqual([]);
    const parsed = asn1js.fromBER(der);
    expect(parsed.offset).toBe(der.length);
    const inner = (parsed.result as asn1js.Sequence).valueBlock.value[0]!;
    expect(inner.idBlock.tagClass).toBe(3);
    expect(inner.idBlock.tagNumber).toBe(31);
    expect(Buffer.from((inner as asn1js.Primitive).valueBlock.valueHexView).equals(Buffer.from(blob))).toBe(true);
  });

  it('omits absent OPTIONAL fields and keeps definition order', () => {
    const der = encodeDer(Test, { e: 'y', t: 'ü', flag: false, inner: { a: true } });
    expect(toHex(der)).toBe('300f' + '800100' + 'a2038101ff' + '850102' + '8602c3bc');
  });

  it.each([
    ['missing mandatory field', { inner: { a: true } }, /flag/],
    ['two CHOICE alternatives', { flag: true, inner: { a: true, b: null } }, /exactly one/],
    ['unknown CHOICE alternative', { flag: true, inner: { c: 1 } }, /no alternative c/],
    ['unknown field', { flag: true, inner: { a: true }, zzz: 1 }, /no field zzz/],
    ['INTEGER out of range', { flag: true, inner: { a: true }, n: 11 }, /out of range/],
    ['SIZE violated', { flag: true, inner: { a: true }, s: new Uint8Array(301) }, /size 301/],
    ['empty SEQUENCE SIZE(1..MAX)', { flag: true, inner: { a: true }, list: [] }, /at least 1/],
    ['unknown ENUMERATED name', { flag: true, inner: { a: true }, e: 'z' }, /no value z/],
    ['UTF8String bytes that are not UTF-8', { flag: true, inner: { a: true }, t: Uint8Array.of(0xc3, 0x28) }, /not valid UTF-8/],
    ['UTF8String with a lone surrogate', { flag: true, inner: { a: true }, t: '\udc00' }, /surrogate/],
  ] as const)('throws InvariantError on %s', (_n, value, msg) => {
    expect(() => encodeDer(Test, value as never)).toThrow(msg);
  });
});

describe('DER canonical form of every emitted structure', () => {
  const all = ALL_RECORDS.flatMap((r, i) => [
    ...(r.kind === 'iri' ? [encodeXIRIPayload(r), encodeTs33128IRIPayload(r)] : [encodeTs33128CCPayload(r)]),
    encodePsPdu(r, { operatorIdentifier: 'OP', networkElementIdentifier: 'NE1', sequenceNumber: i, authorizationCountryCode: 'DE', deliveryCountryCode: 'FR', interceptionPointID: 'IP1' }),
  ]);
  it.each(all.map((b, i) => [i, b] as const))('encoding %i: definite minimal lengths, primitive strings, minimal integers', (_i, der) => {
    expect(derProblems(der)).toEqual([]);
  });
  it.each(all.map((b, i) => [i, b] as const))('encoding %i: asn1js (a second decoder) parses it and re-encodes it unchanged', (_i, der) => {
    const r = asn1js.fromBER(der);
    expect(r.offset).toBe(der.length);
    expect(toHex(new Uint8Array(r.result.toBER(false)))).toBe(toHex(der));
  });
  it('the derProblems checker does detect non-canonical input (so the checks above can fail)', () => {
    expect(derProblems(Uint8Array.of(0x30, 0x81, 0x03, 0x01, 0x01, 0x01))).toContainEqual({ offset: 0, what: 'long form for length 3' });
    expect(derProblems(Uint8Array.of(0x01, 0x01, 0x01))).toContainEqual({ offset: 0, what: 'BOOLEAN not 00/FF' });
    expect(derProblems(Uint8Array.of(0x02, 0x02, 0x00, 0x01))).toContainEqual({ offset: 0, what: 'non-minimal INTEGER' });
    expect(derProblems(Uint8Array.of(0x30, 0x80, 0x00, 0x00))).toContainEqual({ offset: 0, what: 'indefinite length' });
  });
  it('decode → treeToValue → encode reproduces the bytes (Test schema)', () => {
    const der = encodeDer(Test, { flag: true, n: 7, inner: { b: null }, list: [{ a: true }], s: Uint8Array.of(1, 2), e: 'x', t: 'héllo' });
    const d = decodeBer(Test, der);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(toHex(encodeDer(Test, treeToValue(d.value.node)))).toBe(toHex(der));
  });
});
