/**
 * The record hand-off to the output worker (src/pipeline/record-batch-codec.ts) gives the
 * worker the same values `v8.deserialize(v8.serialize(record))` did (the reference it replaced):
 * on every sample record, on arbitrary values (fast-check: lone surrogates, -0, NaN, Buffers,
 * keys with undefined values, and what the format does not carry itself, which goes through
 * v8), and as each record was when it was added.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readRecordBatch, RecordBatchWriter } from '../../../src/pipeline/record-batch-codec.js';
import { checkProperty } from '../../helpers/check-property.js';
import { ALL_RECORDS } from '../../helpers/sample-records.js';
import { captureRawRecords } from '../../helpers/capture-records.js';
import { ROOT } from '../../helpers/run-cli.js';

const reference = (v: unknown): unknown => deserialize(serialize(v));

/** Writes `values` in batches of `per` and reads them back. */
function roundTrip(values: readonly unknown[], per = 64): unknown[] {
  const out: unknown[] = [];
  const w = new RecordBatchWriter(16);
  for (const v of values) {
    w.add(v);
    if (w.count >= per) readRecordBatch(w.take(), (r) => out.push(r));
  }
  if (w.count > 0) readRecordBatch(w.take(), (r) => out.push(r));
  return out;
}

describe('record batch codec', () => {
  it('reads back every sample record as v8 serialisation does', () => {
    const tasks = join(ROOT, 'samples', 'tasks');
    const samples = readdirSync(tasks).filter((f) => f.endsWith('.tasks.json'));
    expect(samples.length).toBeGreaterThan(10);
    // As the pipeline emits them (not already copied through the format under test).
    const records = [...ALL_RECORDS, ...samples.flatMap((f) => captureRawRecords(join(ROOT, 'samples', 'pcap', f.replace(/\.tasks\.json$/, '.pcap')), join(tasks, f)))];
    expect(records.length).toBeGreaterThan(100);
    // None needs the v8 fallback (form byte 0 after the record's u32 length): the fast path is taken.
    const one = new RecordBatchWriter();
    const viaV8 = records.filter((r) => {
      one.add(r);
      return one.take()[4] !== 0;
    });
    expect(viaV8).toEqual([]);
    const back = roundTrip(records, 7);
    expect(back.length).toBe(records.length);
    expect(back).toStrictEqual(records.map(reference));
  });

  it('reads back arbitrary values as v8 serialisation does (property)', () => {
    const str = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.constantFrom('\ud800', 'a\udc00b', '__proto__', 'é'));
    const leaf = fc.oneof(
      str,
      fc.double(),
      fc.constantFrom(-0, Number.NaN, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, 1e300),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.uint8Array({ maxLength: 40 }),
      fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
      fc.uint8Array({ minLength: 4, maxLength: 40 }).map((b) => b.subarray(1, b.length - 1)),
    );
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 5 }),
      object: fc.dictionary(str, tie('value'), { maxKeys: 6 }),
    }));
    // What the format does not carry itself (goes through v8 for the whole record).
    const other = fc.anything({ withMap: true, withSet: true, withDate: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, withBigInt: true, withBoxedValues: true });
    checkProperty(
      { seed: 2218, numRuns: 1500 },
      fc.property(fc.array(fc.oneof(value, other), { maxLength: 8 }), fc.integer({ min: 1, max: 4 }), (values, per) => {
        const back = roundTrip(values, per);
        return back.length === values.length && back.every((r, i) => isDeepStrictEqual(r, reference(values[i])));
      }),
    );
  });

  it('sends through v8 what it does not carry (cycles, class instances, Maps) and keeps key numbering right after', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    class Event {
      readonly kind = 'x';
    }
    const values = [{ k1: 1, map: new Map([[1, 2]]), k2: 'x' }, { k1: 2, k2: 'y' }, cyclic, { ev: new Event(), k3: [1] }, { k3: [2], k1: 3 }];
    const back = roundTrip(values);
    expect(back).toStrictEqual(values.map(reference));
  });

  it('a record that cannot be sent at all (v8 refuses it too) leaves the batch as it was', () => {
    const w = new RecordBatchWriter(16);
    w.add({ k1: 1 });
    const before = w.byteLength;
    expect(() => w.add({ k9: 2, fn: () => 0 })).toThrow();
    expect(w.byteLength).toBe(before);
    expect(w.count).toBe(1);
    w.add({ k9: 3, k1: 4 });
    const out: unknown[] = [];
    readRecordBatch(w.take(), (r) => out.push(r));
    expect(out).toStrictEqual([{ k1: 1 }, { k9: 3, k1: 4 }]);
  });

  it('carries each record as it was when added, not as it is when the batch leaves', () => {
    const identities = [{ type: 'sipUri', value: 'sip:a@example.com' }];
    const bytes = new Uint8Array([1, 2, 3]);
    const w = new RecordBatchWriter();
    w.add({ identities, bytes });
    identities.push({ type: 'telUri', value: 'tel:+1' });
    bytes[0] = 9;
    const out: unknown[] = [];
    readRecordBatch(w.take(), (r) => out.push(r));
    expect(out).toStrictEqual([{ identities: [{ type: 'sipUri', value: 'sip:a@example.com' }], bytes: new Uint8Array([1, 2, 3]) }]);
  });

  it('hands over each batch in an ArrayBuffer of its own (transferable), and starts afresh', () => {
    const w = new RecordBatchWriter(8);
    w.add({ a: 'x'.repeat(100) });
    const first = w.take();
    expect(w.count).toBe(0);
    expect(w.byteLength).toBe(0);
    w.add({ a: 'y' });
    const second = w.take();
    expect(first.buffer).not.toBe(second.buffer);
    const moved = structuredClone(first, { transfer: [first.buffer as ArrayBuffer] });
    const out: unknown[] = [];
    readRecordBatch(moved, (r) => out.push(r));
    readRecordBatch(second, (r) => out.push(r));
    expect(out).toStrictEqual([{ a: 'x'.repeat(100) }, { a: 'y' }]);
  });
});
