/**
 * Under the test runner the worker cannot load the TypeScript sources (./module-worker.ts), so
 * these tests check the fallback: records posted while the worker was still loading are replayed
 * in this thread, in order, and the files are the in-thread output's. The threaded path itself is
 * tested against dist/ in test/integration/threaded-output.test.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTree } from '../../helpers/file-tree.js';
import { FileRecordOutput } from '../../../src/pipeline/file-record-output.js';
import { ThreadedFileRecordOutput } from '../../../src/pipeline/threaded-file-output.js';
import type { LiRecord } from '../../../src/records/li-record.js';
import { ALL_RECORDS } from '../../helpers/sample-records.js';

describe('ThreadedFileRecordOutput without a usable worker', () => {
  const records = Array.from({ length: 30 }, () => ALL_RECORDS).flat();

  it.each([
    ['worker fails to load (records replayed in order)', false],
    ['--single-thread', true],
  ] as const)('%s: same files as the in-thread output', async (_name, inThread) => {
    const base = mkdtempSync(join(tmpdir(), 'msrptap-thr-unit-'));
    const local = new FileRecordOutput(join(base, 'local'));
    for (const r of records) local.write(r);
    local.close();
    const t = new ThreadedFileRecordOutput(join(base, 't'), {}, undefined, {}, inThread);
    for (const r of records) t.write(r);
    await t.close();
    expect(t.threaded).toBe(false);
    expect(fileTree(join(base, 't'))).toEqual(fileTree(join(base, 'local')));
    expect([...t.counts]).toEqual([...local.counts]);
    // close() is idempotent.
    await t.close();
  });

  it('a record is taken as it is when written, even if shared state changes before its batch leaves', async () => {
    const base = mkdtempSync(join(tmpdir(), 'msrptap-thr-unit-'));
    const rec = structuredClone(ALL_RECORDS.find((r) => r.kind === 'iri' && 'originating' in r.event)!) as LiRecord;
    const list = (rec.event as unknown as { originating: { type: string; value: string }[] }).originating;
    const local = new FileRecordOutput(join(base, 'local'));
    local.write(rec);
    local.close();
    const t = new ThreadedFileRecordOutput(join(base, 't'));
    t.write(rec);
    // The correlator keeps adding identities to lists that earlier records reference.
    list.push({ type: 'sipUri', value: 'sip:later@example.com' });
    await t.close();
    expect(fileTree(join(base, 't'))).toEqual(fileTree(join(base, 'local')));
  });

  it("bad rotation options are refused at construction, in the caller's thread", () => {
    expect(() => new ThreadedFileRecordOutput(join(tmpdir(), 'never'), {}, undefined, { maxBytes: -1 })).toThrow(/rotation maxBytes/);
  });
});
