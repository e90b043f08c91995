/**
 * Properties of the byte-level helpers the encode path now uses instead of strings:
 * - isValidUtf8 (Node's validator) gives the verdict of a fatal TextDecoder (RFC 3629) on random
 *   bytes and on valid UTF-8 with one octet changed (overlongs, surrogates, truncations);
 * - mimeEntityBytes gives exactly the entity the text construction gave: the content verbatim
 *   when it is UTF-8, else base64 (Buffer's encoder) in 76-character CRLF lines (RFC 2045 6.8),
 *   for every length around the 57-octet line and 3-octet group boundaries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mimeEntityBytes } from '../../src/encode/common/mime-entity.js';
import { isValidUtf8 } from '../../src/encode/common/utf8.js';

const FATAL = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function referenceValid(b: Uint8Array): boolean {
  try {
    FATAL.decode(b);
    return true;
  } catch {
    return false;
  }
}

/** The entity as msrptap built it before (text, then UTF-8). */
function referenceEntity(ct: string, content: Uint8Array): Uint8Array {
  const h = ct.replace(/[\r\n]/g, ' ');
  if (referenceValid(content)) return new Uint8Array(Buffer.from(`Content-Type: ${h}\r\n\r\n${FATAL.decode(content)}`, 'utf8'));
  const s = Buffer.from(content).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < s.length; i += 76) lines.push(s.slice(i, i + 76));
  return new Uint8Array(Buffer.from(`Content-Type: ${h}\r\nContent-Transfer-Encoding: base64\r\n\r\n${lines.join('\r\n')}\r\n`, 'utf8'));
}

const utf8Mutants = fc.tuple(fc.string({ unit: 'binary', maxLength: 40 }), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([s, at, byte]) => {
  const b = new Uint8Array(Buffer.from(s, 'utf8'));
  if (b.length > 0) b[at % b.length] = byte;
  return b;
});

describe('property: byte-level UTF-8 and MIME entity', () => {
  it('isValidUtf8 agrees with a fatal TextDecoder', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), utf8Mutants), (b) => {
        expect(isValidUtf8(b)).toBe(referenceValid(b));
      }),
      { numRuns: 5000, seed: 4976 },
    );
    // Edge cases named by RFC 3629 section 3 and 10.
    for (const hex of ['c080', 'e08080', 'eda080', 'f4908080', 'f8888080', 'efbbbf41', 'c3', 'e282ac']) {
      const b = Uint8Array.from(Buffer.from(hex, 'hex'));
      expect(isValidUtf8(b), hex).toBe(referenceValid(b));
    }
  });

  it('mimeEntityBytes equals the text construction (binary: base64 lines; UTF-8: verbatim)', () => {
    const lengths = fc.oneof(fc.integer({ min: 0, max: 200 }), fc.constantFrom(56, 57, 58, 113, 114, 115, 116, 171), fc.integer({ min: 0, max: 5000 }));
    const binary = lengths.chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
    const text = fc.string({ unit: 'binary', maxLength: 300 }).map((s) => new Uint8Array(Buffer.from(s, 'utf8')));
    fc.assert(
      fc.property(fc.oneof(binary, text, utf8Mutants), fc.constantFrom('image/png', 'text/plain;charset=utf-8', 'a\r\nb', 'application/x-ü'), (content, ct) => {
        expect(Buffer.from(mimeEntityBytes(ct, content)).toString('latin1')).toBe(Buffer.from(referenceEntity(ct, content)).toString('latin1'));
      }),
      { numRuns: 3000, seed: 2045 },
    );
  });
});
