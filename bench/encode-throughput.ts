/**
 * Encode-stage micro-bench (issue 13 direction 2): CPU time of turning a capture's LI records
 * into bytes in every format (X2/X3, HI2/HI3, protobuf), i.e. RecordFileEncoder.encode, the
 * output worker's job minus the writes and hash chains.
 *
 *   npx tsx bench/encode-throughput.ts --pcap F --tasks T [--reps 5] [--baseline DIST]
 *
 * The records are collected once (test/helpers/capture-records.ts: what the output worker
 * receives), then encoded `--reps` times by a fresh encoder each time; user+sys CPU per pass,
 * median of the passes. `--baseline DIST` loads another build's RecordFileEncoder (e.g. a
 * `dist/` built from the commit before a change, with its schemas/ beside it) and alternates
 * the two per pass in this one process, so the ratio is measured under the same load. The
 * bytes of both are compared (they must be identical).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RecordFileEncoder, type RoutedRecord } from '../src/pipeline/record-file-encoder.js';
import type { LiRecord } from '../src/records/li-record.js';
import { captureRecords } from '../test/helpers/capture-records.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const pcap = arg('pcap');
const tasks = arg('tasks');
if (pcap === undefined || tasks === undefined) {
  process.stderr.write('usage: tsx bench/encode-throughput.ts --pcap F --tasks T [--reps N] [--baseline DIST]\n');
  process.exit(2);
}
const reps = Number(arg('reps') ?? 5);
const baseline = arg('baseline');

interface Encoder {
  encode(r: LiRecord): RoutedRecord[];
}
type Make = () => Encoder;

const records = captureRecords(resolve(pcap), resolve(tasks));
let iri = 0;
let bytesIn = 0;
for (const r of records) {
  if (r.kind === 'iri') iri++;
  else bytesIn += r.event.bytes.length;
}

/** One pass: CPU ms (user+sys) and the output bytes' total and a checksum. */
function pass(make: Make): { cpuMs: number; out: number; sum: number } {
  const enc = make();
  const t = process.cpuUsage();
  let out = 0;
  let sum = 0;
  for (const r of records) {
    for (const x of enc.encode(r)) {
      out += x.bytes.length;
      sum = (sum * 31 + (x.bytes[x.bytes.length >> 1] ?? 0) + x.bytes.length) % 1_000_000_007;
    }
  }
  const d = process.cpuUsage(t);
  return { cpuMs: (d.user + d.system) / 1000, out, sum };
}

const subjects: [string, Make][] = [['current', () => new RecordFileEncoder()]];
if (baseline !== undefined) {
  const m = (await import(pathToFileURL(resolve(baseline, 'pipeline/file-record-output.js')).href)) as { RecordFileEncoder: new () => Encoder };
  subjects.unshift(['baseline', () => new m.RecordFileEncoder()]);
}

// Warm-up (JIT), then alternate the subjects per pass.
for (const [, make] of subjects) pass(make);
const times = new Map<string, number[]>(subjects.map(([n]) => [n, []]));
const outs = new Map<string, string>();
for (let i = 0; i < reps; i++) {
  for (const [name, make] of subjects) {
    const p = pass(make);
    times.get(name)!.push(p.cpuMs);
    outs.set(name, `${p.out}/${p.sum}`);
  }
}
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const result: Record<string, unknown> = { records: records.length, iri, cc: records.length - iri, ccBytes: bytesIn, reps };
for (const [name] of subjects) {
  const m = median(times.get(name)!);
  result[name] = { medianCpuMs: Number(m.toFixed(1)), usPerRecord: Number(((m * 1000) / records.length).toFixed(2)), output: outs.get(name) };
}
if (baseline !== undefined) {
  result.ratio = Number((median(times.get('baseline')!) / median(times.get('current')!)).toFixed(2));
  result.sameOutput = outs.get('baseline') === outs.get('current');
}
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
