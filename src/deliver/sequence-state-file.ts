/**
 * The delivery sequence-number reservations on disk (`SPOOL_DIR/x2x3-sequence.json`), so a
 * restarted `run --deliver` never reuses an X2/X3 sequence number of an XID (TS 103 221-2
 * attribute 8; the receiver drops a number it already stored, which would lose new PDUs).
 *
 * Format: `{"version":1,"next":{"<xid>":<uint32>,...}}`: for each XID, every number below the
 * stored one (counting from where the previous reservation started, mod 2^32) may have been
 * used. Written as a whole to `x2x3-sequence.json.tmp` (0600, created exclusively, never through
 * a symlink: ./safe-fs.ts), fsynced, renamed over the file (atomic on POSIX) and the folder
 * fsynced: a crash leaves the old or the new file, never a torn one. The allocator (src/encode/common/sequence-allocator.ts) writes only once per reserved
 * block of numbers, so this is not on the per-record path.
 *
 * A file that exists but cannot be read or parsed stops the start (ConfigError): guessing would
 * risk duplicates the receiver silently drops.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { checkJson } from '../core/check-json.js';
import { ConfigError, IoError } from '../core/errors.js';
import { ensureSecretDir, readFileNoFollow, writeFileAtomic } from './safe-fs.js';

export const SEQUENCE_STATE_FILE = 'x2x3-sequence.json';

/** Keys kept at most (XIDs ever delivered from this spool); beyond, the run refuses new ones loudly. */
const MAX_KEYS = 1_000_000;

const RESTORE_FIX = "restore it from a backup; delete it only if the receivers' duplicate filters are reset too (else new PDUs are dropped as duplicates; see docs/delivery.md)";

/** The file's one definition, for the writer ({@link SequenceStateFile.save}) and the reader. */
export const sequenceStateSchema = z.strictObject({
  version: z.literal(1),
  /** Per XID: every number below this one may have been used (TS 103 221-2 attribute 8 is a uint32). */
  next: z.record(z.string().max(64), z.number().int().min(0).max(0xffff_ffff)).refine((o) => Object.keys(o).length <= MAX_KEYS, { message: `more than ${MAX_KEYS} XIDs` }),
});
export type SequenceState = z.infer<typeof sequenceStateSchema>;

/**
 * Implements the encoder's SequencePersistence structurally (deliver does not import encode; the
 * pipeline hands this object to the sequence allocator).
 */
export class SequenceStateFile {
  readonly path: string;
  private readonly next = new Map<string, number>();
  /** The file existed when the run started (a previous run delivered from this spool folder). */
  readonly hadState: boolean = false;
  private writes = 0;

  constructor(readonly dir: string) {
    ensureSecretDir(dir);
    this.path = join(dir, SEQUENCE_STATE_FILE);
    let text: string;
    try {
      // Never through a symlink: a planted link must not choose our sequence numbers.
      const bytes = readFileNoFollow(this.path);
      this.hadState = bytes !== undefined;
      if (bytes === undefined) return;
      text = bytes.toString('utf8');
    } catch (e) {
      throw new ConfigError(`${this.path}: unreadable sequence-number state: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, RESTORE_FIX);
    }
    const r = checkJson(sequenceStateSchema, text);
    if (!r.ok) throw new ConfigError(`${this.path}: not a version-1 sequence-number state file: ${r.problem}`, RESTORE_FIX);
    for (const [k, v] of Object.entries(r.value.next)) this.next.set(k, v);
  }

  /** Reservation writes so far (tests, stats). */
  get writeCount(): number {
    return this.writes;
  }

  start(key: string): number | undefined {
    return this.next.get(key);
  }

  reserve(key: string, next: number): void {
    if (!this.next.has(key) && this.next.size >= MAX_KEYS) throw new IoError(`${this.path}: more than ${MAX_KEYS} XIDs in the sequence state`, this.path);
    this.next.set(key, next >>> 0);
    this.save();
  }

  private save(): void {
    const state: SequenceState = { version: 1, next: Object.fromEntries(this.next) };
    const text = JSON.stringify(state);
    try {
      writeFileAtomic(this.path, Buffer.from(text, 'utf8'));
    } catch (e) {
      throw new IoError(`cannot write sequence-number state ${this.path}: ${(e as Error).message}`, this.path, undefined, { cause: e });
    }
    this.writes++;
  }
}
