/**
 * Property tests (fast-check through check-property.ts, seeded) of the TLS decryptor:
 *
 * 1. Real transcripts (node:tls, TLS 1.2 GCM and CBC, TLS 1.3), mutated (bytes flipped,
 *    chunks cut, dropped, duplicated, bytes inserted), fed with or without keys and with a
 *    retry in the middle: never throws, holds at most `maxPendingBytes`, reports a bounded
 *    number of anomalies, and whatever plaintext comes out of a direction is a prefix of what
 *    that side really sent (never a byte of unauthenticated or misattributed plaintext).
 * 2. Record soups after synthetic hellos (random types, versions, lengths and bodies): the same
 *    safety properties.
 */
import { constants } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ANOMALIES, AnomalyCounter } from '../../src/core/anomaly.js';
import { TlsDecryptor, TlsKeyLog } from '../../src/protocols/tls/index.js';
import { concatBytes } from '../../src/util/bytes.js';
import { checkProperty, envCount, type Rand, randOf } from '../helpers/check-property.js';
import { clientHelloBody, ext, handshakeMsg, serverHelloBody, tlsRecord } from '../helpers/tls-records.js';
import { type Chunk, makeRsaCert, removeCert, type TlsCert, type Transcript, tlsTranscript } from '../helpers/tls-transcript.js';

const CAP = 6000;
let cert: TlsCert;
const transcripts: Transcript[] = [];

beforeAll(async () => {
  cert = makeRsaCert();
  const data = (n: number, seed: number): Uint8Array[] => [1, 50, 700, 3000, 20].map((len, i) => new Uint8Array(len).fill((seed + i * 37 + n) & 0xff));
  const tls12 = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } as const;
  for (const [server, client] of [
    [{ ...tls12, ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }, {}],
    [{ ...tls12, ciphers: 'ECDHE-RSA-AES256-SHA' }, {}], // encrypt-then-MAC
    [{ ...tls12, ciphers: 'ECDHE-RSA-AES256-SHA' }, { secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC }],
    [{ minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' }, {}],
  ] as const) {
    transcripts.push(await tlsTranscript({ cert, server, client, clientWrites: data(1, 3), serverWrites: data(2, 5) }));
  }
});
afterAll(() => removeCert(cert));

/** Mutates a transcript's chunks: each operation drawn through `rnd` (so it shrinks). */
function mutate(chunks: Chunk[], rnd: Rand): Chunk[] {
  const out = chunks.map((c): { dir: 0 | 1; bytes: Uint8Array } => ({ dir: c.dir, bytes: Uint8Array.from(c.bytes) }));
  const ops = rnd.int(0, 4);
  for (let k = 0; k < ops && out.length > 0; k++) {
    const i = rnd.int(0, out.length - 1);
    const c = out[i]!;
    switch (rnd.int(0, 5)) {
      case 0: // flip a byte
        if (c.bytes.length > 0) c.bytes[rnd.int(0, c.bytes.length - 1)]! ^= 1 << rnd.int(0, 7);
        break;
      case 1: // drop a chunk
        out.splice(i, 1);
        break;
      case 2: // duplicate a chunk
        out.splice(i, 0, { dir: c.dir, bytes: Uint8Array.from(c.bytes) });
        break;
      case 3: // truncate a chunk
        c.bytes = c.bytes.subarray(0, rnd.int(0, c.bytes.length));
        break;
      case 4: // insert random bytes
        c.bytes = concatBytes([c.bytes.subarray(0, 3), rnd.bytes(rnd.int(1, 40)), c.bytes.subarray(3)]);
        break;
      default: // set a byte (record headers live at small offsets)
        if (c.bytes.length > 0) c.bytes[rnd.int(0, Math.min(10, c.bytes.length - 1))] = rnd.int(0, 255);
    }
  }
  return out;
}

/** Feeds `chunks` re-cut at random; checks the caps after every push. Returns the plaintext per direction. */
function feed(dec: TlsDecryptor, chunks: Chunk[], rnd: Rand, keys: TlsKeyLog, keylog: string, keysAt: number): [Buffer, Buffer] {
  const got: [Uint8Array[], Uint8Array[]] = [[], []];
  let frame = 0;
  for (const [i, c] of chunks.entries()) {
    if (i === keysAt) {
      keys.ingest(keylog);
      for (const x of dec.retry(++frame)) got[x.dir].push(x.data);
    }
    // Each chunk is cut once more at a drawn point (one draw: many draws per case would dominate the run).
    const cut = rnd.int(0, c.bytes.length);
    for (const part of [c.bytes.subarray(0, cut), c.bytes.subarray(cut)]) {
      got[c.dir].push(...dec.push(c.dir, part, ++frame));
      if (dec.pendingBytes > CAP) throw new Error(`held ${dec.pendingBytes} > ${CAP}`);
    }
  }
  for (const x of dec.retry(++frame)) got[x.dir].push(x.data);
  dec.end(++frame);
  return [Buffer.concat(got[0]), Buffer.concat(got[1])];
}

describe('fuzz: TLS decryptor', () => {
  it('real transcripts, mutated: never throws, caps hold, plaintext out is a prefix of what was sent', () => {
    const seen = { full: 0, partial: 0 };
    checkProperty(
      { seed: 8446, numRuns: envCount('MSRPTAP_MUTANTS', 1000) },
      fc.property(fc.integer({ min: 0, max: transcripts.length - 1 }), fc.gen(), (which, g) => {
        const rnd = randOf(g);
        const t = transcripts[which]!;
        const chunks = rnd.int(0, 3) === 0 ? t.chunks : mutate(t.chunks, rnd);
        const keys = new TlsKeyLog();
        const anomalies = new AnomalyCounter();
        const dec = new TlsDecryptor(keys, anomalies, { maxPendingBytes: CAP, conn: 1 });
        const keysAt = rnd.int(0, chunks.length);
        const [c2s, s2c] = feed(dec, chunks, rnd, keys, t.keylog, keysAt);
        expect(c2s.equals(t.clientSent.subarray(0, c2s.length))).toBe(true);
        expect(s2c.equals(t.serverSent.subarray(0, s2c.length))).toBe(true);
        expect(anomalies.total()).toBeLessThanOrEqual(4);
        // Key material never reaches an anomaly detail.
        for (const code of Object.keys(anomalies.toJSON()) as (keyof typeof ANOMALIES)[]) for (const e of anomalies.examplesOf(code)) expect(e.detail ?? '').not.toMatch(/[0-9a-f]{16}/i);
        if (c2s.length === t.clientSent.length && s2c.length === t.serverSent.length) seen.full++;
        else seen.partial++;
      }),
    );
    // Not vacuous: some cases decrypt everything, some are cut short.
    expect(seen.full).toBeGreaterThan(100);
    expect(seen.partial).toBeGreaterThan(100);
  });

  it('record soups after synthetic hellos: never throws, caps hold, anomalies bounded', () => {
    const cr = new Uint8Array(32).fill(1);
    checkProperty(
      { seed: 5246, numRuns: envCount('MSRPTAP_MUTANTS', 600) },
      fc.property(fc.gen(), (g) => {
        const rnd = randOf(g);
        const v13 = rnd.int(0, 1) === 1;
        const suite = [0x1301, 0x1303, 0xc02f, 0xc013, 0x003c, 0x0005][rnd.int(0, 5)]!;
        const keys = new TlsKeyLog();
        for (const label of ['CLIENT_RANDOM', 'CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0']) {
          if (rnd.int(0, 2) > 0) keys.ingest(`${label} ${'01'.repeat(32)} ${'ab'.repeat(label === 'CLIENT_RANDOM' ? 48 : 32)}\n`);
        }
        const chunks: Chunk[] = [
          { dir: 0, bytes: tlsRecord(22, handshakeMsg(1, clientHelloBody({ random: cr, suites: [suite], exts: rnd.int(0, 1) ? ext(42, []) : [] }))) },
          { dir: 1, bytes: tlsRecord(22, handshakeMsg(2, serverHelloBody({ random: rnd.bytes(32), suite, ...(v13 ? { version: 0x0304 } : {}), exts: rnd.int(0, 1) ? ext(22, []) : [] }))) },
        ];
        const n = rnd.int(0, 12);
        for (let i = 0; i < n; i++) {
          const type = [20, 21, 22, 23, 24, 25][rnd.int(0, 5)]!;
          const body = rnd.int(0, 3) === 0 ? new Uint8Array([1]) : rnd.bytes(rnd.int(0, 300));
          const rec = tlsRecord(type, body, rnd.int(0, 7) === 0 ? rnd.int(0, 0xffff) : 0x0303);
          chunks.push({ dir: rnd.int(0, 1) as 0 | 1, bytes: rnd.int(0, 5) === 0 ? rnd.bytes(rnd.int(1, 30)) : rec });
        }
        const anomalies = new AnomalyCounter();
        const dec = new TlsDecryptor(new TlsKeyLog(), anomalies, { maxPendingBytes: CAP });
        const [c2s, s2c] = feed(dec, chunks, rnd, keys, '', rnd.int(0, chunks.length));
        // Random ciphertext never authenticates.
        expect(c2s.length + s2c.length).toBe(0);
        expect(anomalies.total()).toBeLessThanOrEqual(4);
        const dec2 = new TlsDecryptor(keys, anomalies, { maxPendingBytes: CAP });
        const [a, b] = feed(dec2, chunks, rnd, keys, '', -1);
        expect(a.length + b.length).toBe(0);
      }),
    );
  });
});
