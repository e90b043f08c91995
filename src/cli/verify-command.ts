/**
 * `msrptap verify --out DIR -r CAPTURE --tasks TASKS.json`: proves, per LIID, that the delivered
 * files are what was on the wire (src/audit/verify-delivery.ts lists the checks). It reads the
 * capture twice: once through the whole pipeline (what the files should hold, and the audit),
 * once through the TCP reassembly only (the wire bytes each X3 payload must equal). Prints one
 * verdict per LIID; exit code 0 when every LIID passes, 1 otherwise, 2 for bad usage.
 * The work is one call, src/pipeline/verify-run.ts `verifyRun`.
 */
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import { log } from './stderr-logger.js';

interface VerifyOptions {
  out: string;
  read: string[];
  tasks: string;
  publicKey?: string;
  requireSignature?: boolean;
  maxWireMb: number;
}

function collect(value: string, prev: string[]): string[] {
  return [...prev, value];
}

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('check delivered records against the capture: X3 bytes = wire bytes, no gap, no foreign record, manifest chain and signature')
    .requiredOption('--out <dir>', 'the output folder of `msrptap run` (one sub-folder per LIID)')
    .option('-r, --read <file>', 'the capture(s) the records were made from (repeat for several)', collect, [])
    .requiredOption('--tasks <file>', 'the intercept tasks the run used')
    .option('--public-key <pem>', 'Ed25519 public key (PEM) the manifests must be signed with')
    .option('--require-signature', 'fail unsigned manifests')
    .option(
      '--max-wire-mb <n>',
      'TCP stream bytes held for the wire check, in MiB',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`--max-wire-mb must be a positive whole number, got "${v}"`);
        return n;
      },
      1024,
    )
    .action(async (o: VerifyOptions) => {
      if (o.read.length === 0) throw new ConfigError('no capture', 'give -r CAPTURE: the file(s) the records were made from');
      if (o.read.includes('-')) throw new ConfigError('verify reads the capture twice: standard input cannot be used', 'save the capture to a file first');
      const { verifyRun, formatVerdict } = await import('../pipeline/verify-run.js');
      const { verdicts, captureError } = verifyRun(o);
      for (const v of verdicts) process.stdout.write(`${formatVerdict(v)}\n`);
      const failed = verdicts.filter((v) => !v.ok).length;
      process.stdout.write(`${failed === 0 ? 'VERIFIED' : 'NOT VERIFIED'}: ${verdicts.length - failed} of ${verdicts.length} LIIDs pass\n`);
      if (captureError !== undefined) log.log('warn', 'verify.capture_damaged', {}, `the capture is damaged (${captureError.message}); only what precedes the damage was compared`);
      if (failed > 0) process.exitCode = 1;
    });
}
