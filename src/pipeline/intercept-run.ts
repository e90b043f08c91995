/**
 * `msrptap run` as one function: intercepts the tasks' sessions and writes, per task,
 * OUT/<LIID>/{x2x3.pdu, hi2.ber, hi3.ber, records.pb}, plus OUT/audit.json, and/or delivers the
 * X2/X3 PDUs to the tasks' destinations (durable spool + keepalive-checked links).
 *
 * Offline (-r): reads the captures, then waits up to `drainTimeout` for the spools to drain; when
 * `stop` resolves first, the read stops between two frames and the run drains the same way,
 * marking the manifests and audit.json "interrupted".
 * Live (-i): runs until SIGINT/SIGTERM (src/pipeline/run-live.ts), then drains: flushes
 * reassembly, closes open sessions (release records), fsyncs outputs and spools. SIGHUP reloads
 * the tasks file.
 *
 * What a run does not use is not loaded (issue 13, fixed start-up cost): the delivery links, the
 * metrics endpoint (prom-client) and live capture (the native `cap` module) are imported only
 * when asked for.
 */
import { join } from 'node:path';
import type { Logger } from '../core/log.js';
import type { TaskSet } from '../correlate/index.js';
import { AUDIT_SPOOL_FILE, AuditSpool, CountingAuditStore } from './audit-spool.js';
import { custodyManifestOptions } from './custody-manifest-options.js';
import { WorkerFallbacks } from './worker-fallbacks.js';
import type { DeliveryOutput } from './delivery-output.js';
import { InterceptPipeline } from './intercept-pipeline.js';
import { liveStats, type RecordCounts } from './live-stats.js';
import { logHiddenTraffic } from './log-hidden-traffic.js';
import { loadTasks } from './load-tasks.js';
import type { MetricsServer } from './metrics-server.js';
import { liveCaptureOptions, runPacketSource, type PacketSourceOptions, type ReadProgress, type SourceResult } from './packet-source.js';
import type { LiveCaptureCounters } from './run-live.js';
import { AUDIT_JSON_FILE, claimRunOutputFolder } from './run-output-folder.js';
import { ThreadedFileRecordOutput } from './threaded-file-output.js';
import { auditCapture, countAuditEntries, writeAuditJson } from './write-audit-json.js';
import { ConfigError } from '../core/errors.js';
import { manifestTasks } from './custody-manifest-options.js';
import type { X1Service } from './x1-server.js';
import { createX1Service, type X1Options } from './x1-service-options.js';
import type { TriggerBusRun, TriggerBusRunOptions } from './trigger-bus-run.js';
import { TlsKeyLogFiles } from './tls-key-log-files.js';

/** The run's settings, already checked for consistency by the CLI (src/cli/run-command.ts). */
export interface InterceptRunOptions extends PacketSourceOptions, X1Options, Partial<TriggerBusRunOptions> {
  /**
   * Path of the tasks file (re-read on SIGHUP in live runs). Optional with the X1 endpoint
   * (`x1Listen`): the file's tasks are loaded first and X1 changes apply on top.
   */
  tasks?: string;
  /** Written into the custody manifests. */
  toolVersion: string;
  out?: string;
  overwrite?: boolean;
  operatorId: string;
  networkElementId?: string;
  countryCode?: string;
  signKey?: string;
  deliver?: boolean;
  spoolDir: string;
  /** MiB. */
  spoolMax: number;
  /** Seconds. */
  drainTimeout: number;
  keepaliveInterval: number;
  keepaliveTimeout: number;
  /** Live: seconds between `run.stats` events. */
  statsInterval: number;
  deliverPaceMs?: number;
  singleThread?: boolean;
  /**
   * Issue 13 direction 3: pass over TCP directions that carry only non-target MSRP (opt-in: it
   * saved ~2 % CPU on the bench mix, and a session without SIP that starts on such a connection
   * is seen only from the next re-probe; docs/performance.md).
   */
  flowBypass?: boolean;
  metricsPort?: number;
  metricsHost: string;
  /** MiB. */
  rotateSize?: number;
  rotateSeconds?: number;
  /** NSS key log files (`--tls-keylog`, secret): TLS connections are decrypted with their keys. */
  tlsKeylog?: readonly string[];
}

export interface InterceptRunContext {
  log: Logger;
  progress?: ReadProgress;
  /** Offline only: resolves on the first stop signal. */
  stop?: Promise<unknown>;
}

export interface InterceptRunResult {
  /** Offline: the stop signal came before the end of the input. */
  interrupted: boolean;
}

/** At most this long for the destinations after an interrupted offline run (s): the spool keeps the rest. */
const INTERRUPTED_DRAIN_S = 3;

/**
 * Runs the interception. Throws ConfigError/IoError before anything is written when the
 * configuration or an output is unusable, and the input's IoError after every result is written
 * when a capture was damaged (not after a stop signal: then the damage is only logged).
 */
export async function runIntercept(o: InterceptRunOptions, ctx: InterceptRunContext): Promise<InterceptRunResult> {
  const { log } = ctx;
  const base = o.tasks === undefined ? undefined : loadTasks(o.tasks);
  const x1 = await createX1Service(o, base, log);
  const tasks = x1?.initialTasks ?? base;
  if (tasks === undefined) throw new ConfigError('--tasks is required (or provision over X1: --x1-listen)');
  // Issue 15: the bus is reached (credentials, bucket) before anything is written; loaded only with --bus.
  const bus = o.bus === undefined ? undefined : await (await import('./trigger-bus-run.js')).TriggerBusRun.open(o as InterceptRunOptions & TriggerBusRunOptions, log);
  // Checked before any output exists; read once the pipeline is up (./tls-key-log-files.ts).
  const keyLogs = o.tlsKeylog !== undefined && o.tlsKeylog.length > 0 ? new TlsKeyLogFiles(o.tlsKeylog) : undefined;
  // A worker thread that cannot run is said, not silent (./worker-fallbacks.ts).
  const workers = new WorkerFallbacks(log);
  // The signing key is checked before --overwrite deletes anything.
  let custody: ReturnType<typeof custodyManifestOptions> | undefined;
  try {
    custody = o.out === undefined ? undefined : custodyManifestOptions(o, tasks, workers.reporter('capture-digests'));
  } catch (e) {
    await bus?.close();
    throw e;
  }
  // Before any output opens: two runs' records never mix in one folder, and an unusable path
  // fails now (./run-output-folder.ts).
  try {
    if (o.out !== undefined) claimRunOutputFolder(o.out, o.overwrite === true);
  } catch (e) {
    custody?.stop();
    await bus?.close();
    throw e;
  }
  const files =
    o.out === undefined
      ? undefined
      : new ThreadedFileRecordOutput(
          o.out,
          {
            psHeader: {
              operatorIdentifier: o.operatorId,
              ...(o.networkElementId !== undefined ? { networkElementIdentifier: o.networkElementId } : {}),
              ...(o.countryCode !== undefined ? { authorizationCountryCode: o.countryCode, deliveryCountryCode: o.countryCode } : {}),
            },
          },
          custody!.options,
          {
            ...(o.rotateSize !== undefined ? { maxBytes: Math.floor(o.rotateSize * 1024 * 1024) } : {}),
            ...(o.rotateSeconds !== undefined ? { maxSeconds: o.rotateSeconds } : {}),
          },
          o.singleThread === true,
          workers.reporter('file-output'),
        );
  const counts: RecordCounts = new Map();
  // Finished sessions' audit entries wait on disk for audit.json, not in memory
  // (./audit-spool.ts); without --out there is no audit.json: they are only counted.
  const auditSpool = o.out !== undefined ? new AuditSpool(join(o.out, AUDIT_SPOOL_FILE)) : undefined;
  const auditCounter = o.out === undefined ? new CountingAuditStore() : undefined;
  let delivery: DeliveryOutput | undefined;
  let metrics: MetricsServer | undefined;
  /** The live capture's kernel counters, as last polled (metrics and stats). */
  const capture: { last?: LiveCaptureCounters } = {};
  const spoolNotDeleted = (path: string, e: Error): void => log.log('warn', 'audit.spool_not_deleted', { path, reason: e.message }, 'could not delete the audit spool: delete it by hand (it holds session metadata)');
  try {
    const pl = new InterceptPipeline({
      tasks,
      // audit.json has no ladder or chunk lists (`msrptap audit --html` rebuilds them).
      auditDetails: false,
      auditStore: auditSpool ?? auditCounter!,
      tcp: { bypass: o.flowBypass === true },
      ...(keyLogs !== undefined
        ? { tlsKeyLogs: keyLogs, onKeyLogError: (path: string, code: string) => log.log('warn', 'tls.keylog_unreadable', { path, code }, 'a --tls-keylog file cannot be re-read: keys added to it are not used until it can') }
        : {}),
      onRecord: (r) => {
        let c = counts.get(r.task.liid);
        if (c === undefined) {
          c = { iri: 0, cc: 0 };
          counts.set(r.task.liid, c);
        }
        if (r.kind === 'iri') c.iri++;
        else c.cc++;
        files?.write(r);
        delivery?.write(r);
        x1?.onRecord(r);
      },
      ...(bus !== undefined ? { trigger: { triggerSink: bus.sink, tapId: o.tapId!, triggerClockSkewSec: o.busClockSkew ?? 0 } } : {}),
    });
    // The bucket's current triggers apply before the first frame.
    await bus?.attach(pl.correlator, pl.anomalies);
    if (o.deliver === true) {
      const { DeliveryOutput } = await import('./delivery-output.js');
      delivery = new DeliveryOutput({
        tasks,
        spoolDir: o.spoolDir,
        anomalies: pl.anomalies,
        log: (level, event, fields, msg) => log.log(level, event, fields, msg),
        maxSpoolBytes: Math.floor(o.spoolMax * 1024 * 1024),
        keepaliveIntervalMs: o.keepaliveInterval,
        keepaliveTimeoutMs: o.keepaliveTimeout,
        ...(o.deliverPaceMs !== undefined ? { paceMs: o.deliverPaceMs } : {}),
        ...(x1 !== undefined ? { destinationsLater: true } : {}),
      });
    }
    const dl = delivery;
    // X1 changes take the SIGHUP path; the endpoint is up before the first frame is read.
    x1?.setTaskSink((ts) => {
      pl.correlator.updateTasks(ts);
      dl?.updateTasks(ts);
      files?.addTasks(manifestTasks(ts));
    });
    x1?.setStatusSources({
      links: () => dl?.stats() ?? [],
      maxSpoolBytes: o.spoolMax * 1024 * 1024,
      captureDropped: () => (capture.last === undefined ? undefined : capture.last.dropped + capture.last.ifDropped),
    });
    await x1?.listen();
    if (o.metricsPort !== undefined) {
      const { startMetricsServer } = await import('./metrics-server.js');
      metrics = await startMetricsServer(o.metricsHost, o.metricsPort, { pipeline: pl, records: counts, capture: () => capture.last, links: () => dl?.stats() ?? [] }).catch((e: unknown) => {
        throw new ConfigError(`--metrics-port: cannot listen on ${o.metricsHost}:${o.metricsPort}: ${(e as Error).message}`);
      });
      log.log('info', 'metrics.listening', { host: metrics.host, port: metrics.port });
    }
    const src: SourceResult =
      o.interface !== undefined
        ? await runLiveWithLifecycle(o, pl, dl, counts, log, capture, x1, bus)
        : await runPacketSource(o, (f) => pl.frame(f), pl.anomalies, { log, ...(ctx.progress !== undefined ? { progress: ctx.progress } : {}), ...(ctx.stop !== undefined ? { stop: ctx.stop } : {}) });
    const interrupted = src.interrupted === true;
    // Triggers another tap publishes for the last MSRP bytes may still be on their way.
    if (!interrupted) await bus?.endOfInput();
    // End of input (or the stop signal): flush reassembly, close every session with its release records.
    pl.finish();
    // The releases deactivated this tap's triggers: put them before the audit is written.
    await bus?.close();
    // The digests were computed in a worker thread during the run (./capture-digests.ts).
    if (custody !== undefined) files?.setCaptures(await custody.captures, interrupted);
    // Encoding and writing run in a worker thread (./threaded-file-output.ts): wait for the files.
    await files?.close();
    if (dl !== undefined) {
      const left = await dl.drain((interrupted ? Math.min(o.drainTimeout, INTERRUPTED_DRAIN_S) : o.drainTimeout) * 1000);
      for (const l of left) log.log('warn', 'delivery.undrained', { did: l.did, pdus: l.pdus, bytes: l.bytes, spoolDir: o.spoolDir }, 'not yet acknowledged by the destination: kept in the spool, sent at the next start');
      for (const s of dl.stats()) log.log('info', 'delivery.summary', { did: s.did, acknowledgedPdus: s.releasedPdus, spooledPdus: s.spooledPdus, refusedPdus: s.refusedPdus });
    }
    // Live: the last stats line comes after the flush and the releases, which find the gaps
    // still held in reassembly and the sessions none of whose MSRP was seen (issue 13).
    if (src.live !== undefined) log.log('info', 'run.stats', { ...liveStats(pl, src.live, counts, dl?.stats() ?? []), final: true, ...workers.summary() }, 'after the drain: the final counts');
    let listed: { sessions: number; uncorrelated: number };
    if (auditSpool !== undefined) {
      listed = writeAuditJson(join(o.out!, AUDIT_JSON_FILE), pl.correlator, interrupted, src.live !== undefined ? auditCapture(src.live) : undefined);
      // This run owned the folder to the end: a spool a killed run left goes too.
      const e = auditSpool.remove(true);
      if (e !== undefined) spoolNotDeleted(auditSpool.path, e);
    } else {
      const live = countAuditEntries(pl.correlator);
      listed = { sessions: live.sessions + auditCounter!.sessions, uncorrelated: live.uncorrelated + auditCounter!.uncorrelated };
    }
    // Counts and task identifiers only: never content or identities (logs may leave the LI domain).
    if (files !== undefined) for (const [liid, c] of files.counts) log.log('info', 'output.records', { liid, x2: c.x2, x3: c.x3, hi2: c.hi2, hi3: c.hi3 });
    log.log('info', 'run.summary', { sessions: listed.sessions, uncorrelated: listed.uncorrelated, ...(o.out !== undefined ? { out: o.out } : {}), interrupted, ...workers.summary() });
    const tls = pl.tlsStats();
    // Counts only (never keys, never addresses): how much TLS the tap saw and could not read.
    if (tls.connections > 0 || keyLogs !== undefined) log.log('info', 'tls.summary', { connections: tls.connections, decrypted: tls.decrypted, undecryptable: { ...tls.undecryptable } });
    logHiddenTraffic(log, pl.anomalies.toJSON());
    if (src.error !== undefined) {
      // After a stop signal the exit status says "interrupted"; the damage is still reported.
      if (!interrupted) throw src.error;
      log.log('warn', 'capture.damaged', {}, src.error.message);
    }
    return { interrupted };
  } finally {
    custody?.stop();
    // Never throws: the run's own error is what gets reported.
    const e = auditSpool?.remove();
    if (e !== undefined) spoolNotDeleted(auditSpool!.path, e);
    await metrics?.close();
    await x1?.close();
    await bus?.close();
    // After a failure: still close what was written (the failure itself is what gets reported).
    await files?.close().catch(() => undefined);
    delivery?.close();
  }
}

/**
 * Live capture with the operator lifecycle: `run.stats` every `statsInterval` seconds, SIGHUP
 * reloads the tasks file, SIGINT/SIGTERM stop (runLive returns; the caller drains).
 */
async function runLiveWithLifecycle(
  o: InterceptRunOptions,
  pl: InterceptPipeline,
  dl: DeliveryOutput | undefined,
  counts: RecordCounts,
  log: Logger,
  capture: { last?: LiveCaptureCounters },
  x1: X1Service | undefined,
  bus: TriggerBusRun | undefined,
): Promise<SourceResult> {
  const { runLive } = await import('./run-live.js');
  let last: LiveCaptureCounters | undefined;
  const onHup = (): void => {
    if (o.tasks === undefined) return;
    let next: TaskSet;
    try {
      // With X1 the file is the base and the provisioned tasks stay on top (./x1-server.ts).
      const file = loadTasks(o.tasks);
      next = x1?.rebase(file) ?? file;
    } catch (e) {
      // A bad file on reload keeps the running configuration: never stop intercepting.
      log.log('error', 'tasks.reload_rejected', { reason: (e as Error).message }, 'SIGHUP: tasks file rejected, keeping the running tasks');
      return;
    }
    // New sessions are matched against the new tasks at once; removed tasks end with their release records.
    pl.correlator.updateTasks(next);
    dl?.updateTasks(next);
    log.log('info', 'tasks.reloaded', { tasks: next.tasks.map((t) => t.xid), destinations: next.destinations.map((d) => d.did) }, 'SIGHUP: tasks file reloaded');
  };
  process.on('SIGHUP', onHup);
  const stats = setInterval(() => log.log('info', 'run.stats', { ...liveStats(pl, last, counts, dl?.stats() ?? []), ...(bus !== undefined ? { bus: bus.stats() } : {}) }), o.statsInterval * 1000);
  const sync = setInterval(() => dl?.sync(), 1000);
  try {
    const live = await runLive(
      {
        ...liveCaptureOptions(o, o.interface!, log),
        tickMs: 500,
        onTick: (s) => {
          // The first tick comes after the capture opened: scripts can wait for this event.
          if (last === undefined) log.log('info', 'capture.started', { iface: o.interface, backend: s.backend });
          last = s;
          capture.last = s;
          // Keys the endpoints log while the capture runs (their SSLKEYLOGFILE grows): read every tick.
          pl.pollTlsKeyLogs();
        },
      },
      (f) => pl.frame(f),
      pl.anomalies,
    );
    last = live;
    capture.last = live;
    // Not the last word: reassembly is flushed and sessions released after this (the final
    // `run.stats` line, written after the drain, counts the loss found there).
    log.log('info', 'capture.stopped', liveStats(pl, live, counts, dl?.stats() ?? []), 'capture stopped: draining');
    return { inputs: [{ path: `live:${o.interface}`, bytes: 0 }], live };
  } finally {
    clearInterval(stats);
    clearInterval(sync);
    process.off('SIGHUP', onHup);
  }
}
