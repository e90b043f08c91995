/**
 * The file output in its worker thread (src/pipeline/threaded-file-output.ts), against the built
 * JavaScript: a plain Node worker cannot load the TypeScript sources, so under the test runner
 * (and in the CLI tests, which run through tsx) the output falls back to the main thread. This
 * file checks the threaded path itself (dist/ is built by test/global-setup.ts):
 * - the same records give byte-identical files and manifests with and without the worker;
 * - `run` writes the same output folder with and without --single-thread;
 * - a write error inside the worker stops the run with the error naming the path.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileTree } from '../helpers/file-tree.js';
import { FileRecordOutput, type ManifestOptions } from '../../src/pipeline/file-record-output.js';
import type { ThreadedFileRecordOutput as ThreadedType } from '../../src/pipeline/threaded-file-output.js';
import type { LiRecord } from '../../src/records/li-record.js';
import { ALL_RECORDS } from '../helpers/sample-records.js';
import { ROOT } from '../helpers/run-cli.js';

const MAIN = join(ROOT, 'dist/cli/main.js');
let Threaded: typeof ThreadedType;

// dist/ is built by test/global-setup.ts.
beforeAll(async () => {
  ({ ThreadedFileRecordOutput: Threaded } = (await import(pathToFileURL(join(ROOT, 'dist/pipeline/threaded-file-output.js')).href)) as { ThreadedFileRecordOutput: typeof ThreadedType });
}, 120_000);

const MANIFEST: ManifestOptions = {
  toolVersion: 'test',
  captures: [{ path: 'x.pcap', sha256: null, bytes: null }],
  tasks: [{ xid: ALL_RECORDS[0]!.task.xid, liid: ALL_RECORDS[0]!.task.liid, deliveryType: 'X2andX3', targets: ['sip:alice@example.com'] }],
};

describe('threaded file output (dist)', () => {
  it('runs in a worker and writes the same bytes as the in-thread output', async () => {
    const base = mkdtempSync(join(tmpdir(), 'msrptap-thr-'));
    const records = Array.from({ length: 40 }, () => ALL_RECORDS).flat();
    const local = new FileRecordOutput(join(base, 'local'), {}, MANIFEST);
    for (const r of records) local.write(r);
    local.setCaptures([{ path: 'x.pcap', sha256: 'ab'.repeat(32), bytes: 1 }]);
    local.close();
    const t = new Threaded(join(base, 'thread'), {}, MANIFEST);
    expect(t.threaded).toBe(true);
    for (const r of records) t.write(r);
    t.setCaptures([{ path: 'x.pcap', sha256: 'ab'.repeat(32), bytes: 1 }]);
    await t.close();
    expect(fileTree(join(base, 'thread'))).toEqual(fileTree(join(base, 'local')));
    expect(Object.keys(fileTree(join(base, 'local')))).toContain(join(ALL_RECORDS[0]!.task.liid, 'manifest.json'));
    expect([...t.counts]).toEqual([...local.counts]);
  });

  it('a record is taken as it is when written (shared state changing later does not reach the files)', async () => {
    const base = mkdtempSync(join(tmpdir(), 'msrptap-thr-'));
    const rec = structuredClone(ALL_RECORDS.find((r) => r.kind === 'iri' && 'originating' in r.event)!) as LiRecord;
    const local = new FileRecordOutput(join(base, 'local'));
    local.write(rec);
    local.close();
    const t = new Threaded(join(base, 'thread'));
    expect(t.threaded).toBe(true);
    t.write(rec);
    (rec.event as unknown as { originating: { type: string; value: string }[] }).originating.push({ type: 'sipUri', value: 'sip:later@example.com' });
    await t.close();
    expect(fileTree(join(base, 'thread'))).toEqual(fileTree(join(base, 'local')));
  });

  // The serialised records are moved to the worker (transferred, not copied): only buffers the
  // output made itself may go. Record fields that view a larger buffer (capture and session
  // state does this) must stay usable by their owner, and only their own bytes reach the files.
  it("records whose byte fields view larger buffers: same files, and the writer's buffers are neither detached nor changed", async () => {
    const base = mkdtempSync(join(tmpdir(), 'msrptap-thr-'));
    const records = Array.from({ length: 70 }, () => ALL_RECORDS).flat();
    const local = new FileRecordOutput(join(base, 'local'), {}, MANIFEST);
    for (const r of records) local.write(r);
    local.close();
    /** Each Uint8Array field, recursively, replaced by a view into the middle of a larger buffer. */
    const backings: Uint8Array[] = [];
    const asViews = (v: unknown): unknown => {
      if (v instanceof Uint8Array) {
        const backing = new Uint8Array(v.length + 8192).fill(0xa5);
        backing.set(v, 4096);
        backings.push(backing);
        return backing.subarray(4096, 4096 + v.length);
      }
      if (Array.isArray(v)) return v.map(asViews);
      if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asViews(x)]));
      return v;
    };
    const viewed = records.map((r) => asViews(r) as LiRecord);
    const before = backings.map((b) => createHash('sha256').update(b).digest('hex'));
    const t = new Threaded(join(base, 'thread'), {}, MANIFEST);
    expect(t.threaded).toBe(true);
    for (const r of viewed) t.write(r);
    await t.close();
    expect(fileTree(join(base, 'thread'))).toEqual(fileTree(join(base, 'local')));
    expect(backings.every((b) => b.byteLength > 8192)).toBe(true);
    expect(backings.map((b) => createHash('sha256').update(b).digest('hex'))).toEqual(before);
  });

  // The thread loads what it runs: no zod (the parent's error schema, the audit schemas) and no
  // protobufjs (the record-file decoders behind the encoders' index). Each cost tens of ms of
  // CPU per thread at every start (issue 13 direction 1).
  it('the output thread loads no third-party package', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msrptap-thr-'));
    writeFileSync(join(dir, 'hook.mjs'), "export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.includes('/node_modules/')) process.stderr.write('LOADED ' + r.url + '\\n'); return r; }\n");
    writeFileSync(join(dir, 'register.mjs'), "import { register } from 'node:module';\nregister('./hook.mjs', import.meta.url);\n");
    const entry = pathToFileURL(join(ROOT, 'dist/pipeline/file-output-thread-entry.js')).href;
    const r = spawnSync(
      process.execPath,
      ['--import', pathToFileURL(join(dir, 'register.mjs')).href, '--input-type=module', '-e', `const m = await import(${JSON.stringify(entry)}); if (typeof m.fileOutputThreadEntry !== 'function') process.exit(3);`],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('LOADED '))).toEqual([]);
  });

  it('after a failed close nothing keeps the process alive (the worker thread is ended)', () => {
    const base = mkdtempSync(join(tmpdir(), 'msrptap-thr-'));
    writeFileSync(join(base, 'file'), 'not a folder');
    // A process of its own: once write() has thrown the worker's failure, close() must reject
    // (not wait for a worker that stopped answering) and the process must exit by itself: a run
    // that hung there would never report its error.
    const script = `
      const { ThreadedFileRecordOutput } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist/pipeline/threaded-file-output.js')).href)});
      const records = ${JSON.stringify(ALL_RECORDS, (_k, v) => (v instanceof Uint8Array ? { $bytes: [...v] } : v))};
      const revive = (v) => Array.isArray(v) ? v.map(revive) : v && typeof v === 'object' ? (v.$bytes ? new Uint8Array(v.$bytes) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]))) : v;
      const t = new ThreadedFileRecordOutput(${JSON.stringify(join(base, 'file', 'out'))});
      if (!t.threaded) throw new Error('no worker');
      let failed = false;
      for (let i = 0; i < 250 && !failed; i++) {
        try { for (const r of revive(records)) t.write(r); } catch (e) { failed = true; console.log("write: " + e.message); }
        await new Promise((r) => setTimeout(r, 20));
      }
      await t.close().then(() => console.log('closed?'), (e) => console.log('rejected: ' + e.message));
    `;
    writeFileSync(join(base, 'child.mjs'), script);
    const r = spawnSync(process.execPath, [join(base, 'child.mjs')], { encoding: 'utf8', timeout: 20_000 });
    expect(r.error, 'the process did not exit by itself').toBeUndefined();
    expect(r.stdout, r.stdout + r.stderr).toContain('rejected: ');
    expect(r.status).toBe(0);
  });

  it('a symlink planted in a LIID folder is not followed by the worker: close() rejects naming it, the target untouched', async () => {
    const base = mkdtempSync(join(tmpdir(), 'msrptap-thr-'));
    const victim = join(base, 'victim.txt');
    writeFileSync(victim, 'precious');
    chmodSync(victim, 0o644);
    const liid = ALL_RECORDS[0]!.task.liid;
    mkdirSync(join(base, 'out', liid), { recursive: true });
    symlinkSync(victim, join(base, 'out', liid, 'x2x3.pdu'));
    const t = new Threaded(join(base, 'out'));
    expect(t.threaded).toBe(true);
    await expect(
      (async () => {
        for (const r of ALL_RECORDS) t.write(r);
        await t.close();
      })(),
    ).rejects.toThrow(`${join(base, 'out', liid, 'x2x3.pdu')}: it is a symbolic link`);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(statSync(victim).mode & 0o777).toBe(0o644);
  });

  it('a write error in the worker is thrown by close(), naming the path', async () => {
    const base = mkdtempSync(join(tmpdir(), 'msrptap-thr-'));
    writeFileSync(join(base, 'file'), 'not a folder');
    const t = new Threaded(join(base, 'file', 'out'));
    expect(t.threaded).toBe(true);
    for (const r of ALL_RECORDS) t.write(r);
    await expect(t.close()).rejects.toThrow(join(base, 'file'));
  });
});

describe('msrptap run (dist): worker threads or not, the same output', () => {
  it.each(['chat-udp', 'file-transfer', 'mixed-non-target'])('%s', (name) => {
    const base = mkdtempSync(join(tmpdir(), 'msrptap-thr-run-'));
    const args = (out: string, extra: string[]) => [MAIN, 'run', '-r', join(ROOT, 'samples/pcap', `${name}.pcap`), '--tasks', join(ROOT, 'samples/tasks', `${name}.tasks.json`), '--out', out, ...extra];
    for (const [out, extra] of [
      [join(base, 'threads'), []],
      [join(base, 'single'), ['--single-thread']],
    ] as const) {
      const r = spawnSync(process.execPath, args(out, [...extra]), { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
    const a = fileTree(join(base, 'threads'));
    expect(Object.keys(a).length).toBeGreaterThan(4);
    expect(a).toEqual(fileTree(join(base, 'single')));
    const manifest = JSON.parse(readFileSync(join(base, 'threads', readdirSync(join(base, 'threads')).find((d) => d !== 'audit.json')!, 'manifest.json'), 'utf8')) as { captures: { sha256: string }[] };
    expect(manifest.captures[0]!.sha256).toBe(
      createHash('sha256')
        .update(readFileSync(join(ROOT, 'samples/pcap', `${name}.pcap`)))
        .digest('hex'),
    );
  });

  it('a write error stops the run with the path in the message', () => {
    const base = mkdtempSync(join(tmpdir(), 'msrptap-thr-run-'));
    writeFileSync(join(base, 'file'), 'not a folder');
    const r = spawnSync(process.execPath, [MAIN, 'run', '-r', join(ROOT, 'samples/pcap/chat-udp.pcap'), '--tasks', join(ROOT, 'samples/tasks/chat-udp.tasks.json'), '--out', join(base, 'file', 'out')], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(join(base, 'file'));
  });
});
