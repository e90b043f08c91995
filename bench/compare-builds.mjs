// Before/after of two msrptap builds in ONE invocation (issue 13: "README's performance table is
// updated with before/after figures from one invocation"): the machines are noisy, so the two
// builds, tshark and the bare pcap walk run interleaved, round by round, on the same capture, and
// only ratios within this invocation are reported.
//
//   node bench/compare-builds.mjs --before DIST_A --after DIST_B --capture F.pcap --tasks T.json
//        [--worst F100.pcap] [--rounds 3] [--no-tshark]
//
// DIST_A / DIST_B are `dist/` folders (e.g. a copy of main's build before a change, and this
// checkout's `npm run build`). Each subject is timed from outside (start-up included, as the
// issue counts it) and through bench/measure.mjs (CPU of the whole process and of the main
// thread, peak RSS). Medians over the rounds. Prints a Markdown table on stdout.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = args[i + 1];
  if (v === undefined) throw new Error(`--${name} needs a value`);
  return v;
};
const before = resolve(opt('before'));
const after = resolve(opt('after'));
const capture = resolve(opt('capture'));
const tasks = resolve(opt('tasks'));
const worst = opt('worst', undefined);
const rounds = Number(opt('rounds', '3'));
const withTshark = !args.includes('--no-tshark');
const HERE = resolve(import.meta.dirname);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs one msrptap build through measure.mjs; wall time from outside (start-up included). */
function runBuild(dist, file, taskFile) {
  const out = mkdtempSync(join(tmpdir(), 'msrptap-cmp-'));
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(HERE, 'measure.mjs'), join(dist, 'cli/main.js'), '--log-format', 'json', 'run', '-r', file, '--tasks', taskFile, '--out', join(out, 'o')], {
    encoding: 'utf8',
    env: { ...process.env, BENCH_CAPTURE: file },
    maxBuffer: 1 << 28,
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  rmSync(out, { recursive: true, force: true });
  const line = r.stderr.split('\n').find((l) => l.startsWith('BENCH '));
  if (r.status !== 0 || line === undefined) throw new Error(`${dist}: run failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
  const m = JSON.parse(line.slice(6));
  return { wallMs, cpuMs: m.cpuMs, mainCpuMs: m.mainCpuMs, rssMiB: m.maxRssKiB / 1024 };
}

/** An external command timed from outside, with its CPU from bash's `times`. */
function runExternal(cmd, argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', '"$@" > /dev/null; rc=$?; times >&2; exit $rc', 'bash', cmd, ...argv], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}: ${r.stderr.slice(-500)}`);
  // `times` prints the shell's then its children's user/sys times: the second line is the command's.
  const t = r.stderr
    .trim()
    .split('\n')
    .at(-1)
    .match(/(\d+)m([\d.]+)s (\d+)m([\d.]+)s/);
  const cpuMs = t === null ? Number.NaN : (Number(t[1]) * 60 + Number(t[2]) + Number(t[3]) * 60 + Number(t[4])) * 1000;
  return { wallMs, cpuMs };
}

const subjects = {
  tshark: () => runExternal('tshark', ['-r', capture, '-Y', 'msrp', '-T', 'fields', '-e', 'msrp.messageid']),
  walk: () => runExternal(process.execPath, [join(HERE, 'bare-walk.mjs'), capture]),
  before: () => runBuild(before, capture, tasks),
  after: () => runBuild(after, capture, tasks),
  ...(worst !== undefined ? { worstBefore: () => runBuild(before, resolve(worst), tasks), worstAfter: () => runBuild(after, resolve(worst), tasks) } : {}),
};
if (!withTshark) delete subjects.tshark;
const got = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
for (let i = 0; i < rounds; i++) {
  // Alternate the order of the two builds each round so neither always runs on a warmer cache.
  const order = Object.keys(subjects);
  if (i % 2 === 1) order.reverse();
  for (const k of order) {
    got[k].push(subjects[k]());
    process.stderr.write(`round ${i + 1}/${rounds} ${k}: ${JSON.stringify(got[k].at(-1))}\n`);
  }
}
const med = (k, f) => median(got[k].map((m) => m[f]));
const mb = (spawnSync('stat', ['-c', '%s', capture], { encoding: 'utf8' }).stdout.trim() | 0) / 1e6;
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const rows = [];
for (const b of ['before', 'after']) {
  const w = med(b, 'wallMs');
  rows.push(
    `| ${b} | ${fmt(w / 1000)} s | ${fmt(med(b, 'cpuMs') / 1000)} s (main ${fmt(med(b, 'mainCpuMs') / 1000)}) | ${fmt(med(b, 'rssMiB'), 0)} MiB | ${withTshark ? `${fmt(med('tshark', 'wallMs') / w)}× (CPU ${fmt(med('tshark', 'cpuMs') / med(b, 'cpuMs'))}×)` : '—'} | ${fmt(med('walk', 'wallMs') / w, 3)} |`,
  );
}
console.log(`${mb.toFixed(0)} MB capture, median of ${rounds} interleaved rounds; tshark ${fmt(med('tshark', 'wallMs') / 1000)} s wall, ${fmt(med('tshark', 'cpuMs') / 1000)} s CPU; bare walk ${fmt(med('walk', 'wallMs') / 1000)} s`);
console.log('');
console.log('| build | wall (start-up incl.) | CPU (all threads) | peak RSS | vs tshark (≥ 20×) | vs bare walk (≥ 0.3) |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
if (worst !== undefined) {
  const wmb = (spawnSync('stat', ['-c', '%s', resolve(worst)], { encoding: 'utf8' }).stdout.trim() | 0) / 1e6;
  console.log('');
  console.log(`Every session a target (${wmb.toFixed(0)} MB):`);
  console.log('');
  console.log('| build | wall | MB/s (≥ 50) | MB per CPU-second | CPU | peak RSS (≤ 256 MiB) |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [b, k] of [
    ['before', 'worstBefore'],
    ['after', 'worstAfter'],
  ]) {
    const w = med(k, 'wallMs');
    const c = med(k, 'cpuMs');
    console.log(`| ${b} | ${fmt(w / 1000)} s | ${fmt(wmb / (w / 1000), 1)} | ${fmt(wmb / (c / 1000), 1)} | ${fmt(c / 1000)} s | ${fmt(med(k, 'rssMiB'), 0)} MiB |`);
  }
}
