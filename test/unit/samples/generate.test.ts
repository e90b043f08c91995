/**
 * The committed samples are exactly what the generator produces (nobody edits them by hand), and
 * the generator is deterministic.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_SAMPLES, buildAll, generateAll } from '../../../samples/gen/generate.js';
import type { ExpectedSample } from '../../../samples/gen/lib/index.js';
import { bytesEqual } from '../../../src/util/bytes.js';

const COMMITTED = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../samples/pcap');
const tmp = mkdtempSync(join(tmpdir(), 'msrptap-samples-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('sample generator', () => {
  const written = generateAll(tmp);

  it('writes a capture and an .expected.json for every sample', () => {
    expect(written.map((f) => f.name)).toEqual(ALL_SAMPLES.flatMap((s) => [s.file, `${s.file}.expected.json`]));
    expect(readdirSync(tmp).sort()).toEqual(written.map((f) => f.name).sort());
  });

  it.each(written.map((f) => f.name))('%s is byte-identical to the committed file (run `npm run samples` after changing the generator)', (name) => {
    const fresh = readFileSync(join(tmp, name));
    let committed: Buffer;
    try {
      committed = readFileSync(join(COMMITTED, name));
    } catch {
      throw new Error(`samples/pcap/${name} is missing: run npm run samples`);
    }
    expect(bytesEqual(fresh, committed)).toBe(true);
  });

  it('every generated-looking file in samples/pcap comes from the generator', () => {
    const generated = new Set(written.map((f) => f.name));
    // Third-party captures may be added later, but never with a generator .expected.json.
    for (const f of readdirSync(COMMITTED).filter((n) => n.endsWith('.expected.json'))) expect(generated.has(f), f).toBe(true);
  });

  it('is deterministic: two in-memory builds are byte-identical', () => {
    const a = buildAll();
    const b = buildAll();
    expect(a.map((f) => f.name)).toEqual(b.map((f) => f.name));
    a.forEach((f, i) => {
      expect(bytesEqual(f.bytes, b[i]!.bytes), f.name).toBe(true);
    });
  });

  it('keeps samples small (each under 100 KB)', () => {
    for (const f of written) expect(f.bytes.length, f.name).toBeLessThan(100 * 1024);
  });

  it('expected counts are internally consistent', () => {
    for (const def of ALL_SAMPLES) {
      const e = JSON.parse(readFileSync(join(tmp, `${def.file}.expected.json`), 'utf8')) as ExpectedSample;
      expect(e.file).toBe(def.file);
      expect(e.frames).toBeGreaterThan(0);
      for (const n of [e.ipv4Frames, e.ipv6Frames, e.tcpFrames, e.udpDatagrams, e.truncatedRecords, e.badChecksumFrames]) expect(n).toBeLessThanOrEqual(e.frames);
      expect(e.tcpConnections).toBeLessThanOrEqual(e.tcpFrames);
      expect(e.firstTimestamp! <= e.lastTimestamp!).toBe(true);
    }
  });
});
