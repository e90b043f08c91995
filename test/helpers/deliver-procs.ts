/**
 * Helpers for the delivery integration tests: msrptap processes spawned asynchronously (the
 * receiver and the tap run at the same time), waiting on conditions with a deadline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = resolve(ROOT, 'src/cli/main.ts');

export interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts the CLI from source (tsx), or with `dist: true` the built one (dist/cli/main.js, built by
 * test/global-setup.ts): only the built CLI runs its worker threads (src/pipeline/module-worker.ts).
 */
export function startCli(args: readonly string[], opts: { dist?: boolean } = {}): Proc {
  const argv = opts.dist === true ? [resolve(ROOT, 'dist/cli/main.js'), ...args] : ['--import', 'tsx', MAIN, ...args];
  const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString('utf8')));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts `msrptap receive` and resolves with its bound port once it listens. */
export async function startReceiver(out: string, port: number, tlsArgs: readonly string[] = []): Promise<{ proc: Proc; port: number }> {
  const proc = startCli(['receive', '--listen', `127.0.0.1:${port}`, '--out', out, ...tlsArgs]);
  await waitFor(() => /listening \S+:(\d+)/.test(proc.stdout()) || proc.child.exitCode !== null, 15_000, 'the receiver to listen');
  const m = /listening \S+:(\d+)/.exec(proc.stdout());
  if (m === null) throw new Error(`receiver did not start: ${proc.stderr()}`);
  return { proc, port: Number(m[1]) };
}

/** PDUs stored by the receiver so far (index lines over all XIDs). */
export function storedCount(rxDir: string): number {
  if (!existsSync(rxDir)) return 0;
  let n = 0;
  for (const x of readdirSync(rxDir)) {
    const idx = join(rxDir, x, 'index.jsonl');
    if (existsSync(idx))
      n += readFileSync(idx, 'utf8')
        .split('\n')
        .filter((l) => l !== '').length;
  }
  return n;
}

/** A pcap with a global header and no packets (a tap restarted only to replay its spool). */
export function emptyPcap(): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(0xa1b2c3d4, 0);
  b.writeUInt16LE(2, 4);
  b.writeUInt16LE(4, 6);
  b.writeUInt32LE(65535, 16);
  b.writeUInt32LE(1, 20);
  return b;
}
