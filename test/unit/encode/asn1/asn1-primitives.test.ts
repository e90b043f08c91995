import { describe, expect, it } from 'vitest';
import {
  decodeIntegerContent,
  decodeOidContent,
  decodeRelativeOidContent,
  encodeIntegerContent,
  encodeOidContent,
  encodeRelativeOidContent,
  formatGeneralizedTime,
  isNumericString,
  isPrintableString,
  parseGeneralizedTime,
} from '../../../../src/encode/asn1/asn1-primitives.js';
import { fromHex, toHex } from '../../../../src/util/bytes.js';

describe("INTEGER content (X.690 8.3: minimal two's complement)", () => {
  it.each([
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '0080'],
    [255, '00ff'],
    [256, '0100'],
    [-1, 'ff'],
    [-128, '80'],
    [-129, 'ff7f'],
    [4294967295, '00ffffffff'],
    [18446744073709551615n, '00ffffffffffffffff'],
  ] as const)('%s → %s', (v, hex) => {
    expect(toHex(encodeIntegerContent(v))).toBe(hex);
    const back = decodeIntegerContent(fromHex(hex));
    expect(BigInt(back!)).toBe(BigInt(v));
  });
  it('empty content is not an INTEGER', () => {
    expect(decodeIntegerContent(new Uint8Array(0))).toBeUndefined();
  });
});

describe('OBJECT IDENTIFIER / RELATIVE-OID content (X.690 8.19, 8.20)', () => {
  it('li-psDomainId version35 = 04 00 02 02 05 01 23 (li-standards 3)', () => {
    expect(toHex(encodeOidContent('0.4.0.2.2.5.1.35')!)).toBe('04000202050123');
    expect(decodeOidContent(fromHex('04000202050123'))).toBe('0.4.0.2.2.5.1.35');
  });
  it('xIRIPayloadOID r19 version8 = 04 13 13 08 01 (li-standards 2.1)', () => {
    expect(toHex(encodeRelativeOidContent('4.19.19.8.1')!)).toBe('0413130801');
    expect(decodeRelativeOidContent(fromHex('0413130801'))).toBe('4.19.19.8.1');
  });
  it.each([
    ['200', '8148'],
    ['16384', '818000'],
  ])('multi-octet arc %s → %s', (arc, hex) => {
    expect(toHex(encodeRelativeOidContent(arc)!)).toBe(hex);
    expect(decodeRelativeOidContent(fromHex(hex))).toBe(arc);
  });
  it('2.999 uses the combined first arc 1079', () => {
    expect(toHex(encodeOidContent('2.999')!)).toBe('8837');
    expect(decodeOidContent(fromHex('8837'))).toBe('2.999');
  });
  it.each(['', 'a.b', '1', '3.1', '0.40', '1..2'])('rejects the text "%s" as an OID', (t) => {
    expect(encodeOidContent(t)).toBeUndefined();
  });
  it.each(['80 01', '81', ''])('rejects the arc octets %s', (hex) => {
    expect(decodeRelativeOidContent(fromHex(hex))).toBeUndefined();
  });
});

describe('GeneralizedTime (X.690 11.7)', () => {
  it.each([
    [0, '20251128090000Z'],
    [100_000_000, '20251128090000.1Z'],
    [123_456_789, '20251128090000.123456789Z'],
    [1, '20251128090000.000000001Z'],
    [120_000_000, '20251128090000.12Z'],
  ])('nsec %i → %s (no trailing zeros, no "." for zero)', (nsec, text) => {
    expect(formatGeneralizedTime({ sec: 1_764_320_400, nsec })).toBe(text);
    expect(parseGeneralizedTime(text)).toEqual({ sec: 1_764_320_400, nsec });
  });
  it('epoch', () => {
    expect(formatGeneralizedTime({ sec: 0, nsec: 0 })).toBe('19700101000000Z');
  });
  it.each([
    ['2025112809Z', 1_764_320_400, 0],
    ['202511281000+0100', 1_764_320_400, 0],
    ['20251128083000-0030', 1_764_320_400, 0],
    ['20251128090000,5Z', 1_764_320_400, 500_000_000],
  ])('parses the BER form %s', (text, sec, nsec) => {
    expect(parseGeneralizedTime(text)).toEqual({ sec, nsec });
  });
  it.each(['20251128090000', '2025-11-28T09:00:00Z', '20251328090000Z', '20251128250000Z', ''])('rejects %s', (text) => {
    expect(parseGeneralizedTime(text)).toBeUndefined();
  });
});

describe('restricted character strings', () => {
  it('PrintableString (X.680 41.4)', () => {
    expect(isPrintableString("DE Az09 '()+,-./:=?")).toBe(true);
    expect(isPrintableString('a@b')).toBe(false);
    expect(isPrintableString('ä')).toBe(false);
  });
  it('NumericString (X.680 41.2)', () => {
    expect(isNumericString('4930 123')).toBe(true);
    expect(isNumericString('+49')).toBe(false);
  });
});
