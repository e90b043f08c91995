/**
 * Several key log secrets under one client_random (Kamailio's forked TCP workers sent the same
 * ClientHello random on two connections): the decryptor keeps every candidate and takes the one
 * the first protected record authenticates under. Real node:tls transcripts; TLS 1.3 with a true
 * shared random (the second ClientHello's random rewritten: TLS 1.3 record keys come from the
 * logged traffic secrets alone), TLS 1.2 with the other connection's master secret as a decoy
 * under the same random (the TLS 1.2 key block mixes in client_random, so a rewritten random
 * would not derive the second connection's keys).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../../../src/core/anomaly.js';
import { TlsDecryptor, TlsKeyLog } from '../../../../src/protocols/tls/index.js';
import { MAX_TLS_KEY_LOG_SECRETS } from '../../../../src/protocols/tls/tls-key-log.js';
import { concatBytes, toHex } from '../../../../src/util/bytes.js';
import { type Chunk, keyLogRandom, keyLogUnderRandom, makeRsaCert, removeCert, type TlsCert, type Transcript, tlsTranscript, withClientRandom } from '../../../helpers/tls-transcript.js';

let cert: TlsCert;
const TLS12 = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } as const;
const SUITES = {
  'TLS 1.2 GCM': { ...TLS12, ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' },
  'TLS 1.2 CBC': { ...TLS12, ciphers: 'ECDHE-RSA-AES128-SHA' },
  'TLS 1.3': { minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' },
} as const;
const pairs = new Map<string, [Transcript, Transcript]>();

beforeAll(async () => {
  cert = makeRsaCert();
  const w = (seed: number): Uint8Array[] => [10, 500, 40].map((n, i) => new Uint8Array(n).fill(seed + i));
  for (const [name, server] of Object.entries(SUITES)) {
    const one = (): Promise<Transcript> => tlsTranscript({ cert, server, clientWrites: w(1), serverWrites: w(100) });
    pairs.set(name, [await one(), await one()]);
  }
});
afterAll(() => removeCert(cert));

const randomOf = (t: Transcript): string => keyLogRandom(t.keylog);
const under = keyLogUnderRandom;
const withRandom = withClientRandom;

function decrypt(chunks: Chunk[], keylog: string, late?: string): { plain: [Uint8Array, Uint8Array]; codes: Record<string, number>; dec: TlsDecryptor } {
  const a = new AnomalyCounter();
  const keys = new TlsKeyLog({ anomalies: a });
  keys.ingest(keylog);
  const dec = new TlsDecryptor(keys, a, { conn: 1 });
  const out: [Uint8Array[], Uint8Array[]] = [[], []];
  for (const [i, c] of chunks.entries()) out[c.dir].push(...dec.push(c.dir, c.bytes, i + 1));
  if (late !== undefined) {
    keys.ingest(late);
    for (const r of dec.retry(chunks.length + 1)) out[r.dir].push(r.data);
  }
  return { plain: [concatBytes(out[0]), concatBytes(out[1])], codes: a.toJSON(), dec };
}

function expectWhole(r: ReturnType<typeof decrypt>, t: Transcript): void {
  expect(r.codes).toEqual({});
  expect(toHex(r.plain[0])).toBe(toHex(t.clientSent));
  expect(toHex(r.plain[1])).toBe(toHex(t.serverSent));
}

/** Random secrets of the key log's lengths (wrong for any connection), under `cr`. */
function decoys(t: Transcript, cr: string): string {
  return t.keylog
    .trim()
    .split('\n')
    .map((l) => {
      const [label, , secret] = l.trim().split(/\s+/);
      return `${label} ${cr} ${toHex(randomBytes(secret!.length / 2))}\n`;
    })
    .join('');
}

describe('key log secrets sharing one client_random', () => {
  for (const name of Object.keys(SUITES)) {
    it(`${name}: the secret the first record authenticates under is taken, in either order; only decoys is bad_record_mac`, () => {
      const [a, b] = pairs.get(name)!;
      const cr = randomOf(a);
      const decoy = under(b.keylog, cr); // the other connection's real secrets
      expect(randomOf(b)).not.toBe(cr);
      expectWhole(decrypt(a.chunks, decoy + a.keylog), a);
      expectWhole(decrypt(a.chunks, a.keylog + decoy), a);
      expectWhole(decrypt(a.chunks, decoys(a, cr) + a.keylog + decoy), a);
      for (const keylog of [decoy, decoy + decoys(a, cr)]) {
        const r = decrypt(a.chunks, keylog);
        expect(r.codes['tls.bad_record_mac']).toBe(2);
        expect(Object.keys(r.codes)).toEqual(['tls.bad_record_mac']);
        expect(r.plain[0].length + r.plain[1].length).toBe(0);
        expect(r.dec.failReason).toBe('bad_record_mac');
      }
    });

    it(`${name}: a late key log line adds candidates, the held ciphertext is retried with them`, () => {
      const [a, b] = pairs.get(name)!;
      const cr = randomOf(a);
      const early = decrypt(a.chunks, '');
      expect(early.dec.state).toBe('waiting-keys');
      expectWhole(decrypt(a.chunks, '', a.keylog + under(b.keylog, cr)), a);
      expectWhole(decrypt(a.chunks, '', under(b.keylog, cr) + a.keylog), a);
    });
  }

  it('TLS 1.3: two real connections with the same ClientHello random both decrypt from one key log', () => {
    const [a, b] = pairs.get('TLS 1.3')!;
    const cr = randomOf(a);
    const bChunks = withRandom(b.chunks, cr);
    for (const keylog of [a.keylog + under(b.keylog, cr), under(b.keylog, cr) + a.keylog]) {
      expectWhole(decrypt(a.chunks, keylog), a);
      expectWhole(decrypt(bChunks, keylog), b);
    }
    // Without its own secrets the rewritten connection does not decrypt (the rewrite is what the test claims).
    expect(decrypt(bChunks, a.keylog).codes['tls.bad_record_mac']).toBeGreaterThan(0);
  });

  it(`the cap: at most ${MAX_TLS_KEY_LOG_SECRETS} secrets per entry, the oldest dropped and reported`, () => {
    const [a] = pairs.get('TLS 1.2 GCM')!;
    const cr = randomOf(a);
    const many = (n: number): string => Array.from({ length: n }, () => decoys(a, cr)).join('');
    // The right secret last among 9: the oldest decoy is dropped, the right one kept.
    const kept = decrypt(a.chunks, many(MAX_TLS_KEY_LOG_SECRETS) + a.keylog);
    expect(toHex(kept.plain[0])).toBe(toHex(a.clientSent));
    expect(kept.codes).toEqual({ 'tls.keylog_secrets_capped': 1 });
    // The right secret first, then 8 decoys: it is the one dropped; nothing decrypts.
    const lost = decrypt(a.chunks, a.keylog + many(MAX_TLS_KEY_LOG_SECRETS));
    expect(lost.codes).toEqual({ 'tls.keylog_secrets_capped': 1, 'tls.bad_record_mac': 2 });
    expect(lost.plain[0].length + lost.plain[1].length).toBe(0);
  });
});
