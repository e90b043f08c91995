/**
 * `msrptap verify --out DIR -r CAPTURE --tasks TASKS.json`: proves, per LIID, that the delivered
 * files are what was on the wire (src/audit/verify-delivery.ts lists the checks). It reads the
 * capture twice: once through the whole pipeline (what the files should hold, and the audit),
 * once through the TCP reassembly only (the wire bytes each X3 payload must equal). Prints one
 * verdict per LIID; exit code 0 when every LIID passes, 1 otherwise, 2 for bad usage.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { MANIFEST_FILE, type CustodyManifest, type ManifestTask } from '../audit/custody-manifest.js';
import { custodyManifestSchema } from '../audit/custody-manifest-schema.js';
import { checkJson } from '../core/check-json.js';
import { endpointKeyOf, formatVerdict, verifyLiid, type DeliveredFile, type DeliveredPdu, type LiidVerdict } from '../audit/verify-delivery.js';
import { directionKey, WireStreamIndex } from '../audit/wire-stream-index.js';
import type { AnomalySink } from '../core/anomaly.js';
import { AnomalyCounter } from '../core/anomaly.js';
import { ConfigError, IoError } from '../core/errors.js';
import { decodeRecordFile, formatDecodeError, type RecordEncoderOptions } from '../encode/index.js';
import { captureDigests } from '../pipeline/capture-digests.js';
import { OUTPUT_FILES, RecordFileEncoder } from '../pipeline/file-record-output.js';
import { parsePathSegment, pathSegment } from '../util/path-segment.js';
import { InterceptPipeline } from '../pipeline/intercept-pipeline.js';
import { loadTasks } from '../pipeline/load-tasks.js';
import { PacketPipeline } from '../pipeline/packet-pipeline.js';
import { readCaptures } from '../pipeline/read-captures.js';

interface VerifyOptions {
  out: string;
  read: string[];
  tasks: string;
  publicKey?: string;
  requireSignature?: boolean;
  maxWireMb: number;
}

function collect(value: string, prev: string[]): string[] {
  return [...prev, value];
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Splits a record file into its records (offsets from the decoder) and decodes the X2/X3 PDUs. */
function readDelivered(path: string, name: string): { file: DeliveredFile; pdus: DeliveredPdu[]; iriMessageIds: string[] } {
  const bytes = readFileSync(path);
  const d = decodeRecordFile(bytes);
  const pdus: DeliveredPdu[] = [];
  const iriMessageIds: string[] = [];
  let offsets: number[] = [];
  let decodeError: string | null = d.error !== undefined ? formatDecodeError(d.error) : null;
  if (d.kind === 'unknown') decodeError = formatDecodeError(d.error);
  else offsets = d.items.map((it) => it.offset);
  // The last record ends where decoding stopped (the error offset) or at the end of the file.
  const end = d.error !== undefined && d.kind !== 'unknown' ? Math.max(offsets[offsets.length - 1] ?? 0, d.error.offset) : bytes.length;
  const records = offsets.map((o, i) => bytes.subarray(o, i + 1 < offsets.length ? offsets[i + 1]! : end));
  if (d.kind === 'x2x3') {
    for (const it of d.items) {
      const p = it.pdu;
      let seq: number | null = null;
      let ts: { sec: number; nsec: number } | null = null;
      let sa: Uint8Array | null = null;
      let da: Uint8Array | null = null;
      let sp: number | null = null;
      let dp: number | null = null;
      let matched: string | null = null;
      for (const a of p.attributes) {
        if (a.kind === 'sequenceNumber') seq = a.value;
        else if (a.kind === 'timestamp') ts = { sec: a.sec, nsec: a.nsec };
        else if (a.kind === 'sourceIPv4Address' || a.kind === 'sourceIPv6Address') sa = a.address;
        else if (a.kind === 'destinationIPv4Address' || a.kind === 'destinationIPv6Address') da = a.address;
        else if (a.kind === 'sourcePort') sp = a.port;
        else if (a.kind === 'destinationPort') dp = a.port;
        else if (a.kind === 'matchedTargetIdentifier') matched = a.text;
      }
      pdus.push({
        pduType: p.pduType,
        xid: p.xid,
        correlationId: hex(p.correlationId),
        sequenceNumber: seq,
        tsSec: ts?.sec ?? null,
        tsNsec: ts?.nsec ?? null,
        src: sa !== null && sp !== null ? endpointKeyOf(sa, sp) : null,
        dst: da !== null && dp !== null ? endpointKeyOf(da, dp) : null,
        matchedTarget: matched,
        payload: p.payload,
      });
    }
  } else if (d.kind === 'protobuf') {
    for (const it of d.items) {
      // schemas/proto/msrptap.proto: Record.body is `message` (rCSMessage) or `file` (a file transfer's rCSMessage).
      const file = it.record.file as { message?: { msrpMessageId?: unknown } } | undefined;
      const msg = (it.record.message ?? file?.message) as { msrpMessageId?: unknown } | undefined;
      if (typeof msg?.msrpMessageId === 'string') iriMessageIds.push(msg.msrpMessageId);
    }
  }
  return { file: { name, records, sha256: sha256(bytes), bytes: bytes.length, decodeError }, pdus, iriMessageIds };
}

/** Larger than any manifest msrptap writes (~80 bytes per stored chain entry): a bigger file is not one. */
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

/**
 * Reads and checks a manifest against its schema (src/audit/custody-manifest-schema.ts): a
 * manifest that fails it is treated as absent, with the field named, so nothing in it steers
 * the checks.
 */
function readManifest(dir: string): { manifest: CustodyManifest | null; error: string | null } {
  const p = join(dir, MANIFEST_FILE);
  if (!existsSync(p)) return { manifest: null, error: `${MANIFEST_FILE} missing` };
  let text: string;
  try {
    if (statSync(p).size > MAX_MANIFEST_BYTES) return { manifest: null, error: `${MANIFEST_FILE} larger than ${MAX_MANIFEST_BYTES} bytes` };
    text = readFileSync(p, 'utf8');
  } catch (e) {
    return { manifest: null, error: `${MANIFEST_FILE} unreadable: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  const r = checkJson(custodyManifestSchema, text);
  return r.ok ? { manifest: r.value, error: null } : { manifest: null, error: `${p} is not a valid manifest: ${r.problem}` };
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

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('check delivered records against the capture: X3 bytes = wire bytes, no gap, no foreign record, manifest chain and signature')
    .requiredOption('--out <dir>', 'the output folder of `msrptap run` (one sub-folder per LIID)')
    .option('-r, --read <file>', 'the capture(s) the records were made from (repeat for several)', collect, [])
    .requiredOption('--tasks <file>', 'the intercept tasks the run used')
    .option('--public-key <pem>', 'Ed25519 public key (PEM) the manifests must be signed with')
    .option('--require-signature', 'fail unsigned manifests')
    .option('--max-wire-mb <n>', 'TCP stream bytes held for the wire check, in MiB', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`--max-wire-mb must be a positive whole number, got "${v}"`);
      return n;
    }, 1024)
    .action((o: VerifyOptions) => {
      if (o.read.length === 0) throw new ConfigError('no capture', 'give -r CAPTURE: the file(s) the records were made from');
      if (o.read.includes('-')) throw new ConfigError('verify reads the capture twice: standard input cannot be used', 'save the capture to a file first');
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
      for (const v of verdicts) process.stdout.write(`${formatVerdict(v)}\n`);
      const failed = verdicts.filter((v) => !v.ok).length;
      process.stdout.write(`${failed === 0 ? 'VERIFIED' : 'NOT VERIFIED'}: ${verdicts.length - failed} of ${verdicts.length} LIIDs pass\n`);
      if (r1.error !== undefined || r2.error !== undefined) process.stderr.write(`msrptap: warning: the capture is damaged (${(r1.error ?? r2.error)!.message}); only what precedes the damage was compared\n`);
      if (failed > 0) process.exitCode = 1;
    });
}
