/**
 * Output folders are not attack surface, through the CLI:
 * - two warrants never share a folder (LIIDs `a/b` and `a_b` used to both write OUT/a_b/);
 * - a symlink planted in an output folder (a file or the LIID folder) is never followed: the run
 *   stops with exit 1 naming it, the link's target untouched; the same for `receive --out`;
 * - an existing non-empty --out (and an --html file, an --extract folder) is refused (exit 2)
 *   unless --overwrite, which replaces the previous run's output and nothing else;
 * - an unusable output path (under /proc, where Node's recursive mkdir spins forever, or under
 *   a regular file) fails at once with exit 1 naming it.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTree } from '../helpers/file-tree.js';
import { ROOT, runCli, type CliResult } from '../helpers/run-cli.js';

const PCAP = join(ROOT, 'samples/pcap/chat-udp.pcap');
const TASKS = join(ROOT, 'samples/tasks/chat-udp.tasks.json');
const LIID = 'LIID-DE-0001';
const FILE_PCAP = join(ROOT, 'samples/pcap/file-transfer.pcap');
const FILE_TASKS = join(ROOT, 'samples/tasks/file-transfer.tasks.json');

const tmp = (): string => mkdtempSync(join(tmpdir(), 'msrptap-outsafe-'));

/** A file that is not msrptap's, to plant links to. */
function victim(dir: string): { path: string; check: () => void } {
  const path = join(dir, 'victim.txt');
  writeFileSync(path, 'precious');
  const mode = statSync(path).mode;
  return {
    path,
    check: () => {
      expect(readFileSync(path, 'utf8')).toBe('precious');
      expect(statSync(path).mode).toBe(mode);
    },
  };
}

/** The LIIDs of the protobuf records of a folder (`msrptap decode`). */
function recordLiids(folder: string): string[] {
  const r = runCli(['decode', join(folder, 'records.pb')]);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as { record: { task: { liid: string } } }).record.task.liid);
}

/** Runs the CLI and checks it stopped within `ms` (the /proc case used to spin forever). */
function quick(args: string[]): CliResult & { wallMs: number } {
  const t0 = Date.now();
  const r = runCli(args, { timeoutMs: 20_000 });
  return { ...r, wallMs: Date.now() - t0 };
}

describe('output folders: one warrant per folder', () => {
  it('tasks a/b and a_b write two folders, each with only its own records and manifest', () => {
    const d = tmp();
    const sample = JSON.parse(readFileSync(TASKS, 'utf8')) as { tasks: Record<string, unknown>[] };
    const t = sample.tasks[0]!;
    writeFileSync(
      join(d, 'tasks.json'),
      JSON.stringify({
        tasks: [
          { ...t, liid: 'a/b' },
          { ...t, xid: '3f0c7e2a-9b1d-4c5e-8f7a-6b5c4d3e2f10', liid: 'a_b' },
        ],
      }),
    );
    const r = runCli(['run', '-r', PCAP, '--tasks', join(d, 'tasks.json'), '--out', join(d, 'out')]);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(join(d, 'out')).sort()).toEqual(['a%2Fb', 'a_b', 'audit.json']);
    const counts: number[] = [];
    for (const [folder, liid] of [
      ['a%2Fb', 'a/b'],
      ['a_b', 'a_b'],
    ] as const) {
      const liids = recordLiids(join(d, 'out', folder));
      expect(liids.length).toBeGreaterThan(0);
      expect(new Set(liids)).toEqual(new Set([liid]));
      expect((JSON.parse(readFileSync(join(d, 'out', folder, 'manifest.json'), 'utf8')) as { liid: string }).liid).toBe(liid);
      counts.push(liids.length);
    }
    // Same target, same sessions: as many records each (none went to the other's folder).
    expect(counts[0]).toBe(counts[1]);
  }, 60_000);
});

describe('output folders: planted symlinks are never followed', () => {
  it.each([[[]], [['--overwrite']]])(
    'OUT/<LIID>/x2x3.pdu → a victim file (flags %j): exit 1 naming it, victim untouched',
    (extra) => {
      const d = tmp();
      const v = victim(d);
      mkdirSync(join(d, 'out', LIID), { recursive: true });
      symlinkSync(v.path, join(d, 'out', LIID, 'x2x3.pdu'));
      const r = runCli(['run', '-r', PCAP, '--tasks', TASKS, '--out', join(d, 'out'), ...extra]);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toContain(`${join(d, 'out', LIID, 'x2x3.pdu')} is a symbolic link`);
      v.check();
    },
    60_000,
  );

  it('OUT/<LIID> → another folder: exit 1, nothing written there', () => {
    const d = tmp();
    mkdirSync(join(d, 'elsewhere'));
    mkdirSync(join(d, 'out'));
    symlinkSync(join(d, 'elsewhere'), join(d, 'out', LIID));
    const r = runCli(['run', '-r', PCAP, '--tasks', TASKS, '--out', join(d, 'out')]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain(`${join(d, 'out', LIID)} is a symbolic link`);
    expect(readdirSync(join(d, 'elsewhere'))).toEqual([]);
  }, 60_000);

  it('receive --out: a symlinked folder, or a link planted in an XID folder, stops it at start; the victim is untouched', () => {
    const d = tmp();
    const v = victim(d);
    mkdirSync(join(d, 'real'));
    symlinkSync(join(d, 'real'), join(d, 'rx-link'));
    const a = quick(['receive', '--listen', '127.0.0.1:0', '--out', join(d, 'rx-link')]);
    expect(a.status, a.stderr).toBe(1);
    expect(a.stderr).toContain(`${join(d, 'rx-link')} is a symbolic link`);
    const xid = join(d, 'rx', '0b4a2c54-5e0f-4d6b-9b7e-2f1c3d4e5a60');
    mkdirSync(xid, { recursive: true });
    symlinkSync(v.path, join(xid, 'x2x3.pdu'));
    const b = quick(['receive', '--listen', '127.0.0.1:0', '--out', join(d, 'rx')]);
    expect(b.status, b.stderr).toBe(1);
    expect(b.stderr).toContain(`${join(xid, 'x2x3.pdu')}: it is a symbolic link`);
    v.check();
  }, 60_000);
});

describe('output folders: no silent overwrite', () => {
  it('run: a non-empty --out is refused (exit 2, names --overwrite); --overwrite replaces the previous output only', () => {
    const d = tmp();
    const out = join(d, 'out');
    const first = runCli(['run', '-r', PCAP, '--tasks', TASKS, '--out', out]);
    expect(first.status, first.stderr).toBe(0);
    const before = fileTree(out);
    const again = runCli(['run', '-r', PCAP, '--tasks', TASKS, '--out', out]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/--out .* is not empty/);
    expect(again.stderr).toContain('--overwrite');
    expect(fileTree(out)).toEqual(before);
    // A previous run of other tasks: its folder goes, ours is written afresh, nothing mixes.
    mkdirSync(join(out, 'LIID-OLD'));
    writeFileSync(join(out, 'LIID-OLD', 'x2x3.pdu'), 'old records');
    const ow = runCli(['run', '-r', PCAP, '--tasks', TASKS, '--out', out, '--overwrite']);
    expect(ow.status, ow.stderr).toBe(0);
    expect(fileTree(out)).toEqual(before);
    // Something msrptap did not write: refused, nothing deleted.
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const foreign = runCli(['run', '-r', PCAP, '--tasks', TASKS, '--out', out, '--overwrite']);
    expect(foreign.status).toBe(2);
    expect(foreign.stderr).toContain(`${join(out, 'notes.txt')} was not written by msrptap`);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
  }, 90_000);

  it('audit: an existing --html file and a non-empty --extract folder are refused without --overwrite', () => {
    const d = tmp();
    const html = join(d, 'report.html');
    const ext = join(d, 'files');
    const args = ['audit', '-r', FILE_PCAP, '--tasks', FILE_TASKS, '--json', join(d, 'a.json'), '--html', html, '--extract', ext];
    const first = runCli(args);
    expect(first.status, first.stderr).toBe(0);
    const extracted = fileTree(ext);
    expect(Object.keys(extracted).length).toBeGreaterThan(0);
    writeFileSync(html, 'keep me');
    const again = runCli(args);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/--(json|html) .* exists/);
    expect(readFileSync(html, 'utf8')).toBe('keep me');
    const ow = runCli([...args, '--overwrite']);
    expect(ow.status, ow.stderr).toBe(0);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!DOCTYPE html>/i);
    expect(fileTree(ext)).toEqual(extracted);
  }, 90_000);
});

describe('output paths: unusable ones fail at once', () => {
  it('under /proc (run --out, --spool-dir, audit --html / --extract, receive --out) or under a regular file: exit 1 naming the path, within seconds', () => {
    const d = tmp();
    writeFileSync(join(d, 'plain'), '');
    const sample = JSON.parse(readFileSync(TASKS, 'utf8')) as { tasks: Record<string, unknown>[] };
    const did = '7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
    writeFileSync(join(d, 'deliver.json'), JSON.stringify({ tasks: [{ ...sample.tasks[0], listOfDids: [did] }], destinations: [{ did, address: '127.0.0.1:9' }] }));
    const cases: [string[], string][] = [
      [['run', '-r', PCAP, '--tasks', TASKS, '--out', '/proc/msrptap-none/out'], '/proc/msrptap-none'],
      [['run', '-r', PCAP, '--tasks', join(d, 'deliver.json'), '--deliver', '--spool-dir', '/proc/msrptap-none/spool'], '/proc/msrptap-none'],
      [['audit', '-r', PCAP, '--tasks', TASKS, '--json', join(d, 'a.json'), '--html', '/proc/msrptap-none/r.html'], '/proc/msrptap-none'],
      [['audit', '-r', PCAP, '--tasks', TASKS, '--json', join(d, 'b.json'), '--extract', '/proc/msrptap-none/files'], '/proc/msrptap-none'],
      [['receive', '--listen', '127.0.0.1:0', '--out', '/proc/msrptap-none/rx'], '/proc/msrptap-none'],
      [['run', '-r', PCAP, '--tasks', TASKS, '--out', join(d, 'plain', 'out')], join(d, 'plain')],
    ];
    for (const [args, named] of cases) {
      const r = quick(args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toContain(named);
      // "At once" means failing at start rather than hanging until runCli's 20 s timeout; the
      // bound leaves room for a slow start-up on a loaded machine (5 s was exceeded at load 20).
      expect(r.wallMs, args.join(' ')).toBeLessThan(15_000);
    }
  }, 150_000);
});
