#!/usr/bin/env node
/**
 * The msrptap command line. The only place that touches process.argv, stdout formatting and
 * exit codes. Exit codes: 0 success; 1 an input or output failed (a damaged, cut-short or
 * unusable capture: everything before the damage was still processed and reported); 2 bad usage
 * or configuration (damaged state files included); 130/143 an offline run stopped by
 * SIGINT/SIGTERM (its outputs marked "interrupted", ./stop-signals.ts).
 */
// First: the heap policy applies to everything after it.
import './heap-policy.js';
import { Command, Option } from 'commander';
import { isLogLevel, LOG_LEVELS } from '../core/log.js';
import { registerAuditCommand } from './audit-command.js';
import { registerDecodeCommand } from './decode-command.js';
import { registerReceiveCommand } from './receive-command.js';
import { registerRunCommand } from './run-command.js';
import { registerStatsCommand } from './stats-command.js';
import { registerVerifyCommand } from './verify-command.js';
import { registerX1Command } from './x1-command.js';
import { reportFatal } from './fatal.js';
import { log, LOG_FORMATS, type LogFormat } from './stderr-logger.js';
import { VERSION } from './version.js';

/**
 * The logging options as given (argv wins over the environment), read before commander parses:
 * an error in parsing itself (a bad option value) is then already logged in the chosen form.
 */
function earlyLogOption(name: string, env: string): string | undefined {
  const argv = process.argv;
  for (let i = argv.length - 1; i >= 2; i--) {
    const a = argv[i]!;
    if (a === '--') continue;
    if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
    if (a === name) return argv[i + 1];
  }
  return process.env[env];
}
const early = { level: earlyLogOption('--log-level', 'MSRPTAP_LOG_LEVEL'), format: earlyLogOption('--log-format', 'MSRPTAP_LOG_FORMAT') };
log.configure({
  ...(early.level !== undefined && isLogLevel(early.level) ? { level: early.level } : {}),
  ...(early.format === 'text' || early.format === 'json' ? { format: early.format } : {}),
});

const program = new Command();
program
  .name('msrptap')
  .description('Lawful-interception tap for MSRP (RFC 4975/4976) sessions set up by SIP/SDP')
  .version(VERSION)
  // One logging channel (src/cli/stderr-logger.ts), set before any command runs; accepted
  // before or after the command name, or from the environment (service units).
  .addOption(new Option('--log-level <level>', 'least severe event logged on stderr').choices(LOG_LEVELS).default('info').env('MSRPTAP_LOG_LEVEL'))
  .addOption(new Option('--log-format <format>', 'stderr events as "text" (msrptap: LEVEL EVENT key=value ...) or "json" (JSON Lines); default: text on a terminal, json otherwise').choices(LOG_FORMATS).env('MSRPTAP_LOG_FORMAT'))
  .hook('preAction', () => {
    const o = program.opts<{ logLevel: string; logFormat?: LogFormat }>();
    log.configure({ ...(isLogLevel(o.logLevel) ? { level: o.logLevel } : {}), ...(o.logFormat !== undefined ? { format: o.logFormat } : {}) });
  })
  // Usage errors are events too (help and --version stay plain text on stdout).
  .configureOutput({ outputError: (str) => log.log('error', 'exit.usage_error', {}, `${str.replace(/^error: /, '').trim()} (run with --help for usage)`) })
  .exitOverride((err) => {
    // commander's own exits (help, version, usage errors): usage errors exit 2 like tcpdump.
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

// Piped into head/less that exits early: stop quietly, as Unix tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

registerRunCommand(program);
registerAuditCommand(program);
registerStatsCommand(program);
registerDecodeCommand(program);
registerVerifyCommand(program);
registerReceiveCommand(program);
registerX1Command(program);

// No top-level await: the bundle that runs this module is CommonJS (scripts/bundle.mjs, for
// V8's code cache).
program.parseAsync(process.argv).catch((e: unknown) => {
  // Exit now: after a failure some handle (a worker thread, a socket of a destination that
  // never answered) may still keep the event loop alive, and a tap that has failed must not
  // hang. stderr is written synchronously (files and pipes on Linux), so nothing is lost.
  process.exit(reportFatal(e, log));
});
