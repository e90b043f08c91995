/**
 * Writes every generated sample capture and its `<name>.expected.json` (the generator's own
 * record of what it put in). Run with `npm run samples` (`tsx samples/gen/generate.ts [outdir]
 * [tasksdir]`, default samples/pcap/ and samples/tasks/). Output is byte-identical on every run:
 * no wall clock, no Math.random.
 *
 * The SIP/MSRP scenario samples (samples/gen/scenarios/) also write `<name>.truth.json` (and
 * `<name>.non-target-markers.json` where they have non-target traffic) next to the capture, and
 * `<name>.tasks.json` into the tasks directory.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FOUNDATION_SAMPLES, type SampleDef } from './foundation-samples.js';
import { SCENARIOS, SCENARIO_SAMPLES, scenarioSideFiles } from './scenarios/index.js';
import type { ExpectedSample } from './lib/index.js';

/** All samples the generator knows, in README order. */
export const ALL_SAMPLES: readonly SampleDef[] = [...FOUNDATION_SAMPLES, ...SCENARIO_SAMPLES];

/** Default output directory: samples/pcap next to this folder. */
export const DEFAULT_OUT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'pcap');

/** Default directory of the scenario tasks files: samples/tasks. */
export const DEFAULT_TASKS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'tasks');

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

/** The scenario side files in memory: truth / markers (for the capture directory) and tasks. */
export function buildScenarioExtras(): { pcap: GeneratedFile[]; tasks: GeneratedFile[] } {
  const pcap: GeneratedFile[] = [];
  const tasks: GeneratedFile[] = [];
  for (const def of SCENARIOS) {
    for (const f of scenarioSideFiles(def.build())) (f.dir === 'pcap' ? pcap : tasks).push({ name: f.name, bytes: f.bytes });
  }
  return { pcap, tasks };
}

/** Writes the scenario side files: truth / markers into `pcapDir`, tasks into `tasksDir`. */
export function generateScenarioExtras(pcapDir: string = DEFAULT_OUT_DIR, tasksDir: string = DEFAULT_TASKS_DIR): GeneratedFile[] {
  const { pcap, tasks } = buildScenarioExtras();
  mkdirSync(pcapDir, { recursive: true });
  mkdirSync(tasksDir, { recursive: true });
  for (const f of pcap) writeFileSync(join(pcapDir, f.name), f.bytes);
  for (const f of tasks) writeFileSync(join(tasksDir, f.name), f.bytes);
  return [...pcap.map((f) => ({ name: join(pcapDir, f.name), bytes: f.bytes })), ...tasks.map((f) => ({ name: join(tasksDir, f.name), bytes: f.bytes }))];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outDir = resolve(process.argv[2] ?? DEFAULT_OUT_DIR);
  const files = generateAll(outDir);
  for (const f of files) process.stdout.write(`${String(f.bytes.length).padStart(8)}  ${join(outDir, f.name)}\n`);
  // With an explicit output directory and no tasks directory, tasks go to <outdir>/tasks.
  const tasksDir = resolve(process.argv[3] ?? (process.argv[2] !== undefined ? join(outDir, 'tasks') : DEFAULT_TASKS_DIR));
  for (const f of generateScenarioExtras(outDir, tasksDir)) process.stdout.write(`${String(f.bytes.length).padStart(8)}  ${f.name}\n`);
}
