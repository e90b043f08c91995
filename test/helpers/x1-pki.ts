/**
 * Certificates for X1 mutual-TLS tests, made by openssl in a temp folder: a CA with an NE
 * (server) and an ADMF (client) certificate, and a second, unrelated CA with its own client.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pki {
  readonly dir: string;
  readonly ca: string;
  readonly neCert: string;
  readonly neKey: string;
  readonly admfCert: string;
  readonly admfKey: string;
  /** A client signed by another CA. */
  readonly rogueCert: string;
  readonly rogueKey: string;
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

function ca(dir: string, name: string): void {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.pem`], dir);
}

function leaf(dir: string, caName: string, name: string, cn: string, san: string): void {
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${cn}`, '-keyout', `${name}.key`, '-out', `${name}.csr`], dir);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${caName}.pem`, '-CAkey', `${caName}.key`, '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`], dir);
}

/** NE certificate CN `ne` (SAN IP 127.0.0.1, DNS localhost); ADMF client CN `admf`. */
export function makePki(ne = 'ne-1', admf = 'admf-1'): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'msrptap-x1-pki-'));
  ca(dir, 'ca');
  ca(dir, 'rogue-ca');
  leaf(dir, 'ca', 'ne', ne, 'IP:127.0.0.1,DNS:localhost');
  leaf(dir, 'ca', 'admf', admf, `DNS:${admf}`);
  leaf(dir, 'rogue-ca', 'rogue', admf, `DNS:${admf}`);
  const p = (f: string): string => join(dir, f);
  return { dir, ca: p('ca.pem'), neCert: p('ne.pem'), neKey: p('ne.key'), admfCert: p('admf.pem'), admfKey: p('admf.key'), rogueCert: p('rogue.pem'), rogueKey: p('rogue.key') };
}
