/**
 * `msrptap run` flags of the trigger bus (issue 15: taps trigger each other's MSRP capture over
 * NATS JetStream KV; src/pipeline/trigger-bus-run.ts), kept out of run-command.ts. Nothing here
 * loads the NATS client: the run imports it only when --bus is given.
 */
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import { TAP_ID_RE } from '../core/tap-id.js';

function seconds(name: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new ConfigError(`${name} must be a number of seconds >= ${min}, got "${v}"`);
    return n;
  };
}

export function addBusOptions(cmd: Command): Command {
  return cmd
    .option('--bus <url>', 'trigger bus: NATS server with JetStream (nats://HOST:PORT); taps share LI_T3 triggers so SIP seen on one tap intercepts MSRP seen on another (needs --tap-id)')
    .option('--tap-id <name>', "this tap's name on the bus (letters, digits, . _ -; at most 64): its triggers carry it, and it ignores its own")
    .option('--bus-creds <file>', 'bus: NATS credentials file (user JWT + NKey seed) or JSON {"user", "password"}; must be mode 0600')
    .option('--bus-tls-ca <file>', "bus: CA of the NATS server's certificate (PEM): connect over TLS")
    .option('--bus-tls-cert <file>', 'bus: client certificate (PEM) for servers that verify clients (with --bus-tls-key)')
    .option('--bus-tls-key <file>', 'bus: its private key (PEM)')
    .option('--bus-grace <seconds>', 'bus, offline: at the end of the input, wait up to this long for late triggers while MSRP bytes without SIP are held', seconds('--bus-grace', 0), 2)
    .option('--bus-retention <seconds>', "bus: a trigger stays in the bucket this long after its last update (the bucket's max age; a crashed tap's triggers expire)", seconds('--bus-retention', 1), 86_400)
    .option(
      '--bus-clock-skew <seconds>',
      "bus: clock difference tolerated between taps (default 0): frames of a claimed MSRP session up to this long before a trigger's window start (the other tap's 200 OK) are recorded",
      seconds('--bus-clock-skew', 0),
      0,
    )
    .option('--bus-insecure', 'bus: allow a bus without --bus-creds (any client reaching NATS could then read intercepted sessions and put triggers); a lab only, logged as a warning');
}

/** --bus and --tap-id come together; the other bus flags need --bus. */
export function checkBusOptions(o: { bus?: string; tapId?: string; busCreds?: string; busTlsCa?: string; busTlsCert?: string; busTlsKey?: string; busInsecure?: boolean }): void {
  if ((o.bus === undefined) !== (o.tapId === undefined)) throw new ConfigError('--bus and --tap-id go together', 'give both: --bus nats://HOST:PORT --tap-id NAME');
  if (o.bus === undefined && (o.busCreds ?? o.busTlsCa ?? o.busTlsCert ?? o.busTlsKey) !== undefined) throw new ConfigError('--bus-creds / --bus-tls-* configure the trigger bus: give --bus');
  if (o.tapId !== undefined && !TAP_ID_RE.test(o.tapId)) throw new ConfigError(`--tap-id must be 1-64 letters, digits, '.', '_' or '-' (starting with a letter or digit), got "${o.tapId}"`);
  // The tap id prefixes its trigger keys (`<tapId>.<xId>`, src/pipeline/trigger-bus.ts): NATS subject tokens may not be empty.
  if (o.tapId !== undefined && /\.\.|\.$/.test(o.tapId)) throw new ConfigError(`--tap-id may not end with '.' or hold '..' (it prefixes NATS subjects), got "${o.tapId}"`);
  if ((o.busTlsCert === undefined) !== (o.busTlsKey === undefined)) throw new ConfigError('--bus-tls-cert and --bus-tls-key go together');
  if (o.bus === undefined && o.busInsecure === true) throw new ConfigError('--bus-insecure configures the trigger bus: give --bus');
  // The bus carries triggers that make this tap intercept (and the triggers it puts name target
  // sessions): an unauthenticated bus lets any client reaching NATS read or forge them.
  if (o.bus !== undefined && o.busCreds === undefined && o.busInsecure !== true) {
    throw new ConfigError('--bus needs --bus-creds (per-tap NATS permissions, see docs/scaling-out.md)', 'give --bus-creds FILE, or --bus-insecure for a lab bus without credentials');
  }
}
