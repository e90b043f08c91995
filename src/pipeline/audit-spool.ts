/**
 * The file-backed audit store of `run` (src/correlate/audit-store.ts says why): each finished
 * session's audit entries are appended to one file as JSON, and only where they are (order,
 * offset, length, list) stays in memory, 4 numbers per session. audit.json is then written by
 * reading them back in order of first appearance (./write-audit-json.ts).
 *
 * The file holds intercepted metadata: it is created 0600 in a 0700 folder (the output
 * folder), and deleted by {@link AuditSpool.remove} once audit.json is written. No fsync: a run
 * that dies writes no audit.json, and the next run starts a new spool.
 */
import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import { IoError } from '../core/errors.js';
import type { AuditGroup, AuditStore } from '../correlate/audit-store.js';
import type { AuditSession } from '../correlate/audit-report.js';
import { SecureFileWriter } from '../deliver/secure-file.js';

export class AuditSpool implements AuditStore {
  readonly keepsDetails = false;
  private writer: SecureFileWriter | null = null;
  private readFd = -1;
  private readonly orders: number[] = [];
  private readonly offsets: number[] = [];
  private readonly lengths: number[] = [];
  private readonly uncorrelated: boolean[] = [];

  /** `path`: the spool file, created on the first group (its folder 0700). */
  constructor(readonly path: string) {}

  /** Groups stored. */
  get size(): number {
    return this.orders.length;
  }

  add(group: AuditGroup): void {
    const bytes = Buffer.from(JSON.stringify(group.entries), 'utf8');
    this.writer ??= new SecureFileWriter(this.path);
    this.orders.push(group.order);
    this.offsets.push(this.writer.bytes);
    this.lengths.push(bytes.length);
    this.uncorrelated.push(group.uncorrelated);
    this.writer.write(bytes);
  }

  *ordered(uncorrelated: boolean): Generator<AuditGroup> {
    if (this.writer === null) return;
    this.writer.flush();
    const idx: number[] = [];
    for (let i = 0; i < this.orders.length; i++) if (this.uncorrelated[i] === uncorrelated) idx.push(i);
    idx.sort((x, y) => this.orders[x]! - this.orders[y]!);
    for (const i of idx) yield { order: this.orders[i]!, uncorrelated, entries: this.read(this.offsets[i]!, this.lengths[i]!), details: null };
  }

  /** Closes and deletes the file (idempotent). */
  remove(): void {
    if (this.readFd >= 0) closeSync(this.readFd);
    this.readFd = -1;
    if (this.writer === null) return;
    try {
      this.writer.close();
    } finally {
      this.writer = null;
      rmSync(this.path, { force: true });
    }
  }

  private read(offset: number, length: number): AuditSession[] {
    const buf = Buffer.allocUnsafe(length);
    try {
      if (this.readFd < 0) this.readFd = openSync(this.path, 'r');
      for (let got = 0; got < length; ) {
        const n = readSync(this.readFd, buf, got, length - got, offset + got);
        if (n === 0) throw new Error('file shorter than written (changed by someone else?)');
        got += n;
      }
    } catch (e) {
      throw new IoError(`cannot read back the audit spool ${this.path}: ${(e as Error).message} (leave the output folder alone while msrptap runs)`, this.path, undefined, { cause: e });
    }
    return JSON.parse(buf.toString('utf8')) as AuditSession[];
  }
}
