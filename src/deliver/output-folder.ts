/**
 * Taking an output folder for one run (`run --out`, `audit --extract`), or an output file
 * (`audit --html`, `--json`): the records of two runs
 * must never mix, and nothing the run did not write may be deleted or written through.
 *
 * - A missing folder is created (0700, ./safe-fs.ts). An empty one is used.
 * - A folder that holds anything is refused (ConfigError, exit 2) unless the operator said
 *   `--overwrite`; then it must hold only what msrptap writes there (the caller's `isOwn`), which
 *   is deleted before the run starts. Anything else is refused, and nothing is deleted.
 * - A symlink anywhere in it (or the folder itself being one) is refused as an I/O error whatever
 *   the flags: it is never followed, and never removed either (someone put it there; the operator
 *   should look at it).
 */
import { lstatSync, readdirSync, rmdirSync, type Stats, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, IoError } from '../core/errors.js';
import { ensureSecretDir } from './safe-fs.js';

/** One entry of the folder: its path below the folder (names) and whether it is a folder. */
export interface OutputEntry {
  readonly names: readonly string[];
  readonly isDir: boolean;
}

export interface ClaimOptions {
  /** The option that named the folder, for messages (`--out`). */
  readonly flag: string;
  readonly overwrite: boolean;
  /** True for what a previous run of the same command wrote there. */
  readonly isOwn: (e: OutputEntry) => boolean;
}

/** Entries visited at most (a folder this large is not a previous output; refuse rather than walk it). */
const MAX_ENTRIES = 1_000_000;

/** Lists `dir` depth-first without following links; throws IoError at the first symlink. */
function listTree(dir: string): OutputEntry[] {
  const out: OutputEntry[] = [];
  const walk = (names: string[]): void => {
    const here = join(dir, ...names);
    for (const n of readdirSync(here).sort()) {
      const p = join(here, n);
      const st = lstatSync(p);
      const e = { names: [...names, n], isDir: st.isDirectory() };
      if (st.isSymbolicLink()) throw new IoError(`${p} is a symbolic link: refusing to write into a folder holding one (remove it after checking who put it there)`, p);
      if (out.length >= MAX_ENTRIES) throw new ConfigError(`${dir} holds more than ${MAX_ENTRIES} entries: not an output folder of msrptap`, 'choose another folder');
      out.push(e);
      if (e.isDir) walk(e.names);
    }
  };
  walk([]);
  return out;
}

/** Makes `dir` ready for a run (see the file comment); throws ConfigError / IoError naming the path. */
export function claimOutputFolder(dir: string, o: ClaimOptions): void {
  let st: Stats | undefined;
  try {
    st = lstatSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new IoError(`cannot use ${o.flag} ${dir}: ${(e as Error).message}`, dir, undefined, { cause: e });
  }
  if (st?.isSymbolicLink() === true) throw new IoError(`${o.flag} ${dir} is a symbolic link: refusing to follow it (give the real path)`, dir);
  if (st !== undefined && !st.isDirectory()) throw new IoError(`${o.flag} ${dir} is not a folder`, dir);
  let entries: OutputEntry[] = [];
  if (st !== undefined) {
    try {
      entries = listTree(dir);
    } catch (e) {
      if (e instanceof IoError || e instanceof ConfigError) throw e;
      throw new IoError(`cannot read ${o.flag} ${dir}: ${(e as Error).message}`, dir, undefined, { cause: e });
    }
  }
  if (entries.length > 0) {
    if (!o.overwrite) {
      throw new ConfigError(`${o.flag} ${dir} is not empty: refusing to mix this run's output with what is there`, `give a new or empty folder, or add --overwrite to delete msrptap's previous output in it first`);
    }
    const foreign = entries.find((e) => !o.isOwn(e));
    if (foreign !== undefined) {
      throw new ConfigError(`--overwrite: ${join(dir, ...foreign.names)} was not written by msrptap: refusing to delete it (nothing was deleted)`, `move it away, or choose another ${o.flag} folder`);
    }
    // Files first, then folders deepest first (each now empty).
    try {
      for (const e of entries) if (!e.isDir) unlinkSync(join(dir, ...e.names));
      for (const e of entries.filter((x) => x.isDir).reverse()) rmdirSync(join(dir, ...e.names));
    } catch (e) {
      throw new IoError(`--overwrite: cannot delete the previous output in ${dir}: ${(e as Error).message}`, dir, undefined, { cause: e });
    }
  }
  ensureSecretDir(dir);
}

/**
 * Takes the single output file `path` (`audit --html FILE`, `--json FILE`): its folder is
 * created when missing (0700), an existing file is refused (ConfigError) unless `overwrite`, a
 * symlink or any other kind of file always (IoError); an existing character device or named pipe
 * is taken as it is. Returns how to open it ({@link SecureFileWriter}).
 */
export function claimOutputFile(path: string, flag: string, overwrite: boolean): 'refuse' | 'replace' | 'device' {
  ensureSecretDir(dirname(path), null);
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'refuse';
    throw new IoError(`cannot use ${flag} ${path}: ${(e as Error).message}`, path, undefined, { cause: e });
  }
  if (st.isSymbolicLink()) throw new IoError(`${flag} ${path} is a symbolic link: refusing to follow it`, path);
  // A device or pipe the operator names (/dev/null, a FIFO to another tool) is written to as it
  // is, as a shell redirection would: nothing of it is replaced or left behind.
  if (st.isCharacterDevice() || st.isFIFO()) return 'device';
  if (!st.isFile()) throw new IoError(`${flag} ${path} is not a regular file`, path);
  if (!overwrite) throw new ConfigError(`${flag} ${path} exists: refusing to overwrite it`, 'give a new file name, or add --overwrite to replace it');
  return 'replace';
}
