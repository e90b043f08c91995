/**
 * Certificates and keys for mutual TLS on X2/X3 links (TS 103 221-2 clause 6: TLS between the
 * POI and the MDF, both sides authenticated). Reads the PEM files once, at start, and turns every
 * problem into a ConfigError that names the file, so a bad path or a key that does not belong to
 * the certificate fails before any traffic, not at the first connection.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { ConfigError } from '../core/errors.js';

/** Paths as given in the tasks file (`destinations[].tls`) or on the receive command line. */
export interface TlsPaths {
  readonly cert: string;
  readonly key: string;
  /** CA bundle to pin: only peers signed by it are accepted (the system roots are not used). */
  readonly ca?: string;
}

/** Loaded PEM material, ready for tls.connect / tls.createServer. */
export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca?: Buffer;
}

/** Minimum protocol version on every msrptap TLS link (TLS 1.0/1.1 are deprecated, RFC 8996). */
export const MIN_TLS_VERSION = 'TLSv1.2' as const;

function readPem(path: string, what: string, where: string): Buffer {
  let b: Buffer;
  try {
    b = readFileSync(path);
  } catch (e) {
    throw new ConfigError(`${where}: cannot read TLS ${what} file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, `give the path of a PEM ${what} file readable by msrptap`);
  }
  if (!b.toString('latin1').includes('-----BEGIN ')) {
    throw new ConfigError(`${where}: TLS ${what} file ${path} is not PEM (no "-----BEGIN" line)`, `convert it to PEM, e.g. openssl x509 -inform der -in FILE -out FILE.pem`);
  }
  return b;
}

/**
 * Reads and checks certificate, key and CA. `where` prefixes messages (e.g. `destination 0b2e...`).
 *
 * @throws ConfigError for an unreadable file, a non-PEM file, a bad key or a key that does not
 *   match the certificate (OpenSSL's own reason is included).
 */
export function loadTlsMaterial(paths: TlsPaths, where: string): TlsMaterial {
  const cert = readPem(paths.cert, 'certificate', where);
  const key = readPem(paths.key, 'private key', where);
  const ca = paths.ca === undefined ? undefined : readPem(paths.ca, 'CA', where);
  const opts: SecureContextOptions = { cert, key, minVersion: MIN_TLS_VERSION, ...(ca !== undefined ? { ca } : {}) };
  try {
    createSecureContext(opts);
  } catch (e) {
    const reason = (e as Error).message;
    const fix = /key values mismatch/i.test(reason) ? `the private key ${paths.key} does not belong to the certificate ${paths.cert}` : 'check that the files are PEM, the key is not encrypted, and the key matches the certificate';
    throw new ConfigError(`${where}: TLS material rejected: ${reason}`, fix);
  }
  return ca !== undefined ? { cert, key, ca } : { cert, key };
}
