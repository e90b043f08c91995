/**
 * `--tls-keylog FILE` (repeatable), shared by `run` and `audit`: NSS key logs (SSLKEYLOGFILE
 * format) with which TLS connections are decrypted (issue 16). The files are secret: read, never
 * copied to an output or a log.
 */
import type { Command } from 'commander';

function collect(value: string, prev: string[]): string[] {
  return [...prev, value];
}

export function addTlsKeyLogOption(cmd: Command): Command {
  return cmd.option('--tls-keylog <file>', 'decrypt TLS (SIP on 5061, TCP/TLS/MSRP, wss) with this NSS key log (SSLKEYLOGFILE format; secret: never copied to any output); re-read as it grows; repeatable', collect, []);
}
