/**
 * Removes the protection of one direction's records, with node:crypto ciphers only, counting the
 * implicit 64-bit sequence number (RFC 5246 6.1, RFC 8446 5.3: starts at 0 with each new key):
 * - TLS 1.2 AES-GCM (RFC 5288 3): 8-byte explicit nonce, nonce = salt(4) + explicit,
 *   AAD = seq + type + version + plaintext length (RFC 5246 6.2.3.3).
 * - TLS 1.2 ChaCha20-Poly1305 (RFC 7905 2): nonce = iv XOR seq, same AAD.
 * - TLS 1.2 AES-CBC (RFC 5246 6.2.3.2): explicit IV; MAC-then-encrypt with
 *   HMAC(seq + type + version + length + content), or encrypt-then-MAC when RFC 7366 was
 *   negotiated (the MAC covers IV + ciphertext and is checked before decrypting).
 * - TLS 1.3 AEAD (RFC 8446 5.2): nonce = iv XOR seq, AAD = the record header, the inner
 *   plaintext's last non-zero byte is the real content type (zero padding stripped).
 * An authentication failure returns `null`: never any unauthenticated plaintext.
 */
import { createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import type { TlsSuite } from './tls-cipher-suites.js';
import type { DirectionKeys } from './tls-key-schedule.js';

/** A record with its protection removed. `data` is a fresh array owned by the caller. */
export interface OpenedRecord {
  readonly type: number;
  readonly data: Uint8Array;
}

const TAG = 16;

function view(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

export class TlsRecordDecrypter {
  private seq = 0n;

  /** `etm`: RFC 7366 encrypt_then_mac was negotiated (CBC suites of TLS 1.2 only). */
  constructor(
    private readonly suite: TlsSuite,
    private readonly keys: DirectionKeys,
    private readonly etm = false,
  ) {}

  /** `header`: the 5 record-header bytes; `fragment`: the protected body. `null`: authentication failed (or the record is too short to be one). */
  open(header: Uint8Array, fragment: Uint8Array): OpenedRecord | null {
    const seq = this.seq;
    let r: OpenedRecord | null;
    try {
      if (this.suite.tls13) r = this.open13(header, fragment, seq);
      else if (this.suite.kind === 'cbc') r = this.etm ? this.openEtm(header, fragment, seq) : this.openMte(header, fragment, seq);
      else r = this.openAead12(header, fragment, seq);
    } catch {
      // node:crypto throws on a bad tag ("Unsupported state or unable to authenticate data"): a failed record, not an error of ours.
      r = null;
    }
    // Only an opened record consumes a sequence number: a skipped 0-RTT record (RFC 8446 4.2.10) was never in this key's sequence.
    if (r !== null) this.seq++;
    return r;
  }

  private seqBytes(seq: bigint): Uint8Array {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, seq);
    return b;
  }

  /** iv XOR (zero-padded big-endian seq): RFC 7905 2, RFC 8446 5.3. */
  private xorNonce(seq: bigint): Uint8Array {
    const n = Uint8Array.from(this.keys.iv);
    const s = this.seqBytes(seq);
    for (let i = 0; i < 8; i++) n[4 + i]! ^= s[i]!;
    return n;
  }

  private aead(nonce: Uint8Array, aad: Uint8Array, ct: Uint8Array, tag: Uint8Array): Buffer {
    const algo = this.suite.kind === 'chacha' ? 'chacha20-poly1305' : `aes-${this.suite.keyLen * 8}-gcm`;
    const d = createDecipheriv(algo as 'aes-128-gcm', this.keys.key, nonce, { authTagLength: TAG });
    d.setAuthTag(tag);
    d.setAAD(aad, { plaintextLength: ct.length });
    const out = d.update(ct);
    const fin = d.final();
    return fin.length === 0 ? out : Buffer.concat([out, fin]);
  }

  private aad12(seq: bigint, header: Uint8Array, len: number): Uint8Array {
    const a = new Uint8Array(13);
    a.set(this.seqBytes(seq), 0);
    a[8] = header[0]!;
    a[9] = header[1]!;
    a[10] = header[2]!;
    a[11] = len >> 8;
    a[12] = len & 0xff;
    return a;
  }

  private openAead12(header: Uint8Array, f: Uint8Array, seq: bigint): OpenedRecord | null {
    const explicit = this.suite.kind === 'gcm' ? 8 : 0;
    if (f.length < explicit + TAG) return null;
    let nonce: Uint8Array;
    if (explicit > 0) {
      nonce = new Uint8Array(12);
      nonce.set(this.keys.iv, 0);
      nonce.set(f.subarray(0, 8), 4);
    } else nonce = this.xorNonce(seq);
    const ct = f.subarray(explicit, f.length - TAG);
    return { type: header[0]!, data: view(this.aead(nonce, this.aad12(seq, header, ct.length), ct, f.subarray(f.length - TAG))) };
  }

  private open13(header: Uint8Array, f: Uint8Array, seq: bigint): OpenedRecord | null {
    if (f.length < TAG + 1) return null;
    const inner = view(this.aead(this.xorNonce(seq), header, f.subarray(0, f.length - TAG), f.subarray(f.length - TAG)));
    // RFC 8446 5.4: strip the zero padding; the last non-zero byte is the content type.
    let i = inner.length - 1;
    while (i >= 0 && inner[i] === 0) i--;
    if (i < 0) return { type: 0, data: new Uint8Array(0) };
    return { type: inner[i]!, data: inner.subarray(0, i) };
  }

  private cbcDecrypt(iv: Uint8Array, ct: Uint8Array): Uint8Array {
    const d = createDecipheriv(`aes-${this.suite.keyLen * 8}-cbc`, this.keys.key, iv);
    d.setAutoPadding(false);
    return view(Buffer.concat([d.update(ct), d.final()]));
  }

  /** RFC 5246 6.2.3.2: padding_length bytes of value padding_length, then the length byte itself. -1 when malformed. */
  private static unpad(p: Uint8Array): number {
    if (p.length === 0) return -1;
    const pad = p[p.length - 1]!;
    if (pad + 1 > p.length) return -1;
    for (let i = p.length - 1 - pad; i < p.length; i++) if (p[i] !== pad) return -1;
    return p.length - pad - 1;
  }

  private mac(seq: bigint, header: Uint8Array, body: Uint8Array): Buffer {
    const h = createHmac(this.suite.macHash!, this.keys.macKey);
    h.update(this.aad12(seq, header, body.length));
    h.update(body);
    return h.digest();
  }

  private openMte(header: Uint8Array, f: Uint8Array, seq: bigint): OpenedRecord | null {
    const ml = this.suite.macLen;
    if (f.length < 32 || f.length % 16 !== 0) return null;
    const p = this.cbcDecrypt(f.subarray(0, 16), f.subarray(16));
    const end = TlsRecordDecrypter.unpad(p);
    if (end < ml) return null;
    const content = p.subarray(0, end - ml);
    const want = this.mac(seq, header, content);
    if (!timingSafeEqual(want, p.subarray(end - ml, end))) return null;
    return { type: header[0]!, data: content };
  }

  private openEtm(header: Uint8Array, f: Uint8Array, seq: bigint): OpenedRecord | null {
    const ml = this.suite.macLen;
    const body = f.subarray(0, f.length - ml);
    if (f.length < ml + 32 || body.length % 16 !== 0) return null;
    // RFC 7366 3: MAC(seq + type + version + length(IV + ciphertext) + IV + ciphertext), checked first.
    if (!timingSafeEqual(this.mac(seq, header, body), f.subarray(body.length))) return null;
    const p = this.cbcDecrypt(body.subarray(0, 16), body.subarray(16));
    const end = TlsRecordDecrypter.unpad(p);
    if (end < 0) return null;
    return { type: header[0]!, data: p.subarray(0, end) };
  }
}
