/**
 * `msrptap run --bus` end to end against a real nats-server (issue 15):
 * - the flags: --bus and --tap-id go together (ConfigError), a refused credential stops the run;
 * - one tap that sees SIP and MSRP itself writes the same PDUs with the bus as without (its own
 *   triggers are recognised, no duplicates);
 * - the splitter: each multi-session sample is split by flow (SIP on tap A, the MSRP connections
 *   alternately on taps B and C, so relay legs land apart) with the repo's pcap reader and writer;
 *   the three taps run against one NATS server, all started at once, and again with the SIP tap
 *   started last (its triggers then come after the media frames): the union of their X3 PDUs
 *   equals the single-tap run's in every field but the sequence number (correlation ID
 *   included), and so does the union of all their X2 and X3 PDUs, for every sample; non-target
 *   sessions produce nothing; and the same split without the bus does not give the full
 *   equality (the control).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitByFlow } from '../helpers/flow-split.js';
import { NatsServer, natsServerMissing } from '../helpers/nats-server.js';
import { allOutputBytes, type PduKey, pdus } from '../helpers/x2x3-pdus.js';
import { ROOT, runCli, type CliResult } from '../helpers/run-cli.js';

const missing = natsServerMissing();
const SAMPLES = join(ROOT, 'samples');

/** Runs the CLI without blocking the event loop (taps run concurrently). */
function runCliAsync(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/** Bytes that only non-target sessions carry (the generator's markers), if the sample has them. */
function markers(name: string): string[] {
  const f = join(SAMPLES, 'pcap', `${name}.non-target-markers.json`);
  if (!existsSync(f)) return [];
  const j = JSON.parse(readFileSync(f, 'utf8')) as { markers?: string[] } | string[];
  return Array.isArray(j) ? j : (j.markers ?? []);
}

const SPLIT_SAMPLES = ['chat-tcp-sip', 'mixed-non-target', 'relay-two-legs', 'reinvite-update', 'file-transfer', 'ipv6-session'];

describe('run --bus: flags', () => {
  it('--bus without --tap-id (and the reverse) is a configuration error, before anything is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msrptap-busflags-'));
    const args = ['run', '-r', join(SAMPLES, 'pcap', 'chat-tcp-sip.pcap'), '--tasks', join(SAMPLES, 'tasks', 'chat-tcp-sip.tasks.json'), '--out', join(dir, 'o')];
    const a = runCli([...args, '--bus', 'nats://127.0.0.1:4222']);
    expect(a.status).not.toBe(0);
    expect(a.stderr).toMatch(/--bus and --tap-id go together/);
    const b = runCli([...args, '--tap-id', 'a']);
    expect(b.stderr).toMatch(/--bus and --tap-id go together/);
    const c = runCli([...args, '--bus', 'nats://127.0.0.1:4222', '--tap-id', 'bad id', '--bus-insecure']);
    expect(c.stderr).toMatch(/--tap-id must be/);
    expect(existsSync(join(dir, 'o'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('--bus without --bus-creds is refused unless --bus-insecure is given (trigger review: the bus is trusted)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msrptap-busflags-'));
    const args = ['run', '-r', join(SAMPLES, 'pcap', 'chat-tcp-sip.pcap'), '--tasks', join(SAMPLES, 'tasks', 'chat-tcp-sip.tasks.json'), '--out', join(dir, 'o')];
    const a = runCli([...args, '--bus', 'nats://127.0.0.1:4222', '--tap-id', 'a']);
    expect(a.status).not.toBe(0);
    expect(a.stderr).toMatch(/--bus needs --bus-creds/);
    const b = runCli([...args, '--bus-insecure']);
    expect(b.stderr).toMatch(/--bus-insecure configures the trigger bus/);
    const c = runCli([...args, '--bus', 'nats://127.0.0.1:4222', '--tap-id', 'a', '--bus-insecure', '--bus-clock-skew', '-1']);
    expect(c.stderr).toMatch(/--bus-clock-skew must be a number of seconds >= 0/);
    expect(existsSync(join(dir, 'o'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe.skipIf(missing !== undefined)(`run --bus against nats-server${missing !== undefined ? ` (skipped: ${missing})` : ''}`, () => {
  let server: NatsServer;
  const dir = mkdtempSync(join(tmpdir(), 'msrptap-buscli-'));
  beforeAll(async () => {
    server = await NatsServer.start();
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a server that refuses the credentials stops the run with a clear error, nothing written', async () => {
    const secured = await NatsServer.start({ user: 'u', password: 'p' });
    try {
      const r = runCli(['run', '-r', join(SAMPLES, 'pcap', 'chat-tcp-sip.pcap'), '--tasks', join(SAMPLES, 'tasks', 'chat-tcp-sip.tasks.json'), '--out', join(dir, 'refused'), '--bus', secured.url, '--tap-id', 'a', '--bus-insecure']);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/refused the credentials/);
      expect(existsSync(join(dir, 'refused'))).toBe(false);
    } finally {
      await secured.stop();
    }
  });

  it('a tap that sees SIP and MSRP writes the same PDUs with the bus as without (its own triggers are not applied twice)', () => {
    const name = 'chat-tcp-sip';
    const base = ['run', '-r', join(SAMPLES, 'pcap', `${name}.pcap`), '--tasks', join(SAMPLES, 'tasks', `${name}.tasks.json`)];
    expect(runCli([...base, '--out', join(dir, 'solo-nobus')]).status).toBe(0);
    const r = runCli([...base, '--out', join(dir, 'solo-bus'), '--bus', server.url, '--tap-id', 'solo', '--bus-grace', '0', '--bus-insecure']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/bus\.summary/);
    // A bus without credentials is allowed only by --bus-insecure, and says so.
    expect(r.stderr).toMatch(/"warn".*bus\.insecure|bus\.insecure.*"warn"/);
    expect(pdus(join(dir, 'solo-bus'))).toEqual(pdus(join(dir, 'solo-nobus')));
    expect(pdus(join(dir, 'solo-bus')).length).toBeGreaterThan(0);
  });

  const SPLIT = SPLIT_SAMPLES;
  // Every sample is held to the full equality (the X3 one too): a single tap also reports a
  // relayed message's rCSMessage from the target's own leg (src/correlate/relay-leg-hold.ts), as
  // the cluster does, and a late trigger keeps a held file's rCSMessage (held-message-parts.ts).
  /** How the three taps are started: all at once, or the media taps first and the SIP tap a moment later (its triggers then always come after the media frames). */
  type Order = 'at-once' | 'sip-last';
  type SplitResult = { single: string[]; union: (view: 'full' | 'x3') => string[] };
  const splitRuns = new Map<string, Promise<SplitResult>>();
  /** Each split runs once (the X3 test and the full test of a sample share it). */
  const splitRun = (name: string, d: string, bus: boolean, order: Order = 'at-once'): Promise<SplitResult> => {
    const k = `${name} ${bus} ${order}`;
    if (!splitRuns.has(k)) splitRuns.set(k, splitRunOnce(name, d, bus, order));
    return splitRuns.get(k)!;
  };
  const splitRunOnce = async (name: string, d: string, bus: boolean, order: Order): Promise<SplitResult> => {
    const pcap = join(SAMPLES, 'pcap', `${name}.pcap`);
    const tasks = join(SAMPLES, 'tasks', `${name}.tasks.json`);
    if (!existsSync(join(d, 'single'))) {
      const one = runCli(['run', '-r', pcap, '--tasks', tasks, '--out', join(d, 'single')]);
      expect(one.status, one.stderr).toBe(0);
    }
    const parts = splitByFlow(pcap, mkdtempSync(join(tmpdir(), `msrptap-split-${name}-`))).paths;
    const tag = bus ? `bus-${order}` : 'alone';
    // One NATS server per run: no trigger of another run in the bucket. The grace is long (it ends
    // as soon as nothing is held): on a loaded CI machine the SIP tap may publish its triggers
    // seconds after a media tap has read its whole capture.
    const nats = bus ? await NatsServer.start() : null;
    const tapRun = (i: number) => runCliAsync(['run', '-r', parts[i]!, '--tasks', tasks, '--out', join(d, `${tag}${i}`), ...(nats !== null ? ['--bus', nats.url, '--tap-id', `tap-${i}`, '--bus-grace', '20', '--bus-insecure'] : [])]);
    const runAll = async (): Promise<CliResult[]> => {
      if (order === 'at-once') return Promise.all([0, 1, 2].map(tapRun));
      const media = [1, 2].map(tapRun);
      await new Promise((r) => setTimeout(r, 1500));
      const sip = await tapRun(0);
      return [sip, ...(await Promise.all(media))];
    };
    const runs = await runAll().finally(() => nats?.stop());
    for (const r of runs) expect(r.status, r.stderr).toBe(0);
    const all = Buffer.concat([0, 1, 2].map((i) => allOutputBytes(join(d, `${tag}${i}`))));
    for (const m of markers(name)) expect(all.includes(Buffer.from(m)), `non-target marker in an output`).toBe(false);
    return { single: pdus(join(d, 'single')), union: (view) => [0, 1, 2].flatMap((i) => pdus(join(d, `${tag}${i}`), view)).sort() };
  };
  /** `want` less `got` and `got` less `want`, as multisets. */
  const difference = (want: readonly string[], got: readonly string[]): { missing: string[]; extra: string[] } => {
    const left = new Map<string, number>();
    for (const x of got) left.set(x, (left.get(x) ?? 0) + 1);
    const missing: string[] = [];
    for (const x of want) {
      const n = left.get(x) ?? 0;
      if (n > 0) left.set(x, n - 1);
      else missing.push(x);
    }
    return { missing, extra: [...left].flatMap(([x, n]) => Array<string>(n).fill(x)) };
  };
  for (const order of ['at-once', 'sip-last'] as const) {
    for (const name of SPLIT) {
      it(`splitter (${order}): ${name} on three taps: the X3 PDUs of one tap (XID, correlation ID, direction, attributes, payload); non-target sessions nowhere`, async () => {
        const d = join(dir, `split-${name}`);
        const { single, union } = await splitRun(name, d, true, order);
        expect(single.length).toBeGreaterThan(0);
        expect(union('x3').length).toBeGreaterThan(0);
        // Every field of every X3 PDU but the sequence number: the correlation ID is the SIP tap's.
        const x3Full = (l: string[]) => l.filter((x) => (JSON.parse(x) as PduKey).type === 2);
        expect(x3Full(union('full'))).toEqual(x3Full(single));
      }, 120_000);
      it(`splitter (${order}): ${name} on three taps: the union of all X2 and X3 PDUs is the single tap's`, async () => {
        const d = join(dir, `split-${name}`);
        const { single, union } = await splitRun(name, d, true, order);
        const { missing, extra } = difference(single, union('full'));
        expect(extra).toEqual([]);
        expect(missing).toEqual([]);
      }, 120_000);
    }
  }
  // The control: the same split WITHOUT the bus must not give the full equality, else the
  // checks above would not show that triggering did anything.
  for (const name of SPLIT) {
    it(`splitter control: ${name} on three taps without the bus is not the single tap`, async () => {
      const d = join(dir, `split-${name}`);
      const { single, union } = await splitRun(name, d, false);
      expect(union('full')).not.toEqual(single);
    }, 120_000);
  }
});
