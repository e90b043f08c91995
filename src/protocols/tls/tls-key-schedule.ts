/**
 * Key derivation from logged secrets, with node:crypto HMAC only (no hand-written primitive):
 * - TLS 1.2 (RFC 5246 5, 6.3): key_block = PRF(master_secret, "key expansion", server_random + client_random).
 * - TLS 1.3 (RFC 8446 7.1, 7.3): HKDF-Expand-Label(secret, "key" / "iv", "", len) and the
 *   KeyUpdate successor HKDF-Expand-Label(secret, "traffic upd", "", Hash.length) (7.2).
 * Secrets and keys are returned to the caller only; nothing here reports or logs.
 */
import { createHmac } from 'node:crypto';
import type { TlsHash, TlsSuite } from './tls-cipher-suites.js';

function hmac(hash: string, key: Uint8Array, ...data: Uint8Array[]): Uint8Array {
  const h = createHmac(hash, key);
  for (const d of data) h.update(d);
  return h.digest();
}

/** P_hash of RFC 5246 5: HMAC chained on A(i) = HMAC(secret, A(i-1)), A(0) = seed. */
export function tls12Prf(hash: TlsHash, secret: Uint8Array, label: string, seed: Uint8Array, len: number): Uint8Array {
  const labelSeed = new Uint8Array([...Buffer.from(label, 'latin1'), ...seed]);
  const out = new Uint8Array(len);
  let a: Uint8Array = labelSeed;
  let off = 0;
  while (off < len) {
    a = hmac(hash, secret, a);
    const block = hmac(hash, secret, a, labelSeed);
    out.set(block.subarray(0, Math.min(block.length, len - off)), off);
    off += block.length;
  }
  return out;
}

/** Per-direction record keys. `macKey` is empty for AEAD suites. */
export interface DirectionKeys {
  readonly macKey: Uint8Array;
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

/** TLS 1.2 key block split (RFC 5246 6.3): client MAC, server MAC, client key, server key, client IV, server IV. */
export function tls12Keys(suite: TlsSuite, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): [DirectionKeys, DirectionKeys] {
  const m = suite.macLen;
  const k = suite.keyLen;
  const v = suite.ivLen;
  const seed = new Uint8Array(64);
  seed.set(serverRandom, 0);
  seed.set(clientRandom, 32);
  const kb = tls12Prf(suite.hash, master, 'key expansion', seed, 2 * (m + k + v));
  const at = (off: number, len: number): Uint8Array => kb.slice(off, off + len);
  return [
    { macKey: at(0, m), key: at(2 * m, k), iv: at(2 * m + 2 * k, v) },
    { macKey: at(m, m), key: at(2 * m + k, k), iv: at(2 * m + 2 * k + v, v) },
  ];
}

function hashLen(hash: TlsHash): number {
  return hash === 'sha384' ? 48 : 32;
}

/** HKDF-Expand (RFC 5869 2.3) with HMAC. */
function hkdfExpand(hash: TlsHash, prk: Uint8Array, info: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let t: Uint8Array = new Uint8Array(0);
  let off = 0;
  for (let i = 1; off < len; i++) {
    t = hmac(hash, prk, t, info, new Uint8Array([i]));
    out.set(t.subarray(0, Math.min(t.length, len - off)), off);
    off += t.length;
  }
  return out;
}

/** HKDF-Expand-Label (RFC 8446 7.1): HkdfLabel = uint16 length, opaque "tls13 " + label <7..255>, opaque context <0..255>. */
export function hkdfExpandLabel(hash: TlsHash, secret: Uint8Array, label: string, context: Uint8Array, len: number): Uint8Array {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = new Uint8Array(2 + 1 + full.length + 1 + context.length);
  info[0] = len >> 8;
  info[1] = len & 0xff;
  info[2] = full.length;
  info.set(full, 3);
  info[3 + full.length] = context.length;
  info.set(context, 4 + full.length);
  return hkdfExpand(hash, secret, info, len);
}

/** TLS 1.3 traffic keys of one direction from its traffic secret (RFC 8446 7.3). */
export function tls13Keys(suite: TlsSuite, secret: Uint8Array): DirectionKeys {
  return { macKey: new Uint8Array(0), key: hkdfExpandLabel(suite.hash, secret, 'key', new Uint8Array(0), suite.keyLen), iv: hkdfExpandLabel(suite.hash, secret, 'iv', new Uint8Array(0), 12) };
}

/** The next application traffic secret after a KeyUpdate (RFC 8446 7.2). */
export function tls13NextSecret(suite: TlsSuite, secret: Uint8Array): Uint8Array {
  return hkdfExpandLabel(suite.hash, secret, 'traffic upd', new Uint8Array(0), hashLen(suite.hash));
}
