/**
 * Issue 15's bench: three taps on one trigger bus against one tap, on the bench capture.
 *
 * 1. nats-server (JetStream, a temporary store, a free loopback port, a user and password: the
 *    taps use `--bus-creds`, as a production cluster would) — test/helpers/nats-server.ts;
 * 2. the capture split as a flow-hashing packet broker would (test/helpers/flow-split.ts, the
 *    splitter test's code: SIP and non-TCP on tap 0, each other TCP connection on tap 1 or 2 by a
 *    hash of its endpoint pair, so MSRP connections are spread and relay legs often apart);
 * 3. `run` on the whole capture (one tap, no bus), then the three taps concurrently with
 *    `--bus`, each under bench/measure.mjs: wall (process, start-up included) and CPU of each,
 *    and of the cluster (first spawn → last exit; CPU summed);
 * 4. the trigger latency from the taps' `bus.summary`: SIP answer seen → put acknowledged (the
 *    SIP tap, `publishLatencyMs`), put → applied (each media tap, `latencyMs`; same-host clocks),
 *    first held MSRP byte → trigger applied (each media tap, `heldWaitMs`, wall time);
 * 5. the union of the three taps' X2/X3 PDUs against the single tap's, up to sequence numbers
 *    (test/helpers/x2x3-pdus.ts, the splitter test's comparison): X3 and all PDUs.
 *
 * Offline, a media tap waits at the end of its input up to `--bus-grace` while MSRP bytes without
 * SIP are held (non-target sessions too, until they time out), so its wall time includes that
 * wait; the grace is an option here (`--bus-grace S`, default 5).
 *
 * In `npm run bench` (`--bus-mb N`, default 50; `--no-bus` skips it), or alone after
 * `npm run build`: `npx tsx bench/bus-cluster.ts [--bus-mb 50] [--capture F] [--bus-grace 5] [--keep-out]`.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Percentiles } from '../src/correlate/latency-samples.js';
import { splitByFlow } from '../test/helpers/flow-split.js';
import { NatsServer, natsServerMissing } from '../test/helpers/nats-server.js';
import { pdus, X3_PDU_TYPE, type PduKey } from '../test/helpers/x2x3-pdus.js';
import { makeBenchCapture, writeBenchTasks } from './make-bench-capture.js';

const ROOT = resolve(import.meta.dirname, '..');

export interface BusClusterOptions {
  readonly capture: string;
  readonly tasks: string;
  /** dist/cli/main.js */
  readonly cli: string;
  readonly workDir: string;
  /** `--bus-grace` of the taps (s). */
  readonly grace?: number;
  readonly keepOut?: boolean;
  readonly log?: (s: string) => void;
}

/** The fields of `bus.summary` the bench reads (src/pipeline/trigger-bus-run.ts). */
interface BusSummary {
  'bus.published': number;
  'bus.received': number;
  'bus.applied': number;
  'bus.refused': number;
  unsent: number;
  latencyMs?: { n: number; p50: number; p90: number; p99: number; max: number };
  publishLatencyMs?: Percentiles;
  heldWaitMs?: Percentiles;
}

export interface TapMeasure {
  readonly name: string;
  readonly frames: number;
  /** Whole child process, start-up included, timed from outside (ms). */
  readonly procMs: number;
  /** First read of its capture → exit (bench/measure.mjs). */
  readonly workMs: number;
  readonly cpuMs: number;
  readonly mainCpuMs: number | null;
  readonly maxRssMiB: number;
  readonly bus: BusSummary | null;
}

/** Percentiles in one form: count, p50, p90, p99, max (ms). */
export interface Latency {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface BusClusterResult {
  readonly capture: { path: string; megabytes: number; frames: number };
  readonly split: { frames: number[]; connections: number[]; note: string };
  readonly grace: number;
  readonly single: TapMeasure;
  readonly taps: TapMeasure[];
  /** First tap spawned → last tap exited (ms); CPU of the three summed. */
  readonly clusterWallMs: number;
  readonly clusterCpuMs: number;
  readonly latency: {
    readonly note: string;
    /** SIP answer seen on the SIP tap → its put acknowledged. */
    readonly answerToPut: Latency | null;
    /** Per media tap: put (server time) → applied there. */
    readonly putToApplied: (Latency | null)[];
    /** Per media tap: first MSRP byte held for a trigger → the trigger applied (wall). */
    readonly heldWait: (Latency | null)[];
  };
  readonly compare: {
    readonly singleX3: number;
    readonly unionX3: number;
    readonly x3Equal: boolean;
    readonly singlePdus: number;
    readonly unionPdus: number;
    readonly allEqual: boolean;
    /** PDUs of the single tap the union lacks, and PDUs of the union the single tap lacks (multisets). */
    readonly missing: { x2: number; x3: number };
    readonly extra: { x2: number; x3: number };
  };
  readonly command: string;
}

/** Why the bus bench cannot run here, or undefined. */
export function busClusterSkipReason(): string | undefined {
  return natsServerMissing();
}

interface Spawned {
  procMs: number;
  stderr: string;
  bench: { workMs: number | null; maxRssKiB: number; cpuMs: number; mainCpuMs: number | null };
}

/** One `node bench/measure.mjs CLI …` child, not blocking (the taps run concurrently). */
function spawnMeasured(capture: string, argv: readonly string[]): Promise<Spawned> {
  return new Promise((res, rej) => {
    const t = process.hrtime.bigint();
    const p = spawn(process.execPath, [resolve(ROOT, 'bench/measure.mjs'), ...argv], { cwd: ROOT, env: { ...process.env, BENCH_CAPTURE: capture }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    p.on('error', rej);
    p.on('close', (code) => {
      const procMs = Number(process.hrtime.bigint() - t) / 1e6;
      const line = stderr.split('\n').find((l) => l.startsWith('BENCH '));
      if (code !== 0 || line === undefined) rej(new Error(`bench: ${argv.join(' ')} failed (exit ${code}):\n${stderr.slice(-4000)}`));
      else res({ procMs, stderr, bench: JSON.parse(line.slice(6)) as Spawned['bench'] });
    });
  });
}

function tapMeasure(name: string, frames: number, s: Spawned): TapMeasure {
  const line = s.stderr.split('\n').find((l) => l.includes('"event":"bus.summary"'));
  return {
    name,
    frames,
    procMs: s.procMs,
    workMs: s.bench.workMs ?? NaN,
    cpuMs: s.bench.cpuMs,
    mainCpuMs: s.bench.mainCpuMs,
    maxRssMiB: s.bench.maxRssKiB / 1024,
    bus: line === undefined ? null : (JSON.parse(line) as BusSummary),
  };
}

const lat = (p: { n?: number; count?: number; p50: number; p90: number; p99: number; max: number } | undefined): Latency | null => (p === undefined ? null : { count: p.count ?? p.n ?? 0, p50: p.p50, p90: p.p90, p99: p.p99, max: p.max });

/** How many of `a` (a multiset of keys) `b` lacks, split by PDU type. */
function lacking(a: readonly string[], b: readonly string[]): { x2: number; x3: number } {
  const left = new Map<string, number>();
  for (const k of b) left.set(k, (left.get(k) ?? 0) + 1);
  const n = { x2: 0, x3: 0 };
  for (const k of a) {
    const c = left.get(k) ?? 0;
    if (c > 0) left.set(k, c - 1);
    else if ((JSON.parse(k) as PduKey).type === X3_PDU_TYPE) n.x3++;
    else n.x2++;
  }
  return n;
}

export async function measureBusCluster(o: BusClusterOptions): Promise<BusClusterResult> {
  const log = o.log ?? (() => undefined);
  const grace = o.grace ?? 5;
  const dir = resolve(o.workDir, 'bus-cluster');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  log('bus: splitting the capture by flow (3 taps) …');
  const split = splitByFlow(o.capture, dir, { assign: 'hash' });
  const frames = split.frames.reduce((a, b) => a + b, 0);
  const runArgs = (capture: string, out: string): string[] => [o.cli, '--log-format', 'json', 'run', '-r', capture, '--tasks', o.tasks, '--out', out];
  log('bus: one tap on the whole capture …');
  const single = tapMeasure('one tap (no bus)', frames, await spawnMeasured(o.capture, runArgs(o.capture, resolve(dir, 'out-single'))));
  const user = 'msrptap';
  const password = `bench-${process.pid}-${Date.now()}`;
  const creds = resolve(dir, 'creds.json');
  writeFileSync(creds, JSON.stringify({ user, password }), { mode: 0o600 });
  chmodSync(creds, 0o600);
  const nats = await NatsServer.start({ user, password });
  let taps: TapMeasure[];
  const t0 = process.hrtime.bigint();
  let clusterWallMs: number;
  try {
    log(`bus: three taps concurrently on ${nats.url} (--bus-grace ${grace}) …`);
    const spawned = await Promise.all(split.paths.map((p, i) => spawnMeasured(p, [...runArgs(p, resolve(dir, `out-tap${i}`)), '--bus', nats.url, '--tap-id', `tap-${i}`, '--bus-creds', creds, '--bus-grace', String(grace)])));
    clusterWallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    taps = spawned.map((s, i) => tapMeasure(i === 0 ? 'tap-0 (SIP)' : `tap-${i} (MSRP)`, split.frames[i]!, s));
  } finally {
    await nats.stop();
  }
  log('bus: comparing the X2/X3 of the three taps with the single tap …');
  const single_ = pdus(resolve(dir, 'out-single'));
  const union = [0, 1, 2].flatMap((i) => pdus(resolve(dir, `out-tap${i}`))).sort();
  const x3 = (l: string[]): string[] => l.filter((k) => (JSON.parse(k) as PduKey).type === X3_PDU_TYPE);
  const eq = (a: string[], b: string[]): boolean => a.length === b.length && a.every((k, i) => k === b[i]);
  const compare = {
    singleX3: x3(single_).length,
    unionX3: x3(union).length,
    x3Equal: eq(x3(single_), x3(union)),
    singlePdus: single_.length,
    unionPdus: union.length,
    allEqual: eq(single_, union),
    missing: lacking(single_, union),
    extra: lacking(union, single_),
  };
  if (o.keepOut !== true) for (const f of split.paths) rmSync(f, { force: true });
  if (o.keepOut !== true) for (const d of ['out-single', 'out-tap0', 'out-tap1', 'out-tap2']) rmSync(resolve(dir, d), { recursive: true, force: true });
  const rel = (p: string): string => p.replace(`${ROOT}/`, '');
  return {
    capture: { path: o.capture, megabytes: statSync(o.capture).size / 1e6, frames },
    split: { frames: split.frames, connections: split.connections, note: 'tap-0: SIP (TCP 5060) and non-TCP; tap-1/tap-2: other TCP connections by FNV-1a of the endpoint pair (test/helpers/flow-split.ts)' },
    grace,
    single,
    taps,
    clusterWallMs,
    clusterCpuMs: taps.reduce((n, t) => n + t.cpuMs, 0),
    latency: {
      note: 'answer→put on the SIP tap, put→applied and held→applied on each media tap (wall ms; one host, so one clock); the end-to-end SIP answer → applied is about answer→put + put→applied',
      answerToPut: lat(taps[0]!.bus?.publishLatencyMs),
      putToApplied: taps.slice(1).map((t) => lat(t.bus?.latencyMs)),
      heldWait: taps.slice(1).map((t) => lat(t.bus?.heldWaitMs)),
    },
    compare,
    command: `npx tsx bench/bus-cluster.ts --capture ${rel(o.capture)} --bus-grace ${grace} (after npm run build)`,
  };
}

const s2 = (ms: number): string => (ms / 1000).toFixed(2);
const fmt = (l: Latency | null): string => (l === null ? 'none' : `p50 ${l.p50.toFixed(0)}, p90 ${l.p90.toFixed(0)}, p99 ${l.p99.toFixed(0)}, max ${l.max.toFixed(0)} ms (n ${l.count})`);

/** The bench's printed lines for the bus piece. */
export function busClusterSummaryLines(r: BusClusterResult): string[] {
  const c = r.compare;
  const lines = [
    `trigger bus (issue 15): ${r.capture.megabytes.toFixed(1)} MB, ${r.capture.frames} frames split ${r.split.frames.join(' / ')} (TCP connections ${r.split.connections.slice(1).join(' / ')} on the media taps), --bus-grace ${r.grace}`,
  ];
  for (const t of [r.single, ...r.taps])
    lines.push(
      `  ${t.name.padEnd(18)} process ${s2(t.procMs)} s, work ${s2(t.workMs)} s, CPU ${s2(t.cpuMs)} s (main ${t.mainCpuMs === null ? '-' : s2(t.mainCpuMs)}), peak RSS ${t.maxRssMiB.toFixed(0)} MiB${t.bus !== null ? `; published ${t.bus['bus.published']}, received ${t.bus['bus.received']}, applied ${t.bus['bus.applied']}, refused ${t.bus['bus.refused']}, unsent ${t.bus.unsent}` : ''}`,
    );
  lines.push(
    `  cluster: wall ${s2(r.clusterWallMs)} s (×${(r.clusterWallMs / r.single.procMs).toFixed(2)} of one tap), CPU ${s2(r.clusterCpuMs)} s (×${(r.clusterCpuMs / r.single.cpuMs).toFixed(2)})`,
    `  trigger latency: SIP answer seen → put acknowledged (tap-0): ${fmt(r.latency.answerToPut)}`,
    ...r.latency.putToApplied.map((l, i) => `                   put → applied (tap-${i + 1}): ${fmt(l)}`),
    ...r.latency.heldWait.map((l, i) => `                   first MSRP byte held → applied (tap-${i + 1}): ${fmt(l)}`),
    `  union of the 3 taps vs one tap: X3 ${c.unionX3} / ${c.singleX3} ${c.x3Equal ? 'equal' : 'DIFFER'}; all X2+X3 ${c.unionPdus} / ${c.singlePdus} ${c.allEqual ? 'equal' : `differ (missing ${c.missing.x2} X2 + ${c.missing.x3} X3, extra ${c.extra.x2} X2 + ${c.extra.x3} X3)`} (sequence numbers left out)`,
  );
  return lines;
}

/** Rows of the targets table (issue 15). */
export function busClusterTargets(r: BusClusterResult): { target: string; measured: string; met: string; command: string }[] {
  const c = r.compare;
  const e2e = r.latency.answerToPut !== null && r.latency.putToApplied.some((l) => l !== null);
  return [
    {
      target: `issue 15: 3 taps on the bus, union of X3 = one tap's (${r.capture.megabytes.toFixed(0)} MB)`,
      measured: `${c.unionX3} / ${c.singleX3} X3 PDUs, ${c.x3Equal ? 'equal' : `missing ${c.missing.x3}, extra ${c.extra.x3}`}`,
      met: c.x3Equal ? 'met' : 'NOT met',
      command: r.command,
    },
    {
      target: 'issue 15: same, all X2 and X3 PDUs',
      measured: `${c.unionPdus} / ${c.singlePdus}, ${c.allEqual ? 'equal' : `missing ${c.missing.x2} X2 + ${c.missing.x3} X3, extra ${c.extra.x2} X2 + ${c.extra.x3} X3`}`,
      met: c.allEqual ? 'met' : 'NOT met',
      command: 'as above',
    },
    {
      target: 'issue 15: 3-tap cluster vs one tap (wall, CPU; reference)',
      measured: `wall ${s2(r.clusterWallMs)} s vs ${s2(r.single.procMs)} s (×${(r.clusterWallMs / r.single.procMs).toFixed(2)}), CPU ×${(r.clusterCpuMs / r.single.cpuMs).toFixed(2)}`,
      met: '-',
      command: 'as above',
    },
    {
      target: 'issue 15: trigger latency, SIP answer → put → applied (reference)',
      measured: e2e
        ? `answer→put p50/p99 ${r.latency.answerToPut!.p50.toFixed(0)}/${r.latency.answerToPut!.p99.toFixed(0)} ms; put→applied p50/p99 ${r.latency.putToApplied.map((l) => (l === null ? '-' : `${l.p50.toFixed(0)}/${l.p99.toFixed(0)}`)).join(', ')} ms`
        : 'no trigger crossed the bus',
      met: '-',
      command: 'as above (bus.summary of each tap)',
    },
  ];
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const argv = process.argv.slice(2);
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const work = resolve(ROOT, 'bench/work');
  const tasks = resolve(work, 'bench-tasks.json');
  mkdirSync(work, { recursive: true });
  writeBenchTasks(tasks);
  const mb = Number(arg('bus-mb') ?? 50);
  // The same file name as bench.ts's capture(): generated once, shared.
  const capture = arg('capture') ?? resolve(work, `bench-v3-${mb}mb-4pct.pcap`);
  if (!existsSync(capture)) makeBenchCapture({ path: capture, megabytes: mb, targetShare: 4 });
  const skip = busClusterSkipReason();
  if (skip !== undefined) throw new Error(`bench: bus piece not run: ${skip}`);
  const r = await measureBusCluster({ capture, tasks, cli: resolve(ROOT, 'dist/cli/main.js'), workDir: work, grace: Number(arg('bus-grace') ?? 5), keepOut: argv.includes('--keep-out'), log: (s) => void process.stderr.write(`${s}\n`) });
  for (const l of busClusterSummaryLines(r)) process.stdout.write(`${l}\n`);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
