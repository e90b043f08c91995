/**
 * The capture input's error wording: an open() failure mapped to a message that says what to
 * do, and the human name of an input (`-` is standard input). Split from ./byte-source.ts so
 * the readers can name their input without the byte window.
 */
import { IoError } from '../core/errors.js';

/** The errno code of a failed fs call ('EIO' when it carries none). */
export function errnoCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'EIO';
}

/** Human name of an input for messages. */
export function displayName(path: string): string {
  return path === '-' ? 'standard input' : path;
}

/** Maps an open() failure to a message that says what to do. */
export function openError(path: string, e: unknown): IoError {
  const code = errnoCode(e);
  const what = `cannot open capture file ${displayName(path)}`;
  let msg: string;
  switch (code) {
    case 'ENOENT':
      msg = `${what}: no such file (check the path and the working directory; use - for standard input)`;
      break;
    case 'EACCES':
    case 'EPERM':
      msg = `${what}: permission denied (make the file readable by this user)`;
      break;
    case 'EISDIR':
      msg = `${what}: is a directory (give a .pcap or .pcapng file)`;
      break;
    case 'ENOTDIR':
      msg = `${what}: a part of the path is not a directory (check the path)`;
      break;
    case 'EMFILE':
    case 'ENFILE':
      msg = `${what}: too many open files (raise the file descriptor limit, ulimit -n)`;
      break;
    default:
      msg = `${what}: ${code}`;
  }
  return new IoError(msg, path, undefined, { cause: e });
}
