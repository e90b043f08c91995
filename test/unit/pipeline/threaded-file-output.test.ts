/**
 * Under the test runner the worker cannot load the TypeScript sources (./module-worker.ts), so
 * these tests check the fallback: records posted while the worker was still loading are replayed
 * in this thread, in order, and the files are the in-thread output's. The threaded path itself is
 * tested against dist/ in test/integration/threaded-output.test.ts.
 */
import { existsSync, mkdtempSync } from 'node:fs';
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

  // A silent input (a pipe whose writer pauses, a quiet live link) sends no further record that
  // would flush them: the records posted while the worker was loading must not wait for close().
  it('records posted while the worker was loading reach the files once its failure is known, without further writes', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'msrptap-thr-unit-')), 't');
    const t = new ThreadedFileRecordOutput(out);
    // One full batch at once, right after the start: posted while the worker still loads.
    const batch = Array.from({ length: 64 }, (_, i) => ALL_RECORDS[i % ALL_RECORDS.length]!);
    for (const r of batch) t.write(r);
    const file = join(out, batch[0]!.task.liid, 'x2x3.pdu');
    const until = Date.now() + 5000;
    while (!existsSync(file) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const seen = existsSync(file);
    await t.close();
    expect(seen, 'records replayed before close()').toBe(true);
    expect(t.threaded).toBe(false);
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
