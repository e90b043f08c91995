/**
 * Opening the trigger bus: a NATS connection (@nats-io/transport-node) with the operator's
 * credentials and TLS, and the JetStream KV bucket of the triggers (issue 15).
 *
 * Credentials (`--bus-creds FILE`, owner-only: refused when group or others may read it):
 * either a NATS credentials file (`nsc` output: a user JWT and its NKey seed, the
 * `-----BEGIN NATS USER JWT-----` form) or JSON `{"user": "...", "password": "..."}`. TLS:
 * `--bus-tls-ca` (the server's CA, PEM), `--bus-tls-cert`/`--bus-tls-key` (client certificate
 * for servers that verify clients). The client reconnects by itself forever (maxReconnectAttempts
 * -1); an authentication failure at start is a ConfigError with the server's reason.
 */
import { readFileSync, type Stats, statSync } from 'node:fs';
import { StorageType } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, credsAuthenticator, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { ConfigError, IoError } from '../core/errors.js';

/** Bucket of the triggers, one key per trigger: `<tapId>.<xId>` (./trigger-bus.ts triggerKey). */
export const TRIGGER_BUCKET = 'msrptap-triggers';

export interface BusConnectOptions {
  /** `nats://HOST:PORT` (several comma-separated servers of one cluster allowed). */
  readonly url: string;
  /** Names the connection on the server (monitoring): the tap id. */
  readonly name: string;
  readonly credsFile?: string;
  readonly tlsCa?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  /** Bucket max age (ms): a trigger nobody updates expires, so a crashed TF's triggers go. */
  readonly retentionMs: number;
  readonly bucket?: string;
  /** How long the first connection may take (ms). */
  readonly timeoutMs?: number;
}

/** Reads a secret file: it must be a regular file only its owner may read. */
function readSecret(path: string, flag: string): Uint8Array {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    throw new IoError(`${flag}: cannot read ${path}: ${(e as Error).message}`, path, undefined, { cause: e });
  }
  if (!st.isFile()) throw new ConfigError(`${flag}: ${path} is not a regular file`);
  if ((st.mode & 0o077) !== 0) throw new ConfigError(`${flag}: ${path} may be read by others (mode ${(st.mode & 0o777).toString(8)})`, `chmod 600 ${path}`);
  return readFileSync(path);
}

/** The authentication options from `--bus-creds`. */
export function busAuth(credsFile: string | undefined): Pick<NodeConnectionOptions, 'authenticator' | 'user' | 'pass'> {
  if (credsFile === undefined) return {};
  const raw = readSecret(credsFile, '--bus-creds');
  const text = new TextDecoder().decode(raw);
  if (text.includes('-----BEGIN NATS USER JWT-----')) return { authenticator: credsAuthenticator(raw) };
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    throw new ConfigError(`--bus-creds: ${credsFile} is neither a NATS credentials file nor JSON {"user", "password"}`);
  }
  const o = j as { user?: unknown; password?: unknown };
  if (typeof o.user !== 'string' || o.user === '' || typeof o.password !== 'string') throw new ConfigError(`--bus-creds: ${credsFile}: JSON needs string "user" and "password"`);
  return { user: o.user, pass: o.password };
}

function servers(url: string): string[] {
  const list = url.split(',').map((s) => s.trim());
  for (const s of list) if (!/^(nats|tls):\/\/[^\s/]+:\d{1,5}$/.test(s)) throw new ConfigError(`--bus must be nats://HOST:PORT, got "${s}"`);
  return list;
}

/** Connects and opens (creating if absent) the trigger bucket. */
export async function openTriggerBus(o: BusConnectOptions): Promise<{ nc: NatsConnection; kv: KV }> {
  const tls = o.tlsCa !== undefined || o.tlsCert !== undefined || o.tlsKey !== undefined;
  if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) throw new ConfigError('--bus-tls-cert and --bus-tls-key go together');
  const opts: NodeConnectionOptions = {
    servers: servers(o.url),
    name: o.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    timeout: o.timeoutMs ?? 5000,
    ...busAuth(o.credsFile),
    ...(tls
      ? {
          tls: {
            ...(o.tlsCa !== undefined ? { caFile: o.tlsCa } : {}),
            ...(o.tlsCert !== undefined ? { certFile: o.tlsCert, keyFile: o.tlsKey! } : {}),
          },
        }
      : {}),
  };
  let nc: NatsConnection;
  try {
    nc = await connect(opts);
  } catch (e) {
    const m = (e as Error).message;
    if (/authori[sz]ation|authentication|user|permission/i.test(m)) throw new ConfigError(`--bus: the NATS server refused the credentials: ${m}`, 'check --bus-creds');
    throw new ConfigError(`--bus: cannot connect to ${o.url}: ${m}`);
  }
  try {
    // File storage: the triggers survive a NATS restart (a media tap restarting later still finds them).
    const kv = await new Kvm(nc).create(o.bucket ?? TRIGGER_BUCKET, { history: 1, ttl: o.retentionMs, storage: StorageType.File });
    return { nc, kv };
  } catch (e) {
    await nc.close().catch(() => undefined);
    throw new ConfigError(`--bus: cannot open the JetStream KV bucket ${o.bucket ?? TRIGGER_BUCKET} (is JetStream on, -js?): ${(e as Error).message}`);
  }
}
