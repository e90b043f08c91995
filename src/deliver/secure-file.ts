/**
 * Files that hold intercepted data: created 0600 inside folders created 0700, whatever the
 * umask, never through a planted link (./safe-fs.ts), appended through a buffer (one write per
 * record would dominate a busy run), fsynced on close so a record reported as written survives
 * a power cut.
 */
import { closeSync, fstatSync, fsync, fsyncSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { IoError } from '../core/errors.js';
import { ensureSecretDir, openSecretFile, type ExistingFile } from './safe-fs.js';

export { ensureSecretDir, SECRET_DIR_MODE, SECRET_FILE_MODE } from './safe-fs.js';

/** Options of {@link SecureFileWriter}. */
export interface SecureFileOptions {
  /** An existing file: refuse it (default: a file of a run never reuses one), empty it, or append. */
  readonly existing?: ExistingFile;
  /**
   * The folders from this one down to the file's must be real folders, not symlinks (see
   * ensureSecretDir); default null: the file's folder may be the operator's (`--html /tmp/r.html`),
   * only folders created here are checked. The file itself is never followed.
   */
  readonly strictFrom?: string | null;
  readonly bufferSize?: number;
}

/** An append-only file of secret records, 0600, buffered. */
export class SecureFileWriter {
  private fd: number;
  private readonly buf: Buffer;
  private used = 0;
  private written = 0;
  /** fsync applies to regular files only: on a device or pipe (`--json /dev/null`) it fails with EINVAL. */
  private readonly regular: boolean;

  /** Creates the file's missing folders (0700) and the file (0600) without following links; throws IoError. */
  constructor(
    readonly path: string,
    opts: SecureFileOptions = {},
  ) {
    ensureSecretDir(dirname(path), opts.strictFrom ?? null);
    this.fd = openSecretFile(path, opts.existing ?? 'refuse');
    this.regular = fstatSync(this.fd).isFile();
    this.buf = Buffer.allocUnsafe(opts.bufferSize ?? 256 * 1024);
  }

  /** Bytes written so far (buffered included). */
  get bytes(): number {
    return this.written;
  }

  write(b: Uint8Array): void {
    if (this.fd < 0) throw new IoError(`write after close: ${this.path}`, this.path);
    this.written += b.length;
    if (b.length > this.buf.length - this.used) {
      this.flush();
      if (b.length >= this.buf.length) {
        this.writeAll(b);
        return;
      }
    }
    this.buf.set(b, this.used);
    this.used += b.length;
  }

  flush(): void {
    if (this.used === 0) return;
    this.writeAll(this.buf.subarray(0, this.used));
    this.used = 0;
  }

  /** Flushes, fsyncs and closes. Idempotent. */
  close(): void {
    if (this.fd < 0) return;
    this.flush();
    try {
      if (this.regular) fsyncSync(this.fd);
      closeSync(this.fd);
    } catch (e) {
      throw new IoError(`cannot close output file ${this.path}: ${(e as Error).message}`, this.path, undefined, { cause: e });
    } finally {
      this.fd = -1;
    }
  }

  /**
   * {@link close} with the fsync run on libuv's thread pool: the fsyncs of several files closed
   * together overlap (the file system commits them in fewer journal transactions) where one
   * after another each waits for its own; 32 files of ~2 MB: 175-340 ms one after another,
   * 50-150 ms together, on this machine's ext4. Writes are refused from the moment it is called.
   */
  async closeAsync(): Promise<void> {
    if (this.fd < 0) return;
    this.flush();
    const fd = this.fd;
    this.fd = -1;
    // close(2) is called exactly once: on Linux it releases the descriptor even when it fails,
    // and with fsyncs in flight on the thread pool the number may already be another file's by
    // a second close (review r22: a retry closed an unrelated output).
    let failure: unknown;
    if (this.regular) {
      try {
        await new Promise<void>((resolve, reject) => fsync(fd, (e) => (e === null ? resolve() : reject(e))));
      } catch (e) {
        failure = e;
      }
    }
    try {
      closeSync(fd);
    } catch (e) {
      failure ??= e;
    }
    if (failure !== undefined) throw new IoError(`cannot close output file ${this.path}: ${(failure as Error).message}`, this.path, undefined, { cause: failure });
  }

  /**
   * Closes without writing what is buffered and without fsync, and never throws: for a file
   * about to be deleted (a failed or temporary output), where a flush error would only hide
   * the error that matters.
   */
  abandon(): void {
    if (this.fd < 0) return;
    try {
      closeSync(this.fd);
    } catch {
      // The descriptor is ours and open: closing can only fail if it is gone already.
    }
    this.fd = -1;
    this.used = 0;
  }

  private writeAll(b: Uint8Array): void {
    try {
      for (let off = 0; off < b.length; ) off += writeSync(this.fd, b, off, b.length - off);
    } catch (e) {
      throw new IoError(`cannot write output file ${this.path}: ${(e as Error).message}`, this.path, undefined, { cause: e });
    }
  }
}
