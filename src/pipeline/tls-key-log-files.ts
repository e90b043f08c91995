/**
 * The `--tls-keylog` files: NSS key logs (SSLKEYLOGFILE format) read at the start and re-read
 * as they grow, since endpoints append a connection's secrets while the capture runs. Only
 * whole lines are handed to the {@link TlsKeyLog} (each file keeps its own unfinished last line,
 * so lines of two files never mix); a file that shrank (rotated, rewritten) is read again from
 * its start.
 *
 * The files are secret: their text goes to the key log and nowhere else. Errors name the path
 * and the system error code only, never content.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { AnomalySink } from '../core/anomaly.js';
import { ConfigError } from '../core/errors.js';
import { TlsKeyLog } from '../protocols/tls/index.js';

/** Bytes read per call: a key log line is ~200 bytes, a busy endpoint writes a few per connection. */
const READ_CHUNK = 64 * 1024;
/** An unfinished line kept longer than this is cut (it is a bad line anyway: the longest valid one is ~200 bytes). */
const MAX_PARTIAL = 4096;

interface KeyLogFile {
  readonly path: string;
  offset: number;
  partial: string;
  /** The last read failed (logged once until it works again). */
  failing: boolean;
}

export class TlsKeyLogFiles {
  private readonly files: KeyLogFile[];
  private keyLog: TlsKeyLog | null = null;

  /** Checks that every file can be read now (ConfigError naming the file and the fix), before any output is created. */
  constructor(paths: readonly string[]) {
    this.files = paths.map((path) => {
      try {
        closeSync(openSync(path, 'r'));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? 'error';
        throw new ConfigError(
          `--tls-keylog ${path}: cannot read the key log (${code})`,
          'give an NSS key log file (SSLKEYLOGFILE, or what a TLS endpoint writes from its keylog callback) that exists and is readable by msrptap; it may be empty at the start and grow during the run',
        );
      }
      return { path, offset: 0, partial: '', failing: false };
    });
  }

  /** The key log, with the files' current content read in. `anomalies` gets its bad lines. */
  open(anomalies: AnomalySink): TlsKeyLog {
    this.keyLog = new TlsKeyLog({ anomalies });
    this.poll(false);
    return this.keyLog;
  }

  /**
   * Reads what the files gained since the last call into the key log; `final` (end of input):
   * a last line without its newline counts too. Returns true when new lines were read. A file
   * that cannot be read now is reported once to `onError` (its path and error code).
   */
  poll(final: boolean, onError?: (path: string, code: string) => void): boolean {
    const keys = this.keyLog;
    if (keys === null) return false;
    let grew = false;
    for (const f of this.files) {
      let text: string;
      try {
        text = readFrom(f);
        f.failing = false;
      } catch (e) {
        if (!f.failing) onError?.(f.path, (e as NodeJS.ErrnoException).code ?? 'error');
        f.failing = true;
        continue;
      }
      let whole = f.partial + text;
      const nl = whole.lastIndexOf('\n');
      if (final && whole.length > nl + 1) {
        whole += '\n';
        f.partial = '';
      } else {
        f.partial = whole.slice(nl + 1, nl + 1 + MAX_PARTIAL);
        whole = whole.slice(0, nl + 1);
      }
      if (whole.length > 0) {
        keys.ingest(whole);
        grew = true;
      }
    }
    return grew;
  }
}

/** The bytes of `f` past its offset (from 0 when the file shrank), as text (the format is ASCII). */
function readFrom(f: KeyLogFile): string {
  const fd = openSync(f.path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < f.offset) {
      f.offset = 0;
      f.partial = '';
    }
    const parts: Buffer[] = [];
    while (f.offset < size) {
      const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, size - f.offset));
      const n = readSync(fd, buf, 0, buf.length, f.offset);
      if (n === 0) break;
      parts.push(buf.subarray(0, n));
      f.offset += n;
    }
    return Buffer.concat(parts).toString('latin1');
  } finally {
    closeSync(fd);
  }
}
