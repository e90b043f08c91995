/**
 * `msrptap audit`: the reconstruction of every intercepted session (who, when, which MSRP
 * sessions and connections, every message with its size, hashes, chunks and status, files
 * with their verified hashes, anomalies), as JSON. No LI records are written.
 */
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import { InterceptPipeline } from '../pipeline/intercept-pipeline.js';
import { loadTasks } from '../pipeline/load-tasks.js';
import { addCaptureOptions, checkCaptureSource, type CaptureOptions } from './capture-options.js';
import { runPacketSource } from './packet-source.js';
import { writeSecretJson } from './write-json-file.js';

interface AuditOptions extends CaptureOptions {
  tasks?: string;
  json?: string;
  all?: boolean;
}

export function registerAuditCommand(program: Command): void {
  const cmd = program.command('audit').description('reconstruct the intercepted sessions of the tasks: messages, chunks, hashes, files, anomalies');
  addCaptureOptions(cmd)
    .requiredOption('--tasks <file>', 'intercept tasks (JSON, ETSI TS 103 221-1 X1 vocabulary)')
    .option('--json <file>', 'write the audit JSON here (created 0600); "-" = standard output', '-')
    .option('--all', 'lab use: also list sessions that match no task (never recorded)')
    .action(async (o: AuditOptions) => {
      checkCaptureSource(o);
      if (o.tasks === undefined) throw new ConfigError('--tasks is required');
      const tasks = loadTasks(o.tasks);
      const pipeline = new InterceptPipeline({ tasks, onRecord: () => {}, includeNonTargets: o.all === true });
      const src = await runPacketSource(o, (f) => pipeline.frame(f), pipeline.anomalies, o.json === '-');
      pipeline.finish();
      const report = pipeline.audit();
      if (o.json === undefined || o.json === '-') process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        writeSecretJson(o.json, report);
        process.stderr.write(`msrptap: ${report.sessions.length} sessions, ${report.uncorrelated.length} uncorrelated, written to ${o.json}\n`);
      }
      if (src.error !== undefined) throw src.error;
    });
}
