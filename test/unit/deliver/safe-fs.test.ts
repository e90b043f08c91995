/**
 * Output files and folders are never created through a link someone planted
 * (src/deliver/safe-fs.ts), and an unusable path fails at once instead of spinning (Node's
 * recursive mkdir loops forever under /proc).
 */
import { execFileSync } from 'node:child_process';
import { linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureSecretDir, openSecretFile, writeFileAtomic } from '../../../src/deliver/safe-fs.js';
import { SecureFileWriter } from '../../../src/deliver/secure-file.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'msrptap-safefs-'));

/** A file someone else cares about, and its content. */
function victim(dir: string): { path: string; check: () => void } {
  const path = join(dir, 'victim.txt');
  writeFileSync(path, 'precious');
  const { mode } = statSync(path);
  return {
    path,
    check: () => {
      expect(readFileSync(path, 'utf8')).toBe('precious');
      expect(statSync(path).mode).toBe(mode);
    },
  };
}

describe('safe-fs: files', () => {
  it.each(['refuse', 'replace', 'append'] as const)('a symlink as the file is never followed (%s)', (how) => {
    const d = tmp();
    const v = victim(d);
    mkdirSync(join(d, 'out'));
    symlinkSync(v.path, join(d, 'out', 'x2x3.pdu'));
    expect(() => new SecureFileWriter(join(d, 'out', 'x2x3.pdu'), { existing: how })).toThrow(/out\/x2x3\.pdu: it (is a symbolic link|already exists)/);
    v.check();
  });

  it('a dangling symlink is not created through either', () => {
    const d = tmp();
    symlinkSync(join(d, 'created-elsewhere'), join(d, 'f'));
    expect(() => openSecretFile(join(d, 'f'), 'append')).toThrow(/symbolic link/);
    expect(() => statSync(join(d, 'created-elsewhere'))).toThrow();
  });

  it('a hard link to another file is refused before it is emptied', () => {
    const d = tmp();
    const v = victim(d);
    linkSync(v.path, join(d, 'f'));
    expect(() => openSecretFile(join(d, 'f'), 'replace')).toThrow(/hard links/);
    v.check();
  });

  it('a planted FIFO fails at once instead of blocking the open', () => {
    const d = tmp();
    execFileSync('mkfifo', [join(d, 'f')]);
    expect(() => openSecretFile(join(d, 'f'), 'append')).toThrow(/f: it is a FIFO or device/);
  });

  it('atomic replace: neither a link at the temp name nor at the file name is written through', () => {
    const d = tmp();
    const v = victim(d);
    symlinkSync(v.path, join(d, 'state.json.tmp'));
    symlinkSync(v.path, join(d, 'state.json'));
    writeFileAtomic(join(d, 'state.json'), Buffer.from('{"n":1}'));
    v.check();
    expect(lstatSync(join(d, 'state.json')).isFile()).toBe(true);
    expect(readFileSync(join(d, 'state.json'), 'utf8')).toBe('{"n":1}');
    expect(statSync(join(d, 'state.json')).mode & 0o777).toBe(0o600);
  });
});

describe('safe-fs: folders', () => {
  it("a symlinked folder at or below strictFrom is refused; above it, the operator's links are followed", () => {
    const d = tmp();
    const v = victim(d);
    mkdirSync(join(d, 'real'));
    symlinkSync(join(d, 'real'), join(d, 'via-link'));
    mkdirSync(join(d, 'elsewhere'));
    mkdirSync(join(d, 'real', 'out'));
    symlinkSync(join(d, 'elsewhere'), join(d, 'real', 'out', 'LIID-1'));
    expect(() => ensureSecretDir(join(d, 'via-link', 'out', 'LIID-1'), join(d, 'via-link', 'out'))).toThrow(/out\/LIID-1 is a symbolic link/);
    expect(() => new SecureFileWriter(join(d, 'via-link', 'out', 'LIID-1', 'x2x3.pdu'), { strictFrom: join(d, 'via-link', 'out') })).toThrow(/symbolic link/);
    expect(() => ensureSecretDir(join(d, 'via-link'))).toThrow(/via-link is a symbolic link/);
    // The link above the strict part is the operator's path: followed.
    ensureSecretDir(join(d, 'via-link', 'out', 'LIID-2'), join(d, 'via-link', 'out'));
    expect(lstatSync(join(d, 'real', 'out', 'LIID-2')).isDirectory()).toBe(true);
    expect(readlinkSync(join(d, 'real', 'out', 'LIID-1'))).toBe(join(d, 'elsewhere'));
    v.check();
  });

  it("under /proc it fails at once, naming the path (Node's recursive mkdir spins there)", () => {
    const t0 = Date.now();
    expect(() => ensureSecretDir('/proc/msrptap-none/out')).toThrow(/\/proc\/msrptap-none/);
    expect(() => new SecureFileWriter('/proc/msrptap-none/report.html')).toThrow(/\/proc\/msrptap-none/);
    expect(Date.now() - t0).toBeLessThan(1000);
  }, 5000);

  it('under a regular file it fails naming the path', () => {
    const d = tmp();
    writeFileSync(join(d, 'plain'), '');
    expect(() => ensureSecretDir(join(d, 'plain', 'a', 'b'))).toThrow(/plain is not a folder/);
  });
});
