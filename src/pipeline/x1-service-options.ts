/**
 * The X1 endpoint of a run (ETSI TS 103 221-1; ./x1-server.ts) built from the `run` flags
 * (src/cli/x1-options.ts): their consistency checks, and the service.
 */
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { TaskSet } from './load-tasks.js';
import type { X1Service } from './x1-server.js';

export interface X1Options {
  x1Listen?: string;
  x1Cert?: string;
  x1Key?: string;
  x1Ca?: string;
  x1NeId?: string;
  stateDir?: string;
  x1DestCert?: string;
  x1DestKey?: string;
  x1DestCa?: string;
  x1Admf?: string;
  x1AdmfId?: string;
  x1KeepaliveTimeout?: number;
}

/** Splits `host:port` / `[v6]:port` (port 0..65535). */
function listenAddress(a: string): { host: string; port: number } {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]]+)):([0-9]{1,5})$/.exec(a.trim());
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || !(port >= 0 && port <= 65535)) throw new ConfigError(`--x1-listen must be HOST:PORT, got "${a}"`, 'e.g. --x1-listen 127.0.0.1:8443 (IPv6 as [::1]:8443)');
  return { host: m[1] ?? m[2]!, port };
}

/**
 * The X1 service of these options, or undefined without --x1-listen. Checks the flags and
 * loads certificates and the stored state now (before any capture). The service (and its XML
 * parser) is imported only when configured: a run without X1 does not load it (start-up CPU
 * in every run, docs/performance.md).
 */
export async function createX1Service(o: X1Options, base: TaskSet | undefined, log: Logger): Promise<X1Service | undefined> {
  const others = [o.x1Cert, o.x1Key, o.x1Ca, o.x1NeId, o.stateDir, o.x1DestCert, o.x1DestKey, o.x1DestCa, o.x1Admf, o.x1AdmfId];
  if (o.x1Listen === undefined) {
    if (others.some((x) => x !== undefined)) throw new ConfigError('--x1-cert/--x1-key/--x1-ca/--x1-ne-id/--state-dir/--x1-dest-* configure the X1 endpoint: give --x1-listen HOST:PORT too');
    return undefined;
  }
  const { host, port } = listenAddress(o.x1Listen);
  if (o.x1Cert === undefined || o.x1Key === undefined || o.x1Ca === undefined) throw new ConfigError('--x1-listen needs --x1-cert, --x1-key and --x1-ca (X1 runs over mutual TLS only)');
  if (o.stateDir === undefined) throw new ConfigError('--x1-listen needs --state-dir DIR', 'tasks provisioned over X1 must survive a restart: give a folder for them');
  if ((o.x1DestCert === undefined) !== (o.x1DestKey === undefined)) throw new ConfigError('--x1-dest-cert and --x1-dest-key go together');
  if (o.x1DestCa !== undefined && o.x1DestCert === undefined) throw new ConfigError('--x1-dest-ca needs --x1-dest-cert and --x1-dest-key (mutual TLS)');
  if ((o.x1Admf === undefined) !== (o.x1AdmfId === undefined)) throw new ConfigError('--x1-admf and --x1-admf-id go together (where the reports go, and whom they are addressed to)');
  let reportUrl: URL | undefined;
  if (o.x1Admf !== undefined) {
    try {
      reportUrl = new URL(o.x1Admf);
    } catch {
      throw new ConfigError(`--x1-admf must be a URL such as https://10.0.0.5:8444, got "${o.x1Admf}"`);
    }
    if (reportUrl.protocol !== 'https:') throw new ConfigError('--x1-admf must be an https:// URL (X1 runs over mutual TLS only)');
    if (reportUrl.pathname === '/' || reportUrl.pathname === '') reportUrl.pathname = '/X1/ADMF';
  }
  const destinationTls = o.x1DestCert === undefined ? null : { cert: o.x1DestCert, key: o.x1DestKey!, ...(o.x1DestCa !== undefined ? { ca: o.x1DestCa } : {}) };
  const { X1Service } = await import('./x1-server.js');
  return new X1Service({
    host,
    port,
    cert: o.x1Cert,
    key: o.x1Key,
    ca: o.x1Ca,
    ...(o.x1NeId !== undefined ? { neIdentifier: o.x1NeId } : {}),
    stateDir: o.stateDir,
    ...(base !== undefined ? { baseTasks: base } : {}),
    destinationTls,
    log,
    ...(reportUrl !== undefined ? { reports: { url: reportUrl.toString(), admfIdentifier: o.x1AdmfId!, keepaliveTimeoutMs: (o.x1KeepaliveTimeout ?? 180) * 1000 } } : {}),
  });
}
