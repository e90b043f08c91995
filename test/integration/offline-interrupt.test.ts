/**
 * An offline `run` stopped by SIGINT/SIGTERM drains like a live run (src/cli/stop-signals.ts):
 * the capture arrives on standard input and stops half-way with the pipe still open (a silent
 * writer: the tap must not sit in a blocking read), then the signal. Expected: exit 130/143,
 * the sessions closed with their release records, every manifest and audit.json written and
 * marked "interrupted", the files byte-identical to a run over the same frames read to their
 * end, and `verify` saying "interrupted" while the checks of the files themselves pass.
 */
import { execSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { custodyManifestSchema } from '../../src/audit/custody-manifest-schema.js';
import { ROOT, runCli } from '../helpers/run-cli.js';

const MAIN = join(ROOT, 'src/cli/main.ts');
const SAMPLE = join(ROOT, 'samples/pcap/chat-tcp-sip.pcap');
const TASKS = join(ROOT, 'samples/tasks/chat-tcp-sip.tasks.json');
const LIID = 'LIID-DE-0002';
const tmp = mkdtempSync(join(tmpdir(), 'msrptap-int-'));

/** The first records of the sample up to `minBytes` (whole records), as a capture of its own. */
function prefix(minBytes: number): Buffer {
  const b = readFileSync(SAMPLE);
  let off = 24;
  while (off < minBytes) off += 16 + b.readUInt32LE(off + 8);
  return b.subarray(0, off);
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Runs `run -r - ARGS`, writes `head` and keeps the pipe open; once records appear, sends `sig`
 * (and `again` ms later the same signal once more, when given).
 */
async function interrupted(head: Buffer, out: string, sig: NodeJS.Signals, extra: string[] = [], again?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; ms: number }> {
  const p = spawn(process.execPath, ['--import', 'tsx', MAIN, 'run', '-r', '-', '--tasks', extra.length > 0 ? extra[0]! : TASKS, '--out', out, ...extra.slice(1)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  p.stdin.write(head);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => p.on('exit', (code, signal) => resolve({ code, signal })));
  try {
    await waitFor(() => existsSync(join(out, LIID, 'x2x3.pdu')), 60_000).catch((e: unknown) => {
      throw new Error(`${(e as Error).message} waiting for the first records; stderr: ${stderr}; ${execSync(`ps -o pid,stat,wchan:20,etime,cmd --ppid ${process.pid}; ls -laR ${out} 2>&1 || true`).toString()}`);
    });
    // The frames written so far are read; the writer stays silent with the pipe open.
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    p.kill(sig);
    if (again !== undefined) setTimeout(() => p.kill(sig), again);
    const r = await exited;
    return { ...r, stderr, ms: Date.now() - t0 };
  } finally {
    p.stdin.destroy();
    p.kill('SIGKILL');
  }
}

describe('offline run stopped by a signal', () => {
  // The CLI once, so that the timed runs below do not include tsx compiling the sources.
  beforeAll(() => {
    expect(runCli(['--version']).status).toBe(0);
  }, 120_000);

  it('SIGINT: drains, marks the outputs interrupted, exits 130; the files equal a run over the same frames', async () => {
    const head = prefix(3000);
    const out = join(tmp, 'sigint');
    const r = await interrupted(head, out, 'SIGINT');
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(130);
    expect(r.ms).toBeLessThan(10_000);
    expect(r.stderr).toMatch(/"event":"run.interrupted"[^\n]*"signal":"SIGINT"/);

    const manifest = JSON.parse(readFileSync(join(out, LIID, 'manifest.json'), 'utf8'));
    expect(custodyManifestSchema.safeParse(manifest).success).toBe(true);
    expect(manifest.interrupted).toBe(true);
    const audit = JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8'));
    expect(audit.interrupted).toBe(true);
    expect(audit.sessions).toHaveLength(1);
    expect(existsSync(join(out, '.audit-spool'))).toBe(false);

    // The same frames read to their end (the sessions closed by the end of input, not the signal).
    const part = join(tmp, 'part.pcap');
    writeFileSync(part, head);
    const ref = join(tmp, 'ref');
    const full = runCli(['run', '-r', part, '--tasks', TASKS, '--out', ref]);
    expect(full.status, full.stderr).toBe(0);
    for (const f of ['x2x3.pdu', 'hi2.ber', 'records.pb']) expect(readFileSync(join(out, LIID, f)).equals(readFileSync(join(ref, LIID, f))), f).toBe(true);
    const { interrupted: _i, ...rest } = audit;
    expect(rest).toEqual(JSON.parse(readFileSync(join(ref, 'audit.json'), 'utf8')));

    // verify: "interrupted" said clearly; the files check out as far as they go.
    const v = runCli(['verify', '--out', out, '-r', part, '--tasks', TASKS]);
    expect(v.status, v.stderr).toBe(1);
    expect(v.stdout).toMatch(/FAIL {2}manifest +the run was interrupted by a stop signal before the end of its input/);
    for (const check of ['chain', 'decode', 'sequence', 'reproduce', 'non-target']) expect(v.stdout).toMatch(new RegExp(`ok {4}${check} `));
  }, 180_000);

  it('a writer that sends part of the file header and goes quiet: SIGINT still ends the run at once (exit 130)', async () => {
    for (const [name, head] of [
      ['pcap', readFileSync(SAMPLE).subarray(0, 10)],
      // pcapng: type, total length 28, byte-order magic, and then nothing.
      ['pcapng', Buffer.from('0a0d0d0a1c0000004d3c2b1a', 'hex')],
    ] as const) {
      const out = join(tmp, `partial-header-${name}`);
      const p = spawn(process.execPath, ['--import', 'tsx', MAIN, 'run', '-r', '-', '--tasks', TASKS, '--out', out], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => p.on('exit', (code) => resolve(code)));
      try {
        p.stdin.write(head);
        // Started and waiting on the header (tsx compiled the sources in beforeAll).
        await new Promise((r) => setTimeout(r, 3000));
        p.kill('SIGINT');
        const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('still running 10 s after SIGINT'), 10_000))]);
        expect(code, `${name}: ${stderr}`).toBe(130);
      } finally {
        p.stdin.destroy();
        p.kill('SIGKILL');
      }
    }
  }, 60_000);

  it('SIGTERM: exit 143, outputs marked interrupted', async () => {
    const out = join(tmp, 'term');
    const r = await interrupted(prefix(3000), out, 'SIGTERM');
    expect(r.code, r.stderr).toBe(143);
    expect(JSON.parse(readFileSync(join(out, LIID, 'manifest.json'), 'utf8')).interrupted).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')).interrupted).toBe(true);
  }, 180_000);

  it("without a signal, standard input read to its end gives exactly the file's outputs (exit 0)", () => {
    const viaFile = join(tmp, 'file');
    const viaStdin = join(tmp, 'stdin');
    expect(runCli(['run', '-r', SAMPLE, '--tasks', TASKS, '--out', viaFile]).status).toBe(0);
    const r = runCli(['run', '-r', '-', '--tasks', TASKS, '--out', viaStdin], { input: readFileSync(SAMPLE), timeoutMs: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    for (const f of [join(LIID, 'x2x3.pdu'), join(LIID, 'hi2.ber'), join(LIID, 'hi3.ber'), join(LIID, 'records.pb'), 'audit.json']) expect(readFileSync(join(viaStdin, f)).equals(readFileSync(join(viaFile, f))), f).toBe(true);
    expect(JSON.parse(readFileSync(join(viaStdin, LIID, 'manifest.json'), 'utf8')).interrupted).toBeUndefined();
  }, 120_000);

  describe('with a destination that never acknowledges (nothing listens on 127.0.0.1:9)', () => {
    const DID = '11111111-2222-4333-8444-555555555555';
    const tasksWithDestination = (): string => {
      const t = JSON.parse(readFileSync(TASKS, 'utf8')) as { tasks: Record<string, unknown>[]; destinations?: unknown[] };
      t.destinations = [{ did: DID, address: '127.0.0.1:9' }];
      for (const task of t.tasks) task.listOfDids = [DID];
      const p = join(tmp, 'tasks-dest.json');
      writeFileSync(p, JSON.stringify(t));
      return p;
    };

    it('the drain after the signal gives the destination seconds, not --drain-timeout; the spool keeps the PDUs', async () => {
      const spool = join(tmp, 'spool-1');
      const r = await interrupted(prefix(3000), join(tmp, 'dest-1'), 'SIGINT', [tasksWithDestination(), '--deliver', '--spool-dir', spool, '--drain-timeout', '60']);
      expect(r.code, r.stderr).toBe(130);
      expect(r.ms).toBeLessThan(10_000);
      expect(r.stderr).toMatch(new RegExp(`"event":"delivery.summary","pid":\\d+,"did":"${DID}","acknowledgedPdus":0,"spooledPdus":[1-9]`));
    }, 180_000);

    it('a second signal during the drain aborts at once (exit 130, said on stderr)', async () => {
      const out = join(tmp, 'dest-2');
      const r = await interrupted(prefix(3000), out, 'SIGINT', [tasksWithDestination(), '--deliver', '--spool-dir', join(tmp, 'spool-2'), '--drain-timeout', '60'], 300);
      expect(r.code, r.stderr).toBe(130);
      expect(r.ms).toBeLessThan(2_500);
      expect(r.stderr).toMatch(/SIGINT again: aborting now; the outputs are incomplete and have no manifest/);
    }, 180_000);
  });
});
