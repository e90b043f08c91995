/**
 * The hand-written protobuf writer (encode-protobuf-record.ts, protobuf-writer.ts) against
 * protobufjs reflection (`encodeDelimited(fromObject(...))` of the same plain object, what msrptap
 * wrote before): identical bytes on every record of every scenario sample, on records with
 * default-valued fields (proto3 implicit presence) and with bodies across the 1-, 2- and 3-octet
 * length prefixes; and the enum number table against the .proto.
 */
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { encodeProtobufRecord, PROTO_ENUM_NUMBERS, protobufRecordObject } from '../../../../src/encode/protobuf/encode-protobuf-record.js';
import { MSRPTAP_PROTO_PATH } from '../../../../src/encode/protobuf/msrptap-proto.js';
import type { AnomalyRecord, LiRecord, MsrptapRecord } from '../../../../src/records/li-record.js';
import { toHex } from '../../../../src/util/bytes.js';
import { sampleCaptureRecords } from '../../../helpers/sample-capture-records.js';
import { ALL_RECORDS } from '../../../helpers/sample-records.js';

const root = protobuf.loadSync(MSRPTAP_PROTO_PATH);
const T = root.lookupType('msrptap.v1.Record');

function clean(v: unknown): unknown {
  if (v instanceof Uint8Array || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(clean);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = clean(x);
  return out;
}

/** The reflection encoding msrptap used before the hand-written writer. */
function reference(r: MsrptapRecord): Uint8Array {
  return T.encodeDelimited(T.fromObject(clean(protobufRecordObject(r)) as Record<string, unknown>)).finish();
}

const SAMPLES = sampleCaptureRecords();
const ANOMALIES: AnomalyRecord[] = [
  { kind: 'anomaly', code: 'pcap.truncated_record', frameNo: 3, tsSec: 1, tsNsec: 2 },
  { kind: 'anomaly', code: 'msrp.bad_start_line', tsSec: 0, tsNsec: 0, detail: '' },
  { kind: 'anomaly', code: 'tcp.gap', frameNo: 2 ** 40, tsSec: 2 ** 33, tsNsec: 999_999_999, detail: 'x'.repeat(300) },
];

describe('protobuf writer = protobufjs reflection', () => {
  it('enum numbers match schemas/proto/msrptap.proto', () => {
    const fromProto: Record<string, number> = {};
    const walk = (ns: protobuf.NamespaceBase): void => {
      for (const o of ns.nestedArray) {
        if (o instanceof protobuf.Enum) for (const [k, v] of Object.entries(o.values)) if (v !== 0) fromProto[k] = v;
        if (o instanceof protobuf.Namespace) walk(o);
      }
    };
    walk(root);
    expect(PROTO_ENUM_NUMBERS).toEqual(fromProto);
  });

  for (const { sample, records } of [...SAMPLES, { sample: 'unit fixtures', records: [...ALL_RECORDS, ...ANOMALIES] as MsrptapRecord[] }]) {
    it(`${sample}: ${records.length} records, identical bytes`, () => {
      for (const [i, r] of records.entries()) expect(toHex(encodeProtobufRecord(r)), `${sample} #${i}`).toBe(toHex(reference(r)));
    });
  }

  it('default values and long bodies: identical bytes', () => {
    const base = SAMPLES.flatMap((s) => s.records).filter((r) => r.kind === 'cc' || r.event.kind === 'rCSMessage');
    const edges = [0, 1, 127, 128, 16_383, 16_384, 70_000];
    fc.assert(
      fc.property(
        fc.constantFrom(...base),
        fc.oneof(fc.constantFrom(...edges), fc.integer({ min: 0, max: 3000 })),
        fc.constantFrom(0, 1, 2 ** 31, 2 ** 33),
        fc.constantFrom(0, 5, 999_999_999),
        fc.constantFrom('', 'é', 'text/plain'),
        (r, len, sec, nsec, text) => {
          const body = new Uint8Array(len).fill(0x41 + (len % 26));
          const network = { ...r.network, tsSec: sec, tsNsec: nsec, srcPort: nsec === 0 ? 0 : r.network.srcPort, frameNo: sec };
          const rec: LiRecord =
            r.kind === 'cc'
              ? { ...r, network, communicationIdentityNumber: nsec, event: { ...r.event, method: text, bytes: body } }
              : ({ ...r, network, event: { ...r.event, content: body, contentType: text, imdnMessageId: text === '' ? undefined : text } } as LiRecord);
          expect(toHex(encodeProtobufRecord(rec))).toBe(toHex(reference(rec)));
        },
      ),
      { numRuns: 400, seed: 1313 },
    );
  });
});
