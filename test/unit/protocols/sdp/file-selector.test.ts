import { describe, expect, it } from 'vitest';
import { parseFileDate, parseFileRange, parseFileSelector } from '../../../../src/protocols/sdp/file-selector.js';

describe('RFC 5547 attribute values', () => {
  it('parses a file-selector in any order, with type parameters and several hashes', () => {
    expect(parseFileSelector('size:1024 hash:SHA-256:0A:ff type:text/plain;charset="utf 8" name:"a b.txt" foo:bar hash:sha-1:00')).toEqual({
      name: 'a b.txt',
      type: 'text/plain;charset="utf 8"',
      size: 1024,
      hashes: [
        { algorithm: 'sha-256', hex: '0AFF' },
        { algorithm: 'sha-1', hex: '00' },
      ],
    });
    expect(parseFileSelector('')).toEqual({ name: null, type: null, size: null, hashes: [] });
  });

  it.each(['name:unquoted', 'size:-1', 'hash:sha-1:XYZ', 'hash:sha-1', 'type:image', 'junk'])('rejects file-selector %j', (v) => {
    expect(parseFileSelector(v)).toBeNull();
  });

  it('parses file-date with several dates', () => {
    expect(parseFileDate('modification:"Tue, 16 May 2006 10:00:00 +0000" read:"x"')).toEqual({
      creation: null,
      modification: 'Tue, 16 May 2006 10:00:00 +0000',
      read: 'x',
    });
    expect(parseFileDate('creation:unquoted')).toBeNull();
    expect(parseFileDate('')).toBeNull();
  });

  it.each([
    ['1-32349', { start: 1, stop: 32349 }],
    ['1000-*', { start: 1000, stop: null }],
    [' 5-5 ', { start: 5, stop: 5 }],
    ['0-10', null],
    ['10-5', null],
    ['a-b', null],
    ['1-', null],
  ] as const)('file-range %j', (v, out) => {
    expect(parseFileRange(v)).toEqual(out);
  });
});
