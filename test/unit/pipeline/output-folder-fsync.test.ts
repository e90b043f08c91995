/**
 * The run's output folders are fsynced once the files in them are closed (POSIX fsync(2): a
 * file's fsync persists its bytes, not its name): each LIID folder once after its record files
 * and manifest, then OUT (which names them), with close() and closeAsync() alike; a rotated part
 * makes its folder durable when it is closed; audit.json's folder after it is written.
 * node:fs is wrapped to record which folders were fsynced.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditSession } from '../../../src/records/audit-report-schema.js';
import { FileRecordOutput, type ManifestOptions } from '../../../src/pipeline/file-record-output.js';
import { writeAuditJson } from '../../../src/pipeline/write-audit-json.js';
import { pathSegment } from '../../../src/util/path-segment.js';
import { ALL_RECORDS } from '../../helpers/sample-records.js';

const synced = vi.hoisted(() => ({ dirs: [] as string[] }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fsyncSync = (fd: number): void => {
    if (fs.fstatSync(fd).isDirectory()) synced.dirs.push(fs.readlinkSync(`/proc/self/fd/${fd}`));
    fs.fsyncSync(fd);
  };
  return { ...fs, default: { ...fs, fsyncSync }, fsyncSync };
});

const MANIFEST: ManifestOptions = {
  toolVersion: 'test',
  captures: [{ path: 'x.pcap', sha256: 'ab'.repeat(32), bytes: 1 }],
  tasks: [{ xid: ALL_RECORDS[0]!.task.xid, liid: ALL_RECORDS[0]!.task.liid, deliveryType: 'X2andX3', targets: ['sip:alice@example.com'] }],
};
const out = (): string => join(mkdtempSync(join(tmpdir(), 'msrptap-outsync-')), 'out');
const liidDir = (o: string): string => join(o, pathSegment(ALL_RECORDS[0]!.task.liid));

beforeEach(() => {
  synced.dirs = [];
});

describe('FileRecordOutput folder fsyncs', () => {
  it.each(['close', 'closeAsync'] as const)('%s: the LIID folder once (after files and manifest), then OUT', async (how) => {
    const o = out();
    const w = new FileRecordOutput(o, {}, MANIFEST);
    for (const r of ALL_RECORDS) w.write(r);
    expect(synced.dirs).toEqual([]);
    if (how === 'close') w.close();
    else await w.closeAsync();
    expect(readdirSync(liidDir(o))).toContain('manifest.json');
    expect(synced.dirs).toEqual([liidDir(o), o]);
  });

  it('a rotated part: its folder and OUT when it is closed (OUT once), all again at the end', () => {
    const o = out();
    const w = new FileRecordOutput(o, {}, undefined, { maxBytes: 1 });
    for (const r of ALL_RECORDS) w.write(r);
    for (const r of ALL_RECORDS) w.write(r);
    const parts = readdirSync(liidDir(o)).filter((n) => /\.\d+$/.test(n)).length;
    expect(parts).toBeGreaterThan(1);
    // One folder fsync per closed part, OUT once (the first time).
    expect(synced.dirs.filter((d) => d === liidDir(o)).length).toBe(parts);
    expect(synced.dirs.filter((d) => d === o)).toEqual([o]);
    synced.dirs = [];
    w.close();
    expect(synced.dirs).toEqual([liidDir(o), o]);
  });

  it('nothing written: no folder, no fsync', () => {
    new FileRecordOutput(out(), {}, MANIFEST).close();
    expect(synced.dirs).toEqual([]);
  });
});

describe('writeAuditJson folder fsync', () => {
  it("fsyncs audit.json's folder after writing it", () => {
    const o = out();
    const src = { auditEntries: (): AuditSession[] => [], auditAnomalies: () => ({}) };
    writeAuditJson(join(o, 'audit.json'), src);
    expect(readdirSync(o)).toEqual(['audit.json']);
    expect(synced.dirs).toEqual([o]);
  });
});
