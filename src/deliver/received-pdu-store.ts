/**
 * What `msrptap receive` keeps: per XID, `DIR/<XID>/x2x3.pdu` (the PDUs byte for byte, back to
 * back, in arrival order) and `DIR/<XID>/index.jsonl` (one JSON line per stored PDU: sequence
 * number, offset, length, type, format). Folders 0700, files 0600.
 *
 * Duplicates: a sender resends PDUs that were in flight when a link broke (at-least-once
 * delivery, ./destination-link.ts). TS 103 221-2 sequence numbers count PDUs per XID, so a PDU
 * whose number is not after the highest one stored for its XID (modulo 2^32, RFC 1982-style
 * comparison of src/util/seq32.ts) is a duplicate and is dropped. A number that skips ahead is
 * stored and counted as a gap.
 *
 * Restart safety: the PDU bytes are written before their index line; at open, a PDU file longer
 * than its index says (crash between the two writes) is cut back to the last indexed PDU, and
 * the highest sequence number per XID is read back from the index. A new XID folder's names
 * (the folder in DIR, its two files) are made durable by fsyncing both folders at the next
 * sync, before the keepalive after its PDUs is acknowledged (a file's fsync persists its
 * bytes, not its name: POSIX fsync(2)).
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { checkJson } from '../core/check-json.js';
import { ConfigError, IoError } from '../core/errors.js';
import { pathSegment } from '../util/path-segment.js';
import { seqLe } from '../util/seq32.js';
import { ensureSecretDir, fsyncDirectory, openSecretFile, readFileNoFollow } from './safe-fs.js';

/** Metadata the receiver decoded from a PDU (the store treats the bytes as opaque). */
export interface ReceivedPduMeta {
  /** Canonical lower-case UUID text. */
  readonly xid: string;
  readonly sequenceNumber: number;
  /** 1 = X2, 2 = X3. */
  readonly pduType: number;
  readonly payloadFormat: number;
}

/** Result of {@link ReceivedPduStore.accept}. */
export type AcceptResult = 'stored' | 'duplicate' | 'gap';

interface XidFiles {
  pduFd: number;
  indexFd: number;
  size: number;
  last: number | undefined;
  dirty: boolean;
}

const uint32 = z.number().int().min(0).max(0xffff_ffff);
const byteCount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** One line of `index.jsonl`: the one definition, for the writer ({@link ReceivedPduStore.accept}) and the restart. */
export const receivedIndexLineSchema = z.strictObject({
  seq: uint32,
  /** 'X2', 'X3', or the PDU type number for other types. */
  type: z.union([z.literal('X2'), z.literal('X3'), z.number().int().min(0).max(0xffff)]),
  format: z.number().int().min(0).max(0xffff),
  offset: byteCount,
  length: byteCount,
  receivedAt: z.string().max(64),
  gapAfter: uint32.exactOptional(),
});
export type ReceivedIndexLine = z.infer<typeof receivedIndexLineSchema>;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class ReceivedPduStore {
  private readonly xids = new Map<string, XidFiles>();
  /** XID folders created since the last sync (their names, and theirs in DIR, not durable yet). */
  private readonly newFolders = new Set<string>();
  readonly counters = { stored: 0, duplicates: 0, gaps: 0 };

  /** @param maxXids cap on XIDs with open files (each holds two descriptors); default 1000. */
  constructor(
    readonly dir: string,
    private readonly maxXids = 1000,
  ) {
    ensureSecretDir(dir);
  }

  /** XIDs seen so far (this run or a previous one whose folder was reopened). */
  get size(): number {
    return this.xids.size;
  }

  /**
   * Stores one X2/X3 PDU unless it is a duplicate. `bytes` is the whole PDU as received.
   * Returns 'gap' when stored but its sequence number skipped ahead.
   */
  accept(meta: ReceivedPduMeta, bytes: Uint8Array): AcceptResult {
    if (!UUID_RE.test(meta.xid)) throw new IoError(`XID ${meta.xid} is not a canonical UUID`, this.dir);
    const f = this.open(meta.xid);
    if (f.last !== undefined && seqLe(meta.sequenceNumber, f.last)) {
      this.counters.duplicates++;
      return 'duplicate';
    }
    const gap = f.last !== undefined && meta.sequenceNumber !== (f.last + 1) >>> 0;
    const offset = f.size;
    writeAll(f.pduFd, bytes, join(this.dir, pathSegment(meta.xid), 'x2x3.pdu'));
    f.size += bytes.length;
    const entry: ReceivedIndexLine = {
      seq: meta.sequenceNumber,
      type: meta.pduType === 1 ? 'X2' : meta.pduType === 2 ? 'X3' : meta.pduType,
      format: meta.payloadFormat,
      offset,
      length: bytes.length,
      receivedAt: new Date().toISOString(),
      ...(gap ? { gapAfter: f.last! } : {}),
    };
    const line = JSON.stringify(entry);
    writeAll(f.indexFd, Buffer.from(`${line}\n`, 'utf8'), join(this.dir, pathSegment(meta.xid), 'index.jsonl'));
    f.last = meta.sequenceNumber;
    f.dirty = true;
    this.counters.stored++;
    if (gap) this.counters.gaps++;
    return gap ? 'gap' : 'stored';
  }

  /** fsyncs every file written since the last sync (called before acknowledging a keepalive). */
  sync(): void {
    for (const f of this.xids.values()) {
      if (!f.dirty) continue;
      fsyncSync(f.pduFd);
      fsyncSync(f.indexFd);
      f.dirty = false;
    }
    if (this.newFolders.size === 0) return;
    for (const d of this.newFolders) fsyncDirectory(d);
    fsyncDirectory(this.dir);
    this.newFolders.clear();
  }

  close(): void {
    this.sync();
    for (const f of this.xids.values()) {
      closeSync(f.pduFd);
      closeSync(f.indexFd);
    }
    this.xids.clear();
  }

  /** Loads the state of every XID folder already in DIR (receiver restart). */
  loadExisting(): number {
    let n = 0;
    for (const name of readdirSync(this.dir)) {
      if (UUID_RE.test(name) && !this.xids.has(name)) {
        this.open(name);
        n++;
      }
    }
    return n;
  }

  private open(xid: string): XidFiles {
    const have = this.xids.get(xid);
    if (have !== undefined) {
      // LRU order for the descriptor cap.
      this.xids.delete(xid);
      this.xids.set(xid, have);
      return have;
    }
    if (this.xids.size >= this.maxXids) {
      const [oldXid, old] = this.xids.entries().next().value as [string, XidFiles];
      fsyncSync(old.pduFd);
      fsyncSync(old.indexFd);
      closeSync(old.pduFd);
      closeSync(old.indexFd);
      this.xids.delete(oldXid);
    }
    // DIR and DIR/<XID> must be real folders, the files are never followed (src/deliver/safe-fs.ts):
    // a link planted there must not receive intercepted data.
    const dir = join(this.dir, pathSegment(xid));
    ensureSecretDir(dir, this.dir);
    const pduPath = join(dir, 'x2x3.pdu');
    const indexPath = join(dir, 'index.jsonl');
    let last: number | undefined;
    let end = 0;
    let indexText = '';
    const existing = readFileNoFollow(indexPath);
    if (existing === undefined) this.newFolders.add(dir);
    indexText = existing?.toString('utf8') ?? '';
    // The index is the truth; a partial last line (crash mid-write) is cut off.
    const complete = indexText.lastIndexOf('\n') + 1;
    // A complete line that is not an index entry is damage, not a crash mid-write: guessing the
    // state past it could take new PDUs for duplicates (dropped) or cut stored ones.
    indexText
      .slice(0, complete)
      .split('\n')
      .forEach((l, i) => {
        if (l === '') return;
        const r = checkJson(receivedIndexLineSchema, l);
        if (!r.ok) throw new ConfigError(`${indexPath}: line ${i + 1} is not an index entry: ${r.problem}`, `restore the folder ${dir} from a backup, or move it away (the sender's PDUs for XID ${xid} are then stored anew)`);
        last = r.value.seq;
        end = r.value.offset + r.value.length;
      });
    const pduFd = openSecretFile(pduPath, 'append', true);
    let indexFd: number;
    try {
      indexFd = openSecretFile(indexPath, 'append', true);
    } catch (e) {
      closeSync(pduFd);
      throw e;
    }
    if (fstatSync(pduFd).size > end) ftruncateSync(pduFd, end);
    if (complete < Buffer.byteLength(indexText, 'utf8')) ftruncateSync(indexFd, Buffer.byteLength(indexText.slice(0, complete), 'utf8'));
    const f: XidFiles = { pduFd, indexFd, size: Math.min(fstatSync(pduFd).size, end), last, dirty: false };
    this.xids.set(xid, f);
    return f;
  }
}

function writeAll(fd: number, b: Uint8Array, path: string): void {
  try {
    for (let off = 0; off < b.length; ) off += writeSync(fd, b, off, b.length - off);
  } catch (e) {
    throw new IoError(`cannot write ${path}: ${(e as Error).message}`, path, undefined, { cause: e });
  }
}
