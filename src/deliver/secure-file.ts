/**
 * Files that hold intercepted data: created 0600 inside folders created 0700, whatever the
 * umask, appended through a buffer (one write per record would dominate a busy run), fsynced
 * on close so a record reported as written survives a power cut.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync, chmodSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { IoError } from '../core/errors.js';

export const SECRET_DIR_MODE = 0o700;
export const SECRET_FILE_MODE = 0o600;

/**
 * Creates `dir` and missing parents with mode 0700. An existing folder is left as it is
 * unless it is group/world accessible, which is tightened to 0700 (intercepted data must not be
 * readable by other users).
 */
export function ensureSecretDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: SECRET_DIR_MODE });
    const st = statSync(dir);
    if ((st.mode & 0o077) !== 0) chmodSync(dir, SECRET_DIR_MODE);
  } catch (e) {
    throw new IoError(`cannot create output folder ${dir}: ${(e as Error).message}`, dir, undefined, { cause: e });
  }
}

/** An append-only file of secret records, 0600, buffered. */
export class SecureFileWriter {
  private fd: number;
  private readonly buf: Buffer;
  private used = 0;
  private written = 0;

  constructor(
    readonly path: string,
    opts: { append?: boolean; bufferSize?: number } = {},
  ) {
    ensureSecretDir(dirname(path));
    try {
      this.fd = openSync(path, opts.append === true ? 'a' : 'w', SECRET_FILE_MODE);
      // The mode of openSync applies only when the file is created: tighten an existing one.
      chmodSync(path, SECRET_FILE_MODE);
    } catch (e) {
      throw new IoError(`cannot open output file ${path}: ${(e as Error).message}`, path, undefined, { cause: e });
    }
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
      fsyncSync(this.fd);
      closeSync(this.fd);
    } catch (e) {
      throw new IoError(`cannot close output file ${this.path}: ${(e as Error).message}`, this.path, undefined, { cause: e });
    } finally {
      this.fd = -1;
    }
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
