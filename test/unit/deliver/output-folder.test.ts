/**
 * Taking an output folder (src/deliver/output-folder.ts, with the run's own entries from
 * src/pipeline/run-output-folder.ts): new or empty is used, anything else needs --overwrite,
 * which deletes msrptap's previous output only; a symlink is never followed nor removed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimOutputFile } from '../../../src/deliver/output-folder.js';
import { claimRunOutputFolder } from '../../../src/pipeline/run-output-folder.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'msrptap-claim-'));

/** A previous run's output: audit.json, a leftover spool, two LIID folders with rotated parts. */
function previousRun(out: string): void {
  mkdirSync(join(out, 'LIID-1'), { recursive: true });
  mkdirSync(join(out, 'a%2Fb'));
  for (const f of ['x2x3.pdu', 'x2x3.pdu.1', 'x2x3.pdu.12', 'hi2.ber', 'hi3.ber', 'records.pb', 'manifest.json']) writeFileSync(join(out, 'LIID-1', f), 'old');
  writeFileSync(join(out, 'a%2Fb', 'hi2.ber'), 'old');
  writeFileSync(join(out, 'audit.json'), '{}');
  writeFileSync(join(out, '.audit-spool'), '[]');
}

describe('claimRunOutputFolder', () => {
  it('creates a new folder 0700 and takes an empty one', () => {
    const d = tmp();
    claimRunOutputFolder(join(d, 'new', 'out'), false);
    expect(statSync(join(d, 'new', 'out')).mode & 0o777).toBe(0o700);
    claimRunOutputFolder(join(d, 'new', 'out'), false);
  });

  it('refuses a non-empty folder without --overwrite, naming the flag, and leaves it alone', () => {
    const out = join(tmp(), 'out');
    previousRun(out);
    expect(() => claimRunOutputFolder(out, false)).toThrow(expect.objectContaining({ name: 'ConfigError', message: expect.stringMatching(/--out .*out is not empty/), fix: expect.stringMatching(/--overwrite/) }));
    expect(readFileSync(join(out, 'LIID-1', 'x2x3.pdu'), 'utf8')).toBe('old');
  });

  it('--overwrite deletes exactly the previous output', () => {
    const out = join(tmp(), 'out');
    previousRun(out);
    claimRunOutputFolder(out, true);
    expect(readdirSync(out)).toEqual([]);
  });

  it.each([
    ['a foreign file at the top', ['notes.txt'], 'notes.txt'],
    ['a foreign file in a LIID folder', ['LIID-1', 'notes.txt'], 'LIID-1/notes.txt'],
    ['a nested folder', ['LIID-1', 'sub', 'x2x3.pdu'], 'LIID-1/sub'],
  ])('--overwrite refuses %s and deletes nothing', (_name, names, named) => {
    const out = join(tmp(), 'out');
    previousRun(out);
    mkdirSync(join(out, ...names.slice(0, -1)), { recursive: true });
    writeFileSync(join(out, ...names), 'theirs');
    expect(() => claimRunOutputFolder(out, true)).toThrow(`${named} was not written by msrptap`);
    expect(readFileSync(join(out, ...names), 'utf8')).toBe('theirs');
    expect(existsSync(join(out, 'LIID-1', 'x2x3.pdu'))).toBe(true);
  });

  it('a symlink anywhere inside, or as the folder, is an I/O error whatever the flags; nothing is followed or removed', () => {
    const d = tmp();
    const out = join(d, 'out');
    previousRun(out);
    writeFileSync(join(d, 'victim'), 'precious');
    symlinkSync(join(d, 'victim'), join(out, 'LIID-1', 'hi3.ber.2'));
    for (const ow of [false, true]) expect(() => claimRunOutputFolder(out, ow)).toThrow(expect.objectContaining({ name: 'IoError', message: expect.stringMatching(/hi3\.ber\.2 is a symbolic link/) }));
    expect(readFileSync(join(d, 'victim'), 'utf8')).toBe('precious');
    expect(readFileSync(join(out, 'LIID-1', 'x2x3.pdu'), 'utf8')).toBe('old');
    symlinkSync(out, join(d, 'link'));
    expect(() => claimRunOutputFolder(join(d, 'link'), true)).toThrow(/link is a symbolic link/);
  });

  it('fails at once under /proc and under a regular file', () => {
    const d = tmp();
    writeFileSync(join(d, 'plain'), '');
    const t0 = Date.now();
    expect(() => claimRunOutputFolder('/proc/msrptap-none/out', false)).toThrow(expect.objectContaining({ name: 'IoError', message: expect.stringMatching(/\/proc\/msrptap-none/) }));
    expect(() => claimRunOutputFolder(join(d, 'plain', 'out'), false)).toThrow(expect.objectContaining({ name: 'IoError', message: expect.stringMatching(/plain/) }));
    expect(Date.now() - t0).toBeLessThan(1000);
  }, 5000);
});

describe('claimOutputFile', () => {
  it('a new file is created, an existing one needs --overwrite, a symlink never', () => {
    const d = tmp();
    expect(claimOutputFile(join(d, 'sub', 'r.html'), '--html', false)).toBe('refuse');
    expect(statSync(join(d, 'sub')).isDirectory()).toBe(true);
    writeFileSync(join(d, 'r.html'), 'old');
    expect(() => claimOutputFile(join(d, 'r.html'), '--html', false)).toThrow(expect.objectContaining({ name: 'ConfigError', message: expect.stringMatching(/--html .*r\.html exists/) }));
    expect(claimOutputFile(join(d, 'r.html'), '--html', true)).toBe('replace');
    symlinkSync(join(d, 'r.html'), join(d, 'l.html'));
    expect(() => claimOutputFile(join(d, 'l.html'), '--html', true)).toThrow(expect.objectContaining({ name: 'IoError' }));
  });

  it('an existing character device or named pipe is taken as it is (--json /dev/null); /dev is left as it was', () => {
    const before = statSync('/dev').mode;
    expect(claimOutputFile('/dev/null', '--json', false)).toBe('device');
    expect(statSync('/dev').mode).toBe(before);
    const fifo = join(tmp(), 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(claimOutputFile(fifo, '--json', false)).toBe('device');
  });
});
