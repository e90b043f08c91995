/**
 * Chain of custody of the delivered record files (issue 6): per LIID, `manifest.json` names the
 * tool version, the captures (sha256), the task, and for every output file its record count,
 * its sha256 and a hash chain over its records:
 *
 * ```
 *   e[-1] = sha256("msrptap-chain/1" 0x00 LIID 0x00 FILE-NAME)      genesis, binds the chain to its file
 *   e[i]  = sha256(record_i bytes || e[i-1])                        i = 0 .. records-1
 *   head  = e[records-1]   (e[-1] for an empty file)
 * ```
 *
 * A changed byte, a removed, inserted or reordered record, or a record moved between files or
 * LIIDs changes every later entry, so `head` alone proves the file; the stored entries let
 * `verify` name the first record that differs. To keep memory bounded on long runs only the first
 * {@link CHAIN_FULL_ENTRIES} entries are stored, then every {@link CHAIN_STRIDE}-th.
 *
 * The manifest may be signed with Ed25519 (RFC 8032) over its canonical JSON form
 * ({@link canonicalJson}: keys sorted, no spaces) without the `signature` member. The public key
 * travels in the manifest (SPKI, base64) for convenience only: a verifier must pin the key it
 * trusts, else anyone who rewrites the files can re-sign them.
 *
 * Pure: no I/O (keys and bytes come in as values; the pipeline and the CLI read and write).
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { CustodyManifest, ManifestFile } from './custody-manifest-schema.js';

export { MANIFEST_FORMAT } from './manifest-format.js';
export type { CustodyManifest, ManifestCapture, ManifestChain, ManifestEncoder, ManifestFile, ManifestSignature, ManifestTask } from './custody-manifest-schema.js';
export const MANIFEST_FILE = 'manifest.json';
export const CHAIN_FULL_ENTRIES = 65_536;
export const CHAIN_STRIDE = 1024;

/** The chain's first link, bound to the LIID and file name. */
export function chainGenesis(liid: string, fileName: string): Uint8Array {
  return createHash('sha256').update(`msrptap-chain/1\u0000${liid}\u0000${fileName}`, 'utf8').digest();
}

/** One step: sha256(record || previous). */
export function chainStep(record: Uint8Array, previous: Uint8Array): Uint8Array {
  return createHash('sha256').update(record).update(previous).digest();
}

/** True when entry `index` is stored in the manifest. */
export function chainEntryStored(index: number): boolean {
  return index < CHAIN_FULL_ENTRIES || index % CHAIN_STRIDE === CHAIN_STRIDE - 1;
}

/** Builds the chain and the file digest of one output file as its records are appended. */
export class RecordChain {
  private prev: Uint8Array;
  private readonly fileHash = createHash('sha256');
  private readonly genesis: Uint8Array;
  /**
   * The stored entries' digests, back to back (32 bytes each; indices follow from
   * {@link chainEntryStored}). Not an object with a hex string per entry: at up to 65 536
   * entries per output file that was ~8 MB per file held for the whole run.
   */
  private stored = new Uint8Array(32 * 64);
  private storedCount = 0;
  private sha256: string | undefined;
  records = 0;
  bytes = 0;

  constructor(
    readonly liid: string,
    readonly name: string,
  ) {
    this.genesis = chainGenesis(liid, name);
    this.prev = this.genesis;
  }

  /** The next record, exactly as appended to the file. */
  add(record: Uint8Array): void {
    this.prev = chainStep(record, this.prev);
    if (chainEntryStored(this.records)) {
      if ((this.storedCount + 1) * 32 > this.stored.length) {
        const grown = new Uint8Array(this.stored.length * 2);
        grown.set(this.stored);
        this.stored = grown;
      }
      this.stored.set(this.prev, this.storedCount * 32);
      this.storedCount++;
    }
    this.fileHash.update(record);
    this.records++;
    this.bytes += record.length;
  }

  /** The stored entries with their record indices, as the manifest lists them. */
  private storedEntries(): { index: number; entry: string }[] {
    const out: { index: number; entry: string }[] = [];
    for (let k = 0, index = 0; k < this.storedCount; index++) {
      if (!chainEntryStored(index)) continue;
      out.push({ index, entry: Buffer.from(this.stored.subarray(k * 32, k * 32 + 32)).toString('hex') });
      k++;
    }
    return out;
  }

  /** Number of stored entries (what {@link entriesJson} writes). */
  get storedEntryCount(): number {
    return this.storedCount;
  }

  /**
   * The file's manifest entry (after the last record). With `withEntries` false its
   * `chain.entries` is empty: the caller writes them with {@link entriesJson}.
   */
  finish(withEntries = true): ManifestFile {
    this.sha256 ??= this.fileHash.digest('hex');
    return {
      name: this.name,
      records: this.records,
      bytes: this.bytes,
      sha256: this.sha256,
      chain: { algorithm: 'sha256', genesis: Buffer.from(this.genesis).toString('hex'), head: Buffer.from(this.prev).toString('hex'), entries: withEntries ? this.storedEntries() : [] },
    };
  }

  /**
   * The stored entries as `JSON.stringify(entries, null, 2)` lays out the elements of an array
   * whose elements are indented by `indent`, comma-separated, in pieces of `per` entries, each
   * piece starting with a newline and without the closing bracket. A file of 65 536+ records
   * has 65 536+ entries: as objects with a hex string each, and then as one JSON string, they
   * were ~100 MiB of the output thread at the end of a run with 4 such files (issue 12).
   */
  *entriesJson(indent: string, per = 1024): Generator<string> {
    let piece = '';
    let n = 0;
    for (let k = 0, index = 0; k < this.storedCount; index++) {
      if (!chainEntryStored(index)) continue;
      const hex = Buffer.from(this.stored.buffer, this.stored.byteOffset + k * 32, 32).toString('hex');
      piece += `${k === 0 ? '' : ','}\n${indent}{\n${indent}  "index": ${index},\n${indent}  "entry": "${hex}"\n${indent}}`;
      k++;
      if (++n === per) {
        yield piece;
        piece = '';
        n = 0;
      }
    }
    if (piece !== '') yield piece;
  }
}

/** Result of re-walking a chain over the records read back from a file. */
export interface ChainCheck {
  readonly ok: boolean;
  /** Index of the first record whose stored entry differs (or the count, when only the head or count differ); null when ok. */
  readonly firstBadRecord: number | null;
  readonly problem: string | null;
}

/**
 * Re-computes a file's chain from its records and compares it with the manifest entry. The
 * manifest does not choose what is checked: its stored entries must be exactly those
 * {@link chainEntryStored} names for its record count (none missing, none extra, none twice).
 */
export function checkChain(liid: string, file: ManifestFile, records: readonly Uint8Array[]): ChainCheck {
  const genesis = chainGenesis(liid, file.name);
  if (file.chain.genesis !== Buffer.from(genesis).toString('hex')) return { ok: false, firstBadRecord: 0, problem: 'chain genesis does not match the LIID and file name' };
  const stored = new Map<number, string>();
  for (const e of file.chain.entries) {
    if (stored.has(e.index)) return { ok: false, firstBadRecord: null, problem: `chain entry ${e.index} listed twice` };
    if (e.index >= file.records || !chainEntryStored(e.index)) return { ok: false, firstBadRecord: null, problem: `chain entry ${e.index} is not one msrptap stores for ${file.records} records` };
    stored.set(e.index, e.entry);
  }
  let prev = genesis;
  for (let i = 0; i < records.length; i++) {
    prev = chainStep(records[i]!, prev);
    const want = stored.get(i);
    if (want === undefined && i < file.records && chainEntryStored(i)) return { ok: false, firstBadRecord: i, problem: `chain entry ${i} missing from the manifest` };
    if (want !== undefined && want !== Buffer.from(prev).toString('hex')) {
      // With strided entries the first bad record lies after the previous stored entry.
      return { ok: false, firstBadRecord: i, problem: `chain entry ${i} differs` };
    }
  }
  if (records.length !== file.records) return { ok: false, firstBadRecord: Math.min(records.length, file.records), problem: `manifest lists ${file.records} records, the file holds ${records.length}` };
  if (Buffer.from(prev).toString('hex') !== file.chain.head) return { ok: false, firstBadRecord: records.length, problem: 'chain head differs' };
  return { ok: true, firstBadRecord: null, problem: null };
}

/** JSON with object keys sorted at every level and no whitespace: the signed form. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

function unsignedBytes(m: CustodyManifest): Buffer {
  const { signature: _s, ...rest } = m;
  return Buffer.from(canonicalJson(rest), 'utf8');
}

/** SHA-256 fingerprint (16 hex digits) of a public key's SPKI DER. */
export function keyFingerprint(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** Signs a manifest with an Ed25519 private key (node:crypto KeyObject; the caller checks its type). */
export function signManifest(m: CustodyManifest, privateKey: KeyObject): CustodyManifest {
  const pub = createPublicKey(privateKey);
  const value = sign(null, unsignedBytes(m), privateKey).toString('base64');
  return { ...m, signature: { algorithm: 'ed25519', publicKey: pub.export({ type: 'spki', format: 'der' }).toString('base64'), keyFingerprint: keyFingerprint(pub), value } };
}

/** Outcome of a signature check. */
export interface SignatureCheck {
  readonly status: 'unsigned' | 'valid' | 'invalid' | 'wrong_key';
  readonly keyFingerprint: string | null;
  /** The key that verified was the pinned one. */
  readonly pinned: boolean;
}

/**
 * Verifies the manifest's signature. With `pinned`, the signature must verify under that key
 * (the embedded key is ignored, and a different embedded key is `wrong_key`); without it, under
 * the embedded key (which proves integrity since signing, not who signed).
 */
export function verifyManifestSignature(m: CustodyManifest, pinned?: KeyObject): SignatureCheck {
  const sig = m.signature;
  if (sig === undefined) return { status: 'unsigned', keyFingerprint: null, pinned: false };
  let key: KeyObject;
  try {
    key = pinned ?? createPublicKey({ key: Buffer.from(sig.publicKey, 'base64'), format: 'der', type: 'spki' });
  } catch {
    return { status: 'invalid', keyFingerprint: null, pinned: false };
  }
  if (sig.algorithm !== 'ed25519' || key.asymmetricKeyType !== 'ed25519') return { status: 'invalid', keyFingerprint: null, pinned: false };
  const fp = keyFingerprint(key);
  if (pinned !== undefined && sig.keyFingerprint !== fp) return { status: 'wrong_key', keyFingerprint: sig.keyFingerprint, pinned: true };
  let ok = false;
  try {
    ok = verify(null, unsignedBytes(m), key, Buffer.from(sig.value, 'base64'));
  } catch {
    ok = false;
  }
  return { status: ok ? 'valid' : 'invalid', keyFingerprint: fp, pinned: pinned !== undefined };
}
