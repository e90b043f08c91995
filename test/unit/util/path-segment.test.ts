/**
 * The identifier → folder name mapping (src/util/path-segment.ts): the names the samples use
 * stay as they are, nothing can climb out of or hide in the output folder, and (seeded property
 * test) different identifiers never share a folder.
 */
import { describe, expect, it } from 'vitest';
import { parsePathSegment, pathSegment } from '../../../src/util/path-segment.js';
import { mulberry32 as prng } from '../../../samples/gen/lib/prng.js';

const SAFE = /^[A-Za-z0-9_%-][A-Za-z0-9._%-]*$/;

describe('pathSegment', () => {
  it('keeps LIIDs and UUIDs made of [A-Za-z0-9._-] unchanged', () => {
    for (const id of ['LIID-DE-0011', 'LIID-DE-0001', 'a_b', 'x.y', 'A-1.2_3', '0b4a2c54-5e0f-4d6b-9b7e-2f1c3d4e5a60']) expect(pathSegment(id)).toBe(id);
  });

  it('percent-encodes everything else, so a/b and a_b get two folders', () => {
    expect(pathSegment('a/b')).toBe('a%2Fb');
    expect(pathSegment('a_b')).toBe('a_b');
    expect(pathSegment('a b')).toBe('a%20b');
    expect(pathSegment('50%')).toBe('50%25');
    expect(pathSegment('a\\b')).toBe('a%5Cb');
    expect(pathSegment('é')).toBe('%C3%A9');
    expect(pathSegment('😀')).toBe('%F0%9F%98%80');
  });

  it('never names ., .., a hidden folder or nothing', () => {
    expect(pathSegment('.')).toBe('%2E');
    expect(pathSegment('..')).toBe('%2E.');
    expect(pathSegment('.hidden')).toBe('%2Ehidden');
    expect(pathSegment('../x')).toBe('%2E.%2Fx');
    expect(pathSegment('')).toBe('%');
  });

  it('keeps lone surrogates apart from U+FFFD (TextEncoder would merge them)', () => {
    const names = ['\ud800', '\udfff', '\ufffd', '\ud800\udc00'].map(pathSegment);
    expect(new Set(names).size).toBe(4);
  });

  it('parsePathSegment inverts it and rejects names it does not produce', () => {
    expect(parsePathSegment('a%2Fb')).toBe('a/b');
    expect(parsePathSegment('%')).toBe('');
    for (const n of ['a%2fb', '%41', '.x', 'a%2', 'a b', '%C3', '%C0%80']) expect(parsePathSegment(n)).toBeUndefined();
  });

  it('property: injective on random identifiers (unicode, /, %, ., .., surrogates), names always safe', () => {
    const alphabet = ['a', 'B', '0', '_', '-', '.', '/', '\\', '%', ' ', '..', 'é', 'ß', '中', '😀', '\ud800', '\udc00', '\ufffd', '\u0000', '\u007f', 'A', '2F', '%2F', '%2E'];
    const rnd = prng(20261207);
    const seen = new Map<string, string>();
    for (let n = 0; n < 20_000; n++) {
      const len = Math.floor(rnd() * 12);
      let id = '';
      for (let k = 0; k < len; k++) id += rnd() < 0.1 ? String.fromCharCode(Math.floor(rnd() * 0x10000)) : alphabet[Math.floor(rnd() * alphabet.length)]!;
      const name = pathSegment(id);
      if (id !== '') expect(name).toMatch(SAFE);
      expect(name).not.toBe('.');
      expect(name).not.toBe('..');
      expect(parsePathSegment(name)).toBe(id);
      const other = seen.get(name);
      if (other !== undefined) expect(other).toBe(id);
      seen.set(name, id);
    }
    expect(seen.size).toBeGreaterThan(10_000);
  });
});
