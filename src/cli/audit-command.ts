/**
 * `msrptap audit`: the reconstruction of every intercepted session (who, when, which MSRP
 * sessions and connections, every message with its size, hashes, chunks and status, files
 * with their verified hashes, anomalies), as JSON. No LI records are written.
 *
 * `--html FILE` also writes the self-contained HTML report (src/audit: ladder diagrams,
 * messages with their content shown safely, chunk maps, files, anomalies, frame numbers);
 * `--extract DIR` writes every complete transferred file as `DIR/<sha256>-<name>` (0600).
 * The work is one call, src/pipeline/audit-run.ts `runAudit`.
 */
import { addTlsKeyLogOption } from './tls-keylog-option.js';
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import { addCaptureOptions, checkCaptureSource, type CaptureOptions } from './capture-options.js';
import { createProgress } from './progress.js';
import { log } from './stderr-logger.js';
import { VERSION } from './version.js';

interface AuditOptions extends CaptureOptions {
  tasks?: string;
  json?: string;
  html?: string;
  extract?: string;
  all?: boolean;
  overwrite?: boolean;
  tlsKeylog: string[];
}

export function registerAuditCommand(program: Command): void {
  const cmd = program.command('audit').description('reconstruct the intercepted sessions of the tasks: messages, chunks, hashes, files, anomalies');
  addTlsKeyLogOption(addCaptureOptions(cmd))
    .requiredOption('--tasks <file>', 'intercept tasks (JSON, ETSI TS 103 221-1 X1 vocabulary)')
    .option('--json <file>', 'write the audit JSON here (created 0600); "-" = standard output', '-')
    .option('--html <file>', 'also write the self-contained HTML audit report here (created 0600)')
    .option('--extract <dir>', 'write each complete transferred file as DIR/<sha256>-<name> (0600 in 0700)')
    .option('--all', 'lab use: also list sessions that match no task (never recorded)')
    .option('--overwrite', 'replace an existing --json / --html file, and delete the files a previous --extract left in DIR (never anything else)')
    .action(async (o: AuditOptions) => {
      checkCaptureSource(o);
      if (o.tasks === undefined) throw new ConfigError('--tasks is required');
      if (o.html === '-' || o.extract === '-') throw new ConfigError('--html and --extract need a path, not "-"');
      const toStdout = o.json === undefined || o.json === '-';
      const { runAudit } = await import('../pipeline/audit-run.js');
      const progress = await createProgress(toStdout);
      const { json: _json, ...rest } = o;
      const r = await runAudit({ ...rest, tasks: o.tasks, toolVersion: VERSION, ...(toStdout ? {} : { json: o.json! }) }, { log, ...(progress !== undefined ? { progress } : {}) });
      if (toStdout) process.stdout.write(`${JSON.stringify(r.report, null, 2)}\n`);
      if (r.inputError !== undefined) throw r.inputError;
    });
}
