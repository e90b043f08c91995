/**
 * The embedded default delivery: per task, a folder `OUT/<LIID>/` holding
 *   x2x3.pdu   back-to-back TS 103 221-2 PDUs, in emission order
 *   hi2.ber    back-to-back TS 102 232-1 PS-PDUs carrying IRI
 *   hi3.ber    back-to-back TS 102 232-1 PS-PDUs carrying CC
 *   records.pb length-delimited protobuf records (schemas/proto/msrptap.proto)
 * Records of different warrants never share a file. Files are opened when their first record
 * arrives (a task that intercepted nothing leaves no folder), 0600 in 0700 folders.
 */
import { join } from 'node:path';
import type { LiRecord } from '../records/li-record.js';
import { createRecordEncoder, type RecordEncoder, type RecordEncoderOptions } from '../encode/index.js';
import { SecureFileWriter } from '../deliver/secure-file.js';

export const OUTPUT_FILES = { x2x3: 'x2x3.pdu', hi2: 'hi2.ber', hi3: 'hi3.ber', protobuf: 'records.pb' } as const;

/** Counts per LIID, for the run summary and the audit. */
export interface OutputCounts {
  x2: number;
  x3: number;
  hi2: number;
  hi3: number;
  protobuf: number;
}

export class FileRecordOutput {
  private readonly x2x3: RecordEncoder;
  private readonly etsi: RecordEncoder;
  private readonly pb: RecordEncoder;
  private readonly writers = new Map<string, SecureFileWriter>();
  readonly counts = new Map<string, OutputCounts>();

  constructor(
    private readonly outDir: string,
    encoderOptions: RecordEncoderOptions = {},
  ) {
    this.x2x3 = createRecordEncoder('x2x3', encoderOptions);
    this.etsi = createRecordEncoder('etsi', encoderOptions);
    this.pb = createRecordEncoder('protobuf', encoderOptions);
  }

  /** Encodes one record in every format and appends it to its task's files. */
  write(rec: LiRecord): void {
    const liid = rec.task.liid;
    let c = this.counts.get(liid);
    if (c === undefined) {
      c = { x2: 0, x3: 0, hi2: 0, hi3: 0, protobuf: 0 };
      this.counts.set(liid, c);
    }
    const x = this.x2x3.encode(rec);
    if (x !== undefined) {
      this.file(liid, OUTPUT_FILES.x2x3).write(x.bytes);
      if (rec.kind === 'iri') c.x2++;
      else c.x3++;
    }
    const e = this.etsi.encode(rec);
    if (e !== undefined) {
      this.file(liid, rec.kind === 'iri' ? OUTPUT_FILES.hi2 : OUTPUT_FILES.hi3).write(e.bytes);
      if (rec.kind === 'iri') c.hi2++;
      else c.hi3++;
    }
    const p = this.pb.encode(rec);
    if (p !== undefined) {
      this.file(liid, OUTPUT_FILES.protobuf).write(p.bytes);
      c.protobuf++;
    }
  }

  /** Flushes, fsyncs and closes every file. */
  close(): void {
    for (const w of this.writers.values()) w.close();
    this.writers.clear();
  }

  /** Paths written so far (for manifests and summaries). */
  paths(): string[] {
    return [...this.writers.keys()];
  }

  private file(liid: string, name: string): SecureFileWriter {
    const path = join(this.outDir, safeFolderName(liid), name);
    let w = this.writers.get(path);
    if (w === undefined) {
      w = new SecureFileWriter(path);
      this.writers.set(path, w);
    }
    return w;
  }
}

/**
 * LIIDs come from the tasks file (TS 103 280: printable characters): keep the folder name as the
 * LIID, but never let it climb out of OUT or name a hidden file.
 */
export function safeFolderName(liid: string): string {
  const s = liid.replace(/[^A-Za-z0-9._-]/g, '_');
  return s === '' || s.startsWith('.') ? `_${s}` : s;
}
