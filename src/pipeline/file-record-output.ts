/**
 * The embedded default delivery: per task, a folder `OUT/<LIID>/` holding
 *   x2x3.pdu   back-to-back TS 103 221-2 PDUs, in emission order
 *   hi2.ber    back-to-back TS 102 232-1 PS-PDUs carrying IRI
 *   hi3.ber    back-to-back TS 102 232-1 PS-PDUs carrying CC
 *   records.pb length-delimited protobuf records (schemas/proto/msrptap.proto)
 *   manifest.json  chain of custody (src/audit/custody-manifest.ts): tool version, capture
 *                  sha256s, task, per file its record count, sha256 and hash chain; optionally
 *                  Ed25519-signed. Written on close, when the caller gave manifest options.
 * Records of different warrants never share a file. Files are opened when their first record
 * arrives (a task that intercepted nothing leaves no folder), 0600 in 0700 folders.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { LiRecord } from '../records/li-record.js';
import { createRecordEncoder, type RecordEncoder, type RecordEncoderOptions } from '../encode/index.js';
import { SecureFileWriter } from '../deliver/secure-file.js';
import { IoError } from '../core/errors.js';
import {
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  RecordChain,
  signManifest,
  type CustodyManifest,
  type ManifestCapture,
  type ManifestTask,
} from '../audit/custody-manifest.js';

/** What the manifests need beyond the records (the CLI knows it; the pipeline never imports the CLI). */
export interface ManifestOptions {
  readonly toolVersion: string;
  readonly captures: readonly ManifestCapture[];
  /** Every task of the run; each manifest lists the tasks of its LIID. */
  readonly tasks: readonly ManifestTask[];
  /** Ed25519 private key: the manifests are signed with it. */
  readonly signKey?: KeyObject;
}

export const OUTPUT_FILES = { x2x3: 'x2x3.pdu', hi2: 'hi2.ber', hi3: 'hi3.ber', protobuf: 'records.pb' } as const;

/** Counts per LIID, for the run summary and the audit. */
export interface OutputCounts {
  x2: number;
  x3: number;
  hi2: number;
  hi3: number;
  protobuf: number;
}

/** One encoded record and the file it goes to. */
export interface RoutedRecord {
  readonly liid: string;
  readonly file: (typeof OUTPUT_FILES)[keyof typeof OUTPUT_FILES];
  readonly bytes: Uint8Array;
}

/**
 * Encodes a record in every format and says which file of its task each encoding goes to. The
 * file output uses it, and `msrptap verify` too, to re-derive the expected files from a capture
 * (same encoders, same sequence numbering, nothing written).
 */
export class RecordFileEncoder {
  private readonly x2x3: RecordEncoder;
  private readonly etsi: RecordEncoder;
  private readonly pb: RecordEncoder;

  constructor(encoderOptions: RecordEncoderOptions = {}) {
    this.x2x3 = createRecordEncoder('x2x3', encoderOptions);
    this.etsi = createRecordEncoder('etsi', encoderOptions);
    this.pb = createRecordEncoder('protobuf', encoderOptions);
  }

  encode(rec: LiRecord): RoutedRecord[] {
    const liid = rec.task.liid;
    const out: RoutedRecord[] = [];
    const x = this.x2x3.encode(rec);
    if (x !== undefined) out.push({ liid, file: OUTPUT_FILES.x2x3, bytes: x.bytes });
    const e = this.etsi.encode(rec);
    if (e !== undefined) out.push({ liid, file: rec.kind === 'iri' ? OUTPUT_FILES.hi2 : OUTPUT_FILES.hi3, bytes: e.bytes });
    const p = this.pb.encode(rec);
    if (p !== undefined) out.push({ liid, file: OUTPUT_FILES.protobuf, bytes: p.bytes });
    return out;
  }
}

export class FileRecordOutput {
  private readonly encoder: RecordFileEncoder;
  private readonly writers = new Map<string, SecureFileWriter>();
  /** Per output path: its LIID and chain (in order of first record). */
  private readonly chains = new Map<string, RecordChain>();
  readonly counts = new Map<string, OutputCounts>();

  constructor(
    private readonly outDir: string,
    private readonly encoderOptions: RecordEncoderOptions = {},
    private readonly manifest?: ManifestOptions,
  ) {
    this.encoder = new RecordFileEncoder(encoderOptions);
  }

  /** Encodes one record in every format and appends it to its task's files. */
  write(rec: LiRecord): void {
    const liid = rec.task.liid;
    let c = this.counts.get(liid);
    if (c === undefined) {
      c = { x2: 0, x3: 0, hi2: 0, hi3: 0, protobuf: 0 };
      this.counts.set(liid, c);
    }
    for (const r of this.encoder.encode(rec)) {
      this.append(liid, r.file, r.bytes);
      if (r.file === OUTPUT_FILES.x2x3) {
        if (rec.kind === 'iri') c.x2++;
        else c.x3++;
      } else if (r.file === OUTPUT_FILES.hi2) c.hi2++;
      else if (r.file === OUTPUT_FILES.hi3) c.hi3++;
      else c.protobuf++;
    }
  }

  /** Flushes, fsyncs and closes every file, then writes the manifests (when configured). */
  close(): void {
    for (const w of this.writers.values()) w.close();
    this.writers.clear();
    if (this.manifest !== undefined) for (const m of this.manifests()) this.writeManifest(m);
    this.chains.clear();
  }

  /** The manifests of the LIIDs written so far (one per LIID folder), signed when a key was given. */
  manifests(): CustodyManifest[] {
    const o = this.manifest;
    if (o === undefined) return [];
    const byLiid = new Map<string, RecordChain[]>();
    for (const c of this.chains.values()) {
      const list = byLiid.get(c.liid) ?? [];
      list.push(c);
      byLiid.set(c.liid, list);
    }
    const out: CustodyManifest[] = [];
    for (const [liid, chains] of byLiid) {
      const m: CustodyManifest = {
        format: MANIFEST_FORMAT,
        tool: { name: 'msrptap', version: o.toolVersion },
        liid,
        tasks: o.tasks.filter((t) => t.liid === liid),
        captures: o.captures,
        encoder: { ...(this.encoderOptions.psHeader !== undefined ? { psHeader: this.encoderOptions.psHeader } : {}) },
        files: chains.map((c) => c.finish()),
      };
      out.push(o.signKey !== undefined ? signManifest(m, o.signKey) : m);
    }
    return out;
  }

  /** Paths written so far (for manifests and summaries). */
  paths(): string[] {
    return [...this.writers.keys()];
  }

  private append(liid: string, name: string, bytes: Uint8Array): void {
    const path = join(this.outDir, safeFolderName(liid), name);
    let w = this.writers.get(path);
    if (w === undefined) {
      w = new SecureFileWriter(path);
      this.writers.set(path, w);
      if (this.manifest !== undefined) this.chains.set(path, new RecordChain(liid, name));
    }
    w.write(bytes);
    this.chains.get(path)?.add(bytes);
  }

  private writeManifest(m: CustodyManifest): void {
    const w = new SecureFileWriter(join(this.outDir, safeFolderName(m.liid), MANIFEST_FILE));
    w.write(Buffer.from(`${JSON.stringify(m, null, 2)}\n`, 'utf8'));
    w.close();
  }
}

/**
 * SHA-256 of each capture file, for the manifests and the audit report: read in 1 MiB blocks
 * (bounded memory on 10 GB captures). "-" (standard input) cannot be re-read: hash null.
 */
export function captureDigests(paths: readonly string[]): ManifestCapture[] {
  return paths.map((path) => {
    if (path === '-') return { path, sha256: null, bytes: null };
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(1 << 20);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      throw new IoError(`cannot read capture ${path} to hash it: ${(e as Error).message}`, path, undefined, { cause: e });
    }
    let bytes = 0;
    try {
      for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) {
        h.update(buf.subarray(0, n));
        bytes += n;
      }
    } finally {
      closeSync(fd);
    }
    return { path, sha256: h.digest('hex'), bytes };
  });
}

/**
 * LIIDs come from the tasks file (TS 103 280: printable characters): keep the folder name as the
 * LIID, but never let it climb out of OUT or name a hidden file.
 */
export function safeFolderName(liid: string): string {
  const s = liid.replace(/[^A-Za-z0-9._-]/g, '_');
  return s === '' || s.startsWith('.') ? `_${s}` : s;
}
