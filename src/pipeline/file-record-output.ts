/**
 * The embedded default delivery: per task, a folder `OUT/<LIID>/` holding
 *   x2x3.pdu   back-to-back TS 103 221-2 PDUs, in emission order
 *   hi2.ber    back-to-back TS 102 232-1 PS-PDUs carrying IRI
 *   hi3.ber    back-to-back TS 102 232-1 PS-PDUs carrying CC
 *   records.pb length-delimited protobuf records (schemas/proto/msrptap.proto)
 *   manifest.json  chain of custody (src/audit/custody-manifest.ts): tool version, capture
 *                  sha256s, task, per file its record count, sha256 and hash chain; optionally
 *                  Ed25519-signed. Written on close, when the caller gave manifest options.
 * Records of different warrants never share a file: the folder is the LIID through the injective
 * src/util/path-segment.ts (`a/b` → `a%2Fb`, `a_b` → `a_b`). Files are opened when their first
 * record arrives (a task that intercepted nothing leaves no folder), 0600 in 0700 folders, created
 * exclusively and never through a symlink (src/deliver/safe-fs.ts).
 *
 * Rotation (`run --rotate-size MB --rotate-seconds S`, off by default): each of the four files
 * is continued in `NAME.1`, `NAME.2`, ... (x2x3.pdu, x2x3.pdu.1, ...) once it would exceed the
 * size with the next record, or once the next record's capture time is S seconds or more after
 * the file's first record. Records are never split; the first file keeps the plain name, so
 * without rotation nothing changes, and concatenating NAME, NAME.1, NAME.2, ... in that order
 * gives exactly the unrotated file. Capture time (not the wall clock) makes a rotated offline
 * run reproducible; live, the two agree. A file is closed (fsynced) when its successor opens,
 * so a closed file is final and can be collected. The manifest lists every file with its own
 * hash chain. `msrptap verify` reads the unrotated names only.
 *
 * Durability: a file's fsync persists its bytes, not its name (POSIX fsync(2)): its LIID folder
 * is fsynced once a rotated part is closed, and at the end every LIID folder (after its files and
 * manifest are closed) and then OUT (which names the LIID folders), before close resolves.
 */
import type { KeyObject } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { LiRecord } from '../records/li-record.js';
import type { RecordEncoderOptions } from '../encode/common/create-record-encoder.js';
import { SecureFileWriter } from '../deliver/secure-file.js';
import { fsyncDirectory } from '../deliver/safe-fs.js';
import { ConfigError, InvariantError } from '../core/errors.js';
import { pathSegment } from '../util/path-segment.js';
import { OUTPUT_FILES, RecordFileEncoder } from './record-file-encoder.js';
import { MANIFEST_FILE, MANIFEST_FORMAT, RecordChain, signManifest, type CustodyManifest, type ManifestCapture, type ManifestEncoder, type ManifestTask } from '../audit/custody-manifest.js';

/** What the manifests need beyond the records (the CLI knows it; the pipeline never imports the CLI). */
export interface ManifestOptions {
  readonly toolVersion: string;
  readonly captures: readonly ManifestCapture[];
  /** Every task of the run; each manifest lists the tasks of its LIID. */
  readonly tasks: readonly ManifestTask[];
  /** Ed25519 private key: the manifests are signed with it. */
  readonly signKey?: KeyObject;
}

/** Counts per LIID, for the run summary and the audit. */
export interface OutputCounts {
  x2: number;
  x3: number;
  hi2: number;
  hi3: number;
  protobuf: number;
}

/** File rotation (off when both limits are absent). */
export interface RotationOptions {
  /** Start the next file before one would exceed this many bytes (a record larger than it gets a file of its own). */
  readonly maxBytes?: number;
  /** Start the next file when a record's capture time is this many seconds after the file's first record. */
  readonly maxSeconds?: number;
}

/** An output file being written: the current part of one LIID's NAME. */
interface OpenFile {
  writer: SecureFileWriter;
  /** Rotation index: 0 = NAME, n = NAME.n. */
  index: number;
  /** Capture time of the file's first record (seconds). */
  firstTs: number;
}

export class FileRecordOutput {
  private readonly encoder: RecordFileEncoder;
  /** By base path (OUT/LIID/NAME): the part being written. */
  private readonly writers = new Map<string, OpenFile>();
  /** Every file path written, in order of opening. */
  private readonly written: string[] = [];
  /** The LIID folders written in (OUT/LIID), in order of first file: fsynced at the end. */
  private readonly folders = new Set<string>();
  /** LIID folders whose own name in OUT was made durable already (at a rotation). */
  private readonly namedInOut = new Set<string>();
  /** Per output path: its LIID and chain (in order of first record). */
  private readonly chains = new Map<string, RecordChain>();
  private readonly bases = new Map<string, Map<string, string>>();
  readonly counts = new Map<string, OutputCounts>();
  private interrupted = false;

  constructor(
    private readonly outDir: string,
    private readonly encoderOptions: RecordEncoderOptions = {},
    private manifest?: ManifestOptions,
    private readonly rotation: RotationOptions = {},
  ) {
    this.encoder = new RecordFileEncoder(encoderOptions);
    for (const [k, v] of Object.entries(rotation)) {
      if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v))) throw new ConfigError(`rotation ${k} must be a positive number, got ${String(v)}`);
    }
  }

  /** Encodes one record in every format and appends it to its task's files. */
  write(rec: LiRecord): void {
    const liid = rec.task.liid;
    let c = this.counts.get(liid);
    if (c === undefined) {
      c = { x2: 0, x3: 0, hi2: 0, hi3: 0, protobuf: 0 };
      this.counts.set(liid, c);
    }
    const ts = rec.network.tsSec + rec.network.tsNsec / 1e9;
    for (const r of this.encoder.encode(rec)) {
      this.append(liid, r.file, r.bytes, ts);
      if (r.file === OUTPUT_FILES.x2x3) {
        if (rec.kind === 'iri') c.x2++;
        else c.x3++;
      } else if (r.file === OUTPUT_FILES.hi2) c.hi2++;
      else if (r.file === OUTPUT_FILES.hi3) c.hi3++;
      else c.protobuf++;
    }
  }

  /**
   * The capture digests for the manifests, when they were computed after the output opened (in
   * the background); `interrupted`: a signal stopped the run before the end of its input, and
   * the manifests say so.
   */
  setCaptures(captures: readonly ManifestCapture[], interrupted = false): void {
    if (this.manifest !== undefined) this.manifest = { ...this.manifest, captures };
    this.interrupted = interrupted;
  }

  /**
   * Tasks provisioned while the run goes on (X1): each manifest lists them too. A task once
   * listed stays listed (its records may be in the files already); the same XID and LIID again
   * replaces its entry (ModifyTask).
   */
  addTasks(tasks: readonly ManifestTask[]): void {
    if (this.manifest === undefined) return;
    const byKey = new Map(this.manifest.tasks.map((t) => [`${t.xid} ${t.liid}`, t]));
    for (const t of tasks) byKey.set(`${t.xid} ${t.liid}`, t);
    this.manifest = { ...this.manifest, tasks: [...byKey.values()] };
  }

  /** Flushes, fsyncs and closes every file, then writes the manifests (when configured). */
  close(): void {
    for (const f of this.writers.values()) f.writer.close();
    this.writers.clear();
    if (this.manifest !== undefined) {
      if (this.manifest.signKey !== undefined) for (const m of this.manifests()) this.writeManifest(m).close();
      else for (const [liid, chains] of this.chainsByLiid()) this.streamManifest(liid, chains).close();
    }
    this.chains.clear();
    this.syncFolders();
  }

  /**
   * {@link close} with the fsyncs of the files, then those of the manifests, overlapping
   * (SecureFileWriter.closeAsync): same files, same bytes, less time waiting for the disk at
   * the end of a run. Rejects with the first file's error, in the order {@link close} meets them.
   */
  async closeAsync(): Promise<void> {
    const files = [...this.writers.values()].map((f) => f.writer);
    this.writers.clear();
    await closeAll(files);
    await closeAll(this.writeManifests());
    this.chains.clear();
    this.syncFolders();
  }

  /**
   * Makes the names of the closed files and manifests durable: each LIID folder once, then OUT,
   * which names the LIID folders (a folder created this run is an entry of its parent).
   */
  private syncFolders(): void {
    if (this.folders.size === 0) return;
    for (const d of this.folders) fsyncDirectory(d);
    fsyncDirectory(this.outDir);
    this.folders.clear();
  }

  /** Writes the manifests (when configured) and returns their files, not yet closed (closed at once if one fails, as close() would have). */
  private writeManifests(): SecureFileWriter[] {
    const out: SecureFileWriter[] = [];
    if (this.manifest === undefined) return out;
    try {
      if (this.manifest.signKey !== undefined) for (const m of this.manifests()) out.push(this.writeManifest(m));
      else for (const [liid, chains] of this.chainsByLiid()) out.push(this.streamManifest(liid, chains));
    } catch (e) {
      for (const w of out) {
        try {
          w.close();
        } catch {
          // The error that stops the run is the one thrown below.
        }
      }
      throw e;
    }
    return out;
  }

  private chainsByLiid(): Map<string, RecordChain[]> {
    const byLiid = new Map<string, RecordChain[]>();
    for (const c of this.chains.values()) {
      const list = byLiid.get(c.liid) ?? [];
      list.push(c);
      byLiid.set(c.liid, list);
    }
    return byLiid;
  }

  private manifestOf(liid: string, files: CustodyManifest['files']): CustodyManifest {
    const o = this.manifest!;
    return {
      format: MANIFEST_FORMAT,
      tool: { name: 'msrptap', version: o.toolVersion },
      liid,
      tasks: o.tasks.filter((t) => t.liid === liid),
      captures: o.captures,
      encoder: manifestEncoder(this.encoderOptions),
      files,
      ...(this.interrupted ? { interrupted: true as const } : {}),
    };
  }

  /**
   * Writes one unsigned manifest with the same bytes as `JSON.stringify(m, null, 2)`, but the
   * chain entries streamed from their compact form (RecordChain.entriesJson) instead of built
   * as objects and one string: the end of a run with many records stays within the memory
   * budget. The skeleton is stringified with a marker in each non-empty entries list, then
   * written around the markers.
   */
  private streamManifest(liid: string, chains: RecordChain[]): SecureFileWriter {
    const files = chains.map((c) => c.finish(false));
    files.forEach((f, i) => {
      if (chains[i]!.storedEntryCount > 0) (f.chain.entries as unknown[]) = [`${ENTRIES_MARK}${i}`];
    });
    const text = `${JSON.stringify(this.manifestOf(liid, files), null, 2)}\n`;
    const w = new SecureFileWriter(join(this.outDir, pathSegment(liid), MANIFEST_FILE), { strictFrom: this.outDir });
    const marker = /\n( *)"\\u0000entries-(\d+)"/g;
    let at = 0;
    for (let m = marker.exec(text); m !== null; m = marker.exec(text)) {
      w.write(Buffer.from(text.slice(at, m.index), 'utf8'));
      for (const piece of chains[Number(m[2])]!.entriesJson(m[1]!)) w.write(Buffer.from(piece, 'utf8'));
      at = m.index + m[0].length;
    }
    w.write(Buffer.from(text.slice(at), 'utf8'));
    return w;
  }

  /** The manifests of the LIIDs written so far (one per LIID folder), signed when a key was given. */
  manifests(): CustodyManifest[] {
    const o = this.manifest;
    if (o === undefined) return [];
    const out: CustodyManifest[] = [];
    for (const [liid, chains] of this.chainsByLiid()) {
      const m = this.manifestOf(
        liid,
        chains.map((c) => c.finish()),
      );
      out.push(o.signKey !== undefined ? signManifest(m, o.signKey) : m);
    }
    return out;
  }

  /** Paths written so far, rotated parts included, in order of opening (for manifests and summaries). */
  paths(): string[] {
    return this.written.slice();
  }

  private append(liid: string, name: string, bytes: Uint8Array, ts: number): void {
    const base = this.basePath(liid, name);
    let f = this.writers.get(base);
    if (f !== undefined && this.mustRotate(f, bytes.length, ts)) {
      f.writer.close();
      // The part is final from now on (it may be collected): its name must survive a power cut
      // too, and so must its folder's name in OUT (once per folder).
      const dir = dirname(f.writer.path);
      fsyncDirectory(dir);
      if (!this.namedInOut.has(dir)) {
        fsyncDirectory(this.outDir);
        this.namedInOut.add(dir);
      }
      f = this.open(liid, name, base, f.index + 1, ts);
    }
    f ??= this.open(liid, name, base, 0, ts);
    f.writer.write(bytes);
    this.chains.get(f.writer.path)?.add(bytes);
  }

  /** OUT/LIID/NAME, computed once per pair (it was ~1 % of the writing thread per record). */
  private basePath(liid: string, name: string): string {
    let m = this.bases.get(liid);
    if (m === undefined) {
      m = new Map();
      this.bases.set(liid, m);
    }
    let p = m.get(name);
    if (p === undefined) {
      p = join(this.outDir, pathSegment(liid), name);
      m.set(name, p);
    }
    return p;
  }

  private mustRotate(f: OpenFile, len: number, ts: number): boolean {
    const r = this.rotation;
    if (f.writer.bytes === 0) return false;
    if (r.maxBytes !== undefined && f.writer.bytes + len > r.maxBytes) return true;
    return r.maxSeconds !== undefined && ts - f.firstTs >= r.maxSeconds;
  }

  private open(liid: string, name: string, base: string, index: number, ts: number): OpenFile {
    const fileName = index === 0 ? name : `${name}.${index}`;
    const path = index === 0 ? base : `${base}.${index}`;
    // Created, never reused (a previous run's file or part would be read as ours: the CLI hands
    // over an empty or cleared folder), never through a symlink (OUT and OUT/LIID included).
    const f: OpenFile = { writer: new SecureFileWriter(path, { strictFrom: this.outDir }), index, firstTs: ts };
    this.writers.set(base, f);
    this.written.push(path);
    this.folders.add(dirname(path));
    if (this.manifest !== undefined) this.chains.set(path, new RecordChain(liid, fileName));
    return f;
  }

  private writeManifest(m: CustodyManifest): SecureFileWriter {
    const w = new SecureFileWriter(join(this.outDir, pathSegment(m.liid), MANIFEST_FILE), { strictFrom: this.outDir });
    w.write(Buffer.from(`${JSON.stringify(m, null, 2)}\n`, 'utf8'));
    return w;
  }
}

/**
 * The encoder settings a manifest records (its schema's fields, in the order `run` sets them):
 * what a verifier needs to re-derive the HI2/HI3 bytes.
 */
function manifestEncoder(o: RecordEncoderOptions): ManifestEncoder {
  const h = o.psHeader;
  if (h === undefined) return {};
  const str = (name: string, v: string | Uint8Array): string => {
    if (typeof v !== 'string') throw new InvariantError(`psHeader.${name} given as bytes cannot be recorded in a manifest`);
    return v;
  };
  if (h.interceptionPointID !== undefined || h.timeStampQualifier !== undefined) throw new InvariantError('psHeader fields a manifest does not record were set');
  return {
    psHeader: {
      operatorIdentifier: str('operatorIdentifier', h.operatorIdentifier),
      ...(h.networkElementIdentifier !== undefined ? { networkElementIdentifier: str('networkElementIdentifier', h.networkElementIdentifier) } : {}),
      ...(h.authorizationCountryCode !== undefined ? { authorizationCountryCode: h.authorizationCountryCode } : {}),
      ...(h.deliveryCountryCode !== undefined ? { deliveryCountryCode: h.deliveryCountryCode } : {}),
    },
  };
}

/** Closes `files` together (their fsyncs overlap); rejects with the first one's error in list order, after all have settled. */
async function closeAll(files: readonly SecureFileWriter[]): Promise<void> {
  const results = await Promise.allSettled(files.map((w) => w.closeAsync()));
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}

/** Marks where a file's chain entries go in the stringified manifest skeleton (see streamManifest). */
const ENTRIES_MARK = '\u0000entries-';
