/**
 * Live capture rate of `msrptap run -i lo` (issue 7): the highest packet rate a tap sustains
 * without losing frames while tcpreplay replays mixed traffic onto the loopback interface.
 *
 * Method (one fresh tap per step, so every step starts from the same cold state):
 *   1. a slice of the bench traffic (bench/make-bench-capture.ts, default 50 MB ≈ 48 500
 *      frames: SIP/UDP and SIP/TCP, MSRP/TCP, relay legs, bulk TCP, DNS-like UDP; see LIVE_FILTER)
 *      is generated once and cached in bench/work/;
 *   2. per step: start `run -i lo -f "net 10.128.0.0/9 or host 10.30.0.1" --tasks … --out …` (all outputs on, as the
 *      offline `run` subject), wait for its "capturing" log line, replay the whole slice with
 *      `tcpreplay --preload-pcap --timer=nano --pps=N` (or `--topspeed`), wait until the tap
 *      has processed every sent frame or its count stops moving for a second (the capture ring
 *      is still being drained after the sender ends), SIGTERM, read the final log line;
 *   3. steps: a ladder (default 10k, 20k, 50k, 100k, 200k pps, top speed; going down to 1k if
 *      10k already loses), then a few bisection steps between the fastest lossless and the
 *      slowest lossy rate, then repeats of the fastest lossless rate (a rate counts as lossless
 *      only if every trial of it was, since the boundary is noisy; a failed repeat demotes it
 *      and the next one is repeated, up to three repeats), within a wall-time budget (default
 *      120 s).
 *
 * Ground truth for loss is sent − processed: on lo nothing is lost on the wire, and the BPF
 * filter admits only the replayed frames (a step where the tap processes more than was sent
 * is flagged). The tap's own drop counters are reported next to it, because they do not see
 * everything: `kernelDropped` (softnet backlog, system-wide) and `ifDropped` (lo's
 * rx_missed/rx_fifo) are readable, but capture-ring overflows (PACKET_STATISTICS tp_drops)
 * are not, since the `cap` binding has no pcap_stats() (src/capture/live-capture.ts). The
 * difference is reported as `unseenDrops`.
 *
 * Both capture backends are measured (`backend`, issue 13 direction 7): `dumpcap` (a child
 * process writing pcapng to a pipe; its capture-ring drops arrive in the final log line as
 * `captureDropped`, so they are no longer unseen) and `cap` (libpcap in the tap). The tap's live
 * loss signal, `targetTcpGaps` (TCP gaps on connections of intercepted sessions), is reported
 * per step too.
 *
 * Caveat: sender, loopback softirq and tap share the machine's cores (the kernel's receive
 * work for lo runs in tcpreplay's context), so on a 2-core machine the sender competes with
 * the tap: the figure is a lower bound for a tap fed by a NIC.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { findDumpcap } from '../src/capture/dumpcap-capture.js';
import { loadCap } from '../src/capture/live-capture.js';
import { makeBenchCapture } from './make-bench-capture.js';

/**
 * Every frame of the bench capture has its server side in 10.128.0.0/9 (make-bench-capture.ts:
 * 10.{128 + ((unit >> 8) & 127)}.x.20, whatever the size), except the relayed units' endpoint ↔
 * relay legs, whose server is the relay 10.30.0.1 (the v3 capture: 4 037 of the 49 848 frames
 * of a 50 MB slice; with `net 10.128.0.0/9` alone every step counted them as lost). lo's own
 * traffic is 127/8, and the samples test/integration/live-run.test.ts replays onto lo are
 * 10.10.0.0/16, so neither reaches the bench's tap.
 */
export const LIVE_FILTER = 'net 10.128.0.0/9 or host 10.30.0.1';
const IFACE = 'lo';
/** A replay rate: packets per second, or tcpreplay --topspeed. */
export type LiveRate = number | 'top';
export const DEFAULT_LIVE_LADDER: readonly LiveRate[] = [10_000, 20_000, 50_000, 100_000, 200_000, 'top'];
/** Tried, in this order, when the first ladder rate already loses. */
const LOWER_RATES = [5_000, 2_000, 1_000];
/** Stats period of the tap (s): how fast the bench sees its frame count move. */
const STATS_INTERVAL_S = 0.25;
/** The tap has caught up when its count has not moved for this long after the replay. */
const QUIET_MS = 1_000;
const DRAIN_TIMEOUT_MS = 20_000;
/** Fixed cost of one step besides the replay (start, drain wait, stop), for the budget. */
const STEP_OVERHEAD_MS = 4_000;

/** Options of {@link measureLiveRate}. */
export interface LiveRateOptions {
  /** Working folder (bench/work): the cached slice and the taps' outputs. */
  workDir: string;
  /** Tasks file for the tap (the bench's, see writeBenchTasks). */
  tasks: string;
  /** Built CLI entry point (dist/cli/main.js). */
  cli: string;
  /** Slice size in MB (default 50): every step replays all of it. */
  megabytes?: number;
  /** Ladder of rates (default {@link DEFAULT_LIVE_LADDER}). */
  ladder?: readonly LiveRate[];
  /** Bisection steps after the ladder (default 3). */
  refine?: number;
  /** Wall-time budget (s, default 120): refinement steps that would exceed it are skipped. */
  budgetSec?: number;
  /** Tap `--buffer-size` in KiB (capture ring); default: the tap's default (64 MiB). */
  bufferKiB?: number;
  /** Capture backend of the tap (`--capture-backend`); default: the tap's (auto). */
  backend?: 'dumpcap' | 'cap';
  /** Keep the taps' output folders (default: removed). */
  keepOut?: boolean;
  log?: (s: string) => void;
}

/** One replay step. Frame and byte counts are link-layer (Ethernet) frames. */
export interface LiveStep {
  /** Requested rate: pps, or 'top' (tcpreplay --topspeed). */
  rate: LiveRate;
  /** Frames tcpreplay sent successfully (its "Successful packets"). */
  sentFrames: number;
  sentBytes: number;
  /** First to last packet, as tcpreplay reports it. */
  replaySeconds: number;
  /** Achieved rate: sentFrames / replaySeconds. */
  sentPps: number;
  /** Achieved rate in MB/s (10^6 bytes): sentBytes / replaySeconds. */
  sentMBps: number;
  /** Frames the tap processed (`packets` of its final log line). */
  tapFrames: number;
  /**
   * tapFrames / (replay + catch-up time): when frames were lost, what the tap got through per
   * second while overloaded (its throughput ceiling under this sender); else ≈ sentPps.
   */
  tapPps: number;
  tapBytes: number;
  /** max(0, sent − processed): the ground truth. */
  lostFrames: number;
  /** Frames processed beyond those sent: foreign traffic through the filter (should be 0). */
  extraFrames: number;
  /** The tap's counters: softnet backlog drops (system-wide) and lo's interface drops. */
  kernelDropped: number;
  ifDropped: number;
  /** Capture-ring and dumpcap drops from dumpcap's final statistics (null: not reported, the cap backend). */
  captureDropped: number | null;
  /** TCP gaps, all connections and those of intercepted sessions (the live loss signal). */
  tcpGaps: number;
  targetTcpGaps: number;
  /** Target MSRP connections joined without their handshake, and target sessions released with none of their MSRP seen (the final line, after the drain). */
  targetMidStream: number;
  targetCcNotObserved: number;
  /** The backend the tap used (its final log line). */
  backend: string;
  /** Lost frames the tap's counters did not see: lost − counters (kernel, interface, capture ring). */
  unseenDrops: number;
  /** Anomalies the tap reported (mostly TCP gaps when frames are lost). */
  tapAnomalies: number;
  /** Frames tcpreplay failed to send (not the tap's loss; should be 0). */
  failedFrames: number;
  /** Replay end → the tap's frame count last moved (ms, to the stats period of 250 ms). */
  catchUpMs: number;
  /** Tap CPU (user + system) from replay start to catch-up, % of one core (all its threads). */
  tapCpuPct: number;
  /**
   * Time the tap's main thread (the event loop that reads the ring) spent runnable but waiting
   * for a CPU, same window, % (/proc/PID/schedstat run_delay): CPU contention, not tap cost.
   */
  tapWaitPct: number;
  /** CPU (s) and run-queue wait (s) per thread group, replay start to catch-up: see {@link ThreadCpu}. */
  cpu: StepCpu;
  lossless: boolean;
}

/** CPU time and time runnable without a CPU (both s, /proc/…/schedstat), and the thread count. */
export interface ThreadCpu {
  cpuS: number;
  waitS: number;
  threads: number;
}

/**
 * Per thread group during a step: the tap's main thread (event loop: capture reads, analysis,
 * correlation), its other threads (V8's compiler and GC helpers, the output and digest
 * workers, libuv's pool; the workers are not told apart from the V8 helpers here), dumpcap and
 * tcpreplay (whose time includes lo's receive softirq, run in the sender's context).
 */
export interface StepCpu {
  tapMain: ThreadCpu;
  tapOther: ThreadCpu;
  dumpcap: ThreadCpu | null;
  tcpreplay: ThreadCpu | null;
}

/** Result of {@link measureLiveRate}. */
export interface LiveRateResult {
  /** The capture backend asked for (undefined: the tap's default). */
  backend: 'dumpcap' | 'cap' | undefined;
  iface: string;
  filter: string;
  slice: { path: string; megabytes: number; frames: number };
  /** Tap options: capture ring at its default (64 MiB ≈ 1 000 slots of 64 KiB on lo). */
  tapArgs: string[];
  steps: LiveStep[];
  /**
   * The fastest requested rate all of whose trials were lossless (achieved rate of its slowest
   * trial; `trials` ≥ 2 when the repeat fitted in the budget), or null when every rate lost.
   */
  maxLossless: { pps: number; mbPerSec: number; rate: LiveRate; trials: number } | null;
  /** The slowest requested rate with a lossy trial (that trial's achieved rate), or null. */
  firstLoss: { pps: number; mbPerSec: number; rate: LiveRate; lostFrames: number } | null;
  /** The highest tapPps of a lossy step: the tap's throughput when it cannot keep up. */
  saturationPps: number | null;
  /** A rate that lost frames is slower than `maxLossless`: the boundary is noisy. */
  nonMonotonic: boolean;
  /** 1-minute load average before the first step (other processes compete with sender and tap). */
  loadAvg1: number;
  wallMs: number;
  note: string;
}

/**
 * Why the live measurement cannot run here, or undefined when it can: needs root (the tap
 * opens a packet socket), tcpreplay and the `cap` binding.
 */
export async function liveSkipReason(backend: 'dumpcap' | 'cap' = 'cap'): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'not root (live capture and tcpreplay need CAP_NET_RAW)';
  const r = spawnSync('tcpreplay', ['--version'], { stdio: 'ignore' });
  if (r.error !== undefined || r.status !== 0) return 'tcpreplay not found';
  if (backend === 'dumpcap') return findDumpcap() === undefined ? 'dumpcap not found' : undefined;
  try {
    await loadCap();
  } catch (e) {
    return `the cap module cannot load (${(e as Error).message})`;
  }
  return undefined;
}

/** Runs the ladder and the refinement; see the file header. */
export async function measureLiveRate(o: LiveRateOptions): Promise<LiveRateResult> {
  const t0 = Date.now();
  // Before any step: the bench's own sender and taps raise the load average themselves.
  const load = loadavg()[0]!;
  const log = o.log ?? ((): void => {});
  const mb = o.megabytes ?? 50;
  const budgetMs = (o.budgetSec ?? 120) * 1000;
  mkdirSync(o.workDir, { recursive: true });
  // Same name and generator as bench.ts's captures: deterministic for a size, so shareable.
  const slice = resolve(o.workDir, `bench-v2-${mb}mb.pcap`);
  if (!existsSync(slice)) {
    log(`live: generating ${slice} …`);
    makeBenchCapture({ path: slice, megabytes: mb });
  }
  const outRoot = resolve(o.workDir, 'live-out');
  rmSync(outRoot, { recursive: true, force: true });
  const tapArgs = [
    'run',
    '-i',
    IFACE,
    '-f',
    LIVE_FILTER,
    '--tasks',
    o.tasks,
    '--stats-interval',
    String(STATS_INTERVAL_S),
    ...(o.bufferKiB !== undefined ? ['--buffer-size', String(o.bufferKiB)] : []),
    ...(o.backend !== undefined ? ['--capture-backend', o.backend] : []),
  ];
  const steps: LiveStep[] = [];
  const step = async (rate: LiveRate): Promise<LiveStep> => {
    log(`live${o.backend !== undefined ? ` (${o.backend})` : ''}: replay at ${rateLabel(rate)} …`);
    const s = await runStep(o.cli, [...tapArgs, '--out', resolve(outRoot, `step-${steps.length + 1}`)], slice, rate);
    log(`  sent ${s.sentFrames} at ${Math.round(s.sentPps)} pps, tap processed ${s.tapFrames}${s.lossless ? '' : ` (lost ${s.lostFrames})`}`);
    steps.push(s);
    return s;
  };

  /** Whether a step at `rate` still fits in the budget (the first step always runs). */
  const fits = (rate: LiveRate): boolean => {
    if (steps.length === 0) return true;
    const ms = rate === 'top' ? STEP_OVERHEAD_MS : (steps[0]!.sentFrames / rate) * 1000 + STEP_OVERHEAD_MS;
    if (Date.now() - t0 + ms <= budgetMs) return true;
    log(`live: wall-time budget of ${budgetMs / 1000} s reached, ${rateLabel(rate)} skipped`);
    return false;
  };
  const ladder = o.ladder ?? DEFAULT_LIVE_LADDER;
  for (const rate of ladder) if (fits(rate)) await step(rate);
  // Even the slowest ladder rate loses: go down until one does not.
  if (!steps.some((s) => s.lossless)) {
    const slowest = Math.min(...ladder.filter((r): r is number => r !== 'top'));
    for (const rate of LOWER_RATES.filter((r) => r < slowest)) if (!fits(rate) || (await step(rate)).lossless) break;
  }
  // Bisection (geometric) between the fastest rate that never lost and the slowest one above it that did.
  for (let i = 0; i < (o.refine ?? 3); i++) {
    const { good, bad } = classify(steps);
    if (good === undefined) break;
    const hi = bad.filter((r) => r.pps > good.pps).reduce<number | undefined>((m, r) => Math.min(m ?? r.pps, r.pps), undefined);
    if (hi === undefined || hi / good.pps <= 1.1) break;
    const mid = Math.round(Math.sqrt(good.pps * hi) / 500) * 500;
    if (mid <= good.pps || mid >= hi || !fits(mid)) break;
    await step(mid);
  }
  // The boundary is noisy (a stall of the tap longer than the ring's worth of frames loses some):
  // the reported rate must have been lossless twice. A failed repeat demotes it; the next
  // fastest lossless rate then gets its repeat (at most three repeats).
  for (let i = 0; i < 3; i++) {
    const { good } = classify(steps);
    if (good === undefined || good.trials >= 2 || !fits(good.pps)) break;
    log(`live: repeating ${rateLabel(good.rate)} to confirm it`);
    await step(good.rate);
  }
  if (o.keepOut !== true) rmSync(outRoot, { recursive: true, force: true });

  const { good, bad } = classify(steps);
  const r1 = (x: number): number => Number(x.toFixed(1));
  // The slowest achieved rate among the trials of a rate: the conservative figure.
  const trialsOf = (rate: LiveRate): LiveStep[] => steps.filter((s) => s.rate === rate);
  const slowestTrial = (rate: LiveRate): LiveStep => trialsOf(rate).reduce((b, s) => (s.sentPps < b.sentPps ? s : b));
  const best = good === undefined ? undefined : slowestTrial(good.rate);
  const firstBad = bad.reduce<RateClass | undefined>((b, r) => (b === undefined || r.pps < b.pps ? r : b), undefined);
  const worst = firstBad === undefined ? undefined : trialsOf(firstBad.rate).find((s) => !s.lossless)!;
  const nonMonotonic = good !== undefined && firstBad !== undefined && firstBad.pps < good.pps;
  const unseen = steps.reduce((n, s) => n + s.unseenDrops, 0);
  const extra = steps.some((s) => s.extraFrames > 0);
  const note = [
    'loss = frames tcpreplay sent − frames the tap processed (lo loses nothing on the wire; the BPF filter admits only the replayed frames)',
    `one fresh tap per step (cold start), ${o.bufferKiB !== undefined ? `--buffer-size ${o.bufferKiB} KiB` : o.backend === 'dumpcap' ? 'capture ring at its default size (64 MiB in dumpcap\'s TPACKET_V3 blocks: a slice that fits in it plus the pipe is absorbed as one burst, so "tap fps" is the sustained rate)' : 'capture ring at its default size (64 MiB ≈ 1 000 frames on lo)'}; a rate counts as lossless only if every trial of it was`,
    'tcpreplay (nanosleep pacing), the loopback softirq (charged to the sender) and the tap share the same cores: on a 2-core machine the sender competes with the tap, so this is a lower bound for a tap fed by a NIC; "CPU wait %" is the time the tap\'s event loop was runnable but had no CPU, other load on the machine raises it and moves the boundary',
    ...(unseen > 0 ? [`${unseen} lost frames were invisible to the tap's drop counters (with cap: capture-ring overflows, the binding exposes no pcap_stats/tp_drops)`] : []),
    ...(nonMonotonic ? ['a rate that lost frames is slower than the reported lossless one: the boundary is noisy'] : []),
    ...(extra ? ['the tap processed more frames than were sent in some step: other traffic matched the filter, results are suspect'] : []),
  ].join('; ');
  return {
    backend: o.backend,
    iface: IFACE,
    filter: LIVE_FILTER,
    slice: { path: slice, megabytes: mb, frames: steps[0]?.sentFrames ?? 0 },
    tapArgs,
    steps,
    maxLossless: best === undefined ? null : { pps: Math.round(best.sentPps), mbPerSec: r1(best.sentMBps), rate: best.rate, trials: good!.trials },
    firstLoss: worst === undefined ? null : { pps: Math.round(worst.sentPps), mbPerSec: r1(worst.sentMBps), rate: worst.rate, lostFrames: worst.lostFrames },
    saturationPps: steps.some((s) => !s.lossless) ? Math.max(...steps.filter((s) => !s.lossless).map((s) => s.tapPps)) : null,
    nonMonotonic,
    loadAvg1: Number(load.toFixed(2)),
    wallMs: Date.now() - t0,
    note,
  };
}

/** A requested rate and its trials; `pps` orders rates (achieved rate for top speed). */
interface RateClass {
  rate: LiveRate;
  pps: number;
  trials: number;
  lossless: boolean;
}

/** The fastest rate whose trials were all lossless, and every rate with a lossy trial. */
function classify(steps: readonly LiveStep[]): { good: RateClass | undefined; bad: RateClass[] } {
  const byRate = new Map<LiveRate, RateClass>();
  for (const s of steps) {
    const c = byRate.get(s.rate);
    if (c === undefined) byRate.set(s.rate, { rate: s.rate, pps: s.rate === 'top' ? s.sentPps : s.rate, trials: 1, lossless: s.lossless });
    else {
      c.trials++;
      c.lossless &&= s.lossless;
    }
  }
  const all = [...byRate.values()];
  const good = all.filter((c) => c.lossless).reduce<RateClass | undefined>((b, c) => (b === undefined || c.pps > b.pps ? c : b), undefined);
  return { good, bad: all.filter((c) => !c.lossless) };
}

/** Console lines: the headline, then one line per step (slowest first). */
export function liveSummaryLines(r: LiveRateResult): string[] {
  const on = `lo${r.backend !== undefined ? `, ${r.backend}` : ''}`;
  const head =
    r.maxLossless === null
      ? `live capture rate on ${on}: every step lost frames (slowest: ${r.firstLoss?.pps} frames/s)`
      : `live capture rate on ${on}: ${r.maxLossless.pps} frames/s (${r.maxLossless.mbPerSec} MB/s) without loss (${r.maxLossless.trials} trial${r.maxLossless.trials > 1 ? 's' : ''})` +
        (r.firstLoss !== null ? `; frames lost at ${r.firstLoss.pps} frames/s (${r.firstLoss.mbPerSec} MB/s)` : '; no step lost frames');
  const rows: string[][] = [
    [
      '  requested',
      'sent pps',
      'MB/s',
      'sent',
      'processed',
      'lost',
      'kernel+if drops',
      'ring drops',
      'unseen',
      'target gaps',
      'tap fps',
      'tap CPU %',
      'CPU wait %',
      'catch-up ms',
      'CPU s main/other/dumpcap/tcpreplay',
      'run-queue wait s main',
    ],
  ];
  for (const s of [...r.steps].sort((a, b) => a.sentPps - b.sentPps)) {
    rows.push([
      `  ${rateLabel(s.rate)}`,
      String(Math.round(s.sentPps)),
      s.sentMBps.toFixed(1),
      String(s.sentFrames),
      String(s.tapFrames),
      String(s.lostFrames),
      String(s.kernelDropped + s.ifDropped),
      s.captureDropped === null ? '-' : String(s.captureDropped),
      String(s.unseenDrops),
      String(s.targetTcpGaps),
      String(s.tapPps),
      String(s.tapCpuPct),
      String(s.tapWaitPct),
      String(s.catchUpMs),
      cpuCell(s.cpu),
      String(s.cpu.tapMain.waitS),
    ]);
  }
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return [
    `${head}  (${r.steps.length} steps of ${r.slice.frames} frames, filter "${r.filter}", ${(r.wallMs / 1000).toFixed(0)} s, load average ${r.loadAvg1} before)`,
    ...(r.saturationPps !== null ? [`live tap throughput when overloaded: ${r.saturationPps} frames/s (best "tap fps" of the lossy steps)`] : []),
    ...rows.map((row) => row.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ')),
    `  note: ${r.note}`,
  ];
}

/** main/other/dumpcap/tcpreplay CPU seconds of a step. */
export function cpuCell(c: StepCpu): string {
  return [c.tapMain.cpuS, c.tapOther.cpuS, c.dumpcap?.cpuS ?? '-', c.tcpreplay?.cpuS ?? '-'].join('/');
}

function rateLabel(r: LiveRate): string {
  return r === 'top' ? 'topspeed' : `${r} pps`;
}

/** utime + stime of a process in clock ticks (/proc/PID/stat fields 14 and 15), or NaN. */
function cpuTicks(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return NaN;
  }
}
/** run_delay of a process's main thread in ns (/proc/PID/schedstat, field 2), or NaN. */
function runDelayNs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'latin1').split(' ')[1]);
  } catch {
    return NaN;
  }
}
/** schedstat (run ns, run-queue wait ns) of every thread of `pid`, by thread id. */
function threadStats(pid: number | undefined): Map<number, [number, number]> {
  const m = new Map<number, [number, number]>();
  if (pid === undefined) return m;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const f = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ');
        m.set(Number(tid), [Number(f[0]), Number(f[1])]);
      } catch {
        // the thread ended between the listing and the read
      }
    }
  } catch {
    // the process ended
  }
  return m;
}
/** The difference of two {@link threadStats} snapshots over the threads `pick` selects (threads that ended in between are lost). */
function cpuDelta(a: Map<number, [number, number]>, b: Map<number, [number, number]>, pick: (tid: number) => boolean): ThreadCpu {
  let cpu = 0;
  let wait = 0;
  let threads = 0;
  for (const [tid, [r1, w1]] of b) {
    if (!pick(tid)) continue;
    const [r0, w0] = a.get(tid) ?? [0, 0];
    cpu += r1 - r0;
    wait += w1 - w0;
    threads++;
  }
  const r2 = (x: number): number => Number((x / 1e9).toFixed(2));
  return { cpuS: r2(cpu), waitS: r2(wait), threads };
}
/** The pid of the tap's dumpcap child (/proc/PID/task/PID/children), if any. */
function dumpcapChild(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    for (const c of readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim().split(/\s+/)) {
      if (c !== '' && readFileSync(`/proc/${c}/comm`, 'latin1').trim() === 'dumpcap') return Number(c);
    }
  } catch {
    // no children file (old kernel) or the process ended
  }
  return undefined;
}

/** USER_HZ: 100 on every Linux architecture Node supports (sysconf(_SC_CLK_TCK)). */
const CLK_TCK = 100;

/** The tap process with its stderr parsed as JSON Lines events (src/cli/stderr-logger.ts). */
class Tap {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  capturing = false;
  final: Record<string, unknown> | undefined;
  /** `packets` of the last stats line, and when it last changed. */
  packets = 0;
  changedAt = Date.now();
  lastLineAt = Date.now();
  private partial = '';
  private tail = '';

  constructor(cli: string, args: string[]) {
    this.child = spawn(process.execPath, [cli, '--log-format', 'json', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.exited = new Promise((res) => this.child.on('exit', (code) => res(code)));
    this.child.stderr!.on('data', (b: Buffer) => this.feed(b.toString('utf8')));
  }

  private feed(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) {
      this.tail = (this.tail + line + '\n').slice(-4000);
      if (!line.startsWith('{')) continue;
      let j: Record<string, unknown>;
      try {
        j = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (j.event === 'capture.started') this.capturing = true;
      // The last run.stats line (after the drain) says final: true.
      else if (j.final === true) this.final = j;
      else if (j.event === 'run.stats' && typeof j.packets === 'number') {
        const now = Date.now();
        if (j.packets !== this.packets) {
          this.packets = j.packets;
          this.changedAt = now;
        }
        this.lastLineAt = now;
      }
    }
  }

  /** The end of its stderr, for error messages. */
  stderrTail(): string {
    return this.tail + this.partial;
  }
}

async function until(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

interface Replay {
  sentFrames: number;
  failed: number;
  bytes: number;
  seconds: number;
}

/** tcpreplay onto lo; its report parsed ("Actual: N packets (B bytes) sent in S seconds"). */
export function replay(pcap: string, rate: LiveRate, onSpawn?: (pid: number | undefined) => void): Promise<Replay> {
  // --preload-pcap: file reads would otherwise pace the sender at high rates. --timer=nano:
  // nanosleep pacing (catching up after each oversleep with a few back-to-back frames) keeps
  // the rate exact to 0.1 % here up to 200k pps with ~20 % of a core, where the default gtod
  // timer busy-waits a whole core, which the tap then lacks on a 2-core machine.
  const rateArgs = rate === 'top' ? ['--topspeed'] : ['--timer=nano', `--pps=${rate}`];
  const child = spawn('tcpreplay', [`--intf1=${IFACE}`, '--preload-pcap', ...rateArgs, pcap], { stdio: ['ignore', 'pipe', 'pipe'] });
  onSpawn?.(child.pid);
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
  return new Promise((res, rej) => {
    child.on('error', rej);
    child.on('exit', (code) => {
      const actual = /Actual: (\d+) packets \((\d+) bytes\) sent in ([\d.]+) seconds/.exec(out);
      const ok = /Successful packets:\s+(\d+)/.exec(out);
      const failed = /Failed packets:\s+(\d+)/.exec(out);
      if (code !== 0 || actual === null) return rej(new Error(`bench: tcpreplay ${rateArgs.join(' ')} exited ${code}:\n${out}`));
      res({ sentFrames: Number(ok?.[1] ?? actual[1]), failed: Number(failed?.[1] ?? 0), bytes: Number(actual[2]), seconds: Number(actual[3]) });
    });
  });
}

export async function runStep(cli: string, args: string[], pcap: string, rate: LiveRate): Promise<LiveStep> {
  const tap = new Tap(cli, args);
  try {
    if (!(await until(() => tap.capturing || tap.child.exitCode !== null, 20_000)) || !tap.capturing) {
      throw new Error(`bench: the live tap did not start capturing:\n${tap.stderrTail()}`);
    }
    const cpu0 = cpuTicks(tap.child.pid);
    const wait0 = runDelayNs(tap.child.pid);
    const dc = dumpcapChild(tap.child.pid);
    const tap0 = threadStats(tap.child.pid);
    const dc0 = threadStats(dc);
    // tcpreplay's own counters, sampled while it runs (its last sample stands for its total).
    let senderPid: number | undefined;
    let sender0 = new Map<number, [number, number]>();
    let sender1 = new Map<number, [number, number]>();
    const sampler = setInterval(() => {
      const s = threadStats(senderPid);
      if (s.size > 0) sender1 = s;
    }, 50);
    const start = Date.now();
    const sent = await replay(pcap, rate, (pid) => {
      senderPid = pid;
      sender0 = threadStats(pid);
    }).finally(() => clearInterval(sampler));
    const replayEnd = Date.now();
    // The capture ring (and the socket) may still hold frames: let the tap drain them before
    // SIGTERM, which closes the capture at once. Done when everything arrived, or when a stats
    // line came QUIET_MS after the count last moved.
    await until(() => tap.packets >= sent.sentFrames || tap.lastLineAt - Math.max(tap.changedAt, replayEnd) >= QUIET_MS, DRAIN_TIMEOUT_MS);
    const cpu1 = cpuTicks(tap.child.pid);
    const wait1 = runDelayNs(tap.child.pid);
    const tap1 = threadStats(tap.child.pid);
    const dc1 = threadStats(dc);
    const mainTid = tap.child.pid!;
    const cpu: StepCpu = {
      tapMain: cpuDelta(tap0, tap1, (t) => t === mainTid),
      tapOther: cpuDelta(tap0, tap1, (t) => t !== mainTid),
      dumpcap: dc === undefined ? null : cpuDelta(dc0, dc1, () => true),
      tcpreplay: sender1.size === 0 ? null : cpuDelta(sender0, sender1, () => true),
    };
    // When the tap processed its last frame (to the stats period); the quiet wait is not work.
    const busyEnd = Math.max(tap.changedAt, replayEnd);
    tap.child.kill('SIGTERM');
    if (!(await until(() => tap.child.exitCode !== null && tap.final !== undefined, 60_000))) {
      throw new Error(`bench: the live tap did not stop on SIGTERM:\n${tap.stderrTail()}`);
    }
    const code = await tap.exited;
    const f = tap.final!;
    if (code !== 0) throw new Error(`bench: the live tap exited ${code}:\n${tap.stderrTail()}`);
    const num = (k: string): number => (typeof f[k] === 'number' ? f[k] : 0);
    const tapFrames = num('packets');
    const r1 = (x: number): number => Number(x.toFixed(1));
    const lost = Math.max(0, sent.sentFrames - tapFrames);
    const kernelDropped = num('kernelDropped');
    const ifDropped = num('ifDropped');
    const captureDropped = typeof f.captureDropped === 'number' ? f.captureDropped : null;
    return {
      rate,
      sentFrames: sent.sentFrames,
      sentBytes: sent.bytes,
      replaySeconds: sent.seconds,
      sentPps: Math.round(sent.sentFrames / Math.max(sent.seconds, 1e-6)),
      sentMBps: r1(sent.bytes / 1e6 / Math.max(sent.seconds, 1e-6)),
      tapFrames,
      tapPps: Math.round(tapFrames / Math.max(sent.seconds + (busyEnd - replayEnd) / 1000, 1e-6)),
      tapBytes: num('bytes'),
      lostFrames: lost,
      extraFrames: Math.max(0, tapFrames - sent.sentFrames),
      kernelDropped,
      ifDropped,
      captureDropped,
      tcpGaps: num('tcpGaps'),
      targetTcpGaps: num('targetTcpGaps'),
      targetMidStream: num('targetMidStream'),
      targetCcNotObserved: num('targetCcNotObserved'),
      backend: typeof f.captureBackend === 'string' ? f.captureBackend : 'cap',
      unseenDrops: Math.max(0, lost - kernelDropped - ifDropped - (captureDropped ?? 0)),
      tapAnomalies: num('anomalies'),
      failedFrames: sent.failed,
      catchUpMs: busyEnd - replayEnd,
      tapCpuPct: Math.round(((cpu1 - cpu0) / CLK_TCK / (Math.max(1, busyEnd - start) / 1000)) * 100),
      tapWaitPct: Math.round(((wait1 - wait0) / 1e6 / Math.max(1, busyEnd - start)) * 100),
      cpu,
      lossless: lost === 0,
    };
  } finally {
    if (tap.child.exitCode === null && tap.child.signalCode === null) tap.child.kill('SIGKILL');
  }
}
