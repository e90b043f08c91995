/**
 * `msrptap run` flags of the X1 endpoint (ETSI TS 103 221-1; src/pipeline/x1-server.ts), kept
 * out of run-command.ts. Their checks and the service built from them:
 * src/pipeline/x1-service-options.ts.
 */
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.js';

export function addX1Options(cmd: Command): Command {
  return cmd
    .option('--x1-listen <host:port>', 'serve X1 (ETSI TS 103 221-1) provisioning: HTTPS with client certificates, POST /X1/NE (port 0 = any free port, logged)')
    .option('--x1-cert <file>', "X1: the tap's (NE's) certificate, PEM")
    .option('--x1-key <file>', 'X1: its private key, PEM')
    .option('--x1-ca <file>', 'X1: CA of the ADMF client certificates (only clients it signed are accepted)')
    .option('--x1-ne-id <id>', 'X1 neIdentifier of this tap (default: the CN of --x1-cert)')
    .option('--state-dir <dir>', 'X1: where the provisioned tasks and destinations are kept across restarts (created 0700)')
    .option('--x1-dest-cert <file>', 'X1: client certificate for the TLS links to destinations created over X1 (default: plain TCP)')
    .option('--x1-dest-key <file>', 'X1: its private key')
    .option('--x1-dest-ca <file>', "X1: CA of the destinations' server certificates")
    .option('--x1-admf <url>', 'X1: send NE→ADMF reports (task, destination and NE issues) to this ADMF, e.g. https://10.0.0.5:8444 (path /X1/ADMF by default), with --x1-cert as client certificate')
    .option('--x1-admf-id <id>', 'X1: the admfIdentifier the reports are addressed to (required with --x1-admf)')
    .option(
      '--x1-keepalive-timeout <seconds>',
      'X1: once the ADMF sent a Keepalive, report error 9050 when none came for this long',
      (v) => {
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`--x1-keepalive-timeout must be a positive number, got "${v}"`);
        return n;
      },
      180,
    );
}
