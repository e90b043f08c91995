/**
 * What `msrptap run --out OUT` writes, so `--overwrite` deletes exactly that and nothing else
 * (src/deliver/output-folder.ts): `OUT/audit.json`, the audit spool a killed run may have left
 * (`OUT/.audit-spool`), and per LIID folder the record files, their rotated parts and the
 * manifest.
 */
import { MANIFEST_FILE } from '../audit/custody-manifest.js';
import { claimOutputFolder, type OutputEntry } from '../deliver/output-folder.js';
import { AUDIT_SPOOL_FILE } from './audit-spool.js';
import { OUTPUT_FILES } from './record-file-encoder.js';

export const AUDIT_JSON_FILE = 'audit.json';

const PART = new RegExp(
  `^(?:${Object.values(OUTPUT_FILES)
    .map((n) => n.replace('.', '\\.'))
    .join('|')})(?:\\.[1-9][0-9]*)?$`,
);

/** True for an entry a previous `run --out` wrote. */
export function isRunOutputEntry(e: OutputEntry): boolean {
  const [top, inner, deeper] = e.names;
  if (deeper !== undefined) return false;
  if (inner === undefined) return e.isDir || top === AUDIT_JSON_FILE || top === AUDIT_SPOOL_FILE;
  return !e.isDir && (inner === MANIFEST_FILE || PART.test(inner));
}

/** Takes OUT for this run: created, or empty, or (with `overwrite`) cleared of a previous run's output. */
export function claimRunOutputFolder(out: string, overwrite: boolean): void {
  claimOutputFolder(out, { flag: '--out', overwrite, isOwn: isRunOutputEntry });
}
