/**
 * `msrptap run`: the main job. Intercepts the tasks' sessions and writes, per task,
 * OUT/<LIID>/{x2x3.pdu, hi2.ber, hi3.ber, records.pb}, plus OUT/audit.json, and/or delivers the
 * X2/X3 PDUs to the tasks' destinations (`--deliver`, durable spool + keepalive-checked links).
 *
 * Offline (-r): reads the captures, then waits up to --drain-timeout for the spools to drain.
 * SIGINT/SIGTERM stop the read and drain the same way, marking the manifests and audit.json
 * "interrupted", then exit 130/143 (./stop-signals.ts).
 * Live (-i): runs until SIGINT/SIGTERM, then drains: flushes reassembly, closes open sessions
 * (release records), fsyncs outputs and spools, exits 0. SIGHUP reloads the tasks file.
 */
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import pino from 'pino';
import { ConfigError } from '../core/errors.js';
import { DeliveryOutput } from '../pipeline/delivery-output.js';
import { ThreadedFileRecordOutput } from '../pipeline/threaded-file-output.js';
import { InterceptPipeline } from '../pipeline/intercept-pipeline.js';
import { liveStats, type RecordCounts } from '../pipeline/live-stats.js';
import { loadTasks } from '../pipeline/load-tasks.js';
import { startMetricsServer, type MetricsServer } from '../pipeline/metrics-server.js';
import { runLive, type LiveCaptureCounters } from '../pipeline/run-live.js';
import { reloadCorrelatorTasks } from '../pipeline/task-reload.js';
import { addCaptureOptions, checkCaptureSource, type CaptureOptions } from './capture-options.js';
import { custodyManifestOptions, SIGN_KEY_OPTION } from './custody-options.js';
import { runPacketSource, type SourceResult } from './packet-source.js';
import { signalExitCode, StopSignals } from './stop-signals.js';
import { AUDIT_SPOOL_FILE, AuditSpool, CountingAuditStore } from '../pipeline/audit-spool.js';
import { auditCapture, countAuditEntries, writeAuditJson } from '../pipeline/write-audit-json.js';
import { AUDIT_JSON_FILE, claimRunOutputFolder } from '../pipeline/run-output-folder.js';
import { hiddenTrafficWarning } from './hidden-traffic-warning.js';

interface RunOptions extends CaptureOptions {
  tasks?: string;
  out?: string;
  operatorId: string;
  networkElementId?: string;
  countryCode?: string;
  deliver?: boolean;
  spoolDir: string;
  spoolMax: number;
  drainTimeout: number;
  keepaliveInterval: number;
  keepaliveTimeout: number;
  statsInterval: number;
  deliverPaceMs?: number;
  singleThread?: boolean;
  metricsPort?: number;
  metricsHost: string;
  rotateSize?: number;
  rotateSeconds?: number;
  overwrite?: boolean;
}

function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number, got "${value}"`);
    return n;
  };
}

function portNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`${name} must be a TCP port 0..65535, got "${value}"`);
    return n;
  };
}

export function registerRunCommand(program: Command): void {
  const cmd = program.command('run').description('intercept the tasks\' MSRP sessions and write LI records (X2/X3, HI2/HI3, protobuf) and the audit, and/or deliver X2/X3 to mediation functions');
  addCaptureOptions(cmd)
    .requiredOption('--tasks <file>', 'intercept tasks (JSON, ETSI TS 103 221-1 X1 vocabulary)')
    .option('--out <dir>', 'output folder (created 0700; must be new or empty): one sub-folder per LIID, and audit.json')
    .option('--overwrite', '--out holds a previous run\'s output: delete it first (only msrptap\'s own files; anything else is refused)')
    .option('--operator-id <id>', 'TS 102 232-1 operatorIdentifier for HI2/HI3 PS-PDUs', 'msrptap')
    .option('--network-element-id <id>', 'TS 102 232-1 networkElementIdentifier')
    .option('--country-code <cc>', 'ISO 3166 alpha-2 authorization/delivery country code for HI2/HI3')
    .option(...SIGN_KEY_OPTION)
    .option('--deliver', 'send each task\'s X2/X3 PDUs to its destinations (tasks file "destinations" / "listOfDids")')
    .option('--spool-dir <dir>', 'durable delivery spool (created 0700), one sub-folder per destination', 'msrptap-spool')
    .option('--spool-max <MiB>', 'cap of each destination spool; beyond it PDUs are refused with an alarm', positiveNumber('--spool-max'), 1024)
    .option('--drain-timeout <seconds>', 'at the end, wait this long for the spools to be acknowledged', positiveNumber('--drain-timeout'), 30)
    .option('--keepalive-interval <ms>', 'X2/X3 keepalive period on idle links', positiveNumber('--keepalive-interval'), 5000)
    .option('--keepalive-timeout <ms>', 'a keepalive unacknowledged this long = dead link (reconnect)', positiveNumber('--keepalive-timeout'), 10000)
    .option('--rotate-size <MiB>', '--out files: continue each file in NAME.1, NAME.2, ... before it would exceed this size', positiveNumber('--rotate-size'))
    .option('--rotate-seconds <seconds>', '--out files: continue each file in the next part once a record is this much capture time after the file\'s first', positiveNumber('--rotate-seconds'))
    .option('--metrics-port <port>', 'serve Prometheus metrics at http://HOST:PORT/metrics (0 = any free port, logged)', portNumber('--metrics-port'))
    .option('--metrics-host <host>', 'address the metrics endpoint listens on', '127.0.0.1')
    .option('--single-thread', 'no worker threads: hash the captures and encode/write the --out files in the main thread (debugging; the benchmark\'s baseline)')
    .option('--stats-interval <seconds>', 'live capture: period of the JSON stats log line', positiveNumber('--stats-interval'), 10)
    // Tests and labs: throttles every delivery link so a small sample takes long enough to interrupt.
    .addOption(new Option('--deliver-pace-ms <ms>').argParser(positiveNumber('--deliver-pace-ms')).hideHelp())
    .action(async (o: RunOptions) => {
      checkCaptureSource(o);
      if (o.tasks === undefined) throw new ConfigError('--tasks is required');
      if (o.out === undefined && o.deliver !== true) throw new ConfigError('nothing to write to', 'give --out DIR (files), --deliver (the tasks file\'s destinations), or both');
      if ((o.rotateSize !== undefined || o.rotateSeconds !== undefined) && o.out === undefined) throw new ConfigError('--rotate-size / --rotate-seconds rotate the --out files: give --out DIR');
      if (o.overwrite === true && o.out === undefined) throw new ConfigError('--overwrite replaces a previous --out output: give --out DIR');
      if (o.countryCode !== undefined && !/^[A-Z]{2}$/.test(o.countryCode)) throw new ConfigError(`--country-code must be two capital letters (ISO 3166), got "${o.countryCode}"`);
      // Offline only: live capture stops on these signals as its normal end (runLive).
      const stop = o.interface === undefined ? new StopSignals() : undefined;
      await run(o, o.tasks, stop);
      if (stop?.signal !== undefined) {
        process.stderr.write(`msrptap: interrupted by ${stop.signal} before the end of the input: the manifests and audit.json say "interrupted": true\n`);
        // Now: a read of a silent pipe may still wait in the thread pool and keep the process alive.
        process.exit(signalExitCode(stop.signal));
      }
      stop?.dispose();
    });
}

/** At most this long for the destinations after an interrupted offline run (s): the spool keeps the rest. */
const INTERRUPTED_DRAIN_S = 3;

async function run(o: RunOptions, tasksPath: string, stop?: StopSignals): Promise<void> {
  const log = pino({ base: { pid: process.pid }, name: 'msrptap' }, pino.destination({ dest: 2, sync: true }));
  const linkLog = (level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>): void => log[level](fields, msg);
  const tasks = loadTasks(tasksPath);
  // The signing key is checked before --overwrite deletes anything.
  const custody = o.out === undefined ? undefined : custodyManifestOptions(o, tasks);
  // Before any output opens: two runs' records never mix in one folder, and an unusable path
  // fails now (src/pipeline/run-output-folder.ts).
  try {
    if (o.out !== undefined) claimRunOutputFolder(o.out, o.overwrite === true);
  } catch (e) {
    custody?.stop();
    throw e;
  }
  const files =
    o.out === undefined
      ? undefined
      : new ThreadedFileRecordOutput(o.out, {
          psHeader: {
            operatorIdentifier: o.operatorId,
            ...(o.networkElementId !== undefined ? { networkElementIdentifier: o.networkElementId } : {}),
            ...(o.countryCode !== undefined ? { authorizationCountryCode: o.countryCode, deliveryCountryCode: o.countryCode } : {}),
          },
        }, custody!.options, {
          ...(o.rotateSize !== undefined ? { maxBytes: Math.floor(o.rotateSize * 1024 * 1024) } : {}),
          ...(o.rotateSeconds !== undefined ? { maxSeconds: o.rotateSeconds } : {}),
        }, o.singleThread === true);
  const counts: RecordCounts = new Map();
  // Finished sessions' audit entries wait on disk for audit.json, not in memory
  // (src/pipeline/audit-spool.ts); without --out there is no audit.json: they are only counted.
  const auditSpool = o.out !== undefined ? new AuditSpool(join(o.out, AUDIT_SPOOL_FILE)) : undefined;
  const auditCounter = o.out === undefined ? new CountingAuditStore() : undefined;
  let pipeline: InterceptPipeline | undefined;
  let delivery: DeliveryOutput | undefined;
  let metrics: MetricsServer | undefined;
  /** The live capture's kernel counters, as last polled (metrics and stats). */
  const capture: { last?: LiveCaptureCounters } = {};
  try {
    const pl = new InterceptPipeline({
      tasks,
      // audit.json has no ladder or chunk lists (`msrptap audit --html` rebuilds them).
      auditDetails: false,
      auditStore: auditSpool ?? auditCounter!,
      onRecord: (r) => {
        let c = counts.get(r.task.liid);
        if (c === undefined) counts.set(r.task.liid, (c = { iri: 0, cc: 0 }));
        if (r.kind === 'iri') c.iri++;
        else c.cc++;
        files?.write(r);
        delivery?.write(r);
      },
    });
    pipeline = pl;
    if (o.deliver === true) {
      delivery = new DeliveryOutput({
        tasks,
        spoolDir: o.spoolDir,
        anomalies: pl.anomalies,
        log: linkLog,
        maxSpoolBytes: Math.floor(o.spoolMax * 1024 * 1024),
        keepaliveIntervalMs: o.keepaliveInterval,
        keepaliveTimeoutMs: o.keepaliveTimeout,
        ...(o.deliverPaceMs !== undefined ? { paceMs: o.deliverPaceMs } : {}),
      });
    }
    const dl = delivery;
    if (o.metricsPort !== undefined) {
      metrics = await startMetricsServer(o.metricsHost, o.metricsPort, { pipeline: pl, records: counts, capture: () => capture.last, links: () => dl?.stats() ?? [] }).catch((e: unknown) => {
        throw new ConfigError(`--metrics-port: cannot listen on ${o.metricsHost}:${o.metricsPort}: ${(e as Error).message}`);
      });
      log.info({ host: metrics.host, port: metrics.port }, 'metrics listening');
    }
    let src: SourceResult;
    if (o.interface !== undefined) {
      src = await runLiveWithLifecycle(o, tasksPath, pl, dl, counts, log, capture);
    } else {
      src = await runPacketSource(o, (f) => pl.frame(f), pl.anomalies, false, stop?.stopped);
    }
    const interrupted = src.interrupted === true;
    // End of input (or the stop signal): flush reassembly, close every session with its release records.
    pl.finish();
    // The digests were computed in a worker thread during the run (src/pipeline/capture-digests.ts).
    if (custody !== undefined) files?.setCaptures(await custody.captures, interrupted);
    // Encoding and writing run in a worker thread (src/pipeline/threaded-file-output.ts): wait for the files.
    await files?.close();
    if (dl !== undefined) {
      const left = await dl.drain((interrupted ? Math.min(o.drainTimeout, INTERRUPTED_DRAIN_S) : o.drainTimeout) * 1000);
      for (const l of left) log.warn({ did: l.did, pdus: l.pdus, bytes: l.bytes, spoolDir: o.spoolDir }, 'not yet acknowledged by the destination: kept in the spool, sent at the next start');
      for (const s of dl.stats()) process.stderr.write(`msrptap: destination ${s.did}: ${s.releasedPdus} PDUs acknowledged, ${s.spooledPdus} still spooled, ${s.refusedPdus} refused (spool full)\n`);
    }
    let listed: { sessions: number; uncorrelated: number };
    if (auditSpool !== undefined) {
      listed = writeAuditJson(join(o.out!, AUDIT_JSON_FILE), pl.correlator, interrupted, src.live !== undefined ? auditCapture(src.live) : undefined);
      // This run owned the folder to the end: a spool a killed run left goes too.
      const e = auditSpool.remove(true);
      if (e !== undefined) log.warn({ path: auditSpool.path, reason: e.message }, 'could not delete the audit spool: delete it by hand (it holds session metadata)');
    } else {
      const live = countAuditEntries(pl.correlator);
      listed = { sessions: live.sessions + auditCounter!.sessions, uncorrelated: live.uncorrelated + auditCounter!.uncorrelated };
    }
    // Counts and task identifiers only: never content or identities (logs may leave the LI domain).
    if (files !== undefined) for (const [liid, c] of files.counts) process.stderr.write(`msrptap: ${liid}: ${c.x2} X2, ${c.x3} X3, ${c.hi2} HI2, ${c.hi3} HI3 records\n`);
    process.stderr.write(`msrptap: ${listed.sessions} sessions, ${listed.uncorrelated} uncorrelated${o.out !== undefined ? `; output in ${o.out}` : ''}\n`);
    const hidden = hiddenTrafficWarning(pl.anomalies.toJSON());
    if (hidden !== null) process.stderr.write(hidden);
    if (src.error !== undefined) {
      // After a stop signal the exit status says "interrupted"; the damage is still reported.
      if (!interrupted) throw src.error;
      process.stderr.write(`msrptap: warning: ${src.error.message}\n`);
    }
  } finally {
    custody?.stop();
    // Never throws: the run's own error is what gets reported.
    const e = auditSpool?.remove();
    if (e !== undefined) log.warn({ path: auditSpool!.path, reason: e.message }, 'could not delete the audit spool: delete it by hand (it holds session metadata)');
    await metrics?.close();
    // After a failure: still close what was written (the failure itself is what gets reported).
    await files?.close().catch(() => undefined);
    delivery?.close();
    void pipeline;
  }
}

/**
 * Live capture with the operator lifecycle: stats every --stats-interval seconds, SIGHUP reloads
 * the tasks file, SIGINT/SIGTERM stop (runLive returns; the caller drains).
 */
async function runLiveWithLifecycle(o: RunOptions, tasksPath: string, pl: InterceptPipeline, dl: DeliveryOutput | undefined, counts: RecordCounts, log: pino.Logger, capture: { last?: LiveCaptureCounters }): Promise<SourceResult> {
  let last: LiveCaptureCounters | undefined;
  const onHup = (): void => {
    try {
      const next = loadTasks(tasksPath);
      const applied = reloadCorrelatorTasks(pl, next);
      dl?.updateTasks(next);
      log.info({ tasks: next.tasks.map((t) => t.xid), destinations: next.destinations.map((d) => d.did), interceptionReloaded: applied }, 'SIGHUP: tasks file reloaded');
      if (!applied) log.error({}, 'SIGHUP: delivery routes were reloaded, but the correlator has no reload hook: added/removed tasks take effect only after a restart');
    } catch (e) {
      // A bad file on reload keeps the running configuration: never stop intercepting.
      log.error({ reason: (e as Error).message }, 'SIGHUP: tasks file rejected, keeping the running tasks');
    }
  };
  process.on('SIGHUP', onHup);
  const stats = setInterval(() => log.info(liveStats(pl, last, counts, dl?.stats() ?? []), 'stats'), o.statsInterval * 1000);
  const sync = setInterval(() => dl?.sync(), 1000);
  try {
    const live = await runLive(
      {
        iface: o.interface!,
        ...(o.filter !== undefined ? { filter: o.filter } : {}),
        snaplen: o.snaplen,
        bufferSize: o.bufferSize * 1024,
        promiscuous: o.promiscuous,
        ...(o.count !== undefined ? { count: o.count } : {}),
        ...(o.duration !== undefined ? { durationSec: o.duration } : {}),
        tickMs: 500,
        backend: o.captureBackend,
        onOpen: (sel) => log.info({ iface: o.interface, backend: sel.backend, reason: sel.reason }, 'capture backend'),
        onTick: (s) => {
          // The first tick comes after the capture opened: scripts can wait for this line.
          if (last === undefined) log.info({ iface: o.interface, backend: s.backend }, 'capturing');
          last = s;
          capture.last = s;
        },
      },
      (f) => pl.frame(f),
      pl.anomalies,
    );
    last = live;
    capture.last = live;
    log.info({ ...liveStats(pl, live, counts, dl?.stats() ?? []), final: true }, 'capture stopped: draining');
    return { inputs: [{ path: `live:${o.interface}`, bytes: 0 }], live };
  } finally {
    clearInterval(stats);
    clearInterval(sync);
    process.off('SIGHUP', onHup);
  }
}
