/**
 * Writes audit.json one session entry at a time, so the report of a long run never has to be
 * held in memory whole. The bytes are exactly those of `JSON.stringify(report, null, 2)` plus a
 * newline (what `msrptap audit --json` writes, and what the samples' truth files hold; its shape
 * is `auditReportSchema`, src/records/audit-report-schema.ts, published as
 * schemas/json/audit.schema.json): a nested
 * value's JSON.stringify with indent 2 is the same text as inside the whole document, with every
 * line after the first indented by the nesting depth (JSON strings hold no raw newline).
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDirectory } from '../deliver/safe-fs.js';
import { SecureFileWriter } from '../deliver/secure-file.js';
import type { AuditReport, AuditSession } from '../records/audit-report-schema.js';
import type { LiveCaptureCounters } from './run-live.js';

/** The `capture` member of audit.json (live runs). */
export type AuditCapture = NonNullable<AuditReport['capture']>;

/** audit.json's `capture` member from a live run's final counters. */
export function auditCapture(c: LiveCaptureCounters): AuditCapture {
  return {
    backend: c.backend ?? 'cap',
    received: c.received,
    kernelDropped: c.dropped,
    ifDropped: c.ifDropped,
    captureDropped: c.captureDropped ?? null,
    ...(c.stoppedBy !== undefined ? { stoppedBy: c.stoppedBy } : {}),
  };
}

/** What the writer needs of the correlator. */
export interface AuditEntrySource {
  /** One list's entries (`sessions`, or `uncorrelated` when true), in order of first appearance. */
  auditEntries(uncorrelated: boolean): Iterable<AuditSession>;
  auditAnomalies(): Record<string, number>;
}

/**
 * Writes `path` (0600 in a 0700 folder; created, never through a symlink; file and folder fsynced); returns how many entries each list got. On failure the
 * partial file is deleted (a truncated audit.json would read as a short audit) and the error
 * is thrown. `interrupted`: a signal stopped the run before the end of its input; the file
 * then starts with `"interrupted": true` (absent otherwise, so complete runs keep their bytes).
 */
export function writeAuditJson(path: string, src: AuditEntrySource, interrupted = false, capture?: AuditCapture): { sessions: number; uncorrelated: number } {
  const w = new SecureFileWriter(path, { strictFrom: dirname(path) });
  let n: { sessions: number; uncorrelated: number };
  try {
    n = writeAll(w, src, interrupted, capture);
  } catch (e) {
    w.abandon();
    rmSync(path, { force: true });
    throw e;
  }
  // The file's fsync (on close) persists its bytes, not its name in the folder (POSIX fsync(2)).
  fsyncDirectory(dirname(path));
  return n;
}

function writeAll(w: SecureFileWriter, src: AuditEntrySource, interrupted: boolean, capture: AuditCapture | undefined): { sessions: number; uncorrelated: number } {
  const put = (text: string): void => w.write(Buffer.from(text, 'utf8'));
  const list = (name: string, entries: Iterable<AuditSession>): number => {
    let n = 0;
    for (const e of entries) {
      put(`${n === 0 ? `  "${name}": [\n` : ',\n'}    ${JSON.stringify(e, null, 2).replace(/\n/g, '\n    ')}`);
      n++;
    }
    put(n === 0 ? `  "${name}": []` : '\n  ]');
    return n;
  };
  put(interrupted ? '{\n  "interrupted": true,\n' : '{\n');
  const sessions = list('sessions', src.auditEntries(false));
  put(',\n');
  const uncorrelated = list('uncorrelated', src.auditEntries(true));
  put(`,\n  "anomalies": ${JSON.stringify(src.auditAnomalies(), null, 2).replace(/\n/g, '\n  ')}`);
  // Live runs: the capture's drop counters (absent for files, so their audit keeps its bytes).
  if (capture !== undefined) put(`,\n  "capture": ${JSON.stringify(capture, null, 2).replace(/\n/g, '\n  ')}`);
  put('\n}\n');
  w.close();
  return { sessions, uncorrelated };
}

/** The entry counts of both lists, without writing them (a run without --out). */
export function countAuditEntries(src: AuditEntrySource): { sessions: number; uncorrelated: number } {
  let sessions = 0;
  let uncorrelated = 0;
  for (const _ of src.auditEntries(false)) sessions++;
  for (const _ of src.auditEntries(true)) uncorrelated++;
  return { sessions, uncorrelated };
}
