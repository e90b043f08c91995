/**
 * Writes every generated sample capture and its `<name>.expected.json` (the generator's own
 * record of what it put in). Run with `npm run samples` (`tsx samples/gen/generate.ts [outdir]`,
 * default samples/pcap/). Output is byte-identical on every run: no wall clock, no Math.random.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FOUNDATION_SAMPLES, type SampleDef } from './foundation-samples.js';
import type { ExpectedSample } from './lib/index.js';

/** All samples the generator knows, in README order. */
export const ALL_SAMPLES: readonly SampleDef[] = [...FOUNDATION_SAMPLES];

/** Default output directory: samples/pcap next to this folder. */
export const DEFAULT_OUT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'pcap');

/** One generated file (capture or expected-counts JSON). */
export interface GeneratedFile {
  name: string;
  bytes: Uint8Array;
}

/** The JSON text of an expected-counts file (stable key order, 2-space indent, final newline). */
export function expectedJson(e: ExpectedSample): string {
  return JSON.stringify(e, null, 2) + '\n';
}

/** Builds every sample in memory: for each, the capture then `<file>.expected.json`. */
export function buildAll(samples: readonly SampleDef[] = ALL_SAMPLES): GeneratedFile[] {
  const out: GeneratedFile[] = [];
  for (const def of samples) {
    const cap = def.build();
    if (cap.file !== def.file) throw new Error(`sample ${def.file}: builder names its file ${cap.file}`);
    out.push({ name: def.file, bytes: cap.bytes() });
    out.push({ name: `${def.file}.expected.json`, bytes: Buffer.from(expectedJson(cap.expected()), 'utf8') });
  }
  return out;
}

/** Generates all samples into `outDir` and returns the files written. */
export function generateAll(outDir: string = DEFAULT_OUT_DIR): GeneratedFile[] {
  mkdirSync(outDir, { recursive: true });
  const files = buildAll();
  for (const f of files) writeFileSync(join(outDir, f.name), f.bytes);
  return files;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outDir = resolve(process.argv[2] ?? DEFAULT_OUT_DIR);
  const files = generateAll(outDir);
  for (const f of files) process.stdout.write(`${String(f.bytes.length).padStart(8)}  ${join(outDir, f.name)}\n`);
}
