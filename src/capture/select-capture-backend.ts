/**
 * The live capture backend (`--capture-backend`): dumpcap in its own process
 * (./dumpcap-capture.ts) when it is found and executable, else libpcap in the tap through the
 * `cap` binding (./live-capture.ts).
 */
import { accessSync, constants as fsConstants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ConfigError } from '../core/errors.js';

/** `--capture-backend`: auto picks dumpcap when it is found and executable, else cap. */
export type CaptureBackendChoice = 'auto' | 'dumpcap' | 'cap';
export const CAPTURE_BACKENDS: readonly CaptureBackendChoice[] = ['auto', 'dumpcap', 'cap'];

/** The backend a live run uses, and why (logged at start). */
export interface CaptureBackendSelection {
  readonly backend: 'dumpcap' | 'cap';
  /** The dumpcap executable (backend 'dumpcap' only). */
  readonly dumpcapPath?: string;
  readonly reason: string;
}

const INSTALL_FIX = 'install it (Debian/Ubuntu: apt-get install wireshark-common, which tshark pulls in), or use --capture-backend cap';

/** Places searched after $PATH (sbin is often not in a service's PATH). */
const EXTRA_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin', '/bin', '/sbin'];

/** Whether `path` is an executable file for this process; injectable for tests. */
export type ExecutableCheck = (path: string) => boolean;

const isExecutable: ExecutableCheck = (path) => {
  try {
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The first executable `dumpcap` on `pathEnv` (then the usual system directories), or undefined. */
export function findDumpcap(pathEnv: string | undefined = process.env.PATH, canExec: ExecutableCheck = isExecutable): string | undefined {
  const dirs = [...(pathEnv ?? '').split(delimiter).filter((d) => d !== ''), ...EXTRA_DIRS];
  for (const d of dirs) {
    const p = join(d, 'dumpcap');
    if (canExec(p)) return p;
  }
  return undefined;
}

/**
 * Chooses the live capture backend. `dumpcapPath`: what {@link findDumpcap} found.
 * @throws ConfigError when dumpcap is asked for and not found.
 */
export function selectCaptureBackend(choice: CaptureBackendChoice, dumpcapPath: string | undefined): CaptureBackendSelection {
  if (choice === 'cap') return { backend: 'cap', reason: '--capture-backend cap' };
  if (dumpcapPath !== undefined) return { backend: 'dumpcap', dumpcapPath, reason: choice === 'dumpcap' ? '--capture-backend dumpcap' : 'dumpcap found' };
  if (choice === 'dumpcap') throw new ConfigError('--capture-backend dumpcap: no executable dumpcap found on PATH', INSTALL_FIX);
  return { backend: 'cap', reason: 'dumpcap not found: in-process capture (no drop count from the capture ring)' };
}
