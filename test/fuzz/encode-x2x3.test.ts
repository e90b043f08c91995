/**
 * Fuzz/property test (fast-check) of the X2/X3 decoder and stream framer: mutations of valid PDU
 * streams plus random bytes. Properties: never throws, always returns a result, terminates,
 * buffering stays bounded by the caps, and whatever decodes re-encodes to the same bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeX2X3Pdu } from '../../src/encode/x2x3/decode-x2x3-pdu.js';
import { encodeKeepalive, encodeX2X3Pdu } from '../../src/encode/x2x3/encode-x2x3-pdu.js';
import { encodeX2X3Record } from '../../src/encode/x2x3/encode-x2x3-record.js';
import { X2X3Framer } from '../../src/encode/x2x3/x2x3-framer.js';
import { concatBytes, toHex } from '../../src/util/bytes.js';
import { checkProperty, randOf } from '../helpers/check-property.js';
import { mutate } from '../helpers/fuzz-mutate.js';
import { ALL_RECORDS } from '../helpers/sample-records.js';

const VALID = concatBytes([encodeKeepalive(1), ...ALL_RECORDS.map((r, i) => encodeX2X3Record(r, i)), encodeKeepalive(2)]);
const CAPS = { maxHeaderLength: 4096, maxPayloadLength: 8192 };

describe('fuzz: X2/X3 decoder and framer', () => {
  it('mutated streams: no throw, bounded buffering, decoded PDUs re-encode identically', () => {
    let decoded = 0;
    let errors = 0;
    checkProperty(
      { seed: 0xc0ffee, numRuns: 3000 },
      fc.property(fc.gen(), (g) => {
        const rnd = randOf(g);
        const input = mutate(VALID, rnd);
        const framer = new X2X3Framer(CAPS);
        let p = 0;
        let steps = 0;
        while (p < input.length) {
          const size = 1 + Math.floor(rnd() * 700);
          const r = framer.push(input.subarray(p, p + size));
          p += size;
          steps++;
          expect(framer.buffered).toBeLessThanOrEqual(CAPS.maxHeaderLength + CAPS.maxPayloadLength + size);
          for (const pdu of r.pdus) {
            decoded++;
            const { version: _v, ...rest } = pdu;
            expect(() => encodeX2X3Pdu(rest)).not.toThrow();
          }
          if (r.error) {
            errors++;
            expect(typeof r.error.offset).toBe('number');
            expect(r.error.offset).toBeGreaterThanOrEqual(0);
            break;
          }
        }
        expect(steps).toBeLessThanOrEqual(input.length + 1);
        framer.end();
      }),
    );
    expect(decoded).toBeGreaterThan(1000);
    expect(errors).toBeGreaterThan(100);
  });

  it('single-PDU decoder on mutations: ok results re-encode to the same bytes', () => {
    const pdus = ALL_RECORDS.map((r, i) => encodeX2X3Record(r, i));
    checkProperty(
      { seed: 42, numRuns: 5000 },
      fc.property(fc.constantFrom(...pdus), fc.gen(), (pdu, g) => {
        const input = mutate(pdu, randOf(g));
        const r = decodeX2X3Pdu(input, 0, CAPS);
        if (r.ok) {
          const { version: _v, ...rest } = r.value.pdu;
          expect(toHex(encodeX2X3Pdu(rest))).toBe(toHex(input.subarray(0, r.value.length)));
        } else {
          expect(r.error.offset).toBeLessThanOrEqual(input.length);
        }
      }),
    );
  });

  it('random bytes never throw', () => {
    // Half the inputs start with a valid version (5) and PDU type (1..4), so the header is read on.
    const header = fc.option(fc.integer({ min: 1, max: 4 }), { freq: 2 });
    checkProperty(
      { seed: 7, numRuns: 3000 },
      fc.property(fc.uint8Array({ maxLength: 199 }), header, (drawn, type) => {
        const input = drawn.slice();
        if (type !== null && input.length > 4) input.set([0, 5, 0, type], 0);
        expect(() => decodeX2X3Pdu(input)).not.toThrow();
        const f = new X2X3Framer(CAPS);
        expect(() => f.push(input)).not.toThrow();
      }),
    );
  });
});
