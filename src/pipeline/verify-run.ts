/**
 * `msrptap verify` as one function: re-derives what the records should be from the capture and
 * compares it with what the output folder holds. The capture is read twice: once through the
 * whole interception pipeline (the records the files should hold, and the audit), once through
 * the TCP reassembly only (the wire bytes each X3 payload must equal). One verdict per LIID
 * (src/audit/verify-delivery.ts).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CustodyManifest, ManifestTask } from '../audit/custody-manifest.js';
import { endpointKeyOf, verifyLiid, type DeliveredFile, type DeliveredPdu, type LiidVerdict } from '../audit/verify-delivery.js';
import { directionKey, WireStreamIndex } from '../audit/wire-stream-index.js';
import type { AnomalySink } from '../core/anomaly.js';
import { AnomalyCounter } from '../core/anomaly.js';
import { ConfigError, IoError } from '../core/errors.js';
import type { RecordEncoderOptions } from '../encode/index.js';
import { parsePathSegment, pathSegment } from '../util/path-segment.js';
import { captureDigests } from './capture-digests.js';
import { hex, readDelivered, readManifest, sha256 } from './delivered-files.js';
import { OUTPUT_FILES, RecordFileEncoder } from './record-file-encoder.js';
import { InterceptPipeline } from './intercept-pipeline.js';
import { loadTasks } from './load-tasks.js';
import { PacketPipeline } from './packet-pipeline.js';
import { readCaptures } from './read-captures.js';

export { formatVerdict } from '../audit/verify-delivery.js';

export interface VerifyRunOptions {
  out: string;
  read: readonly string[];
  tasks: string;
  publicKey?: string;
  requireSignature?: boolean;
  /** TCP stream bytes held for the wire check, MiB. */
  maxWireMb: number;
}

export interface VerifyRunResult {
  verdicts: LiidVerdict[];
  /** The capture was damaged: only what precedes the damage was compared. */
  captureError?: Error;
}

function loadPublicKey(path: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(readFileSync(path));
  } catch (e) {
    throw new ConfigError(`cannot read public key ${path}: ${(e as Error).message}`, 'give --public-key an Ed25519 public key in PEM (openssl pkey -in key.pem -pubout)');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new ConfigError(`${path} is a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  return key;
}

export function verifyRun(o: VerifyRunOptions): VerifyRunResult {
  if (!existsSync(o.out) || !statSync(o.out).isDirectory()) throw new IoError(`output folder ${o.out} not found`, o.out);
  const tasks = loadTasks(o.tasks);
  const pinned = o.publicKey !== undefined ? loadPublicKey(o.publicKey) : undefined;
  const captures = captureDigests(o.read);

  // The delivered files, per LIID folder (the tasks' LIIDs and any other folder found).
  const folders = new Map<string, string>();
  for (const t of tasks.tasks) folders.set(pathSegment(t.liid), t.liid);
  // Another folder is another LIID's (its name decoded): its records must not be there. Never through a symlink.
  for (const name of readdirSync(o.out)) if (lstatSync(join(o.out, name)).isDirectory() && !folders.has(name)) folders.set(name, parsePathSegment(name) ?? name);
  const delivered = new Map<string, { files: DeliveredFile[]; pdus: DeliveredPdu[]; iriIds: Set<string>; manifest: CustodyManifest | null; manifestError: string | null }>();
  // Each LIID's files are re-derived with its own manifest's PS-PDU header settings (schema-checked
  // fields only): one folder's manifest never configures the check of another.
  const encoders = new Map<string, RecordFileEncoder>();
  for (const [folder, liid] of folders) {
    const dir = join(o.out, folder);
    const files: DeliveredFile[] = [];
    const pdus: DeliveredPdu[] = [];
    const iriIds = new Set<string>();
    if (existsSync(dir)) {
      for (const name of Object.values(OUTPUT_FILES)) {
        const p = join(dir, name);
        if (!existsSync(p)) continue;
        const r = readDelivered(p, name);
        files.push(r.file);
        pdus.push(...r.pdus);
        for (const id of r.iriMessageIds) iriIds.add(id);
      }
    }
    const m = existsSync(dir) ? readManifest(dir) : { manifest: null, error: 'no output folder' };
    const psHeader = m.manifest?.encoder.psHeader;
    encoders.set(liid, new RecordFileEncoder(psHeader !== undefined ? ({ psHeader } satisfies RecordEncoderOptions) : {}));
    delivered.set(liid, { files, pdus, iriIds, manifest: m.manifest, manifestError: m.error });
  }

  // Pass 1: what the capture gives (record hashes per file, correlation ids, CC directions, audit).
  const expected = new Map<string, Map<string, string[]>>();
  const corr = new Map<string, Set<string>>();
  const dirs = new Map<string, Set<string>>();
  const defaultEncoder = new RecordFileEncoder({});
  const pipeline = new InterceptPipeline({
    tasks,
    onRecord: (rec) => {
      const liid = rec.task.liid;
      for (const r of (encoders.get(liid) ?? defaultEncoder).encode(rec)) {
        const byFile = expected.get(liid) ?? new Map<string, string[]>();
        expected.set(liid, byFile);
        const list = byFile.get(r.file) ?? [];
        byFile.set(r.file, list);
        list.push(sha256(r.bytes));
      }
      const c = corr.get(liid) ?? new Set<string>();
      corr.set(liid, c);
      c.add(hex(rec.correlationId));
      if (rec.kind === 'cc') {
        const d = dirs.get(liid) ?? new Set<string>();
        dirs.set(liid, d);
        const n = rec.network;
        d.add(directionKey(endpointKeyOf(n.srcAddr, n.srcPort), endpointKeyOf(n.dstAddr, n.dstPort)));
      }
    },
  });
  const r1 = readCaptures(o.read, (f) => pipeline.frame(f), pipeline.anomalies);
  pipeline.finish();
  const audit = pipeline.audit();

  // Pass 2: the wire bytes of every direction an X3 PDU names (TCP reassembly only).
  const wanted = new Set<string>();
  for (const d of delivered.values()) for (const p of d.pdus) if (p.pduType === 2 && p.src !== null && p.dst !== null) wanted.add(directionKey(p.src, p.dst));
  const wire = new WireStreamIndex(wanted, o.maxWireMb * 1024 * 1024);
  const anomalies: AnomalySink = new AnomalyCounter();
  const packets = new PacketPipeline({
    anomalies: anomalies as AnomalyCounter,
    tcpConsumers: {
      create: (conn) => {
        const c = endpointKeyOf(conn.clientAddr, conn.clientPort);
        const s = endpointKeyOf(conn.serverAddr, conn.serverPort);
        const k = [directionKey(c, s), directionKey(s, c)] as const;
        if (!wire.wants(k[0]) && !wire.wants(k[1])) return null;
        return {
          data: (dir, data, frameNo, tsSec, tsNsec) => wire.data(k[dir], data, frameNo, tsSec, tsNsec),
          gap: (dir) => wire.gap(k[dir]),
          end: () => {},
        };
      },
    },
  });
  const r2 = readCaptures(o.read, (f) => packets.frame(f), anomalies);
  packets.finish();

  const verdicts: LiidVerdict[] = [];
  for (const [liid, d] of delivered) {
    const taskList: ManifestTask[] = tasks.tasks.filter((t) => t.liid === liid).map((t) => ({ xid: t.xid, liid: t.liid, deliveryType: t.deliveryType, targets: t.targetIdentifiers.map((i) => i.value) }));
    const recordHashes = new Map(d.files.map((f) => [f.name, f.records.map(sha256)]));
    const v = verifyLiid({
      liid,
      tasks: taskList,
      manifest: d.manifest,
      manifestError: d.manifestError,
      ...(pinned !== undefined ? { pinnedKey: pinned } : {}),
      requireSignature: o.requireSignature === true,
      captures,
      files: d.files,
      expected: expected.get(liid) ?? new Map(),
      expectedCorrelationIds: corr.get(liid) ?? new Set(),
      pdus: d.pdus,
      iriMessageIds: d.iriIds,
      sessions: [...audit.sessions, ...audit.uncorrelated].filter((s) => s.liid === liid),
      targetDirections: dirs.get(liid) ?? new Set(),
      wire,
      recordHashes,
    });
    // A folder no task names, or a task that intercepted nothing and left no folder, is said as such.
    if (taskList.length === 0) {
      verdicts.push({ liid, ok: false, checks: [{ name: 'targets', ok: false, problems: [`folder ${liid} belongs to no task of ${o.tasks}`], summary: '' }, ...v.checks] });
    } else if (d.files.length === 0 && (expected.get(liid)?.size ?? 0) === 0) {
      verdicts.push({ liid, ok: true, checks: [{ name: 'reproduce', ok: true, problems: [], summary: 'nothing intercepted, nothing delivered' }] });
    } else verdicts.push(v);
  }
  const captureError = r1.error ?? r2.error;
  return { verdicts, ...(captureError !== undefined ? { captureError } : {}) };
}
