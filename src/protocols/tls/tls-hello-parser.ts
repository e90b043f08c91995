/**
 * ClientHello and ServerHello bodies (RFC 8446 4.1.2, 4.1.3; RFC 5246 7.4.1.2, 7.4.1.3), read
 * only as far as decryption needs: randoms, offered and chosen suites, the negotiated version
 * (supported_versions, RFC 8446 4.2.1), server_name (RFC 6066 3), encrypt_then_mac (RFC 7366),
 * early_data (RFC 8446 4.2.10). `null`: the body is malformed (truncated vector, overrun).
 */
import { latin1, toHex, u16be } from '../../util/bytes.js';

export interface ClientHello {
  /** Copy (32 bytes). */
  readonly random: Uint8Array;
  readonly suites: readonly number[];
  readonly sni: string | null;
  readonly earlyData: boolean;
  readonly encryptThenMac: boolean;
}

export interface ServerHello {
  readonly random: Uint8Array;
  readonly suite: number;
  readonly compression: number;
  /** supported_versions' selected version, else legacy_version. */
  readonly version: number;
  /** The random is SHA-256("HelloRetryRequest") (RFC 8446 4.1.3). */
  readonly helloRetry: boolean;
  readonly encryptThenMac: boolean;
}

const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';
const EXT_SERVER_NAME = 0;
const EXT_ENCRYPT_THEN_MAC = 22;
const EXT_EARLY_DATA = 42;
const EXT_SUPPORTED_VERSIONS = 43;
/** Longest host name kept (RFC 1035 2.3.4: 255 octets). */
const MAX_SNI = 255;

/** Walks extensions<0..2^16-1> (RFC 8446 4.2); false when a length overruns. */
function forEachExtension(b: Uint8Array, off: number, fn: (type: number, body: Uint8Array) => void): boolean {
  if (off === b.length) return true; // RFC 5246 7.4.1.2: extensions may be absent
  if (off + 2 > b.length) return false;
  const end = off + 2 + u16be(b, off);
  if (end !== b.length) return false;
  let p = off + 2;
  while (p < end) {
    if (p + 4 > end) return false;
    const len = u16be(b, p + 2);
    if (p + 4 + len > end) return false;
    fn(u16be(b, p), b.subarray(p + 4, p + 4 + len));
    p += 4 + len;
  }
  return true;
}

/** RFC 6066 3: ServerNameList of (NameType, HostName<1..2^16-1>); the host_name (type 0) entry. */
function parseSni(e: Uint8Array): string | null {
  if (e.length < 2) return null;
  const end = Math.min(e.length, 2 + u16be(e, 0));
  let p = 2;
  while (p + 3 <= end) {
    const len = u16be(e, p + 1);
    if (p + 3 + len > end) return null;
    if (e[p] === 0 && len > 0 && len <= MAX_SNI) return latin1(e, p + 3, p + 3 + len);
    p += 3 + len;
  }
  return null;
}

export function parseClientHello(b: Uint8Array): ClientHello | null {
  // legacy_version(2) random(32) legacy_session_id<0..32>
  if (b.length < 35) return null;
  let p = 34;
  p += 1 + b[p]!;
  if (p + 2 > b.length) return null;
  const suitesLen = u16be(b, p);
  if (suitesLen % 2 !== 0 || p + 2 + suitesLen > b.length) return null;
  const suites: number[] = [];
  for (let i = 0; i < suitesLen; i += 2) suites.push(u16be(b, p + 2 + i));
  p += 2 + suitesLen;
  if (p + 1 > b.length) return null;
  p += 1 + b[p]!; // legacy_compression_methods<1..2^8-1>
  if (p > b.length) return null;
  let sni: string | null = null;
  let earlyData = false;
  let encryptThenMac = false;
  const ok = forEachExtension(b, p, (type, body) => {
    if (type === EXT_SERVER_NAME) sni = parseSni(body);
    else if (type === EXT_EARLY_DATA) earlyData = true;
    else if (type === EXT_ENCRYPT_THEN_MAC) encryptThenMac = true;
  });
  if (!ok) return null;
  return { random: b.slice(2, 34), suites, sni, earlyData, encryptThenMac };
}

export function parseServerHello(b: Uint8Array): ServerHello | null {
  // legacy_version(2) random(32) legacy_session_id_echo<0..32> cipher_suite(2) legacy_compression_method(1)
  if (b.length < 35) return null;
  let p = 34 + 1 + b[34]!;
  if (p + 3 > b.length) return null;
  const suite = u16be(b, p);
  const compression = b[p + 2]!;
  p += 3;
  let version = u16be(b, 0);
  let encryptThenMac = false;
  let badVersionExt = false;
  const ok = forEachExtension(b, p, (type, body) => {
    if (type === EXT_SUPPORTED_VERSIONS) {
      if (body.length === 2) version = u16be(body, 0);
      else badVersionExt = true;
    } else if (type === EXT_ENCRYPT_THEN_MAC) encryptThenMac = true;
  });
  if (!ok || badVersionExt) return null;
  const random = b.slice(2, 34);
  return { random, suite, compression, version, helloRetry: toHex(random) === HRR_RANDOM, encryptThenMac };
}
