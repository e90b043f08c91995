/**
 * Debian's nats-server for the trigger-bus tests (issue 15): JetStream on (`-js`) with its store
 * in a temporary folder, on a free loopback port, optionally with a user and password. Restart
 * keeps the port and the store (a NATS restart mid-run).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NATS_SERVER = '/usr/sbin/nats-server';

/** Why the NATS tests are skipped here, or undefined when they can run. */
export function natsServerMissing(): string | undefined {
  return existsSync(NATS_SERVER) ? undefined : `${NATS_SERVER} is not installed (Debian package nats-server)`;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((r) => {
    const c = tcpConnect(port, '127.0.0.1');
    c.once('data', () => {
      c.destroy();
      r(true);
    });
    c.once('error', () => r(false));
  });
}

export interface NatsServerOptions {
  readonly user?: string;
  readonly password?: string;
  /** nats.conf text (users, permissions); the port, address, JetStream and its store stay the helper's. */
  readonly config?: string;
}

export class NatsServer {
  private proc: ChildProcess | undefined;
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'msrptap-nats-'));
  stderr = '';

  private constructor(
    readonly port: number,
    private readonly o: NatsServerOptions,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(o: NatsServerOptions = {}): Promise<NatsServer> {
    const s = new NatsServer(await freePort(), o);
    await s.startProcess();
    return s;
  }

  private async startProcess(): Promise<void> {
    const args = ['-js', '-sd', this.storeDir, '-a', '127.0.0.1', '-p', String(this.port)];
    if (this.o.user !== undefined) args.push('--user', this.o.user, '--pass', this.o.password ?? '');
    if (this.o.config !== undefined) {
      const conf = join(this.storeDir, 'nats.conf');
      writeFileSync(conf, this.o.config, { mode: 0o600 });
      args.push('-c', conf);
    }
    const p = spawn(NATS_SERVER, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    p.stderr!.on('data', (b: Buffer) => {
      this.stderr = (this.stderr + b.toString()).slice(-8000);
    });
    this.proc = p;
    // The server sends INFO as soon as it accepts a connection.
    for (let i = 0; i < 100; i++) {
      if (p.exitCode !== null) throw new Error(`nats-server exited ${p.exitCode}: ${this.stderr}`);
      if (await accepts(this.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`nats-server did not accept on ${this.port}: ${this.stderr}`);
  }

  /** Kills the server (SIGKILL: a crash, not a clean shutdown) and waits for its exit. */
  async kill(): Promise<void> {
    const p = this.proc;
    if (p === undefined || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
    this.proc = undefined;
  }

  /** Starts it again on the same port with the same store. */
  async restart(): Promise<void> {
    await this.kill();
    await this.startProcess();
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
