/**
 * Loads the optional `cap` npm package (libpcap binding, see ./cap.d.ts) that live capture
 * (./live-capture.ts) runs on: absent or not built is a configuration error, with its fix.
 */
import { ConfigError } from '../core/errors.js';
import type { Cap as CapClass } from 'cap';

/** The part of the `cap` module the live capture uses (./live-capture.ts). */
export interface CapModule {
  Cap: typeof CapClass;
}

/**
 * Loads the optional `cap` binding. `specifier` exists for tests only.
 *
 * @throws ConfigError when the module is absent, was not built (no libpcap-dev at install
 * time) or was built for another Node version.
 */
export async function loadCap(specifier = 'cap'): Promise<CapModule> {
  let mod: unknown;
  try {
    mod = await import(specifier);
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new ConfigError(`live capture needs the optional 'cap' module, which is not built (${why})`, 'apt-get install libpcap-dev && npm rebuild cap');
  }
  // CommonJS module: the exports object arrives as `default`.
  const exp = (mod as { default?: unknown }).default ?? mod;
  const Cap = (exp as { Cap?: unknown } | undefined)?.Cap;
  if (typeof Cap !== 'function') {
    throw new ConfigError("live capture needs the optional 'cap' module, which is not built (it has no Cap export)", 'apt-get install libpcap-dev && npm rebuild cap');
  }
  return { Cap: Cap as typeof CapClass };
}
