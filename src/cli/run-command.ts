/**
 * `msrptap run`: the main job. Intercepts the tasks' sessions and writes, per task,
 * OUT/<LIID>/{x2x3.pdu, hi2.ber, hi3.ber, records.pb}, plus OUT/audit.json.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import { FileRecordOutput } from '../pipeline/file-record-output.js';
import { InterceptPipeline } from '../pipeline/intercept-pipeline.js';
import { loadTasks } from '../pipeline/load-tasks.js';
import { addCaptureOptions, checkCaptureSource, type CaptureOptions } from './capture-options.js';
import { runPacketSource } from './packet-source.js';
import { writeSecretJson } from './write-json-file.js';

interface RunOptions extends CaptureOptions {
  tasks?: string;
  out?: string;
  operatorId: string;
  networkElementId?: string;
  countryCode?: string;
}

export function registerRunCommand(program: Command): void {
  const cmd = program.command('run').description('intercept the tasks\' MSRP sessions and write LI records (X2/X3, HI2/HI3, protobuf) and the audit');
  addCaptureOptions(cmd)
    .requiredOption('--tasks <file>', 'intercept tasks (JSON, ETSI TS 103 221-1 X1 vocabulary)')
    .requiredOption('--out <dir>', 'output folder (created 0700): one sub-folder per LIID')
    .option('--operator-id <id>', 'TS 102 232-1 operatorIdentifier for HI2/HI3 PS-PDUs', 'msrptap')
    .option('--network-element-id <id>', 'TS 102 232-1 networkElementIdentifier')
    .option('--country-code <cc>', 'ISO 3166 alpha-2 authorization/delivery country code for HI2/HI3')
    .action(async (o: RunOptions) => {
      checkCaptureSource(o);
      if (o.tasks === undefined || o.out === undefined) throw new ConfigError('--tasks and --out are required');
      if (o.countryCode !== undefined && !/^[A-Z]{2}$/.test(o.countryCode)) throw new ConfigError(`--country-code must be two capital letters (ISO 3166), got "${o.countryCode}"`);
      const tasks = loadTasks(o.tasks);
      const output = new FileRecordOutput(o.out, {
        psHeader: {
          operatorIdentifier: o.operatorId,
          ...(o.networkElementId !== undefined ? { networkElementIdentifier: o.networkElementId } : {}),
          ...(o.countryCode !== undefined ? { authorizationCountryCode: o.countryCode, deliveryCountryCode: o.countryCode } : {}),
        },
      });
      const pipeline = new InterceptPipeline({ tasks, onRecord: (r) => output.write(r) });
      let src;
      try {
        src = await runPacketSource(o, (f) => pipeline.frame(f), pipeline.anomalies, false);
        pipeline.finish();
      } finally {
        output.close();
      }
      const report = pipeline.audit();
      writeSecretJson(join(o.out, 'audit.json'), report);
      // Counts and task identifiers only: never content or identities (logs may leave the LI domain).
      for (const [liid, c] of output.counts) process.stderr.write(`msrptap: ${liid}: ${c.x2} X2, ${c.x3} X3, ${c.hi2} HI2, ${c.hi3} HI3 records\n`);
      process.stderr.write(`msrptap: ${report.sessions.length} sessions, ${report.uncorrelated.length} uncorrelated; output in ${o.out}\n`);
      if (src.error !== undefined) throw src.error;
    });
}
