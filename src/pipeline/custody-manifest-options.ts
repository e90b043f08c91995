/**
 * Chain-of-custody wiring of `msrptap run`: the manifest options (tool version, capture sha256s, tasks, the Ed25519 key) handed to
 * the file output (src/pipeline/file-record-output.ts, src/audit/custody-manifest.ts).
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import type { ManifestCapture, ManifestTask } from '../audit/custody-manifest.js';
import { captureDigests, captureDigestsInBackground } from './capture-digests.js';
import type { ManifestOptions } from './file-record-output.js';

/** Reads and checks an Ed25519 private key (a wrong key type is a configuration error, said before the run starts). */
export function loadSignKey(path: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(path));
  } catch (e) {
    throw new ConfigError(`cannot read signing key ${path}: ${(e as Error).message}`, 'give --sign-key an unencrypted Ed25519 private key in PEM (openssl genpkey -algorithm ed25519 -out key.pem)');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new ConfigError(`${path} is a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`, 'create one with openssl genpkey -algorithm ed25519');
  return key;
}

/** The tasks as a manifest lists them. */
export function manifestTasks(tasks: { tasks: readonly { xid: string; liid: string; deliveryType: ManifestTask['deliveryType']; targetIdentifiers: readonly { value: string }[] }[] }): ManifestTask[] {
  return tasks.tasks.map((t) => ({ xid: t.xid, liid: t.liid, deliveryType: t.deliveryType, targets: t.targetIdentifiers.map((i) => i.value) }));
}

/**
 * The manifest options of a run, and its capture digests: the -r captures are hashed in a worker
 * thread while the run reads them (a second read of each file; the caller hands the result to
 * the output with `setCaptures` before closing it, or calls `stop` when the run fails first).
 * `options.captures` holds null hashes until then.
 */
export function custodyManifestOptions(
  o: { read: readonly string[]; interface?: string; signKey?: string; singleThread?: boolean; toolVersion: string },
  tasks: { tasks: readonly { xid: string; liid: string; deliveryType: ManifestTask['deliveryType']; targetIdentifiers: readonly { value: string }[] }[] },
  onDigestFallback?: (reason: string) => void,
): { options: ManifestOptions; captures: Promise<ManifestCapture[]>; stop: () => void } {
  const signKey = o.signKey !== undefined ? loadSignKey(o.signKey) : undefined;
  const pending: ManifestCapture[] = o.interface !== undefined ? [{ path: `live:${o.interface}`, sha256: null, bytes: null }] : o.read.map((path) => ({ path, sha256: null, bytes: null }));
  const abort = new AbortController();
  const captures = o.interface !== undefined ? Promise.resolve(pending) : o.singleThread === true ? Promise.resolve().then(() => captureDigests(o.read)) : captureDigestsInBackground(o.read, abort.signal, onDigestFallback);
  // Settled by the caller; never an unhandled rejection if the run fails first.
  captures.catch(() => undefined);
  const options: ManifestOptions = {
    toolVersion: o.toolVersion,
    captures: pending,
    tasks: manifestTasks(tasks),
    ...(signKey !== undefined ? { signKey } : {}),
  };
  return { options, captures, stop: () => abort.abort(new Error('run ended before the captures were hashed')) };
}
