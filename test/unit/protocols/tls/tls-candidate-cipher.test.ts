/**
 * TlsCandidateCipher on TLS 1.3 AES-128-GCM records sealed here with node:crypto (RFC 8446 5.2:
 * nonce = iv XOR seq, AAD = record header, inner plaintext = data + content type).
 */
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tlsSuite } from '../../../../src/protocols/tls/tls-cipher-suites.js';
import { TlsCandidateCipher } from '../../../../src/protocols/tls/tls-candidate-cipher.js';
import { tls13Keys } from '../../../../src/protocols/tls/tls-key-schedule.js';

const suite = tlsSuite(0x1301)!;
const secret = (b: number): Uint8Array => new Uint8Array(32).fill(b);

/** One TLS 1.3 application_data record sealed under `s` with sequence number `seq`. */
function seal(s: Uint8Array, seq: number, data: string): { header: Uint8Array; frag: Uint8Array } {
  const k = tls13Keys(suite, s);
  const nonce = Uint8Array.from(k.iv);
  nonce[11]! ^= seq;
  const inner = Buffer.concat([Buffer.from(data), Buffer.from([23])]);
  const header = new Uint8Array([23, 3, 3, (inner.length + 16) >> 8, (inner.length + 16) & 0xff]);
  const c = createCipheriv('aes-128-gcm', k.key, nonce);
  c.setAAD(header);
  const frag = new Uint8Array(Buffer.concat([c.update(inner), c.final(), c.getAuthTag()]));
  return { header, frag };
}

describe('TlsCandidateCipher', () => {
  it('the first record fixes the candidate it authenticates under; later records use only that one', () => {
    const c = new TlsCandidateCipher(suite, [secret(1), secret(2), secret(3)], (s) => tls13Keys(suite, s));
    expect(c.candidates).toBe(3);
    expect(c.secret).toBeNull();
    const r0 = seal(secret(2), 0, 'first');
    expect(Buffer.from(c.open(r0.header, r0.frag)!.data).toString()).toBe('first');
    expect(c.candidates).toBe(1);
    expect(c.secret).toEqual(secret(2));
    // Sequence number 1 under the chosen secret opens; a record of another candidate does not.
    const r1 = seal(secret(2), 1, 'second');
    expect(Buffer.from(c.open(r1.header, r1.frag)!.data).toString()).toBe('second');
    const other = seal(secret(1), 2, 'x');
    expect(c.open(other.header, other.frag)).toBeNull();
    expect(c.ambiguous).toBe(0);
  });

  it('a record no candidate opens is null and keeps every candidate (a failed open consumes no sequence number)', () => {
    const c = new TlsCandidateCipher(suite, [secret(1), secret(2)], (s) => tls13Keys(suite, s));
    const wrong = seal(secret(9), 0, 'nope');
    expect(c.open(wrong.header, wrong.frag)).toBeNull();
    expect(c.candidates).toBe(2);
    const r0 = seal(secret(1), 0, 'ok');
    expect(Buffer.from(c.open(r0.header, r0.frag)!.data).toString()).toBe('ok');
    expect(c.secret).toEqual(secret(1));
  });

  it('two candidates that both authenticate: none is taken and the count is reported', () => {
    // Two logged secrets deriving the same record keys cannot happen with HKDF; the key derivation passed in makes it happen here.
    const c = new TlsCandidateCipher(suite, [secret(1), secret(2)], () => tls13Keys(suite, secret(1)));
    const r0 = seal(secret(1), 0, 'both');
    expect(c.open(r0.header, r0.frag)).toBeNull();
    expect(c.ambiguous).toBe(2);
    expect(c.secret).toBeNull();
  });
});
