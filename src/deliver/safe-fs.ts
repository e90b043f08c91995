/**
 * Creating the folders and files that hold intercepted data without following a link someone
 * planted there. Every writer of msrptap goes through this module (record files, manifests,
 * audit.json and its spool, HTML report, extracted files, delivery spools, sequence state,
 * receiver store), in the main thread and in the file-writing worker thread.
 *
 * - Files are opened with O_NOFOLLOW (a symlink as last component fails with ELOOP instead of
 *   writing to, truncating and chmodding its target) and O_NONBLOCK (a planted FIFO fails instead
 *   of blocking the open forever); then fstat must show a regular file with one link (a hard link
 *   to someone else's file is the same attack as a symlink). New files use O_CREAT|O_EXCL.
 * - Folders are created one component at a time with mkdir(2) and checked with lstat. Node's
 *   recursive mkdirSync loops forever at 100 % CPU where mkdir fails with ENOENT although the
 *   parent exists (everywhere under /proc): walking the components ourselves fails at once.
 * - Of the path the operator gives (`--out /srv/li/out`), the existing ancestors are the
 *   operator's and are resolved as usual (`/tmp` is a symlink on some systems); the components
 *   from `below` down, which msrptap creates or fills (the output folder itself, `<LIID>`,
 *   `<XID>`, `<DID>` folders), must be real folders: a symlink there is refused.
 *
 * Limit: Node has no openat(2), so a folder is checked (lstat) and then used by path. Replacing
 * it by a symlink between the two needs write access to its parent, a 0700 folder of ours.
 */
import { closeSync, constants, fchmodSync, fstatSync, fsyncSync, ftruncateSync, lstatSync, mkdirSync, openSync, readSync, renameSync, statSync, chmodSync, unlinkSync, writeSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { dirname, join, parse, resolve, sep } from 'node:path';
import { IoError } from '../core/errors.js';

export const SECRET_DIR_MODE = 0o700;
export const SECRET_FILE_MODE = 0o600;

/**
 * What to do when the file exists: fail, empty it, or write after its end; `device`: the path is
 * a character device or a named pipe the operator named (`--json /dev/null`), written as it is
 * (nothing created, no mode change, no truncation).
 */
export type ExistingFile = 'refuse' | 'replace' | 'append' | 'device';

function errText(e: unknown, path: string): string {
  const err = e as NodeJS.ErrnoException;
  // O_EXCL reports EEXIST, and O_DIRECTORY ENOTDIR, before O_NOFOLLOW's ELOOP: say which it is.
  let link = err.code === 'ELOOP';
  if (err.code === 'EEXIST' || err.code === 'ENOTDIR') {
    try {
      link = lstatSync(path).isSymbolicLink();
    } catch {
      // gone meanwhile: "exists" is still what open saw
    }
  }
  if (link) return 'it is a symbolic link: refusing to follow it';
  if (err.code === 'EEXIST') return 'it already exists';
  if (err.code === 'ENXIO') return 'it is a FIFO or device: refusing to write to it';
  return err.message;
}

function lstatOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Creates `dir` and its missing parents, each 0700 (whatever the umask), one mkdir at a time.
 * Components at or below `strictFrom` (an ancestor of `dir`, or `dir` itself; default `dir`)
 * must be real folders, never symlinks; those above it are resolved as usual. `null`: only the
 * components created here are checked (the folder of a file the operator names, `--html
 * /tmp/r.html`). An existing `dir` at or below `strictFrom` that is group/world accessible is
 * tightened to 0700; with `null` an existing folder is the operator's (/tmp, a home, /dev) and is
 * left as it is: only the file in it is ours (0600). Throws IoError naming the path.
 */
export function ensureSecretDir(dir: string, strictFrom: string | null = dir): void {
  const abs = resolve(dir);
  const strict = strictFrom === null ? null : resolve(strictFrom);
  const root = parse(abs).root;
  const parts = abs
    .slice(root.length)
    .split(sep)
    .filter((s) => s !== '');
  let cur = root;
  for (const part of parts) {
    cur = join(cur, part);
    // `strict` is `abs` or an ancestor: cur is at or below it when it has it as prefix.
    const owned = strict !== null && (cur === strict || cur.startsWith(strict === root ? root : strict + sep));
    try {
      let st: Stats | null = lstatOrNull(cur);
      if (st === null) {
        try {
          mkdirSync(cur, { mode: SECRET_DIR_MODE });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
        st = lstatSync(cur);
      }
      if (st.isSymbolicLink()) {
        if (owned) throw new IoError(`${cur} is a symbolic link: refusing to follow it (give the real path, or remove the link)`, cur);
        st = statSync(cur);
      }
      if (!st.isDirectory()) throw new IoError(`${cur} is not a folder`, cur);
      if (cur === abs && owned && (st.mode & 0o077) !== 0) chmodSync(cur, SECRET_DIR_MODE);
    } catch (e) {
      if (e instanceof IoError) throw new IoError(`cannot create output folder ${dir}: ${e.message}`, e.path, undefined, { cause: e });
      throw new IoError(`cannot create output folder ${dir}: ${(e as Error).message}`, cur, undefined, { cause: e });
    }
  }
}

/**
 * Opens `path` for writing (0600; `read` also for reading) without following a symlink, and
 * only when it is a regular file with a single link. Its folder must exist. Returns the fd.
 */
export function openSecretFile(path: string, existing: ExistingFile, read = false): number {
  const c = constants;
  if (existing === 'device') return openDevice(path);
  const flags = (read ? c.O_RDWR : c.O_WRONLY) | c.O_CREAT | c.O_NOFOLLOW | c.O_NONBLOCK | (existing === 'refuse' ? c.O_EXCL : 0) | (existing === 'append' ? c.O_APPEND : 0);
  let fd: number;
  try {
    fd = openSync(path, flags, SECRET_FILE_MODE);
  } catch (e) {
    throw new IoError(`cannot open output file ${path}: ${errText(e, path)}`, path, undefined, { cause: e });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error('it is not a regular file');
    if (st.nlink > 1) throw new Error(`it has ${st.nlink} hard links: refusing to write through it`);
    // The mode of open applies only when it creates the file: tighten an existing one (by fd, never by path).
    if ((st.mode & 0o777) !== SECRET_FILE_MODE) fchmodSync(fd, SECRET_FILE_MODE);
    // Emptied only now, after the checks (O_TRUNC would empty a hard-linked victim at open).
    if (existing === 'replace' && st.size > 0) ftruncateSync(fd, 0);
  } catch (e) {
    closeSync(fd);
    throw new IoError(`cannot open output file ${path}: ${(e as Error).message}`, path, undefined, { cause: e });
  }
  return fd;
}

/**
 * Opens an existing character device or named pipe for writing, never through a symlink and
 * never creating anything. Blocking (a pipe waits for its reader, as a shell's `>` does).
 */
function openDevice(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_NOFOLLOW);
  } catch (e) {
    throw new IoError(`cannot open output ${path}: ${errText(e, path)}`, path, undefined, { cause: e });
  }
  const st = fstatSync(fd);
  if (!st.isCharacterDevice() && !st.isFIFO()) {
    closeSync(fd);
    throw new IoError(`cannot open output ${path}: it is no longer a character device or named pipe`, path);
  }
  return fd;
}

/** Opens `path` for reading without following a symlink (ELOOP → IoError). */
export function openReadNoFollow(path: string): number {
  try {
    return openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    throw new IoError(`cannot read ${path}: ${errText(e, path)}`, path, undefined, { cause: e });
  }
}

/** The bytes of `path` (not followed if a symlink), or undefined when it does not exist. */
export function readFileNoFollow(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new IoError(`cannot read ${path}: ${errText(e, path)}`, path, undefined, { cause: e });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new IoError(`cannot read ${path}: it is not a regular file`, path);
    const chunks: Buffer[] = [];
    for (;;) {
      const b = Buffer.allocUnsafe(64 * 1024);
      const n = readSync(fd, b, 0, b.length, null);
      if (n === 0) break;
      chunks.push(b.subarray(0, n));
    }
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

/** Writes every byte of `b` at the fd's position. */
export function writeAllSync(fd: number, b: Uint8Array): void {
  for (let off = 0; off < b.length; ) off += writeSync(fd, b, off, b.length - off);
}

/**
 * Replaces `path` atomically: writes `path.tmp` (created O_EXCL|O_NOFOLLOW after removing a
 * leftover, which unlink never follows), fsyncs it, renames it over `path` (rename replaces a
 * symlink there, never writes through it) and, when `durable`, fsyncs the file before and the
 * folder after, so a power cut leaves the old or the new content, never a torn file.
 */
export function writeFileAtomic(path: string, b: Uint8Array, durable = true): void {
  const tmp = `${path}.tmp`;
  try {
    try {
      unlinkSync(tmp);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const fd = openSecretFile(tmp, 'refuse');
    try {
      writeAllSync(fd, b);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    if (durable) fsyncDirectory(dirname(path));
  } catch (e) {
    if (e instanceof IoError) throw e;
    throw new IoError(`cannot write ${path}: ${(e as Error).message}`, path, undefined, { cause: e });
  }
}

/**
 * fsyncs the folder `dir`, so the names created in it (files, sub-folders, a rename) survive a
 * power cut: fsync of a file persists its data, not its directory entry (POSIX fsync(2); Linux
 * fsync(2): "an explicit fsync() on a file descriptor for the directory is also needed"). Call
 * it once per folder after its new files are closed, before the run reports them written.
 * Opened O_NOFOLLOW|O_DIRECTORY: a symlink or a non-folder in its place fails (ELOOP/ENOTDIR)
 * instead of being followed. Throws IoError naming the folder.
 */
export function fsyncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (e) {
    throw new IoError(`cannot sync folder ${dir}: ${errText(e, dir)}`, dir, undefined, { cause: e });
  }
  try {
    fsyncSync(fd);
  } catch (e) {
    throw new IoError(`cannot sync folder ${dir}: ${(e as Error).message}`, dir, undefined, { cause: e });
  } finally {
    closeSync(fd);
  }
}
