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
import { Command } from 'commander';
import { registerAuditCommand } from './audit-command.js';
import { registerDecodeCommand } from './decode-command.js';
import { registerReceiveCommand } from './receive-command.js';
import { registerRunCommand } from './run-command.js';
import { registerStatsCommand } from './stats-command.js';
import { registerVerifyCommand } from './verify-command.js';
import { registerX1Command } from './x1-command.js';
import { reportFatal } from './fatal.js';
import { VERSION } from './version.js';

const program = new Command();
program
  .name('msrptap')
  .description('Lawful-interception tap for MSRP (RFC 4975/4976) sessions set up by SIP/SDP')
  .version(VERSION)
  .showHelpAfterError('(run with --help for usage)')
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

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // Exit now: after a failure some handle (a worker thread, a socket of a destination that
  // never answered) may still keep the event loop alive, and a tap that has failed must not
  // hang. stderr is written synchronously (files and pipes on Linux), so nothing is lost.
  process.exit(reportFatal(e));
}
