import { describe, expect, it } from 'vitest';
import { decodeBer, findNode, treeToValue } from '../../../../src/encode/asn1/ber-decoder.js';
import { readTlv } from '../../../../src/encode/asn1/ber-reader.js';
import { formatAsnTree } from '../../../../src/encode/asn1/format-asn-tree.js';
import { XIRIPayload } from '../../../../src/encode/asn1/ts33128/xiri-payload.js';
import { encodeXIRIPayload } from '../../../../src/encode/asn1/encode-ts33128-payloads.js';
import { fromHex } from '../../../../src/util/bytes.js';
import { bytesOf } from '../helpers/hex-fixture.js';
import { IRI_RECORDS } from '../../../helpers/sample-records.js';

const decode = (hex: string) => decodeBer(XIRIPayload, bytesOf(hex));

describe('BER decoder accepts what BER allows (not only DER)', () => {
  it('indefinite lengths, non-minimal lengths, constructed UTF8String segments', () => {
    const r = decode(`
      30 80                     XIRIPayload, indefinite length
      81 81 05 04 13 13 08 01   xIRIPayloadOID with a non-minimal long-form length
      a2 80                     event, indefinite
      bf 6b 80                  iMSCCUnavailable, indefinite
      a1 80                     cCUnavailableReason as a constructed UTF8String ...
      0c 01 54 0c 02 4c 53      ... of two segments "T" + "LS"
      00 00 00 00 00 00 00 00   four end-of-contents
    `);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(treeToValue(r.value.node)).toEqual({ xIRIPayloadOID: '4.19.19.8.1', event: { iMSCCUnavailable: { cCUnavailableReason: 'TLS' } } });
  });

  it('keeps unknown extension elements and unknown CHOICE alternatives (EXTENSIBILITY IMPLIED)', () => {
    const r = decode(`
      30 11
      81 05 04 13 13 08 01
      a2 04 bf 65 01 00          event [101] (an XIRIEvent msrptap does not describe)
      9f 40 01 07                an unknown field [64] after the last known one
    `);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const event = findNode(r.value.node, 'event')!;
    expect(event.children![0]).toMatchObject({ name: '?', typeName: 'unknown', tag: '[101]' });
    expect(r.value.node.children![2]).toMatchObject({ name: '?', tag: '[64]' });
    expect(formatAsnTree(r.value.node).join('\n')).toContain('? [64] unknown (primitive): 07');
  });

  it('maps unknown ENUMERATED values to their number (an extension value)', () => {
    const der = encodeXIRIPayload(IRI_RECORDS.iMSMessage).slice();
    // sessionDirection [2] ENUMERATED fromTarget(1) is the last element: 82 01 01.
    expect(Array.from(der.subarray(der.length - 3))).toEqual([0x82, 0x01, 0x01]);
    der[der.length - 1] = 9;
    const r = decodeBer(XIRIPayload, der);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(findNode(r.value.node, 'sessionDirection')).toMatchObject({ value: 9, note: '9' });
  });
});

describe('BER decoder errors carry offsets', () => {
  it.each([
    ['empty', '', 'truncated', 0],
    ['wrong outer tag', '31 00', 'bad_tag', 0],
    ['OID missing (event first)', '30 04 a2 02 05 00', 'bad_tag', 2],
    ['event missing', '30 07 81 05 04 13 13 08 01', 'truncated', 9],
    ['length beyond the input', '30 05 81 05', 'truncated', 2],
    ['reserved length octet ff', '30 ff', 'bad_length', 1],
    ['indefinite length on a primitive', '30 04 81 80 00 00', 'bad_length', 3],
    ['RELATIVE-OID with a leading 0x80 octet', '30 0b 81 02 80 01 a2 05 bf 6b 02 81 00', 'bad_value', 4],
    ['UTF8String that is not UTF-8', '30 10 81 05 04 13 13 08 01 a2 07 bf 6b 04 81 02 c3 28', 'bad_value', 16],
    ['explicit CHOICE tag primitive', '30 09 81 05 04 13 13 08 01 82 00', 'bad_tag', 9],
    ['two alternatives in one explicit CHOICE', '30 0f 81 05 04 13 13 08 01 a2 06 bf 6b 00 bf 6b 00', 'bad_value', 11],
    ['high tag with leading 0x80', '30 0c 81 05 04 13 13 08 01 a2 03 bf 80 6b', 'bad_tag', 12],
  ] as const)('%s', (_n, hex, code, offset) => {
    const r = decodeBer(XIRIPayload, fromHex(hex));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code, offset });
  });

  it('caps nesting depth (indefinite-length recursion cannot blow the stack)', () => {
    const deep = new Uint8Array(20000);
    for (let i = 0; i < 10000; i++) deep.set([0x30, 0x80], i * 2);
    const r = readTlv(deep, 0, deep.length);
    expect(!r.ok && r.error.code).toBe('too_deep');
  });

  it('caps the number of elements', () => {
    const many = fromHex('30 82 0b b8' + ' 04 00'.repeat(1500));
    const r = decodeBer(XIRIPayload, many, 0, { maxNodes: 10 });
    expect(r.ok).toBe(false);
  });
});
