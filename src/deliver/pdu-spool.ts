/**
 * A durable, append-only, on-disk queue of opaque PDUs for ONE destination: every PDU is
 * appended here before it is sent, and released only when the link has proof that the receiver
 * got it (the keepalive round trip after it, see ./destination-link.ts). After a crash (even
 * SIGKILL) the unreleased PDUs are found on disk and sent again, in order.
 *
 * Layout (folder 0700, files 0600, like every file holding intercepted data):
 * ```
 *  DIR/000000000001.seg   entries: [u32 length][u32 CRC-32 of the bytes][bytes]  (big-endian)
 *  DIR/000000000002.seg   a new segment starts once the current one passes segmentBytes
 *  DIR/released.json      {"seg": n, "off": o}: everything before (seg, off) is released
 *  DIR/lock               pid of the process using the spool
 * ```
 * Segments entirely before the released position are deleted. Appends are buffered in memory
 * and written with one write(2) per flush: after `flush()` a SIGKILL cannot lose them (they are
 * in the kernel page cache); `sync()` fsyncs for power loss (and the folder, once a new segment
 * was created in it: a file's fsync does not persist its name, POSIX fsync(2)). A crash during a write leaves a
 * partial last entry, which the length/CRC check finds and cuts off at the next open.
 *
 * Size cap: when unreleased bytes would exceed `maxBytes`, the PDU is refused (`append` returns
 * false), counted, and reported loudly (`deliver.spool_full` + `onAlarm`): never dropped silently.
 */
import { closeSync, fsyncSync, ftruncateSync, readdirSync, readSync, unlinkSync, writeSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { AnomalySink } from '../core/anomaly.js';
import { IoError } from '../core/errors.js';
import { lockSpoolFolder } from './lock-spool-folder.js';
import { readReleasedPosition, writeReleasedPosition } from './released-position-file.js';
import { ensureSecretDir, fsyncDirectory, openReadNoFollow, openSecretFile } from './safe-fs.js';
import { comparePositions, type SpoolPosition } from './spool-position.js';

export { comparePositions, type SpoolPosition } from './spool-position.js';

/** One entry read back from the spool. `bytes` is a fresh copy; `next` is the position after it. */
export interface SpoolEntry {
  readonly bytes: Uint8Array;
  readonly next: SpoolPosition;
}

/** Options of {@link PduSpool}. */
export interface PduSpoolOptions {
  /** The destination's spool folder (created 0700). */
  readonly dir: string;
  /** This folder and those below it must be real folders, never symlinks (default `dir`; src/deliver/safe-fs.ts). */
  readonly strictFrom?: string;
  /** Cap on unreleased bytes (entry headers included); default 1 GiB. */
  readonly maxBytes?: number;
  /** A segment is closed once it reaches this size; default 16 MiB. */
  readonly segmentBytes?: number;
  /** Appends are written to disk once this many bytes are buffered; default 256 KiB. */
  readonly bufferBytes?: number;
  readonly anomalies?: AnomalySink;
  /** Called on the first refused PDU and then every 1000th one: log it loudly. */
  readonly onAlarm?: (message: string, refused: number) => void;
}

const HEADER = 8;
/** Larger entries cannot be a PDU we produced (X2/X3 lengths are capped far below). */
const MAX_ENTRY = 0x7fff_0000;

function segName(seg: number): string {
  return `${String(seg).padStart(12, '0')}.seg`;
}

export class PduSpool {
  readonly dir: string;
  private readonly maxBytes: number;
  private readonly segmentBytes: number;
  private readonly bufferBytes: number;
  private readonly anomalies: AnomalySink | undefined;
  private readonly onAlarm: ((message: string, refused: number) => void) | undefined;
  /** Sizes of the segments on disk (flushed bytes), by segment number. */
  private readonly segSizes = new Map<number, number>();
  private releasedPos: SpoolPosition;
  private writeSeg: number;
  private writeFd = -1;
  private readSeg = -1;
  private readFd = -1;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Unreleased bytes, flushed or not. */
  private unreleased = 0;
  private unreleasedCount = 0;
  private refusedCount = 0;
  private closed = false;
  /** A segment was created since the folder was last fsynced: its name is not durable yet. */
  private folderDirty = false;
  private readonly hdr = Buffer.alloc(HEADER);

  /**
   * Opens (or creates) the spool, takes its lock, and scans the unreleased entries, cutting off
   * a torn last entry.
   *
   * @throws ConfigError when another live process holds the spool; IoError on file errors.
   */
  constructor(o: PduSpoolOptions) {
    this.dir = o.dir;
    this.maxBytes = o.maxBytes ?? 1024 * 1024 * 1024;
    this.segmentBytes = o.segmentBytes ?? 16 * 1024 * 1024;
    this.bufferBytes = o.bufferBytes ?? 256 * 1024;
    this.anomalies = o.anomalies;
    this.onAlarm = o.onAlarm;
    ensureSecretDir(this.dir, o.strictFrom ?? this.dir);
    lockSpoolFolder(this.dir);
    this.releasedPos = readReleasedPosition(this.dir);
    const segs = this.listSegments();
    for (const s of segs) {
      // Leftovers of a crash between the release record and the deletion.
      if (s < this.releasedPos.seg) this.unlink(s);
    }
    const live = segs.filter((s) => s >= this.releasedPos.seg);
    live.forEach((s, i) => {
      this.scanSegment(s, i === live.length - 1);
    });
    this.writeSeg = live.length > 0 ? live[live.length - 1]! : Math.max(this.releasedPos.seg, 1);
    if (live.length === 0) this.releasedPos = { seg: this.writeSeg, off: 0 };
    this.openWriter();
  }

  /** Unreleased PDUs (including buffered ones). */
  get count(): number {
    return this.unreleasedCount;
  }

  /** Unreleased bytes (entry headers included). */
  get bytes(): number {
    return this.unreleased;
  }

  /** PDUs refused because of the size cap since open. */
  get refused(): number {
    return this.refusedCount;
  }

  get released(): SpoolPosition {
    return this.releasedPos;
  }

  /** Position after the last flushed entry. */
  get end(): SpoolPosition {
    return { seg: this.writeSeg, off: this.segSizes.get(this.writeSeg) ?? 0 };
  }

  /**
   * Appends one PDU (copied). Returns false, and raises the alarm, when the size cap refuses it.
   * Cheap: the bytes go to a memory buffer that is written out by `flush()` or when full.
   */
  append(pdu: Uint8Array): boolean {
    if (this.closed) throw new IoError(`spool ${this.dir} is closed`, this.dir);
    const size = HEADER + pdu.length;
    if (pdu.length > MAX_ENTRY || this.unreleased + size > this.maxBytes) {
      this.refusedCount++;
      this.anomalies?.report('deliver.spool_full', undefined, `cap=${this.maxBytes} unreleased=${this.unreleased} refused=${this.refusedCount}`);
      if (this.onAlarm !== undefined && (this.refusedCount === 1 || this.refusedCount % 1000 === 0)) {
        this.onAlarm(`delivery spool ${this.dir} is full (${this.unreleased} bytes, cap ${this.maxBytes}): PDUs are being REFUSED for this destination`, this.refusedCount);
      }
      return false;
    }
    const b = Buffer.allocUnsafe(size);
    b.writeUInt32BE(pdu.length, 0);
    b.writeUInt32BE(crc32(pdu), 4);
    b.set(pdu, HEADER);
    this.pending.push(b);
    this.pendingBytes += size;
    this.unreleased += size;
    this.unreleasedCount++;
    if (this.pendingBytes >= this.bufferBytes) this.flush();
    return true;
  }

  /** Writes buffered entries to the current segment (one write; survives a process kill). */
  flush(): void {
    if (this.pending.length === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    // Roll before writing so an entry never straddles two segments.
    if ((this.segSizes.get(this.writeSeg) ?? 0) >= this.segmentBytes) this.roll();
    try {
      for (let off = 0; off < data.length; ) off += writeSync(this.writeFd, data, off, data.length - off);
    } catch (e) {
      throw new IoError(`cannot write spool ${this.segPath(this.writeSeg)}: ${(e as Error).message}`, this.segPath(this.writeSeg), undefined, { cause: e });
    }
    this.segSizes.set(this.writeSeg, (this.segSizes.get(this.writeSeg) ?? 0) + data.length);
  }

  /** fsyncs the current segment (power-loss durability of flushed entries). */
  sync(): void {
    if (this.writeFd >= 0) fsyncSync(this.writeFd);
    this.syncFolder();
  }

  /** fsyncs the folder when a segment was created in it since the last time. */
  private syncFolder(): void {
    if (!this.folderDirty) return;
    fsyncDirectory(this.dir);
    this.folderDirty = false;
  }

  /**
   * Reads flushed entries from `from` on, up to about `maxBytes` (at least one entry).
   * A corrupt entry ends the segment early (reported); reading continues with the next one.
   */
  read(from: SpoolPosition, maxBytes = 256 * 1024): SpoolEntry[] {
    const out: SpoolEntry[] = [];
    let pos = from;
    let total = 0;
    while (total < maxBytes) {
      const segSize = this.segSizes.get(pos.seg);
      if (segSize === undefined || pos.off >= segSize) {
        // End of this segment: move on if a later one exists.
        const next = this.nextSegment(pos.seg);
        if (next === undefined || pos.seg === this.writeSeg) break;
        pos = { seg: next, off: 0 };
        continue;
      }
      const e = this.readEntry(pos.seg, pos.off, segSize);
      if (e === undefined) {
        // Corruption inside a segment (disk damage): skip to its end, loudly.
        this.anomalies?.report('deliver.spool_corrupt', undefined, `seg=${pos.seg} off=${pos.off}`);
        this.segSizes.set(pos.seg, pos.off);
        continue;
      }
      total += e.bytes.length + HEADER;
      pos = e.next;
      out.push(e);
    }
    return out;
  }

  /**
   * Releases everything before `upTo` (delivered and acknowledged): records it durably and
   * deletes segments that are now entirely released.
   */
  release(upTo: SpoolPosition, count: number, bytes: number): void {
    if (comparePositions(upTo, this.releasedPos) <= 0) return;
    this.unreleased = Math.max(0, this.unreleased - bytes);
    this.unreleasedCount = Math.max(0, this.unreleasedCount - count);
    // Everything flushed is released and the segment is full: continue in a fresh one so the
    // old one can be deleted (bounds disk use of a long-running tap).
    const size = this.segSizes.get(this.writeSeg) ?? 0;
    if (upTo.seg === this.writeSeg && upTo.off === size && size >= this.segmentBytes && this.pending.length === 0) {
      this.roll();
      upTo = { seg: this.writeSeg, off: 0 };
    }
    this.releasedPos = upTo;
    // Atomic replace: a crash leaves the old or the new release record, never a torn one.
    // Not fsynced: after a power cut an older release record only means PDUs sent again.
    writeReleasedPosition(this.dir, { seg: upTo.seg, off: upTo.off });
    for (const s of [...this.segSizes.keys()]) if (s < upTo.seg) this.unlink(s);
  }

  /** Flushes, fsyncs and closes; releases the lock. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.writeFd >= 0) {
      fsyncSync(this.writeFd);
      closeSync(this.writeFd);
      this.writeFd = -1;
    }
    this.syncFolder();
    if (this.readFd >= 0) closeSync(this.readFd);
    this.readFd = -1;
    try {
      unlinkSync(join(this.dir, 'lock'));
    } catch {
      // already gone
    }
  }

  // ------------------------------------------------------------------------------------------

  private segPath(seg: number): string {
    return join(this.dir, segName(seg));
  }

  private listSegments(): number[] {
    return readdirSync(this.dir)
      .filter((n) => /^\d{12}\.seg$/.test(n))
      .map((n) => Number(n.slice(0, 12)))
      .sort((a, b) => a - b);
  }

  /** Validates the entries of a segment from the released point, counting them; cuts a torn tail. */
  private scanSegment(seg: number, last: boolean): void {
    const path = this.segPath(seg);
    const size = fstatSize(path);
    this.segSizes.set(seg, size);
    let off = seg === this.releasedPos.seg ? Math.min(this.releasedPos.off, size) : 0;
    while (off < size) {
      const e = this.readEntry(seg, off, size);
      if (e === undefined) {
        this.anomalies?.report(last ? 'deliver.spool_torn_tail' : 'deliver.spool_corrupt', undefined, `seg=${seg} off=${off} size=${size}`);
        const fd = openSecretFile(path, 'append');
        try {
          ftruncateSync(fd, off);
        } finally {
          closeSync(fd);
        }
        this.segSizes.set(seg, off);
        break;
      }
      this.unreleased += e.next.off - off;
      this.unreleasedCount++;
      off = e.next.off;
    }
  }

  private readEntry(seg: number, off: number, segSize: number): SpoolEntry | undefined {
    if (segSize - off < HEADER) return undefined;
    const fd = this.reader(seg);
    if (readSync(fd, this.hdr, 0, HEADER, off) !== HEADER) return undefined;
    const len = this.hdr.readUInt32BE(0);
    const crc = this.hdr.readUInt32BE(4);
    if (len > MAX_ENTRY || off + HEADER + len > segSize) return undefined;
    const bytes = Buffer.allocUnsafe(len);
    for (let got = 0; got < len; ) {
      const n = readSync(fd, bytes, got, len - got, off + HEADER + got);
      if (n === 0) return undefined;
      got += n;
    }
    if (crc32(bytes) !== crc) return undefined;
    return { bytes, next: { seg, off: off + HEADER + len } };
  }

  private reader(seg: number): number {
    if (this.readSeg !== seg) {
      if (this.readFd >= 0) closeSync(this.readFd);
      this.readFd = openReadNoFollow(this.segPath(seg));
      this.readSeg = seg;
    }
    return this.readFd;
  }

  private nextSegment(seg: number): number | undefined {
    let best: number | undefined;
    for (const s of this.segSizes.keys()) if (s > seg && (best === undefined || s < best)) best = s;
    return best;
  }

  private openWriter(): void {
    const path = this.segPath(this.writeSeg);
    try {
      this.writeFd = openSecretFile(path, 'append');
    } catch (e) {
      throw new IoError(`cannot open spool ${path}: ${(e as Error).message}`, path, undefined, { cause: e });
    }
    if (!this.segSizes.has(this.writeSeg)) {
      this.segSizes.set(this.writeSeg, fstatSync(this.writeFd).size);
      // Not scanned at open: created now. Its name reaches the disk with the folder's next fsync.
      this.folderDirty = true;
    }
  }

  private roll(): void {
    fsyncSync(this.writeFd);
    closeSync(this.writeFd);
    this.writeSeg++;
    this.openWriter();
  }

  private unlink(seg: number): void {
    if (seg === this.readSeg && this.readFd >= 0) {
      closeSync(this.readFd);
      this.readFd = -1;
      this.readSeg = -1;
    }
    try {
      unlinkSync(this.segPath(seg));
    } catch {
      // already gone
    }
    this.segSizes.delete(seg);
  }
}

function fstatSize(path: string): number {
  const fd = openReadNoFollow(path);
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}
