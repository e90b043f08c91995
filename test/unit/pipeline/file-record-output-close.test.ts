/**
 * Closing the output at the end of a run (FileRecordOutput.closeAsync, used by the output
 * worker): the files' fsyncs overlap instead of waiting one after another, and the files and
 * manifests are the very bytes the one-by-one close() writes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SecureFileWriter } from '../../../src/deliver/secure-file.js';
import { FileRecordOutput, type ManifestOptions } from '../../../src/pipeline/file-record-output.js';
import { fileTree } from '../../helpers/file-tree.js';
import { ALL_RECORDS } from '../../helpers/sample-records.js';

/** fsyncs under way at once (the most seen), counted around the real fsync with a delay. */
const fsyncs = vi.hoisted(() => ({ inFlight: 0, max: 0, calls: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fsync = (fd: number, cb: (e: NodeJS.ErrnoException | null) => void): void => {
    fsyncs.calls++;
    fsyncs.max = Math.max(fsyncs.max, ++fsyncs.inFlight);
    fs.fsync(fd, (e) =>
      setTimeout(() => {
        fsyncs.inFlight--;
        cb(e);
      }, 20),
    );
  };
  return { ...fs, default: { ...fs, fsync }, fsync };
});

const MANIFEST: ManifestOptions = {
  toolVersion: 'test',
  captures: [{ path: 'x.pcap', sha256: 'ab'.repeat(32), bytes: 1 }],
  tasks: [{ xid: ALL_RECORDS[0]!.task.xid, liid: ALL_RECORDS[0]!.task.liid, deliveryType: 'X2andX3', targets: ['sip:alice@example.com'] }],
};

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'msrptap-frclose-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('FileRecordOutput.closeAsync', () => {
  it('fsyncs the files together, then the manifest, and writes what close() writes', async () => {
    const base = tmp();
    const one = new FileRecordOutput(join(base, 'one'), {}, MANIFEST);
    const together = new FileRecordOutput(join(base, 'together'), {}, MANIFEST);
    for (let i = 0; i < 50; i++) {
      for (const r of ALL_RECORDS) {
        one.write(r);
        together.write(r);
      }
    }
    one.close();
    fsyncs.max = 0;
    fsyncs.calls = 0;
    await together.closeAsync();
    const files = fileTree(join(base, 'together'));
    // x2x3.pdu, hi2.ber, hi3.ber, records.pb, manifest.json: five fsyncs, the four record files at once.
    expect(Object.keys(files).length).toBe(5);
    expect(fsyncs.calls).toBe(5);
    expect(fsyncs.max).toBe(4);
    expect(files).toEqual(fileTree(join(base, 'one')));
  });
});

describe('SecureFileWriter.closeAsync', () => {
  it('writes what was buffered, refuses writes from the call on, and closes once', async () => {
    const p = join(tmp(), 'f.bin');
    const w = new SecureFileWriter(p, { bufferSize: 8 });
    w.write(Buffer.from('abc'));
    const closing = w.closeAsync();
    expect(() => w.write(Buffer.from('d'))).toThrow(/write after close/);
    await closing;
    await w.closeAsync();
    expect(readFileSync(p, 'utf8')).toBe('abc');
  });
});
