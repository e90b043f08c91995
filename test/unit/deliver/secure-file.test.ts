import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureSecretDir, SecureFileWriter } from '../../../src/deliver/secure-file.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'msrptap-sf-'));

describe('SecureFileWriter', () => {
  it('creates 0700 folders and a 0600 file whatever the umask, and writes every byte in order', () => {
    const old = process.umask(0o000);
    try {
      const dir = join(tmp(), 'out', 'LIID-1');
      const w = new SecureFileWriter(join(dir, 'x2x3.pdu'), { bufferSize: 16 });
      const parts = [Buffer.from('abc'), Buffer.alloc(40, 1), Buffer.from('z')];
      for (const p of parts) w.write(p);
      w.close();
      w.close();
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(join(dir, '..')).mode & 0o777).toBe(0o700);
      expect(statSync(join(dir, 'x2x3.pdu')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dir, 'x2x3.pdu'))).toEqual(Buffer.concat(parts));
      expect(w.bytes).toBe(44);
    } finally {
      process.umask(old);
    }
  });

  it('tightens an existing world-readable file and folder', () => {
    const dir = join(tmp(), 'open');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const f = join(dir, 'a');
    writeFileSync(f, 'old');
    chmodSync(f, 0o644);
    ensureSecretDir(dir);
    const w = new SecureFileWriter(f, { existing: 'replace' });
    w.close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(readFileSync(f, 'utf8')).toBe('');
  });

  it('refuses an existing file by default (a run never reuses one), appends when asked', () => {
    const f = join(tmp(), 'a');
    writeFileSync(f, 'old');
    expect(() => new SecureFileWriter(f)).toThrow(/a: it already exists/);
    expect(readFileSync(f, 'utf8')).toBe('old');
    const w = new SecureFileWriter(f, { existing: 'append' });
    w.write(Buffer.from('+new'));
    w.close();
    expect(readFileSync(f, 'utf8')).toBe('old+new');
  });

  it('names the path when it cannot write', () => {
    // A regular file in the way of the folder.
    const f = join(tmp(), 'plain');
    writeFileSync(f, '');
    expect(() => new SecureFileWriter(join(f, 'sub', 'x'))).toThrow(/plain\/sub/);
  });
});

describe('SecureFileWriter on a device or pipe the operator names', () => {
  it('writes to /dev/null and closes without fsync (EINVAL on a character device)', () => {
    const w = new SecureFileWriter('/dev/null', { existing: 'device' });
    w.write(Buffer.from('{}\n'));
    expect(() => w.close()).not.toThrow();
  });

  it('never tightens the folder of a file the operator names (/tmp, /dev, a home): only the file is ours', () => {
    const dir = join(tmp(), 'shared');
    mkdirSync(dir);
    chmodSync(dir, 0o1777);
    const w = new SecureFileWriter(join(dir, 'report.html'));
    w.close();
    expect(statSync(dir).mode & 0o7777).toBe(0o1777);
    expect(statSync(join(dir, 'report.html')).mode & 0o777).toBe(0o600);
  });
});
