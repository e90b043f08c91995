/**
 * Fuzz/property test of the X2/X3 decoder and stream framer: seeded mutations of valid PDU
 * streams plus random bytes. Properties: never throws, always returns a result, terminates,
 * buffering stays bounded by the caps, and whatever decodes re-encodes to the same bytes.
 */
import { describe, expect, it } from 'vitest';
import { decodeX2X3Pdu } from '../../src/encode/x2x3/decode-x2x3-pdu.js';
import { encodeKeepalive, encodeX2X3Pdu } from '../../src/encode/x2x3/encode-x2x3-pdu.js';
import { encodeX2X3Record } from '../../src/encode/x2x3/encode-x2x3-record.js';
import { X2X3Framer } from '../../src/encode/x2x3/x2x3-framer.js';
import { concatBytes, toHex } from '../../src/util/bytes.js';
import { mutate, prng } from '../unit/encode/helpers/fuzz-mutate.js';
import { ALL_RECORDS } from '../unit/encode/helpers/sample-records.js';

const VALID = concatBytes([encodeKeepalive(1), ...ALL_RECORDS.map((r, i) => encodeX2X3Record(r, i)), encodeKeepalive(2)]);
const CAPS = { maxHeaderLength: 4096, maxPayloadLength: 8192 };

describe('fuzz: X2/X3 decoder and framer', () => {
  it('mutated streams: no throw, bounded buffering, decoded PDUs re-encode identically', () => {
    const rnd = prng(0xc0ffee);
    let decoded = 0;
    let errors = 0;
    for (let iter = 0; iter < 3000; iter++) {
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
    }
    expect(decoded).toBeGreaterThan(1000);
    expect(errors).toBeGreaterThan(100);
  });

  it('single-PDU decoder on mutations: ok results re-encode to the same bytes', () => {
    const rnd = prng(42);
    const pdus = ALL_RECORDS.map((r, i) => encodeX2X3Record(r, i));
    for (let iter = 0; iter < 5000; iter++) {
      const input = mutate(pdus[iter % pdus.length]!, rnd);
      const r = decodeX2X3Pdu(input, 0, CAPS);
      if (r.ok) {
        const { version: _v, ...rest } = r.value.pdu;
        expect(toHex(encodeX2X3Pdu(rest))).toBe(toHex(input.subarray(0, r.value.length)));
      } else {
        expect(r.error.offset).toBeLessThanOrEqual(input.length);
      }
    }
  });

  it('random bytes never throw', () => {
    const rnd = prng(7);
    for (let iter = 0; iter < 3000; iter++) {
      const input = Uint8Array.from({ length: Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256));
      if (rnd() < 0.5 && input.length > 4) input.set([0, 5, 0, 1 + Math.floor(rnd() * 4)], 0);
      expect(() => decodeX2X3Pdu(input)).not.toThrow();
      const f = new X2X3Framer(CAPS);
      expect(() => f.push(input)).not.toThrow();
    }
  });
});
