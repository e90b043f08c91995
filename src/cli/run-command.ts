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
 *
 * This file only parses and checks the options; the run itself is one call,
 * src/pipeline/intercept-run.ts `runIntercept`.
 */
import { Option, type Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import type { InterceptRunOptions } from '../pipeline/intercept-run.js';
import { addCaptureOptions, checkCaptureSource } from './capture-options.js';
import { addX1Options } from './x1-options.js';
import { addTlsKeyLogOption } from './tls-keylog-option.js';
import { createProgress } from './progress.js';
import { log } from './stderr-logger.js';
import { signalExitCode, StopSignals } from './stop-signals.js';
import { VERSION } from './version.js';

/** What commander hands the action: the pipeline's options without the values the CLI adds itself. */
type RunOptions = Omit<InterceptRunOptions, 'tasks' | 'toolVersion' | 'read' | 'tlsKeylog'> & { tasks?: string; read: string[]; tlsKeylog: string[] };

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
  const cmd = program.command('run').description("intercept the tasks' MSRP sessions and write LI records (X2/X3, HI2/HI3, protobuf) and the audit, and/or deliver X2/X3 to mediation functions");
  addTlsKeyLogOption(addX1Options(addCaptureOptions(cmd)))
    .option('--tasks <file>', 'intercept tasks (JSON, ETSI TS 103 221-1 X1 vocabulary); with --x1-listen optional, X1 changes apply on top')
    .option('--out <dir>', 'output folder (created 0700; must be new or empty): one sub-folder per LIID, and audit.json')
    .option('--overwrite', "--out holds a previous run's output: delete it first (only msrptap's own files; anything else is refused)")
    .option('--operator-id <id>', 'TS 102 232-1 operatorIdentifier for HI2/HI3 PS-PDUs', 'msrptap')
    .option('--network-element-id <id>', 'TS 102 232-1 networkElementIdentifier')
    .option('--country-code <cc>', 'ISO 3166 alpha-2 authorization/delivery country code for HI2/HI3')
    .option('--sign-key <pem>', 'sign each OUT/<LIID>/manifest.json with this Ed25519 private key (PEM, e.g. openssl genpkey -algorithm ed25519)')
    .option('--deliver', 'send each task\'s X2/X3 PDUs to its destinations (tasks file "destinations" / "listOfDids")')
    .option('--spool-dir <dir>', 'durable delivery spool (created 0700), one sub-folder per destination', 'msrptap-spool')
    .option('--spool-max <MiB>', 'cap of each destination spool; beyond it PDUs are refused with an alarm', positiveNumber('--spool-max'), 1024)
    .option('--drain-timeout <seconds>', 'at the end, wait this long for the spools to be acknowledged', positiveNumber('--drain-timeout'), 30)
    .option('--keepalive-interval <ms>', 'X2/X3 keepalive period on idle links', positiveNumber('--keepalive-interval'), 5000)
    .option('--keepalive-timeout <ms>', 'a keepalive unacknowledged this long = dead link (reconnect)', positiveNumber('--keepalive-timeout'), 10000)
    .option('--rotate-size <MiB>', '--out files: continue each file in NAME.1, NAME.2, ... before it would exceed this size', positiveNumber('--rotate-size'))
    .option('--rotate-seconds <seconds>', "--out files: continue each file in the next part once a record is this much capture time after the file's first", positiveNumber('--rotate-seconds'))
    .option('--metrics-port <port>', 'serve Prometheus metrics at http://HOST:PORT/metrics (0 = any free port, logged)', portNumber('--metrics-port'))
    .option('--metrics-host <host>', 'address the metrics endpoint listens on', '127.0.0.1')
    .option('--single-thread', "no worker threads: hash the captures and encode/write the --out files in the main thread (debugging; the benchmark's baseline)")
    .option('--stats-interval <seconds>', 'live capture: period of the run.stats event', positiveNumber('--stats-interval'), 10)
    // Tests and labs: throttles every delivery link so a small sample takes long enough to interrupt.
    .addOption(new Option('--deliver-pace-ms <ms>').argParser(positiveNumber('--deliver-pace-ms')).hideHelp())
    .action(async (o: RunOptions) => {
      checkCaptureSource(o);
      if (o.tasks === undefined && o.x1Listen === undefined) throw new ConfigError('--tasks is required (or provision over X1: --x1-listen)');
      if (o.out === undefined && o.deliver !== true) throw new ConfigError('nothing to write to', "give --out DIR (files), --deliver (the tasks file's destinations), or both");
      if ((o.rotateSize !== undefined || o.rotateSeconds !== undefined) && o.out === undefined) throw new ConfigError('--rotate-size / --rotate-seconds rotate the --out files: give --out DIR');
      if (o.overwrite === true && o.out === undefined) throw new ConfigError('--overwrite replaces a previous --out output: give --out DIR');
      if (o.countryCode !== undefined && !/^[A-Z]{2}$/.test(o.countryCode)) throw new ConfigError(`--country-code must be two capital letters (ISO 3166), got "${o.countryCode}"`);
      // Offline only: live capture stops on these signals as its normal end (src/pipeline/run-live.ts).
      const stop = o.interface === undefined ? new StopSignals(log) : undefined;
      // Loaded here, not at start-up: `--help`, `--version` and the other commands never pay for it.
      const { runIntercept } = await import('../pipeline/intercept-run.js');
      const progress = await createProgress(false);
      await runIntercept({ ...o, toolVersion: VERSION }, { log, ...(progress !== undefined ? { progress } : {}), ...(stop !== undefined ? { stop: stop.stopped } : {}) });
      if (stop?.signal !== undefined) {
        log.log('warn', 'run.interrupted', { signal: stop.signal }, 'interrupted before the end of the input: the manifests and audit.json say "interrupted": true');
        // Now: a read of a silent pipe may still wait in the thread pool and keep the process alive.
        process.exit(signalExitCode(stop.signal));
      }
      stop?.dispose();
    });
}
