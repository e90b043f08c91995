import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileRecordOutput, type ManifestOptions } from '../../../src/pipeline/file-record-output.js';
import { ALL_RECORDS } from '../../helpers/sample-records.js';

const MANIFEST: ManifestOptions = {
  toolVersion: 'test',
  captures: [{ path: 'x.pcap', sha256: 'ab'.repeat(32), bytes: 1 }],
  tasks: [{ xid: ALL_RECORDS[0]!.task.xid, liid: ALL_RECORDS[0]!.task.liid, deliveryType: 'X2andX3', targets: ['sip:alice@example.com'] }],
};

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('FileRecordOutput manifest', () => {
  it('streams the chain entries (no object per entry) into the same bytes as JSON.stringify of the manifest', () => {
    const base = mkdtempSync(join(tmpdir(), 'msrptap-frout-'));
    dirs.push(base);
    const out = new FileRecordOutput(base, {}, MANIFEST);
    // Enough records for several pieces of entries in some files, and a file with one record.
    for (let i = 0; i < 700; i++) for (const r of ALL_RECORDS) out.write(r);
    const expected = out.manifests();
    out.close();
    expect(expected.length).toBeGreaterThan(0);
    for (const m of expected) {
      const folder = readdirSync(base).find((d) => readFileSync(join(base, d, 'manifest.json'), 'utf8').includes(`"liid": ${JSON.stringify(m.liid)}`))!;
      expect(readFileSync(join(base, folder, 'manifest.json'), 'utf8')).toBe(`${JSON.stringify(m, null, 2)}\n`);
      expect(m.files.some((f) => f.chain.entries.length > 1024)).toBe(true);
    }
  });
});
