/**
 * Where the audit entries of finished sessions wait for the end of the run.
 *
 * Why: a session's audit entry is final once the session has ended and left the correlator's
 * tables (later frames of it are ignored), but audit.json is written at the end, in order of
 * first appearance. Keeping every finished Session object until then made the correlator's
 * memory grow with the number of target sessions (~14 KB each with its dialog, raw SIP kept for
 * records, network contexts…), without bound on a live tap that runs for months. The
 * correlator now turns a finished session into an {@link AuditGroup} (plain JSON data, the
 * entries exactly as audit.json lists them) and hands it to a store: {@link MemoryAuditStore}
 * keeps the groups (`audit` and tests: the capture is bounded), src/pipeline/audit-spool.ts
 * writes them to a file and keeps only their position (`run`).
 */
import type { AuditSession, AuditSessionDetail } from './audit-report.js';

/** The audit entries of one session: one per (session, task) pair, or one with no task. */
export interface AuditGroup {
  /** Order of first appearance (sessions are listed by it). */
  readonly order: number;
  /** Listed under `uncorrelated` (a session seen without SIP) rather than `sessions`. */
  readonly uncorrelated: boolean;
  readonly entries: AuditSession[];
  /** The HTML report's details, index-aligned with `entries`; null when not collected. */
  readonly details: AuditSessionDetail[] | null;
}

/** A store of finished sessions' audit groups. */
export interface AuditStore {
  /** Wants the HTML report's details with each group (else `details` is null). */
  readonly keepsDetails: boolean;
  add(group: AuditGroup): void;
  /** The groups of one list (`sessions` or `uncorrelated`), in order of first appearance. */
  ordered(uncorrelated: boolean): Iterable<AuditGroup>;
}

/** Keeps the groups in memory. */
export class MemoryAuditStore implements AuditStore {
  readonly keepsDetails = true;
  private readonly groups: AuditGroup[] = [];
  private sorted = true;

  add(group: AuditGroup): void {
    const n = this.groups.length;
    if (n > 0 && this.groups[n - 1]!.order > group.order) this.sorted = false;
    this.groups.push(group);
  }

  *ordered(uncorrelated: boolean): Iterable<AuditGroup> {
    if (!this.sorted) {
      this.groups.sort((x, y) => x.order - y.order);
      this.sorted = true;
    }
    for (const g of this.groups) if (g.uncorrelated === uncorrelated) yield g;
  }
}

/**
 * Merges two sequences each sorted by `order` (the stored groups and the sessions still live)
 * into one sorted sequence.
 */
export function* mergeByOrder<T extends { readonly order: number }>(a: Iterable<T>, b: Iterable<T>): Generator<T> {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  let x = ia.next();
  let y = ib.next();
  while (x.done !== true || y.done !== true) {
    if (y.done === true || (x.done !== true && x.value.order <= y.value.order)) {
      yield x.value as T;
      x = ia.next();
    } else {
      yield y.value;
      y = ib.next();
    }
  }
}
