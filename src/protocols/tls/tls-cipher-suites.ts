/**
 * The cipher suites msrptap decrypts, by IANA number
 * (https://www.iana.org/assignments/tls-parameters/tls-parameters.xhtml#tls-parameters-4).
 * The key exchange does not matter here: the key log gives the master secret (TLS 1.2) or the
 * traffic secrets (TLS 1.3), so RSA, DHE and ECDHE variants share one row.
 */

/** How records are protected: AES-GCM (RFC 5288, RFC 8446 5.2), ChaCha20-Poly1305 (RFC 7905), AES-CBC with HMAC (RFC 5246 6.2.3.2). */
export type TlsCipherKind = 'gcm' | 'chacha' | 'cbc';
export type TlsHash = 'sha256' | 'sha384';

export interface TlsSuite {
  readonly id: number;
  readonly tls13: boolean;
  readonly kind: TlsCipherKind;
  /** Bytes of the encryption key. */
  readonly keyLen: number;
  /** Bytes of the fixed IV taken from the key block (TLS 1.2: 4 for GCM's salt, RFC 5288 3; 12 for ChaCha, RFC 7905 2; 0 for CBC, whose IV is explicit) or 12 (TLS 1.3, RFC 8446 5.3). */
  readonly ivLen: number;
  /** CBC only: the record MAC (HMAC-SHA1 for *_SHA suites, RFC 5246 appendix C). */
  readonly macHash: 'sha1' | 'sha256' | 'sha384' | null;
  readonly macLen: number;
  /** TLS 1.2: the PRF hash (RFC 5246 5: SHA-256 unless the suite says SHA-384); TLS 1.3: the HKDF hash. */
  readonly hash: TlsHash;
}

function s12(id: number, kind: TlsCipherKind, keyLen: number, hash: TlsHash, mac: 'sha1' | 'sha256' | 'sha384' | null = null): TlsSuite {
  const macLen = mac === 'sha1' ? 20 : mac === 'sha256' ? 32 : mac === 'sha384' ? 48 : 0;
  const ivLen = kind === 'gcm' ? 4 : kind === 'chacha' ? 12 : 0;
  return { id, tls13: false, kind, keyLen, ivLen, macHash: mac, macLen, hash };
}

function s13(id: number, kind: TlsCipherKind, keyLen: number, hash: TlsHash): TlsSuite {
  return { id, tls13: true, kind, keyLen, ivLen: 12, macHash: null, macLen: 0, hash };
}

const SUITES: readonly TlsSuite[] = [
  // TLS 1.3 (RFC 8446 B.4)
  s13(0x1301, 'gcm', 16, 'sha256'), // TLS_AES_128_GCM_SHA256
  s13(0x1302, 'gcm', 32, 'sha384'), // TLS_AES_256_GCM_SHA384
  s13(0x1303, 'chacha', 32, 'sha256'), // TLS_CHACHA20_POLY1305_SHA256
  // AES-GCM (RFC 5288, RFC 5289): RSA, DHE_RSA, ECDHE_ECDSA, ECDHE_RSA
  ...[0x009c, 0x009e, 0xc02b, 0xc02f].map((id) => s12(id, 'gcm', 16, 'sha256')),
  ...[0x009d, 0x009f, 0xc02c, 0xc030].map((id) => s12(id, 'gcm', 32, 'sha384')),
  // ChaCha20-Poly1305 (RFC 7905): ECDHE_RSA, ECDHE_ECDSA, DHE_RSA
  ...[0xcca8, 0xcca9, 0xccaa].map((id) => s12(id, 'chacha', 32, 'sha256')),
  // AES-CBC with HMAC-SHA1 (RFC 5246 C, RFC 4492): RSA, DHE_RSA, ECDHE_ECDSA, ECDHE_RSA
  ...[0x002f, 0x0033, 0xc009, 0xc013].map((id) => s12(id, 'cbc', 16, 'sha256', 'sha1')),
  ...[0x0035, 0x0039, 0xc00a, 0xc014].map((id) => s12(id, 'cbc', 32, 'sha256', 'sha1')),
  // AES-CBC with HMAC-SHA256 / SHA384 (RFC 5246 C, RFC 5289)
  ...[0x003c, 0x0067, 0xc023, 0xc027].map((id) => s12(id, 'cbc', 16, 'sha256', 'sha256')),
  ...[0x003d, 0x006b].map((id) => s12(id, 'cbc', 32, 'sha256', 'sha256')),
  ...[0xc024, 0xc028].map((id) => s12(id, 'cbc', 32, 'sha384', 'sha384')),
];

const BY_ID = new Map(SUITES.map((s) => [s.id, s]));

/** The suite `id`, if msrptap decrypts it. */
export function tlsSuite(id: number): TlsSuite | undefined {
  return BY_ID.get(id);
}
