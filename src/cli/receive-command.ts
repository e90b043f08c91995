/**
 * `msrptap receive`: a minimal X2/X3 mediation function (ETSI TS 103 221-2) for tests, demos
 * and labs. Listens on TCP (or mutual TLS), answers keepalives, validates every PDU, drops
 * duplicate sequence numbers per XID and writes DIR/<XID>/x2x3.pdu + index.jsonl. Runs until
 * SIGINT/SIGTERM, then fsyncs and exits 0.
 */
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import { log } from './stderr-logger.js';

interface ReceiveOptions {
  listen: string;
  out: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
}

/** Splits `host:port` / `[v6]:port`. */
function parseListen(a: string): { host: string; port: number } {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]]+)):([0-9]{1,5})$/.exec(a.trim());
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || port > 65535) throw new ConfigError(`--listen: not "host:port": ${a}`, 'e.g. --listen 127.0.0.1:6000 or --listen [::1]:6000 (port 0 = any free port)');
  return { host: m[1] ?? m[2]!, port };
}

export function registerReceiveCommand(program: Command): void {
  program
    .command('receive')
    .description('a minimal X2/X3 receiver (mediation function) for tests and labs: stores PDUs per XID')
    .requiredOption('--listen <host:port>', 'address to listen on')
    .requiredOption('--out <dir>', 'output folder (0700; reopened and continued at restart, never through a symlink): DIR/<XID>/x2x3.pdu and index.jsonl')
    .option('--tls-cert <file>', 'mutual TLS: server certificate (PEM)')
    .option('--tls-key <file>', 'mutual TLS: server private key (PEM)')
    .option('--tls-ca <file>', 'mutual TLS: CA that client certificates must chain to (PEM)')
    .action(async (o: ReceiveOptions) => {
      const { host, port } = parseListen(o.listen);
      const anyTls = o.tlsCert !== undefined || o.tlsKey !== undefined || o.tlsCa !== undefined;
      if (anyTls && (o.tlsCert === undefined || o.tlsKey === undefined || o.tlsCa === undefined)) {
        throw new ConfigError('mutual TLS needs --tls-cert, --tls-key and --tls-ca together', 'give all three, or none for plain TCP');
      }
      // The receiver, its store and TLS load only for this command.
      const { receiveRun } = await import('../pipeline/receive-run.js');
      await receiveRun({ host, port, outDir: o.out, ...(anyTls ? { tls: { cert: o.tlsCert!, key: o.tlsKey!, ca: o.tlsCa! } } : {}) }, log, (h, p) => {
        // The bound port on stdout, for scripts and tests that ask for port 0.
        process.stdout.write(`listening ${h}:${p}\n`);
      });
    });
}
