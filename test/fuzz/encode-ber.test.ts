/**
 * Fuzz/property test of the BER side: the TLV reader, the descriptor-driven decoder (XIRIPayload,
 * PS-PDU), the tree formatter, the protobuf reader and decodeRecordFile. fast-check mutations of
 * valid encodings plus random bytes. Properties: never throws, terminates (node and depth caps),
 * and whatever decodes re-encodes (decode → value → DER) without error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeLiStructure } from '../../src/encode/asn1/decode-li-payloads.js';
import { treeToValue } from '../../src/encode/asn1/ber-decoder.js';
import { encodeDer } from '../../src/encode/asn1/der-encoder.js';
import { encodePsPdu } from '../../src/encode/asn1/encode-ps-pdu.js';
import { encodeXIRIPayload } from '../../src/encode/asn1/encode-ts33128-payloads.js';
import { formatAsnTree } from '../../src/encode/asn1/format-asn-tree.js';
import { PS_PDU } from '../../src/encode/asn1/li-ps-pdu/ps-pdu.js';
import { XIRIPayload } from '../../src/encode/asn1/ts33128/xiri-payload.js';
import { decodeRecordFile } from '../../src/encode/common/decode-record-file.js';
import { formatDecodedRecordFile } from '../../src/encode/common/format-decoded-record-file.js';
import { encodeProtobufRecord } from '../../src/encode/protobuf/encode-protobuf-record.js';
import { readProtobufRecords } from '../../src/encode/protobuf/read-protobuf-records.js';
import { concatBytes } from '../../src/util/bytes.js';
import { ALL_RECORDS } from '../helpers/sample-records.js';
import { checkProperty, randOf } from '../helpers/check-property.js';
import { mutate } from '../helpers/fuzz-mutate.js';

const XIRI = ALL_RECORDS.filter((r) => r.kind === 'iri').map((r) => encodeXIRIPayload(r as never));
const PS = ALL_RECORDS.map((r, i) => encodePsPdu(r, { operatorIdentifier: 'OP', sequenceNumber: i }));

describe('fuzz: BER decoder', () => {
  it.each([
    ['XIRIPayload', XIRI, XIRIPayload],
    ['PS-PDU', PS, PS_PDU],
  ] as const)('mutated %s encodings: no throw; successful decodes re-encode', (name, samples, type) => {
    let ok = 0;
    checkProperty(
      { seed: name.length * 1009, numRuns: 4000 },
      fc.property(fc.constantFrom(...samples), fc.gen(), (sample, g) => {
        const input = mutate(sample, randOf(g));
        const r = decodeLiStructure(name, input, 0, { maxNodes: 5000 });
        if (r.ok) {
          ok++;
          expect(() => formatAsnTree(r.value.node)).not.toThrow();
          // The decoder's value must satisfy the encoder unless it violates a constraint the
          // decoder does not enforce (sizes, ranges): then the encoder's InvariantError is the answer.
          try {
            encodeDer(type, treeToValue(r.value.node));
          } catch (e) {
            expect((e as Error).name).toBe('InvariantError');
          }
        } else {
          expect(r.error.offset).toBeGreaterThanOrEqual(0);
          expect(r.error.offset).toBeLessThanOrEqual(input.length);
        }
      }),
    );
    expect(ok).toBeGreaterThan(50);
  });

  it('random and adversarial bytes never throw (deep nesting, huge lengths, indefinite forms)', () => {
    const adversarial = [
      new Uint8Array(4000).map((_, i) => (i % 2 === 0 ? 0x30 : 0x80)),
      Uint8Array.of(0x30, 0x84, 0xff, 0xff, 0xff, 0xff),
      Uint8Array.of(0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9),
      Uint8Array.of(0xbf, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00),
      Uint8Array.of(0x30, 0x80),
    ];
    for (const a of adversarial) {
      expect(() => decodeLiStructure('PS-PDU', a)).not.toThrow();
      expect(() => decodeRecordFile(a)).not.toThrow();
    }
    checkProperty(
      { seed: 99, numRuns: 3000 },
      fc.property(fc.uint8Array({ maxLength: 299 }), fc.boolean(), (drawn, sequence) => {
        const input = drawn.slice();
        // Half the cases start like a SEQUENCE so the decoder goes past the first tag.
        if (input.length > 2 && sequence) input[0] = 0x30;
        expect(() => decodeLiStructure('XIRIPayload', input)).not.toThrow();
        expect(() => decodeLiStructure('PS-PDU', input)).not.toThrow();
      }),
    );
  });

  it('record files of every kind, mutated: decodeRecordFile and its formatter never throw', () => {
    const files = [concatBytes(PS), concatBytes(ALL_RECORDS.map(encodeProtobufRecord))];
    checkProperty(
      { seed: 2024, numRuns: 1500 },
      fc.property(fc.constantFrom(...files), fc.gen(), (file, g) => {
        const input = mutate(file, randOf(g));
        const d = decodeRecordFile(input);
        expect(() => formatDecodedRecordFile(d)).not.toThrow();
        expect(() => readProtobufRecords(input)).not.toThrow();
      }),
    );
  });
});
