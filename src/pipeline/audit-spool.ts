/**
 * The file-backed audit store of `run` (src/correlate/audit-store.ts says why): each finished
 * session's audit entries are appended to one file as JSON, and only where they are (order,
 * offset, length, list) stays in memory, 4 numbers per session. audit.json is then written by
 * reading them back in order of first appearance (./write-audit-json.ts).
 *
 * A run without audit.json (delivery only) uses {@link CountingAuditStore} instead: its session
 * metadata never reaches a disk.
 *
 * The file holds intercepted metadata: it is created 0600 in a 0700 folder (the output
 * folder), and deleted by {@link AuditSpool.remove} once audit.json is written, or when the run
 * fails. No fsync: a run that dies writes no audit.json and may leave the file, which makes the
 * folder non-empty: the next run on it needs `--overwrite`, which deletes it.
 */
import { closeSync, readSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { checkJson } from '../core/check-json.js';
import { IoError } from '../core/errors.js';
import type { AuditGroup, AuditStore } from '../correlate/audit-store.js';
import { openReadNoFollow } from '../deliver/safe-fs.js';
import { SecureFileWriter } from '../deliver/secure-file.js';
import { auditSessionSchema, type AuditSession } from '../records/audit-report-schema.js';

/** One stored group's entries: audit.json session entries (src/records/audit-report-schema.ts). */
const spoolGroupSchema = z.array(auditSessionSchema);

/** The spool's name in the output folder (a dot file: not an output of the run). */
export const AUDIT_SPOOL_FILE = '.audit-spool';

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
    // Created exclusively, never through a symlink: a leftover of a killed run was cleared with
    // the folder (`run --overwrite`), or the run was refused.
    this.writer ??= new SecureFileWriter(this.path, { strictFrom: dirname(this.path) });
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

  /**
   * Closes and deletes the file, without flushing it; never throws (it runs on failure paths):
   * returns the error when the file could not be deleted. `leftover`: delete the file even if
   * this run stored nothing (a spool a killed run left behind); only for a run that owns the
   * folder to the end, never on the failure path of one that may not (a second run on the same
   * folder).
   */
  remove(leftover = false): Error | undefined {
    if (this.readFd >= 0) {
      try {
        closeSync(this.readFd);
      } catch {
        // Ours and open: can only fail if already gone.
      }
      this.readFd = -1;
    }
    if (this.writer === null && !leftover) return undefined;
    this.writer?.abandon();
    this.writer = null;
    try {
      rmSync(this.path, { force: true });
      return undefined;
    } catch (e) {
      return e as Error;
    }
  }

  private read(offset: number, length: number): AuditSession[] {
    const buf = Buffer.allocUnsafe(length);
    try {
      if (this.readFd < 0) this.readFd = openReadNoFollow(this.path);
      for (let got = 0; got < length; ) {
        const n = readSync(this.readFd, buf, got, length - got, offset + got);
        if (n === 0) throw new Error('file shorter than written (changed by someone else?)');
        got += n;
      }
      const r = checkJson(spoolGroupSchema, buf.toString('utf8'));
      if (!r.ok) throw new Error(`the group at byte ${offset} is not what was written: ${r.problem}`);
      return r.value;
    } catch (e) {
      throw new IoError(`cannot read back the audit spool ${this.path}: ${(e as Error).message} (leave the output folder alone while msrptap runs)`, this.path, undefined, { cause: e });
    }
  }
}

/**
 * Keeps nothing, counts what it was given: for a run that writes no audit.json (delivery only),
 * whose metadata then never reaches a disk. `ordered` yields nothing: the report of such a run
 * lists only the sessions still live, so take the counts from here.
 */
export class CountingAuditStore implements AuditStore {
  readonly keepsDetails = false;
  sessions = 0;
  uncorrelated = 0;

  add(group: AuditGroup): void {
    if (group.uncorrelated) this.uncorrelated += group.entries.length;
    else this.sessions += group.entries.length;
  }

  ordered(): Iterable<AuditGroup> {
    return [];
  }
}
