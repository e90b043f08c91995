/**
 * The `lock` file of a spool folder (./pdu-spool.ts): the pid of the process using it. A second
 * live process on the same folder would interleave appends and releases, so it is refused; the
 * lock of a process that is gone is taken over.
 */
import { ConfigError } from '../core/errors.js';
import { join } from 'node:path';
import { readFileNoFollow, writeFileAtomic } from './safe-fs.js';

/** Takes the lock of spool folder `dir`. @throws ConfigError when a live process holds it. */
export function lockSpoolFolder(dir: string): void {
  const path = join(dir, 'lock');
  try {
    const pid = Number((readFileNoFollow(path) ?? '').toString().trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
      let alive = true;
      try {
        process.kill(pid, 0);
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === 'EPERM';
      }
      if (alive) throw new ConfigError(`spool ${dir} is in use by process ${pid}`, 'run one msrptap per spool folder (--spool-dir), or stop the other one');
    }
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    // no lock file, or unreadable: take it
  }
  writeFileAtomic(path, Buffer.from(`${process.pid}\n`), false);
}
