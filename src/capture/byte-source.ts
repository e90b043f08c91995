/**
 * Synchronous, chunked byte input for the capture readers: a file, a FIFO, standard input
 * (`-`, so `tcpdump -w - | msrptap stats -r -` works) or an in-memory array.
 *
 * Why synchronous: the pipeline pulls one frame at a time (`FrameReader.next()`), and a plain
 * `fs.readSync` into one reusable buffer costs no promises, no stream objects and no copies
 * beyond the kernel's. Memory is bounded by the chunk size plus the largest record: the buffer is
 * compacted (unread tail moved to the front) only when a record straddles its end, and grown
 * only when a single record is bigger than the whole buffer; it shrinks back afterwards.
 *
 * ```
 *   buf: [ consumed | pos ... unread ... end | free ]
 *        ^ base (absolute offset of buf[0])
 * ```
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InvariantError, IoError } from '../core/errors.js';
import { displayName, errnoCode, openError } from './open-error.js';
import { nonBlockingReader, sleepMs } from './non-blocking-reader.js';

/**
 * Default read size. Large enough that syscalls per frame stay near zero (400 reads for 200 MB),
 * small enough that a chunk the kernel has just copied is still in the core's L2 cache (2 MiB
 * here) when the decoders walk it: 512 KiB against the 4 MiB used before cost 15-20 ms less CPU
 * per 200 MB in the read, decode and TCP stages of bench/stage-ladder.mjs (10 interleaved
 * rounds, docs/performance.md "Round 22: per-frame allocation").
 */
export const DEFAULT_CHUNK_SIZE = 512 * 1024;

/** Reads of at least this much are worth a compaction instead of a small read into the tail. */
const MIN_READ = 64 * 1024;

/** How long to sleep when a non-blocking pipe has no data yet (EAGAIN). */
const EAGAIN_SLEEP_MS = 2;
/** The same wait in {@link ByteSource.ensureAsync}, on the event loop (ms)... */
const ASYNC_POLL_MS = 5;
/** ... after this many 1 ms waits in the thread. */
const SYNC_POLLS = 4;

/** Options of {@link ByteSource}. */
export interface ByteSourceOptions {
  /** Size of the reusable read buffer (default {@link DEFAULT_CHUNK_SIZE}, 512 KiB). */
  chunkSize?: number;
  /**
   * Upper bound for a single read call. Lets tests simulate a pipe that delivers data in small
   * pieces; production code leaves it unset.
   */
  maxReadSize?: number;
}

/**
 * A pull-based byte window over one input. Readers of this module access `buf`, `pos` and `end`
 * directly (no getters on the per-frame path): the unread bytes are `buf[pos, end)`.
 */
export class ByteSource {
  /** Current buffer. Replaced when it grows or shrinks: re-read it after every {@link ensure}. */
  buf: Uint8Array;
  /**
   * DataView over `buf` (same lifetime): TurboFan compiles `getUint32(off, le)` to one load,
   * cheaper per record than four byte loads and shifts.
   */
  view: DataView;
  /** Index in `buf` of the first unconsumed byte. Readers advance it after parsing a record. */
  pos = 0;
  /** Index in `buf` one past the last valid byte. */
  end = 0;
  /** Absolute input offset of `buf[0]`. */
  private base = 0;
  private eof = false;
  private closed = false;
  private readonly chunkSize: number;
  private readonly maxReadSize: number;
  /** The non-blocking reopen of a pipe once {@link ensureAsync} was used (-1: not possible). */
  private nonBlockingFd: number | undefined;
  /** A {@link pushed} source: bytes arrive by {@link push}, never by a read. */
  private pushing = false;
  /** Number of times a read found a non-blocking pipe empty (EAGAIN) and slept; for tests. */
  eagainRetries = 0;

  private constructor(
    /** The path as given (`-` for standard input). */
    readonly path: string,
    /** Size of a regular file; undefined for pipes, FIFOs and terminals. */
    readonly totalBytes: number | undefined,
    private readonly fd: number,
    private readonly ownsFd: boolean,
    private readonly memory: Uint8Array | undefined,
    opts: ByteSourceOptions,
  ) {
    this.chunkSize = Math.max(16, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK_SIZE));
    this.maxReadSize = Math.max(1, Math.floor(opts.maxReadSize ?? Number.MAX_SAFE_INTEGER));
    this.buf = new Uint8Array(this.chunkSize);
    this.view = new DataView(this.buf.buffer);
  }

  /**
   * Opens a file, FIFO or `-` (standard input, not closed by {@link close}).
   * @throws IoError naming the path when it cannot be opened or is a directory.
   */
  static open(path: string, opts: ByteSourceOptions = {}): ByteSource {
    const isStdin = path === '-';
    let fd: number;
    try {
      fd = isStdin ? 0 : openSync(path, 'r');
    } catch (e) {
      throw openError(path, e);
    }
    let size: number | undefined;
    try {
      const st = fstatSync(fd);
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      size = st.isFile() ? st.size : undefined;
    } catch (e) {
      if (!isStdin) closeSync(fd);
      throw openError(path, e);
    }
    return new ByteSource(path, size, fd, !isStdin, undefined, opts);
  }

  /**
   * A source over bytes already in memory (tests, fuzzing, captures embedded in other files).
   * The same chunking logic runs as for files, so small `chunkSize`/`maxReadSize` exercise it.
   */
  static fromBytes(bytes: Uint8Array, name: string, opts: ByteSourceOptions = {}): ByteSource {
    return new ByteSource(name, bytes.length, -1, false, bytes, opts);
  }

  /**
   * A source fed by its owner with {@link push} (a child process's output arriving on the event
   * loop, ./dumpcap-capture.ts) and ended with {@link endPush}. It never reads: a reader must
   * be called only when its `readable()` says the next record is buffered, or after the end;
   * asking for bytes that have not arrived yet is a bug (InvariantError).
   */
  static pushed(name: string, opts: ByteSourceOptions = {}): ByteSource {
    const src = new ByteSource(name, undefined, -1, false, undefined, opts);
    src.pushing = true;
    return src;
  }

  /**
   * Appends `chunk` (copied) after the unread bytes of a {@link pushed} source. Invalidates
   * views handed out earlier (the buffer may be compacted, grown or shrunk back).
   */
  push(chunk: Uint8Array): void {
    if (!this.pushing || this.closed || this.eof) return;
    const unread = this.end - this.pos;
    const need = unread + chunk.length;
    if (this.buf.length > this.chunkSize && need <= this.chunkSize) this.realloc(this.chunkSize);
    else if (this.end + chunk.length > this.buf.length) {
      if (need <= this.buf.length) {
        this.buf.copyWithin(0, this.pos, this.end);
        this.base += this.pos;
        this.end = unread;
        this.pos = 0;
      } else this.realloc(need);
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** The writer of a {@link pushed} source is done: what is buffered is all there is. */
  endPush(): void {
    this.eof = true;
  }

  /** Absolute input offset of the first unconsumed byte (`buf[pos]`). */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Unconsumed bytes already in the buffer. */
  get available(): number {
    return this.end - this.pos;
  }

  /** Current buffer size in bytes (bounded: chunk size, or the largest record while it is read). */
  get bufferSize(): number {
    return this.buf.length;
  }

  /**
   * Makes at least `n` unconsumed bytes available at `buf[pos]`, reading as needed. Returns false
   * when the input ends first (then `available` tells how many bytes were left). May move the
   * unread bytes or replace `buf`, which invalidates views handed out earlier.
   * @throws IoError when a read fails.
   */
  ensure(n: number): boolean {
    if (this.end - this.pos >= n) return true;
    return this.fill(n);
  }

  /** Consumes `n` bytes (caller has ensured them). */
  skip(n: number): void {
    this.pos += n;
  }

  private fill(n: number): boolean {
    if (this.eof || this.closed) return false;
    this.makeRoom(n);
    while (this.end - this.pos < n) {
      const room = this.readRoom(n); // may replace buf: take buf and end after it
      const got = this.read(this.buf, this.end, room);
      if (got === 0) {
        this.eof = true;
        return false;
      }
      this.end += got;
    }
    return true;
  }

  /**
   * {@link ensure} without blocking the thread ({@link readAsync}): while a pipe's writer is
   * silent the event loop still runs (signal handlers, timers). Same buffer
   * rules as `ensure` (views handed out earlier are invalidated). Only one call at a time.
   */
  async ensureAsync(n: number): Promise<boolean> {
    if (this.end - this.pos >= n) return true;
    if (this.eof || this.closed) return false;
    this.makeRoom(n);
    while (this.end - this.pos < n) {
      const room = this.readRoom(n); // may replace buf: take buf and end after it
      const buf = this.buf;
      const got = await this.readAsync(buf, this.end, room);
      // Closed while waiting (an interrupted run): the bytes are not wanted any more.
      if (this.closed || buf !== this.buf) return false;
      if (got === 0) {
        this.eof = true;
        return false;
      }
      this.end += got;
    }
    return true;
  }

  /** The input ended (or the source was closed): no read will wait any more. */
  get ended(): boolean {
    return this.eof || this.closed;
  }

  /**
   * True for pipes, FIFOs, terminals and {@link pushed} sources: a read may wait on the writer
   * (see {@link ensureAsync}; a pushed source's reader is asked `readable()` instead).
   */
  get mayBlock(): boolean {
    return this.memory === undefined && this.totalBytes === undefined;
  }

  /** Compacts or shrinks the buffer so that `n` bytes from `pos` can be read into it. */
  private makeRoom(n: number): void {
    if (this.buf.length > this.chunkSize && n <= this.chunkSize) {
      // Back to the chunk size after a record bigger than it.
      this.realloc(this.chunkSize);
    } else if (this.pos > 0 && (this.pos + n > this.buf.length || this.buf.length - this.end < MIN_READ)) {
      // The record straddles the buffer end: move the unread tail to the front.
      this.buf.copyWithin(0, this.pos, this.end);
      this.base += this.pos;
      this.end -= this.pos;
      this.pos = 0;
    }
  }

  /** Bytes the next read may fill (the buffer grown first when full and still short of `n`). */
  private readRoom(n: number): number {
    if (this.end === this.buf.length) {
      // Full and still short: grow, but only by doubling as data actually arrives, so a
      // damaged length field in a small file cannot make us allocate its claimed size.
      this.realloc(Math.min(this.pos + n, this.buf.length * 2) - this.pos);
    }
    return Math.min(this.buf.length - this.end, this.maxReadSize);
  }

  /** Moves the unread bytes to the front of a new buffer of `size` (>= unread) bytes. */
  private realloc(size: number): void {
    const next = new Uint8Array(Math.max(size, this.end - this.pos));
    next.set(this.buf.subarray(this.pos, this.end));
    this.base += this.pos;
    this.end -= this.pos;
    this.pos = 0;
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  private read(buf: Uint8Array, off: number, len: number): number {
    if (this.pushing) throw new InvariantError(`${this.path}: a read of ${len} bytes that were not pushed yet (call the reader only when readable())`);
    const mem = this.memory;
    if (mem !== undefined) {
      const at = this.base + this.end;
      const got = Math.max(0, Math.min(len, mem.length - at));
      buf.set(mem.subarray(at, at + got), off);
      return got;
    }
    for (;;) {
      try {
        // position null: read from the current file position, which also works on pipes. Once
        // the pipe was reopened non-blocking, both reads use that description (EAGAIN below).
        return readSync(this.nonBlockingFd !== undefined && this.nonBlockingFd >= 0 ? this.nonBlockingFd : this.fd, buf, off, len, null);
      } catch (e) {
        const code = errnoCode(e);
        // A pipe inherited in non-blocking mode (e.g. stdin after a parent or Node itself set
        // O_NONBLOCK) reports "no data yet" as EAGAIN: wait briefly and retry instead of failing.
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
          this.eagainRetries++;
          sleepMs(EAGAIN_SLEEP_MS);
          continue;
        }
        if (code === 'EINTR') continue;
        if (code === 'EOF') return 0; // Windows console/pipe end
        const at = this.base + this.end;
        throw new IoError(`cannot read capture file ${displayName(this.path)} at offset ${at}: ${code}`, this.path, at, {
          cause: e,
        });
      }
    }
  }

  /**
   * {@link read} that waits for a silent pipe on the event loop, through a non-blocking
   * descriptor ({@link nonBlockingReader}): no read ever blocks the thread. Not a thread-pool
   * read: a read stuck there on a silent pipe would keep the process from exiting. Where no
   * non-blocking descriptor can be had, falls back to the blocking read.
   */
  private async readAsync(buf: Uint8Array, off: number, len: number): Promise<number> {
    if (this.memory !== undefined) return this.read(buf, off, len);
    this.nonBlockingFd ??= nonBlockingReader(this.fd);
    if (this.nonBlockingFd < 0) return this.read(buf, off, len);
    for (let tries = 0; ; tries++) {
      if (this.closed) return 0;
      try {
        return readSync(this.nonBlockingFd, buf, off, len, null);
      } catch (e) {
        const code = errnoCode(e);
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
          this.eagainRetries++;
          // A writer that is merely slower than us (cat, tcpdump) has more within a millisecond
          // or two: short waits in the thread first keep the throughput of a blocking read; a
          // writer silent longer is waited on from the event loop.
          if (tries < SYNC_POLLS) sleepMs(1);
          else await new Promise((r) => setTimeout(r, ASYNC_POLL_MS));
          continue;
        }
        if (code === 'EINTR') continue;
        const at = this.base + this.end;
        throw new IoError(`cannot read capture file ${displayName(this.path)} at offset ${at}: ${code}`, this.path, at, { cause: e });
      }
    }
  }

  /** Closes the file (not standard input) and drops the buffer. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.base += this.pos;
    this.buf = new Uint8Array(0);
    this.view = new DataView(this.buf.buffer);
    this.pos = this.end = 0;
    if (this.nonBlockingFd !== undefined && this.nonBlockingFd >= 0 && this.nonBlockingFd !== this.fd) {
      try {
        closeSync(this.nonBlockingFd);
      } catch {
        // Ours and open: can only fail if already gone.
      }
    }
    if (this.ownsFd) {
      try {
        closeSync(this.fd);
      } catch {
        // Closing a read-only descriptor can only fail if it is already gone: nothing to do.
      }
    }
  }
}
