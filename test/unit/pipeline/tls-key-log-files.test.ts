/**
 * The `--tls-keylog` files (src/pipeline/tls-key-log-files.ts): checked at the start (ConfigError
 * naming the file, never its content), re-read as they grow with each file's unfinished last
 * line kept apart (lines of two files never mix), read again from the start when rewritten
 * shorter, and the last line without its newline taken at the end of input.
 */
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { ConfigError } from '../../../src/core/errors.js';
import { TlsKeyLogFiles } from '../../../src/pipeline/tls-key-log-files.js';

const CR = (i: number): string => i.toString(16).padStart(2, '0').repeat(32);
const line = (i: number): string => `CLIENT_RANDOM ${CR(i)} ${'ab'.repeat(48)}\n`;
const has = (k: { lookup(cr: Uint8Array, l: string): Uint8Array | undefined }, i: number): boolean => k.lookup(Buffer.from(CR(i), 'hex'), 'CLIENT_RANDOM') !== undefined;

describe('TlsKeyLogFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'msrptap-keylog-files-'));

  it('a missing file is a ConfigError naming it and the fix', () => {
    const p = join(dir, 'missing.log');
    let err: unknown;
    try {
      new TlsKeyLogFiles([p]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(`--tls-keylog ${p}: cannot read the key log (ENOENT)`);
    expect((err as ConfigError).fix).toMatch(/NSS key log/);
  });

  it('reads what exists at the start, then what the files gain, whole lines only, per file', () => {
    const a = join(dir, 'a.log');
    const b = join(dir, 'b.log');
    writeFileSync(a, line(1));
    writeFileSync(b, '');
    const files = new TlsKeyLogFiles([a, b]);
    const anomalies = new AnomalyCounter();
    const keys = files.open(anomalies);
    expect(keys.entries).toBe(1);
    expect(files.poll(false)).toBe(false);
    // Half a line in each file: nothing yet, and the halves never join across files.
    const l2 = line(2);
    const l3 = line(3);
    appendFileSync(a, l2.slice(0, 40));
    appendFileSync(b, l3.slice(0, 70));
    expect(files.poll(false)).toBe(false);
    appendFileSync(a, l2.slice(40));
    appendFileSync(b, l3.slice(70));
    expect(files.poll(false)).toBe(true);
    expect([has(keys, 2), has(keys, 3)]).toEqual([true, true]);
    expect(keys.badLines).toBe(0);
    expect(anomalies.toJSON()).toEqual({});
  });

  it('a rewritten (shorter) file is read again from its start; the last line without newline counts at the end', () => {
    const p = join(dir, 'c.log');
    writeFileSync(p, line(4) + line(5));
    const files = new TlsKeyLogFiles([p]);
    const keys = files.open(new AnomalyCounter());
    expect(keys.entries).toBe(2);
    writeFileSync(p, line(6));
    expect(files.poll(false)).toBe(true);
    expect(has(keys, 6)).toBe(true);
    appendFileSync(p, line(7).trimEnd());
    expect(files.poll(false)).toBe(false);
    expect(files.poll(true)).toBe(true);
    expect(has(keys, 7)).toBe(true);
  });
});
