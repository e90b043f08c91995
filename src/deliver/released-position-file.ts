/**
 * `released.json` of a spool folder (./pdu-spool.ts): everything before this position was
 * received (./spool-position.ts holds its one schema).
 */
import { join } from 'node:path';
import { checkJson } from '../core/check-json.js';
import { ConfigError } from '../core/errors.js';
import { readFileNoFollow, writeFileAtomic } from './safe-fs.js';
import { spoolPositionSchema, type SpoolPosition } from './spool-position.js';

const RELEASED_FILE = 'released.json';
const RELEASED_FIX = `restore it, or delete it to send every PDU still in the spool again (a receiver drops those it already stored by their sequence numbers)`;

/**
 * The released position; none yet on first use. A file that exists but is damaged stops the
 * start: guessing a position could skip unsent PDUs (too far) or silently resend (too early).
 */
export function readReleasedPosition(dir: string): SpoolPosition {
  const path = join(dir, RELEASED_FILE);
  let text: string;
  try {
    const bytes = readFileNoFollow(path);
    if (bytes === undefined) return { seg: 1, off: 0 };
    text = bytes.toString('utf8');
  } catch (e) {
    throw new ConfigError(`${path}: unreadable spool position: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, RELEASED_FIX);
  }
  const r = checkJson(spoolPositionSchema, text);
  if (!r.ok) throw new ConfigError(`${path}: not a spool position: ${r.problem}`, RELEASED_FIX);
  return r.value;
}

/** Records `position` as released (atomically replaced, not fsynced: see PduSpool.release). */
export function writeReleasedPosition(dir: string, position: SpoolPosition): void {
  writeFileAtomic(join(dir, RELEASED_FILE), Buffer.from(JSON.stringify(position)), false);
}
