/**
 * Property: the fast DER writer (src/encode/asn1/der-writer.ts, no validation) gives exactly the
 * bytes of the validating builder (der-encoder.ts) for every value the builder accepts, on values
 * generated from the schema descriptors themselves (every type reachable from the four top types
 * msrptap writes: all alternatives, optional fields present and absent, lengths across the
 * short/long length forms, big INTEGERs, high tag numbers, multi-octet OID arcs).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AsnType, AsnValue, PrimitiveType } from '../../src/encode/asn1/asn-schema.js';
import { encodeDer } from '../../src/encode/asn1/der-encoder.js';
import { DerTlv, writeDer, writeDerField } from '../../src/encode/asn1/der-writer.js';
import { PS_PDU } from '../../src/encode/asn1/li-ps-pdu/ps-pdu.js';
import { CCPayload } from '../../src/encode/asn1/ts33128/cc-payload.js';
import { IRIPayload } from '../../src/encode/asn1/ts33128/iri-payload.js';
import { XIRIPayload } from '../../src/encode/asn1/ts33128/xiri-payload.js';
import { toHex } from '../../src/util/bytes.js';

const PRINTABLE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?".split('');

function sized(t: PrimitiveType, dflt: number): { minLength: number; maxLength: number } {
  const min = t.size?.min ?? 0;
  return { minLength: min, maxLength: Math.max(min, Math.min(t.size?.max ?? dflt, dflt)) };
}

/** Lengths at the boundaries of the 1-, 2-, 3- and 4-octet length forms (X.690 8.1.3.5). */
const LENGTH_EDGES = [127, 128, 255, 256, 65_535, 65_536];

/** Octet strings mostly short and random, sometimes as long as a length-form boundary (filled). */
function octets(t: PrimitiveType): fc.Arbitrary<Uint8Array> {
  const { minLength, maxLength } = sized(t, 70_000);
  const short = fc.uint8Array({ minLength, maxLength: Math.min(maxLength, 40) });
  const edges = LENGTH_EDGES.filter((n) => n >= minLength && n <= maxLength);
  if (edges.length === 0) return short;
  const long = fc.tuple(fc.oneof(fc.constantFrom(...edges), fc.integer({ min: minLength, max: maxLength })), fc.integer({ min: 0, max: 255 })).map(([n, b]) => new Uint8Array(n).fill(b));
  return fc.oneof({ weight: 15, arbitrary: short }, { weight: 1, arbitrary: long });
}

/** INTEGER values at the two's complement octet boundaries (X.690 8.3.2). */
const INT_EDGES = [0, 1, -1, 127, 128, -128, -129, 255, 256, 32_767, 32_768, -32_768, -32_769, 8_388_607, 8_388_608, -8_388_608, -8_388_609, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 32 - 1, 2 ** 32];

function arcs(min: number, max: number): fc.Arbitrary<string[]> {
  return fc.array(fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 2 ** 40 })), { minLength: min, maxLength: max }).map((a) => a.map(String));
}

function primitiveArb(t: PrimitiveType): fc.Arbitrary<AsnValue> {
  switch (t.kind) {
    case 'octetString':
      return octets(t);
    case 'utf8String': {
      const { minLength, maxLength } = sized(t, 300);
      const text = fc.string({ unit: 'grapheme-ascii', minLength, maxLength }).chain((a) => fc.constantFrom(a, a.replace(/[a-m]/g, 'é'), a.replace(/[n-z]/g, '\u{1F600}')));
      const s = text.filter((x) => [...x].length >= minLength && [...x].length <= (t.size?.max ?? Infinity));
      // UTF8String takes text or its UTF-8 bytes.
      return fc.oneof(
        s,
        s.map((x) => new Uint8Array(Buffer.from(x, 'utf8'))),
      );
    }
    case 'printableString':
      return fc.array(fc.constantFrom(...PRINTABLE), sized(t, 20)).map((a) => a.join(''));
    case 'numericString':
      return fc.array(fc.constantFrom(...'0123456789 '.split('')), sized(t, 20)).map((a) => a.join(''));
    case 'integer':
      if (t.range !== undefined) {
        const { min, max } = t.range;
        const edges = INT_EDGES.filter((n) => BigInt(n) >= min && BigInt(n) <= max);
        return fc.oneof(
          fc.constantFrom(...edges),
          fc.bigInt({ min, max }).map((b) => (b >= -(2n ** 53n) + 1n && b <= 2n ** 53n - 1n ? Number(b) : b)),
        );
      }
      return fc.oneof(fc.constantFrom(...INT_EDGES), fc.integer(), fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'oid':
      return fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), arcs(0, 8)).map(([a, b, rest]) => [String(a), String(b), ...rest].join('.'));
    case 'relativeOid':
      return arcs(1, 8).map((a) => a.join('.'));
    case 'generalizedTime':
      return fc.record({ sec: fc.integer({ min: 0, max: 2 ** 32 - 1 }), nsec: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 999_999_999 })) });
  }
}

const cache = new Map<AsnType, fc.Arbitrary<AsnValue>>();

/** Values of `t` (valid for the validating builder, up to constraints it alone knows: such values are skipped). */
function valueArb(t: AsnType): fc.Arbitrary<AsnValue> {
  const hit = cache.get(t);
  if (hit !== undefined) return hit;
  let a: fc.Arbitrary<AsnValue>;
  switch (t.kind) {
    case 'sequence': {
      const model: Record<string, fc.Arbitrary<AsnValue>> = {};
      for (const f of t.fields) model[f.name] = valueArb(f.type);
      a = fc.record(model, { requiredKeys: t.fields.filter((f) => f.optional !== true).map((f) => f.name) }) as fc.Arbitrary<AsnValue>;
      break;
    }
    case 'choice':
      a = fc.oneof(...t.alternatives.map((alt) => valueArb(alt.type).map((v) => ({ [alt.name]: v }) as AsnValue)));
      break;
    case 'sequenceOf':
      a = fc.array(valueArb(t.of), { minLength: t.min ?? 0, maxLength: 3 });
      break;
    case 'enumerated':
      a = fc.oneof(fc.constantFrom(...Object.keys(t.values)), fc.constantFrom(...Object.values(t.values)));
      break;
    case 'containing':
      a = valueArb(t.inner);
      break;
    default:
      a = primitiveArb(t);
  }
  cache.set(t, a);
  return a;
}

describe('property: fast DER writer = validating DER builder', () => {
  for (const [type, runs] of [
    [XIRIPayload, 1000],
    [IRIPayload, 1000],
    [CCPayload, 400],
    [PS_PDU, 1000],
  ] as const) {
    it(`${type.name}: identical bytes for every accepted value`, () => {
      let accepted = 0;
      let total = 0;
      fc.assert(
        fc.property(valueArb(type), (v) => {
          total++;
          let ref: Uint8Array;
          try {
            ref = encodeDer(type, v);
          } catch (e) {
            // A value the generator could not keep inside a constraint: the fast writer's input contract excludes it.
            expect((e as Error).name).toBe('InvariantError');
            return;
          }
          accepted++;
          const fast = writeDer(type, v);
          // Hex only on a difference (the values can be 64 KiB long).
          if (!Buffer.from(fast).equals(Buffer.from(ref))) expect(toHex(fast)).toBe(toHex(ref));
        }),
        { numRuns: runs, seed: 0x13de2 + runs },
      );
      expect(accepted / total).toBeGreaterThan(0.8);
    });
  }

  it('a DerTlv field is written verbatim: the shared event gives the same XIRIPayload as its value', () => {
    fc.assert(
      fc.property(valueArb(XIRIPayload), (v) => {
        const o = v as { xIRIPayloadOID: AsnValue; event: AsnValue };
        let ref: Uint8Array;
        try {
          ref = encodeDer(XIRIPayload, o);
        } catch {
          return;
        }
        const event = new DerTlv(writeDerField(XIRIPayload.fields[1]!.type, XIRIPayload.fields[1]!.tag, o.event));
        const fast = writeDer(XIRIPayload, { ...o, event: event as unknown as AsnValue });
        if (!Buffer.from(fast).equals(Buffer.from(ref))) expect(toHex(fast)).toBe(toHex(ref));
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
