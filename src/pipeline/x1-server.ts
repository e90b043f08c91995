/**
 * The tap's X1 endpoint (ETSI TS 103 221-1 clause 5: the NE is the HTTP server for ADMF→NE
 * requests): HTTPS with mutual TLS, `POST /X1/NE`, XML body. The ADMF's identity is its client
 * certificate's (CN and SAN DNS/URI names), chained to `--x1-ca` only (the system roots are not
 * used); requests whose admfIdentifier is not that identity get 1030 (src/x1/x1-handler.ts).
 *
 * HTTP level (X1 errors travel in 200, clause 5): other paths 404, other methods 405, a body
 * above 1 MiB 413, at most MAX_CONNECTIONS connections and REQUEST_TIMEOUT_MS per request.
 *
 * A change is applied in this order, within one turn of the event loop (so 50 concurrent
 * requests are applied one after the other): handle → apply the TaskSet to the running pipeline
 * (`onTasks`: the SIGHUP path, correlator and delivery output) → write the state file (durable)
 * → commit → answer. If applying or writing fails, the pipeline is put back on the previous
 * tasks and the ADMF gets HTTP 500: an acknowledged change is never lost by a restart, and a
 * change the pipeline did not take is never acknowledged.
 *
 * Logs: per message the admfIdentifier, type, XID/DID and result; never target identifiers.
 */
import type { Logger } from '../core/log.js';
import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { ConfigError } from '../core/errors.js';
import type { TaskSet } from '../correlate/index.js';
import { loadTlsMaterial, MIN_TLS_VERSION, type TlsMaterial } from '../deliver/tls-material.js';
import type { LiRecord } from '../records/li-record.js';
import { X1Handler, type TaskCounters } from '../x1/x1-handler.js';
import type { X1Error } from '../x1/x1-model.js';
import { toTaskSet, type DestinationTls } from '../x1/x1-state.js';
import { X1StateFile } from './x1-state-file.js';
import { X1Reporter } from './x1-reporter.js';
import { X1ReportMonitor } from '../x1/x1-report-monitor.js';
import type { LinkStats } from '../deliver/destination-link.js';

export const X1_PATH = '/X1/NE';
export const MAX_BODY_BYTES = 1 << 20;
const MAX_CONNECTIONS = 64;
const REQUEST_TIMEOUT_MS = 30_000;

export interface X1ServiceOptions {
  readonly host: string;
  readonly port: number;
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
  /** Default: the CN of `cert`. */
  readonly neIdentifier?: string;
  readonly stateDir: string;
  /** The --tasks file, if any: loaded first, X1 changes apply on top. */
  readonly baseTasks?: TaskSet;
  /** TLS files for links to destinations created over X1 (null: plain TCP). */
  readonly destinationTls: DestinationTls;
  readonly log: Logger;
  readonly maxBodyBytes?: number;
  /** NE→ADMF reports (./x1-reporter.ts): the ADMF's URL and the admfIdentifier to address. */
  readonly reports?: { readonly url: string; readonly admfIdentifier: string; readonly keepaliveTimeoutMs: number; readonly periodMs?: number; readonly retryMinMs?: number };
}

/** Runtime state the reports and TaskStatus read (set by the run command once the outputs exist). */
export interface X1StatusSources {
  readonly links?: () => readonly LinkStats[];
  readonly maxSpoolBytes?: number;
  readonly captureDropped?: () => number | undefined;
}

/** The identities a peer certificate vouches for: subject CN(s), then SAN DNS and URI names. */
export function certificateIdentities(c: { subject?: object; subjectaltname?: string | undefined } | undefined): string[] {
  if (c === undefined || c.subject === undefined) return [];
  const cn = (c.subject as Record<string, string | string[] | undefined>).CN;
  const out = cn === undefined ? [] : Array.isArray(cn) ? [...cn] : [cn];
  for (const part of (c.subjectaltname ?? '').split(', ')) {
    const m = /^(DNS|URI):(.+)$/.exec(part);
    if (m !== null) out.push(m[2]!);
  }
  return out;
}

/** The CN of a PEM certificate (the default neIdentifier). */
function commonName(pem: Buffer, path: string): string {
  const subject = new X509Certificate(pem).subject;
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(subject)?.[1];
  if (cn === undefined) throw new ConfigError(`--x1-cert ${path} has no CN`, 'give --x1-ne-id ID');
  return cn;
}

export class X1Service {
  readonly neIdentifier: string;
  /** The tasks to start the pipeline with: the tasks file's plus the stored X1 ones. */
  readonly initialTasks: TaskSet;
  private readonly handler: X1Handler;
  private readonly stateFile: X1StateFile;
  private readonly tls: TlsMaterial;
  private server: Server | undefined;
  private onTasks: (ts: TaskSet) => void = () => {};
  /** Per XID, from the records (TaskStatus counters); only XIDs of provisioned tasks. */
  private readonly counters = new Map<string, { x2: number; x3: number; lastTs?: number }>();
  private sources: X1StatusSources = {};
  private readonly monitor = new X1ReportMonitor();
  private reporter: X1Reporter | undefined;
  private monitorTimer: NodeJS.Timeout | undefined;
  /** NE faults currently reported (GetNEStatus): the monitor's latest FaultReport reports. */
  private neFaultList: X1Error[] = [];

  /**
   * Loads the TLS material and the stored state; everything wrong fails here, before capture.
   * @throws ConfigError (files, damaged or unusable state)
   */
  constructor(private readonly o: X1ServiceOptions) {
    this.tls = loadTlsMaterial({ cert: o.cert, key: o.key, ca: o.ca }, 'X1 server (--x1-cert/--x1-key/--x1-ca)');
    this.neIdentifier = o.neIdentifier ?? commonName(this.tls.cert, o.cert);
    this.stateFile = new X1StateFile(o.stateDir);
    const state = this.stateFile.load();
    const ts = toTaskSet(state, o.destinationTls, o.baseTasks);
    if ('code' in ts) throw new ConfigError(`${this.stateFile.path}: the stored X1 tasks cannot run: ${ts.description} (X1 error ${ts.code})`, 'fix the tasks file (--tasks) or move the state file away');
    this.initialTasks = ts;
    this.handler = new X1Handler(
      {
        neIdentifier: this.neIdentifier,
        destinationTls: o.destinationTls,
        ...(o.baseTasks !== undefined ? { baseTasks: o.baseTasks } : {}),
        counters: (xid) => this.counters.get(xid) as TaskCounters | undefined,
        destinationFaulty: (did) => this.sources.links?.().some((l) => l.did === did && l.state !== 'up') === true,
        neFaults: () => this.neFaultList,
      },
      state,
    );
    if (state.tasks.size + state.destinations.size > 0) o.log.log('info', 'x1.state_loaded', { path: this.stateFile.path, tasks: [...state.tasks.keys()], destinations: [...state.destinations.keys()] });
  }

  /** Where task changes go (correlator and delivery output, as SIGHUP does). */
  setTaskSink(fn: (ts: TaskSet) => void): void {
    this.onTasks = fn;
  }

  /**
   * A reloaded tasks file (SIGHUP) under the X1 tasks: the merged TaskSet to apply.
   * @throws ConfigError when the file now conflicts with the X1 tasks (same XID, DID or LIID).
   */
  rebase(base: TaskSet): TaskSet {
    const ts = this.handler.setBaseTasks(base);
    if ('code' in ts) throw new ConfigError(`the tasks file conflicts with the X1-provisioned tasks: ${ts.description}`, 'use other XIDs/DIDs/LIIDs in the file, or deactivate the X1 task');
    return ts;
  }

  /** Runtime status for TaskStatus, DestinationStatus and the reports. */
  setStatusSources(s: X1StatusSources): void {
    this.sources = s;
  }

  /** One look at the runtime state: reports to send, tasks to deactivate implicitly. */
  monitorTick(nowMs = Date.now()): void {
    const tasks = [...this.handler.current.tasks.values()].map(({ details: t }) => {
      const m = t.listOfMediationDetails?.[0];
      return { xid: t.xId, ...(m?.endTime !== undefined ? { endTime: m.endTime } : {}), ...(t.implicitDeactivationAllowed !== undefined ? { implicitDeactivationAllowed: t.implicitDeactivationAllowed } : {}), dids: t.listOfDIDs };
    });
    const dropped = this.sources.captureDropped?.();
    const out = this.monitor.check({
      nowMs,
      tasks,
      links: (this.sources.links?.() ?? []).map((l) => ({ did: l.did, up: l.state === 'up', refusedPdus: l.refusedPdus, spooledBytes: l.spooledBytes })),
      ...(this.sources.maxSpoolBytes !== undefined ? { maxSpoolBytes: this.sources.maxSpoolBytes } : {}),
      ...(dropped !== undefined ? { captureDropped: dropped } : {}),
      ...(this.handler.lastKeepaliveMs !== undefined ? { lastKeepaliveMs: this.handler.lastKeepaliveMs } : {}),
      keepaliveTimeoutMs: this.o.reports?.keepaliveTimeoutMs ?? Infinity,
    });
    for (const r of out.reports) {
      if (r.type !== 'ReportNEIssue' || r.issueCode === undefined) continue;
      this.neFaultList = this.neFaultList.filter((f) => f.code !== r.issueCode);
      if (r.typeOfNeIssueMessage === 'FaultReport') this.neFaultList.push({ code: r.issueCode, description: r.description });
    }
    for (const xid of out.deactivate) {
      const d = this.handler.withoutTask(xid);
      if (d === undefined) continue;
      // Interception past endTime stops first, whatever happens to the state file: a task whose
      // endTime passed is deactivated again at the next check after a restart.
      try {
        this.onTasks(d.taskSet);
      } catch (e) {
        this.o.log.log('error', 'x1.tasks_not_applied', { xid, reason: (e as Error).message });
        continue;
      }
      try {
        this.stateFile.save(d.next);
      } catch (e) {
        this.o.log.log('error', 'x1.state_write_failed', { xid, reason: (e as Error).message });
      }
      this.handler.commit(d.next);
      this.o.log.log('info', 'x1.implicit_deactivation', { xid });
    }
    this.reporter?.enqueue(out.reports.filter((r) => r.type !== 'ReportTaskIssue' || r.taskReportType !== 'ImplicitDeactivation' || out.deactivate.includes(r.xId)));
  }

  /** Counts a record for its task's TaskStatus (amountOfX2Data/X3Data, timeOfLastIntercept). */
  onRecord(r: LiRecord): void {
    const xid = r.task.xid;
    let c = this.counters.get(xid);
    if (c === undefined) {
      if (!this.handler.current.tasks.has(xid)) return;
      c = { x2: 0, x3: 0 };
      this.counters.set(xid, c);
    }
    if (r.kind === 'iri') c.x2++;
    else c.x3++;
    c.lastTs = r.network.tsSec + r.network.tsNsec / 1e9;
  }

  /** Starts listening; resolves with the bound address (port 0 = any free port). */
  async listen(): Promise<{ host: string; port: number }> {
    const server = createServer(
      {
        cert: this.tls.cert,
        key: this.tls.key,
        ca: this.tls.ca!,
        requestCert: true,
        rejectUnauthorized: true,
        minVersion: MIN_TLS_VERSION,
        requestTimeout: REQUEST_TIMEOUT_MS,
        headersTimeout: REQUEST_TIMEOUT_MS / 2,
      },
      (req, res) => this.request(req, res),
    );
    server.maxConnections = MAX_CONNECTIONS;
    // A failed handshake (other CA, no certificate) is the client's problem: logged, no crash.
    server.on('tlsClientError', (e) => this.o.log.log('warn', 'x1.tls_refused', { reason: (e as NodeJS.ErrnoException).code ?? e.message }));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port, this.o.host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((e: unknown) => {
      throw new ConfigError(`--x1-listen: cannot listen on ${this.o.host}:${this.o.port}: ${(e as Error).message}`);
    });
    const a = server.address();
    const port = typeof a === 'object' && a !== null ? a.port : this.o.port;
    if (this.o.reports !== undefined) {
      this.reporter = new X1Reporter({
        url: this.o.reports.url,
        tls: this.tls,
        admfIdentifier: this.o.reports.admfIdentifier,
        neIdentifier: this.neIdentifier,
        log: this.o.log,
        ...(this.o.reports.retryMinMs !== undefined ? { retryMinMs: this.o.reports.retryMinMs } : {}),
      });
    }
    // Implicit deactivation runs with or without an ADMF to report to.
    this.monitorTimer = setInterval(() => this.monitorTick(), this.o.reports?.periodMs ?? 1000);
    this.monitorTimer.unref();
    this.o.log.log('info', 'x1.listening', { host: this.o.host, port, path: X1_PATH, neIdentifier: this.neIdentifier, stateDir: this.o.stateDir });
    return { host: this.o.host, port };
  }

  async close(): Promise<void> {
    if (this.monitorTimer !== undefined) clearInterval(this.monitorTimer);
    this.monitorTimer = undefined;
    this.reporter?.close();
    const s = this.server;
    if (s === undefined) return;
    this.server = undefined;
    await new Promise<void>((r) => {
      s.close(() => r());
      s.closeAllConnections();
    });
  }

  private request(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== X1_PATH) return void this.status(res, 404);
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return void this.status(res, 405);
    }
    const cap = this.o.maxBodyBytes ?? MAX_BODY_BYTES;
    if (Number(req.headers['content-length'] ?? 0) > cap) return void this.status(res, 413, true);
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (c: Buffer) => {
      if (refused) return;
      size += c.length;
      if (size > cap) {
        refused = true;
        this.status(res, 413, true);
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      if (refused) return;
      const peer = certificateIdentities((req.socket as TLSSocket).getPeerCertificate());
      this.answer(Buffer.concat(chunks), peer, res);
    });
  }

  private answer(body: Uint8Array, peer: readonly string[], res: ServerResponse): void {
    const out = this.handler.handle(body, peer);
    for (const l of out.log) this.o.log.log(l.result === 'ok' ? 'info' : 'warn', 'x1.request', { ...l });
    if (out.next !== undefined) {
      // The running pipeline, the durable state and the answer must agree: the change is applied
      // first, then persisted, and answered OK only when both succeeded. A failure on either side
      // puts the running pipeline back on the previous tasks and answers 500, so the ADMF never
      // believes a DeactivateTask took effect while interception goes on (or the reverse).
      const before = this.handler.taskSet();
      const rollBack = (): void => {
        if ('code' in before) return;
        try {
          this.onTasks(before);
        } catch (e) {
          this.o.log.log('error', 'x1.rollback_failed', { reason: (e as Error).message });
        }
      };
      if (out.taskSet !== undefined) {
        try {
          this.onTasks(out.taskSet);
        } catch (e) {
          this.o.log.log('error', 'x1.tasks_not_applied', { reason: (e as Error).message });
          rollBack();
          return void this.status(res, 500);
        }
      }
      try {
        this.stateFile.save(out.next);
      } catch (e) {
        this.o.log.log('error', 'x1.state_write_failed', { path: this.stateFile.path, reason: (e as Error).message });
        if (out.taskSet !== undefined) rollBack();
        return void this.status(res, 500);
      }
      this.handler.commit(out.next);
      if (out.taskSet !== undefined) this.o.log.log('info', 'x1.tasks_applied', { tasks: out.taskSet.tasks.map((t) => t.xid), destinations: out.taskSet.destinations.map((d) => d.did) });
    }
    res.writeHead(200, { 'Content-Type': 'application/xml; charset=utf-8' });
    res.end(out.xml);
  }

  private status(res: ServerResponse, code: number, close = false): void {
    if (res.headersSent) return;
    res.writeHead(code, close ? { Connection: 'close' } : {});
    res.end();
  }
}
