/**
 * `npm run bench`: throughput and memory of msrptap against a floor measured in the same
 * invocation (these machines are noisy: only ratios within one run mean anything).
 *
 *   1. bare walk  — a Node loop that only walks the pcap records (bench/bare-walk.mjs);
 *   2. stats      — `msrptap stats --json` (capture → decode → defrag → TCP reassembly);
 *   3. stats ×5   — the same on a capture five times larger, to show RSS stays flat.
 *
 * Each subject runs in a fresh child process, three times; the best time counts (the least
 * disturbed by other load). Prints a table and writes bench/results.json.
 * Options: --mb N (default 200), --runs N (default 3), --no-large.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { makeBenchCapture } from './make-bench-capture.js';

const ROOT = resolve(import.meta.dirname, '..');
const WORK = resolve(ROOT, 'bench/work');
const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const MB = opt('mb', 200);
const RUNS = opt('runs', 3);
const LARGE = !args.includes('--no-large');

interface Measure {
  ms: number;
  maxRssKiB: number;
  stdout: string;
}

function runNode(argv: string[]): Measure {
  const r = spawnSync(process.execPath, [resolve(ROOT, 'bench/measure.mjs'), ...argv], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  const line = r.stderr.split('\n').find((l) => l.startsWith('BENCH '));
  if (r.status !== 0 || line === undefined) throw new Error(`bench: ${argv.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
  const m = JSON.parse(line.slice(6)) as { ms: number; maxRssKiB: number };
  return { ...m, stdout: r.stdout };
}

function best(argv: string[]): Measure {
  let b: Measure | undefined;
  for (let i = 0; i < RUNS; i++) {
    const m = runNode(argv);
    if (b === undefined || m.ms < b.ms) b = { ...m, maxRssKiB: Math.max(m.maxRssKiB, b?.maxRssKiB ?? 0) };
    else b.maxRssKiB = Math.max(b.maxRssKiB, m.maxRssKiB);
  }
  return b!;
}

/** Writes a capture `times` × the size of `src` by repeating its records (one pcap file header). */
function repeatCapture(src: string, dst: string, times: number): void {
  const out = openSync(dst, 'w');
  const buf = Buffer.allocUnsafe(8 << 20);
  for (let t = 0; t < times; t++) {
    const fd = openSync(src, 'r');
    let pos = t === 0 ? 0 : 24;
    for (let n = readSync(fd, buf, 0, buf.length, pos); n > 0; n = readSync(fd, buf, 0, buf.length, pos)) {
      pos += n;
      for (let off = 0; off < n; ) off += writeSync(out, buf, off, n - off);
    }
    closeSync(fd);
  }
  closeSync(out);
}

mkdirSync(WORK, { recursive: true });
const small = resolve(WORK, `bench-${MB}mb.pcap`);
if (!existsSync(small)) {
  process.stderr.write(`bench: generating ${small} …\n`);
  makeBenchCapture({ path: small, megabytes: MB });
}
const sizeMB = statSync(small).size / 1e6;
const dist = resolve(ROOT, 'dist/cli/main.js');

const floor = best(['bench/bare-walk.mjs', small]);
const stats = best([dist, 'stats', '--json', '-r', small]);
const frames = (JSON.parse(stats.stdout) as { frames: number }).frames;
const floorFrames = (JSON.parse(floor.stdout) as { frames: number }).frames;
if (frames !== floorFrames) throw new Error(`bench: stats counted ${frames} frames, the bare walk ${floorFrames}`);

let large: Measure | undefined;
let largeMB = 0;
if (LARGE) {
  const big = resolve(WORK, `bench-${MB * 5}mb.pcap`);
  if (!existsSync(big)) repeatCapture(small, big, 5);
  largeMB = statSync(big).size / 1e6;
  large = runNode([dist, 'stats', '--json', '-r', big]);
}

const mbps = (mb: number, ms: number): number => mb / (ms / 1000);
const results = {
  date: new Date().toISOString(),
  node: process.version,
  capture: { path: small, megabytes: Number(sizeMB.toFixed(1)), frames },
  bareWalk: { mbPerSec: Number(mbps(sizeMB, floor.ms).toFixed(1)), framesPerSec: Math.round(frames / (floor.ms / 1000)), maxRssMiB: Number((floor.maxRssKiB / 1024).toFixed(1)) },
  stats: { mbPerSec: Number(mbps(sizeMB, stats.ms).toFixed(1)), framesPerSec: Math.round(frames / (stats.ms / 1000)), maxRssMiB: Number((stats.maxRssKiB / 1024).toFixed(1)) },
  statsVsBareWalk: Number((floor.ms / stats.ms).toFixed(3)),
  ...(large !== undefined
    ? {
        statsLarge: { megabytes: Number(largeMB.toFixed(1)), mbPerSec: Number(mbps(largeMB, large.ms).toFixed(1)), maxRssMiB: Number((large.maxRssKiB / 1024).toFixed(1)) },
        rssGrowthLargeVsSmall: Number((large.maxRssKiB / stats.maxRssKiB).toFixed(3)),
      }
    : {}),
  targets: { statsVsBareWalk: '>= 0.60', rssGrowthLargeVsSmall: '<= 1.10' },
};
const rows: [string, string, string, string][] = [
  ['subject', 'MB/s', 'frames/s', 'peak RSS MiB'],
  ['bare walk (floor)', String(results.bareWalk.mbPerSec), String(results.bareWalk.framesPerSec), String(results.bareWalk.maxRssMiB)],
  ['msrptap stats', String(results.stats.mbPerSec), String(results.stats.framesPerSec), String(results.stats.maxRssMiB)],
];
if (results.statsLarge !== undefined) rows.push([`msrptap stats (${results.statsLarge.megabytes} MB)`, String(results.statsLarge.mbPerSec), '-', String(results.statsLarge.maxRssMiB)]);
const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) process.stdout.write(r.map((c, i) => c.padEnd(w[i]!)).join('  ') + '\n');
process.stdout.write(`\nstats / bare walk: ${results.statsVsBareWalk} (target >= 0.60)\n`);
if (results.rssGrowthLargeVsSmall !== undefined) process.stdout.write(`RSS ${results.statsLarge!.megabytes} MB vs ${sizeMB.toFixed(0)} MB: ×${results.rssGrowthLargeVsSmall} (target <= 1.10)\n`);
writeFileSync(resolve(ROOT, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');
process.stdout.write(`\n${JSON.stringify(results)}\n`);
