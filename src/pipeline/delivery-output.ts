/**
 * `run --deliver`: each task's X2/X3 PDUs go to the destinations the tasks file names for it
 * (ETSI TS 103 221-1 X1 vocabulary: `destinations[]` = CreateDestination, per task `listOfDids`;
 * `x2Dids` / `x3Dids` override it for IRI / CC), through a durable spool and a keepalive-checked
 * link per destination (src/deliver/destination-link.ts documents the guarantee).
 *
 * The record callback never waits for the network: `write` encodes the record once, appends the
 * PDU to the spool of each of its destinations (a memory buffer, written to disk in batches) and
 * returns; the links send from the spools on the event loop.
 *
 * Sequence numbers: per XID, reserved in blocks in SPOOL_DIR/x2x3-sequence.json
 * (src/deliver/sequence-state-file.ts) so a restarted tap never reuses one (the receiver would
 * drop the new PDU as a duplicate). With a fresh spool folder every XID starts at 0 exactly as
 * the file output numbers it, so for the same capture the PDUs a receiver stores are byte for
 * byte those of OUT/<LIID>/x2x3.pdu; after a restart on the same folder an XID continues at its
 * stored reservation (a gap after a crash, never a duplicate).
 */
import { join } from 'node:path';
import type { AnomalySink } from '../core/anomaly.js';
import { ConfigError } from '../core/errors.js';
import type { Destination, Task, TaskSet } from '../correlate/index.js';
import { DestinationLink, type LinkLog, type LinkStats } from '../deliver/destination-link.js';
import { PduSpool } from '../deliver/pdu-spool.js';
import { SequenceStateFile } from '../deliver/sequence-state-file.js';
import { loadTlsMaterial, type TlsMaterial } from '../deliver/tls-material.js';
import { createRecordEncoder, type RecordEncoder } from '../encode/index.js';
import type { LiRecord } from '../records/li-record.js';
import { pathSegment } from '../util/path-segment.js';
import { x2x3KeepaliveCodec } from './x2x3-keepalive-codec.js';

/** Options of {@link DeliveryOutput}. */
export interface DeliveryOutputOptions {
  readonly tasks: TaskSet;
  /** Root of the spools: one sub-folder per DID (created 0700). */
  readonly spoolDir: string;
  readonly anomalies: AnomalySink;
  readonly log?: LinkLog;
  /** Per-destination spool cap in bytes (default 1 GiB). */
  readonly maxSpoolBytes?: number;
  readonly keepaliveIntervalMs?: number;
  readonly keepaliveTimeoutMs?: number;
  readonly reconnectMaxMs?: number;
  /** Test/lab throttle between PDUs on each link. */
  readonly paceMs?: number;
  /** X1 provisioning: destinations arrive later through updateTasks (none at start is fine). */
  readonly destinationsLater?: boolean;
}

/** What is left in a spool after a drain. */
export interface SpoolLeft {
  readonly did: string;
  readonly pdus: number;
  readonly bytes: number;
}

interface Route {
  readonly x2: readonly string[];
  readonly x3: readonly string[];
}

export class DeliveryOutput {
  private readonly encoder: RecordEncoder;
  /** Durable sequence reservations (see the file comment). */
  readonly sequenceState: SequenceStateFile;
  private readonly links = new Map<string, DestinationLink>();
  private readonly spools = new Map<string, PduSpool>();
  private routes = new Map<string, Route>();
  private flushScheduled = false;
  private readonly log: LinkLog;
  /** PDUs encoded for tasks that name no destination (reported once per task). */
  private readonly unrouted = new Set<string>();

  constructor(private readonly o: DeliveryOutputOptions) {
    this.log = o.log ?? (() => {});
    if (o.tasks.destinations.length === 0 && o.destinationsLater !== true) {
      throw new ConfigError('--deliver: the tasks file defines no "destinations"', 'add "destinations": [{"did": "<UUID>", "address": "host:port"}] and "listOfDids" to the tasks (docs/delivery.md)');
    }
    this.sequenceState = new SequenceStateFile(o.spoolDir);
    if (this.sequenceState.hadState) this.log('info', 'delivery.sequence_resumed', { path: this.sequenceState.path }, "sequence numbers continue from the previous run's reservations");
    this.encoder = createRecordEncoder('x2x3', { sequencePersistence: this.sequenceState });
    this.updateTasks(o.tasks);
  }

  /**
   * Applies a (re)loaded tasks file: new destinations get a spool and a link at once, routes are
   * replaced. Destinations no longer named keep their link until their spool is drained.
   */
  updateTasks(ts: TaskSet): void {
    const material = new Map<string, TlsMaterial | null>();
    // Load every TLS file first: a bad file must fail the reload before anything changes.
    for (const d of ts.destinations) if (!this.links.has(d.did)) material.set(d.did, d.tls === null ? null : loadTlsMaterial(d.tls, `destination ${d.did}`));
    for (const d of ts.destinations) if (!this.links.has(d.did)) this.addLink(d, material.get(d.did) ?? null);
    const routes = new Map<string, Route>();
    for (const t of ts.tasks) routes.set(t.xid, routeOf(t));
    this.routes = routes;
  }

  /** Encodes one record and spools it for each of its task's destinations. */
  write(rec: LiRecord): void {
    const e = this.encoder.encode(rec);
    if (e === undefined) return;
    const route = this.routes.get(rec.task.xid);
    const dids = route === undefined ? [] : rec.kind === 'iri' ? route.x2 : route.x3;
    if (dids.length === 0) {
      if (!this.unrouted.has(rec.task.xid)) {
        this.unrouted.add(rec.task.xid);
        this.log('warn', 'delivery.no_destination', { xid: rec.task.xid, liid: rec.task.liid, kind: rec.kind }, 'task has no destination for these records (listOfDids / x2Dids / x3Dids): not delivered');
      }
      return;
    }
    for (const did of dids) this.spools.get(did)?.append(e.bytes);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes buffered PDUs to the spools and wakes the links. */
  flush(): void {
    this.flushScheduled = false;
    for (const [did, spool] of this.spools) {
      spool.flush();
      this.links.get(did)?.notify();
    }
  }

  /** fsyncs every spool (power-loss durability). */
  sync(): void {
    for (const s of this.spools.values()) s.sync();
  }

  /**
   * Flushes, then waits until every spool is empty (all acknowledged) or `timeoutMs` passed.
   * Returns what is still spooled, per destination.
   */
  async drain(timeoutMs: number): Promise<SpoolLeft[]> {
    this.flush();
    await Promise.all([...this.links.values()].map((l) => l.drain(timeoutMs)));
    return [...this.spools.entries()].filter(([, s]) => s.count > 0).map(([did, s]) => ({ did, pdus: s.count, bytes: s.bytes }));
  }

  /** Stops the links and closes (fsyncs) the spools; unacknowledged PDUs stay for the next start. */
  close(): void {
    this.flush();
    for (const l of this.links.values()) l.close();
  }

  stats(): LinkStats[] {
    return [...this.links.values()].map((l) => l.stats());
  }

  private addLink(d: Destination, tls: TlsMaterial | null): void {
    const spool = new PduSpool({
      // The DID is a canonical UUID (kept as is by pathSegment); the spool root and the DID
      // folder must be real folders (src/deliver/safe-fs.ts).
      dir: join(this.o.spoolDir, pathSegment(d.did)),
      strictFrom: this.o.spoolDir,
      ...(this.o.maxSpoolBytes !== undefined ? { maxBytes: this.o.maxSpoolBytes } : {}),
      anomalies: this.o.anomalies,
      onAlarm: (message, refused) => this.log('error', 'delivery.spool_full', { did: d.did, refused }, message),
    });
    if (spool.count > 0) this.log('info', 'delivery.spool_resumed', { did: d.did, pdus: spool.count, bytes: spool.bytes }, 'spool holds PDUs from a previous run: they are sent first');
    const link = new DestinationLink({
      did: d.did,
      host: d.host,
      port: d.port,
      tls,
      spool,
      codec: x2x3KeepaliveCodec,
      log: this.log,
      ...(this.o.keepaliveIntervalMs !== undefined ? { keepaliveIntervalMs: this.o.keepaliveIntervalMs } : {}),
      ...(this.o.keepaliveTimeoutMs !== undefined ? { keepaliveTimeoutMs: this.o.keepaliveTimeoutMs } : {}),
      ...(this.o.reconnectMaxMs !== undefined ? { reconnectMaxMs: this.o.reconnectMaxMs } : {}),
      ...(this.o.paceMs !== undefined ? { paceMs: this.o.paceMs } : {}),
    });
    this.spools.set(d.did, spool);
    this.links.set(d.did, link);
    link.start();
  }
}

/** X2 goes to x2Dids when given, else listOfDids; X3 likewise (X1 ActivateTask semantics). */
export function routeOf(t: Task): Route {
  return { x2: t.x2Dids.length > 0 ? t.x2Dids : t.listOfDids, x3: t.x3Dids.length > 0 ? t.x3Dids : t.listOfDids };
}
