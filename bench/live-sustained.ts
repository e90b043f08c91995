/**
 * The issue-13 live target as it is written: the bench mix replayed onto lo at a fixed rate
 * (default 100 000 frames/s) for a fixed time (default 30 s) while `run -i lo` captures through
 * the dumpcap backend with every output on; then the frames lost, as the tap's own counters
 * tell them (dumpcap's ring drops at stop, TCP gaps on target connections while running) and as
 * the ground truth tells them (sent − processed), and the audit compared with the offline `run`
 * of the same capture file (sessions and uncorrelated entries without their times, as
 * test/integration/live-run.test.ts compares them).
 *
 * Unlike bench/live-rate.ts (a ladder of short bursts, each absorbed in part by the capture
 * ring), this needs a capture that lasts the whole time: rate × seconds frames, about 1 kB
 * each in this mix, so 3 GB for the default (generated once into bench/work/, ~2-3 min, and
 * held in tcpreplay's memory with --preload-pcap). `--live-seconds 2` makes it 200 MB (the
 * bench's default capture, already there), for the quick run.
 *
 * Standalone: `npx tsx bench/live-sustained.ts [--pps 100000] [--seconds 30] [--share 4]` (root,
 * after `npm run build`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { LIVE_FILTER, runStep, type LiveStep } from './live-rate.js';
import { makeBenchCapture, writeBenchTasks } from './make-bench-capture.js';

/** Bytes per frame of the bench mix (pcap record included), to size the capture for a duration. */
const BYTES_PER_FRAME = 1_006;

export interface SustainedOptions {
  workDir: string;
  tasks: string;
  cli: string;
  pps?: number;
  seconds?: number;
  /** Target share of the capture (percent, as bench.ts's `--target-share`; default 4). */
  share?: number;
  keepOut?: boolean;
  /** `run --buffer-size` (KiB) for the live tap; its default (64 MiB) when absent. */
  bufferKiB?: number;
  log?: (s: string) => void;
}

export interface SustainedResult {
  pps: number;
  seconds: number;
  capture: { path: string; megabytes: number };
  /** The replay, as one step of bench/live-rate.ts (frames, loss, counters, CPU per thread). */
  step: LiveStep;
  /** The audit of the live run against the offline run of the same file. */
  audit: { equal: boolean; liveSessions: number; offlineSessions: number; liveUncorrelated: number; offlineUncorrelated: number; differingSessions: number };
  /** Sent at (at least 99 % of) the rate, nothing lost, audit equal. */
  met: boolean;
  command: string;
}

type Obj = Record<string, unknown>;

/** An audit entry without its times (a live capture stamps frames with the kernel's clock). */
function timeless(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(timeless);
  if (v !== null && typeof v === 'object') {
    const o: Obj = {};
    for (const [k, x] of Object.entries(v as Obj)) if (!/time|Time|duration|generated|input|anomal|capture/i.test(k)) o[k] = timeless(x);
    return o;
  }
  return v;
}

function readAudit(dir: string): { sessions: unknown[]; uncorrelated: unknown[] } {
  const a = JSON.parse(readFileSync(resolve(dir, 'audit.json'), 'utf8')) as { sessions?: unknown[]; uncorrelated?: unknown[] };
  return { sessions: a.sessions ?? [], uncorrelated: a.uncorrelated ?? [] };
}

/** Replays rate × seconds frames once; see the file header. */
export async function measureSustained(o: SustainedOptions): Promise<SustainedResult> {
  const log = o.log ?? ((): void => {});
  const pps = o.pps ?? 100_000;
  const seconds = o.seconds ?? 30;
  const share = o.share ?? 4;
  // Rounded (to 100 MB, or 10 MB below that) so that bench.ts's 200 MB capture serves --live-seconds 2.
  const exact = (pps * seconds * BYTES_PER_FRAME) / 1e6;
  const mb = exact >= 100 ? Math.round(exact / 100) * 100 : Math.max(10, Math.round(exact / 10) * 10);
  mkdirSync(o.workDir, { recursive: true });
  // Same name as bench.ts's captures: the 200 MB one is shared with the offline subjects.
  const path = resolve(o.workDir, `bench-v3-${mb}mb-${share}pct.pcap`);
  if (!existsSync(path)) {
    log(`live sustained: generating ${path} …`);
    makeBenchCapture({ path, megabytes: mb, targetShare: share });
  }
  const outRoot = resolve(o.workDir, 'sustained-out');
  rmSync(outRoot, { recursive: true, force: true });
  const liveOut = resolve(outRoot, 'live');
  const offOut = resolve(outRoot, 'offline');
  const tapArgs = ['run', '-i', 'lo', '-f', LIVE_FILTER, '--capture-backend', 'dumpcap', '--tasks', o.tasks, '--stats-interval', '0.25', '--out', liveOut];
  // The capture ring (run -B, KiB; dumpcap's queue gets as much): the tap's default unless set.
  if (o.bufferKiB !== undefined) tapArgs.push('--buffer-size', String(o.bufferKiB));
  log(`live sustained: ${mb} MB at ${pps} frames/s (~${seconds} s) onto lo …`);
  const step = await runStep(o.cli, tapArgs, path, pps);
  log(`  sent ${step.sentFrames} at ${step.sentPps} frames/s, tap processed ${step.tapFrames} (lost ${step.lostFrames}, ring drops ${step.captureDropped ?? '-'})`);
  log('live sustained: offline run of the same file …');
  const off = spawnSync(process.execPath, [o.cli, '--log-format', 'json', 'run', '-r', path, '--tasks', o.tasks, '--out', offOut], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (off.status !== 0) throw new Error(`bench: offline run of ${path} exited ${off.status}:\n${off.stderr.slice(-2000)}`);
  const live = readAudit(liveOut);
  const offline = readAudit(offOut);
  const ls = live.sessions.map((x) => JSON.stringify(timeless(x)));
  const os = new Set(offline.sessions.map((x) => JSON.stringify(timeless(x))));
  const differingSessions = ls.filter((x) => !os.has(x)).length + Math.max(0, offline.sessions.length - live.sessions.length);
  const equal = JSON.stringify(timeless(live.sessions)) === JSON.stringify(timeless(offline.sessions)) && JSON.stringify(timeless(live.uncorrelated)) === JSON.stringify(timeless(offline.uncorrelated));
  if (o.keepOut !== true) rmSync(outRoot, { recursive: true, force: true });
  return {
    pps,
    seconds,
    capture: { path, megabytes: mb },
    step,
    audit: {
      equal,
      liveSessions: live.sessions.length,
      offlineSessions: offline.sessions.length,
      liveUncorrelated: live.uncorrelated.length,
      offlineUncorrelated: offline.uncorrelated.length,
      differingSessions,
    },
    met: step.sentPps >= pps * 0.99 && step.lostFrames === 0 && equal,
    command:
      `npm run bench -- --live-pps ${pps} --live-seconds ${seconds}${o.bufferKiB !== undefined ? ` --live-sustained-buffer ${o.bufferKiB}` : ''}   ` +
      `(alone: npx tsx bench/live-sustained.ts --pps ${pps} --seconds ${seconds}${o.bufferKiB !== undefined ? ` --buffer-kib ${o.bufferKiB}` : ''}; the tap: run -i IF -B ${o.bufferKiB ?? 65_536} …)`,
  };
}

/** Console lines of a result. */
export function sustainedSummaryLines(r: SustainedResult): string[] {
  const s = r.step;
  return [
    `live sustained on lo (dumpcap): ${s.sentFrames} frames sent at ${s.sentPps} frames/s (${s.sentMBps} MB/s, ${s.replaySeconds.toFixed(1)} s), ` +
      `tap processed ${s.tapFrames}: lost ${s.lostFrames} (ring drops reported ${s.captureDropped ?? '-'}, target TCP gaps ${s.targetTcpGaps}, all TCP gaps ${s.tcpGaps}, target connections joined mid-way ${s.targetMidStream}, target sessions without MSRP ${s.targetCcNotObserved}); ` +
      `audit ${r.audit.equal ? 'equal to' : 'DIFFERS from'} the offline run (sessions ${r.audit.liveSessions} live / ${r.audit.offlineSessions} offline, ${r.audit.differingSessions} differing; uncorrelated ${r.audit.liveUncorrelated} / ${r.audit.offlineUncorrelated})`,
    `  CPU s during replay + catch-up: tap main ${s.cpu.tapMain.cpuS} (run-queue wait ${s.cpu.tapMain.waitS}), tap other threads ${s.cpu.tapOther.cpuS} (${s.cpu.tapOther.threads} threads, wait ${s.cpu.tapOther.waitS}), ` +
      `dumpcap ${s.cpu.dumpcap?.cpuS ?? '-'} (wait ${s.cpu.dumpcap?.waitS ?? '-'}), tcpreplay ${s.cpu.tcpreplay?.cpuS ?? '-'} (wait ${s.cpu.tcpreplay?.waitS ?? '-'}); tap fps ${s.tapPps}, catch-up ${s.catchUpMs} ms`,
    '  note: on lo every frame reaches the capture ring twice (outgoing and incoming copy; libpcap drops the outgoing one in user space), so the ring holds half as many frames as on a NIC and the ring drop count is about twice the frames lost',
  ];
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const argv = process.argv.slice(2);
  const num = (name: string, d: number): number => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : d;
  };
  const root = resolve(import.meta.dirname, '..');
  const work = resolve(root, 'bench/work');
  const tasks = resolve(work, 'bench-tasks.json');
  mkdirSync(work, { recursive: true });
  writeBenchTasks(tasks);
  const r = await measureSustained({
    workDir: work,
    tasks,
    cli: resolve(root, 'dist/cli/main.js'),
    pps: num('pps', 100_000),
    seconds: num('seconds', 30),
    share: num('share', 4),
    keepOut: argv.includes('--keep-out'),
    ...(argv.includes('--buffer-kib') ? { bufferKiB: num('buffer-kib', 65_536) } : {}),
    log: (s) => void process.stderr.write(`${s}\n`),
  });
  for (const l of sustainedSummaryLines(r)) process.stdout.write(`${l}\n`);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
