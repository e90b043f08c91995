/**
 * TlsDecryptor against real TLS stacks: node:tls (OpenSSL) client and server through a recording
 * proxy on loopback, the client's key log. Each forced suite's transcript, cut into arbitrary
 * segments, must decrypt to exactly what each side wrote, in both directions; then the faults:
 * keys missing, keys late, a flipped ciphertext byte, a capture that starts mid-connection.
 */
import { constants } from 'node:crypto';
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../src/core/anomaly.js';
import { TlsDecryptor, TlsKeyLog } from '../../src/protocols/tls/index.js';
import { type Chunk, makeRsaCert, removeCert, type TlsCert, type Transcript, tlsTranscript } from '../helpers/tls-transcript.js';

let cert: TlsCert;
beforeAll(() => {
  cert = makeRsaCert();
});
afterAll(() => removeCert(cert));

/** Deterministic pieces: small, odd and large (over one 16 KiB record), distinct per side. */
function pieces(seed: number): Uint8Array[] {
  const sizes = [1, 2, 17, 300, 16384, 40000, 5, 1000, 3, 70000, 64];
  let x = seed;
  return sizes.map((n) =>
    Uint8Array.from({ length: n }, () => {
      x = (x * 1103515245 + 12345) >>> 0;
      return x >>> 24;
    }),
  );
}

/** Re-cuts the captured chunks of each direction into segments of the given sizes, keeping the capture order between directions. */
function recut(chunks: Chunk[], cut: number): Chunk[] {
  const out: Chunk[] = [];
  for (const c of chunks) for (let i = 0; i < c.bytes.length; i += cut) out.push({ dir: c.dir, bytes: c.bytes.subarray(i, i + cut) });
  return out;
}

interface Run {
  plain: [Buffer, Buffer];
  dec: TlsDecryptor;
  anomalies: AnomalyCounter;
}

function decrypt(chunks: Chunk[], keylog: string, opts: { maxPendingBytes?: number } = {}): Run {
  const keys = new TlsKeyLog();
  keys.ingest(keylog);
  const anomalies = new AnomalyCounter();
  const dec = new TlsDecryptor(keys, anomalies, opts);
  const got: [Uint8Array[], Uint8Array[]] = [[], []];
  chunks.forEach((c, i) => {
    got[c.dir].push(...dec.push(c.dir, c.bytes, i + 1));
  });
  return { plain: [Buffer.concat(got[0]), Buffer.concat(got[1])], dec, anomalies };
}

function codes(a: AnomalyCounter): string[] {
  return Object.keys(a.toJSON());
}

const TLS12 = { maxVersion: 'TLSv1.2', minVersion: 'TLSv1.2' } as const;
const TLS13 = { maxVersion: 'TLSv1.3', minVersion: 'TLSv1.3' } as const;

const CASES: { name: string; suite: number; version: 'TLS1.2' | 'TLS1.3'; server: TlsOptions; client?: ConnectionOptions }[] = [
  { name: 'TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256', suite: 0xc02f, version: 'TLS1.2', server: { ...TLS12, ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' } },
  { name: 'TLS 1.2 AES256-GCM-SHA384 (RSA key exchange, SHA-384 PRF)', suite: 0x009d, version: 'TLS1.2', server: { ...TLS12, ciphers: 'AES256-GCM-SHA384' } },
  { name: 'TLS 1.2 ECDHE-RSA-CHACHA20-POLY1305', suite: 0xcca8, version: 'TLS1.2', server: { ...TLS12, ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' } },
  { name: 'TLS 1.2 ECDHE-RSA-AES128-SHA, encrypt-then-MAC (RFC 7366)', suite: 0xc013, version: 'TLS1.2', server: { ...TLS12, ciphers: 'ECDHE-RSA-AES128-SHA' } },
  {
    name: 'TLS 1.2 ECDHE-RSA-AES128-SHA, MAC-then-encrypt',
    suite: 0xc013,
    version: 'TLS1.2',
    server: { ...TLS12, ciphers: 'ECDHE-RSA-AES128-SHA' },
    client: { secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC },
  },
  { name: 'TLS 1.2 AES128-SHA256 (CBC, HMAC-SHA256)', suite: 0x003c, version: 'TLS1.2', server: { ...TLS12, ciphers: 'AES128-SHA256' } },
  {
    name: 'TLS 1.2 ECDHE-RSA-AES256-SHA384 (CBC, HMAC-SHA384, SHA-384 PRF), MAC-then-encrypt',
    suite: 0xc028,
    version: 'TLS1.2',
    server: { ...TLS12, ciphers: 'ECDHE-RSA-AES256-SHA384' },
    client: { secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC },
  },
  { name: 'TLS 1.3 TLS_AES_128_GCM_SHA256', suite: 0x1301, version: 'TLS1.3', server: { ...TLS13, ciphers: 'TLS_AES_128_GCM_SHA256' } },
  { name: 'TLS 1.3 TLS_AES_256_GCM_SHA384', suite: 0x1302, version: 'TLS1.3', server: { ...TLS13, ciphers: 'TLS_AES_256_GCM_SHA384' } },
  { name: 'TLS 1.3 TLS_CHACHA20_POLY1305_SHA256', suite: 0x1303, version: 'TLS1.3', server: { ...TLS13, ciphers: 'TLS_CHACHA20_POLY1305_SHA256' } },
  {
    name: 'TLS 1.3 after a HelloRetryRequest (client key share for X25519, server wants P-256)',
    suite: 0x1301,
    version: 'TLS1.3',
    server: { ...TLS13, ciphers: 'TLS_AES_128_GCM_SHA256', ecdhCurve: 'P-256' },
    client: { ecdhCurve: 'X25519:P-256' },
  },
];

describe('TlsDecryptor on real node:tls transcripts', () => {
  for (const c of CASES) {
    describe(c.name, () => {
      let t: Transcript;
      beforeAll(async () => {
        t = await tlsTranscript({ cert, server: c.server, client: c.client, clientWrites: pieces(1), serverWrites: pieces(2) });
      });

      it('decrypts both directions exactly, whatever the segment cuts', () => {
        expect(t.protocol).toBe(c.version === 'TLS1.2' ? 'TLSv1.2' : 'TLSv1.3');
        for (const cut of [1e9, 1, 7, 1460]) {
          const r = decrypt(recut(t.chunks, cut), t.keylog);
          expect(codes(r.anomalies)).toEqual([]);
          expect(r.dec.version).toBe(c.version);
          expect(r.dec.cipherSuite).toBe(c.suite);
          expect(r.dec.sni).toBe('localhost');
          expect(r.plain[0].equals(t.clientSent)).toBe(true);
          expect(r.plain[1].equals(t.serverSent)).toBe(true);
          expect(r.dec.pendingBytes).toBe(0);
        }
      });

      it('holds the ciphertext without keys, reports no_keys at the end; decrypts it all when the keys come (retry)', () => {
        const none = decrypt(t.chunks, '');
        expect(none.dec.state).toBe('waiting-keys');
        expect(none.plain[0].length + none.plain[1].length).toBe(0);
        none.dec.end(999);
        expect(codes(none.anomalies)).toEqual(['tls.no_keys']);
        expect(none.dec.failReason).toBe('no_keys');

        const keys = new TlsKeyLog();
        const anomalies = new AnomalyCounter();
        const dec = new TlsDecryptor(keys, anomalies);
        const got: [Uint8Array[], Uint8Array[]] = [[], []];
        for (const [i, ch] of t.chunks.entries()) got[ch.dir].push(...dec.push(ch.dir, ch.bytes, i + 1));
        expect(dec.state).toBe('waiting-keys');
        // The key log arrives in two appended chunks, the first ending mid-line.
        keys.ingest(t.keylog.slice(0, 50));
        keys.ingest(t.keylog.slice(50));
        for (const x of dec.retry(1000)) got[x.dir].push(x.data);
        expect(Buffer.concat(got[0]).equals(t.clientSent)).toBe(true);
        expect(Buffer.concat(got[1]).equals(t.serverSent)).toBe(true);
        expect(codes(anomalies)).toEqual([]);
        expect(dec.pendingBytes).toBe(0);
      });

      it('directions fed out of capture order (all server bytes first): the server plaintext is released by the ClientHello and taken with retry()', () => {
        const keys = new TlsKeyLog();
        keys.ingest(t.keylog);
        const anomalies = new AnomalyCounter();
        const dec = new TlsDecryptor(keys, anomalies);
        const got: [Uint8Array[], Uint8Array[]] = [[], []];
        const ordered = [...t.chunks.filter((x) => x.dir === 1), ...t.chunks.filter((x) => x.dir === 0)];
        for (const [i, ch] of ordered.entries()) got[ch.dir].push(...dec.push(ch.dir, ch.bytes, i + 1));
        expect(got[1].length).toBe(0);
        expect(dec.released).toBeGreaterThan(0);
        for (const x of dec.retry(1000)) got[x.dir].push(x.data);
        expect(dec.released).toBe(0);
        expect(Buffer.concat(got[0]).equals(t.clientSent)).toBe(true);
        expect(Buffer.concat(got[1]).equals(t.serverSent)).toBe(true);
        expect(anomalies.toJSON()).toEqual({});
      });

      it('a capture held past the pending cap reports pending_overflow and drops what it held', () => {
        const r = decrypt(t.chunks, '', { maxPendingBytes: 4096 });
        expect(codes(r.anomalies)).toEqual(['tls.pending_overflow']);
        expect(r.dec.state).toBe('failed');
        expect(r.dec.pendingBytes).toBe(0);
      });
    });
  }
});

/** Applies `fn` to the byte at `offset` of direction `dir`'s stream, keeping the chunk cuts and their order. */
function mutate(chunks: Chunk[], dir: 0 | 1, offset: number, fn: (b: number) => number): Chunk[] {
  let at = 0;
  return chunks.map((c) => {
    if (c.dir !== dir) return c;
    const start = at;
    at += c.bytes.length;
    if (offset < start || offset >= at) return c;
    const b = Uint8Array.from(c.bytes);
    b[offset - start] = fn(b[offset - start]!);
    return { dir, bytes: b };
  });
}

/** Record starts [offset, content type] of one direction's stream (RFC 5246 6.2.1 headers). */
function records(chunks: Chunk[], dir: 0 | 1): [number, number][] {
  const s = Buffer.concat(chunks.filter((c) => c.dir === dir).map((c) => c.bytes));
  const out: [number, number][] = [];
  for (let p = 0; p + 5 <= s.length; p += 5 + s.readUInt16BE(p + 3)) out.push([p, s[p]!]);
  return out;
}

describe('TlsDecryptor faults on real transcripts', () => {
  for (const [name, server] of [
    ['TLS 1.2 GCM', { ...TLS12, ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }],
    ['TLS 1.2 CBC', { ...TLS12, ciphers: 'ECDHE-RSA-AES128-SHA' }],
    ['TLS 1.3', { ...TLS13, ciphers: 'TLS_CHACHA20_POLY1305_SHA256' }],
  ] as const) {
    describe(name, () => {
      let t: Transcript;
      beforeAll(async () => {
        t = await tlsTranscript({ cert, server, clientWrites: pieces(3), serverWrites: pieces(4) });
      });

      it('a flipped ciphertext byte: bad_record_mac, that direction stops with only authenticated plaintext, the other goes on', () => {
        const recs = records(t.chunks, 1).filter(([, type]) => type === 23);
        const [off] = recs[Math.floor(recs.length / 2)]!;
        const r = decrypt(
          mutate(t.chunks, 1, off + 40, (b) => b ^ 0x01),
          t.keylog,
        );
        expect(codes(r.anomalies)).toEqual(['tls.bad_record_mac']);
        expect(r.dec.failReason).toBe('bad_record_mac');
        expect(r.plain[1].length).toBeGreaterThan(0);
        expect(r.plain[1].length).toBeLessThan(t.serverSent.length);
        expect(r.plain[1].equals(t.serverSent.subarray(0, r.plain[1].length))).toBe(true);
        expect(r.plain[0].equals(t.clientSent)).toBe(true);
      });

      it('a capture starting mid-connection: mid_connection, nothing decrypted', () => {
        for (const from of [2, 4, Math.floor(t.chunks.length / 2)]) {
          const r = decrypt(t.chunks.slice(from), t.keylog);
          expect(codes(r.anomalies)).toEqual(['tls.mid_connection']);
          expect(r.dec.state).toBe('failed');
          expect(r.plain[0].length + r.plain[1].length).toBe(0);
        }
      });

      it('a key log entry for another connection is no key: no_keys at the end', () => {
        const other = t.keylog.replace(/^(\S+) ([0-9a-f]{2})/gm, (_m, label: string, h: string) => `${label} ${h === '00' ? '01' : '00'}`);
        const r = decrypt(t.chunks, other);
        expect(r.dec.state).toBe('waiting-keys');
        r.dec.end(1);
        expect(codes(r.anomalies)).toEqual(['tls.no_keys']);
      });
    });
  }
});

describe('TLS 1.2 renegotiation (RFC 5746)', () => {
  it('decrypts up to a renegotiation, then reports it and stops both directions (its new keys are not followed)', async () => {
    const c = pieces(5);
    const s = pieces(6);
    const t = await tlsTranscript({ cert, server: { ...TLS12, ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }, clientWrites: c, serverWrites: s, renegotiateAtEnd: true });
    const r = decrypt(t.chunks, t.keylog);
    expect(r.anomalies.toJSON()).toEqual({ 'tls.renegotiation': 2 });
    expect(r.dec.state).toBe('failed');
    expect(r.plain[0].equals(t.clientSent)).toBe(true);
    expect(r.plain[1].equals(t.serverSent)).toBe(true);
  });
});

describe('resumed sessions (abbreviated handshakes)', () => {
  for (const [name, base] of [
    ['TLS 1.2 session ticket (the server sends ChangeCipherSpec first)', { ...TLS12, ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' }],
    ['TLS 1.3 PSK ticket', { ...TLS13, ciphers: 'TLS_AES_256_GCM_SHA384' }],
  ] as const) {
    it(`${name}: decrypts both directions`, async () => {
      // Two server instances share the ticket keys, so the second accepts the first's ticket.
      const server = { ...base, ticketKeys: Buffer.alloc(48, 5) };
      const first = await tlsTranscript({ cert, server, clientWrites: [new Uint8Array([1])], serverWrites: [new Uint8Array([2])] });
      expect(first.session).toBeDefined();
      const t = await tlsTranscript({ cert, server, client: { session: first.session! }, clientWrites: pieces(7), serverWrites: pieces(8) });
      expect(t.reused).toBe(true);
      const r = decrypt(recut(t.chunks, 100), t.keylog);
      expect(r.anomalies.toJSON()).toEqual({});
      expect(r.plain[0].equals(t.clientSent)).toBe(true);
      expect(r.plain[1].equals(t.serverSent)).toBe(true);
    });
  }
});
