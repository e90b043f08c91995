/**
 * TLS connections through AppStreamConsumer (issue 16): recognised by their ClientHello on any
 * port, decrypted with the key log, the plaintext framed as MSRP or SIP exactly as on TCP and
 * marked `tls` with version and suite; without a key log only counted; keys that arrive after
 * the connection ended still decrypt it (the ends are handed on after the frames); a connection
 * that never gets keys is counted `no_keys` at the end; the cap on waiting connections holds.
 * Transcripts come from real node:tls stacks (test/helpers/tls-transcript.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirValue, StreamConsumer } from '../../../src/flow/stream-consumer.js';
import { TlsKeyLog } from '../../../src/protocols/tls/index.js';
import { conn, keyLog, setup } from '../../helpers/tls-analyzer-harness.js';
import { msrpFrame, sipMessage } from '../../../samples/gen/lib/index.js';
import { hasProgram } from '../../helpers/has-program.js';
import { wsFrame } from '../../helpers/websocket-frames.js';
import { keyLogRandom, keyLogUnderRandom, makeRsaCert, removeCert, tlsTranscript, type TlsCert, type Transcript, withClientRandom } from '../../helpers/tls-transcript.js';

function feed(c: StreamConsumer, t: Transcript, end = true): void {
  let frame = 1;
  for (const ch of t.chunks) c.data(ch.dir, ch.bytes, frame++, 100, 0);
  if (end) {
    c.end(0, 'fin');
    c.end(1, 'fin');
  }
}

const SEND = (tid: string, body: string): Uint8Array =>
  msrpFrame({
    transactionId: tid,
    startLine: 'SEND',
    headers: [
      ['To-Path', 'msrps://10.0.0.2:2855/b;tcp'],
      ['From-Path', 'msrps://10.0.0.1:40000/a;tcp'],
      ['Message-ID', `m-${tid}`],
      ['Byte-Range', `1-${body.length}/${body.length}`],
      ['Content-Type', 'text/plain'],
    ],
    body,
  });
const OK = (tid: string): Uint8Array =>
  msrpFrame({
    transactionId: tid,
    startLine: '200 OK',
    headers: [
      ['To-Path', 'msrps://10.0.0.1:40000/a;tcp'],
      ['From-Path', 'msrps://10.0.0.2:2855/b;tcp'],
    ],
  });

describe.skipIf(!hasProgram('openssl', 'version'))('TLS connections in the analyzers', () => {
  let cert: TlsCert;
  let msrp13: Transcript;
  let msrp13b: Transcript;
  let msrp12: Transcript;
  let sip: Transcript;
  const sends = [SEND('t1', 'hello'), SEND('t2', 'x'.repeat(5000)), SEND('t3', 'bye')];
  const oks = [OK('t1'), OK('t2'), OK('t3')];

  beforeAll(async () => {
    cert = makeRsaCert();
    msrp13 = await tlsTranscript({ cert, clientWrites: sends, serverWrites: oks });
    msrp13b = await tlsTranscript({ cert, clientWrites: sends, serverWrites: oks });
    msrp12 = await tlsTranscript({ cert, server: { maxVersion: 'TLSv1.2' }, client: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' }, clientWrites: sends, serverWrites: oks });
    const invite = sipMessage('INVITE sips:bob@example.com SIP/2.0', [
      ['Via', 'SIP/2.0/TLS 10.0.0.1:40000;branch=z9hG4bKt1'],
      ['From', '<sips:alice@example.com>;tag=1'],
      ['To', '<sips:bob@example.com>'],
      ['Call-ID', 'c1'],
      ['CSeq', '1 INVITE'],
      ['Content-Length', '0'],
    ]);
    sip = await tlsTranscript({ cert, clientWrites: [invite], serverWrites: [] });
  }, 60_000);
  afterAll(() => removeCert(cert));

  it('MSRP over TLS 1.3 and TLS 1.2 is framed like MSRP over TCP, marked tls with version and suite', () => {
    for (const [t, version, suite] of [
      [msrp13, 'TLS1.3', undefined],
      [msrp12, 'TLS1.2', 0xcca8],
    ] as const) {
      const { an, seen } = setup(keyLog(t.keylog));
      const ignored: DirValue[] = [];
      feed(an.create(conn(ignored)), t);
      expect(seen.events.filter((e) => e.startsWith('0 '))).toEqual(['0 t1 SEND', '0 t2 SEND', '0 t3 SEND', '0 end']);
      expect(seen.events.filter((e) => e.startsWith('1 '))).toEqual(['1 t1 200', '1 t2 200', '1 t3 200', '1 end']);
      // The server writes its answers without waiting for the requests: either direction may start first.
      expect(seen.streams.map((s) => [s.dir, s.transport, s.tls?.version]).sort()).toEqual([
        [0, 'tls', version],
        [1, 'tls', version],
      ]);
      if (suite !== undefined) expect(seen.streams[0]!.tls!.cipherSuite).toBe(suite);
      expect(ignored).toEqual([]);
      expect(an.tls.stats).toEqual({ connections: 1, decrypted: 1, undecryptable: {} });
    }
  });

  it('SIP over TLS (RFC 3261 26.2) reaches the SIP sink with transport tls', () => {
    const { an, seen } = setup(keyLog(sip.keylog));
    feed(an.create(conn([], 5061)), sip);
    expect(seen.sip.map((s) => [s.line, s.where.transport, s.where.tls?.version, s.where.ipProto])).toEqual([['INVITE sips:bob@example.com SIP/2.0', 'tls', 'TLS1.3', 6]]);
  });

  it('without a key log: nothing is handed on, both directions are released, the connection is counted once', () => {
    const { an, seen } = setup(undefined);
    const ignored: DirValue[] = [];
    feed(an.create(conn(ignored)), msrp13);
    expect(seen.streams).toEqual([]);
    expect(ignored.sort()).toEqual([0, 1]);
    expect(an.tls.stats).toEqual({ connections: 1, decrypted: 0, undecryptable: { no_keylog: 1 } });
  });

  it('keys that arrive after the connection ended decrypt it; its ends follow its frames', () => {
    const keys = new TlsKeyLog();
    const { an, seen } = setup(keys);
    feed(an.create(conn([])), msrp12);
    expect(seen.events).toEqual([]);
    expect(an.tls.stats.connections).toBe(1);
    keys.ingest(msrp12.keylog);
    an.tlsKeysAdded(99);
    expect(seen.events).toEqual(['0 t1 SEND', '0 t2 SEND', '0 t3 SEND', '1 t1 200', '1 t2 200', '1 t3 200', '0 end', '1 end']);
    expect(an.tls.stats).toEqual({ connections: 1, decrypted: 1, undecryptable: {} });
  });

  it('two connections with one ClientHello random (forked peers) both decrypt from one key log, keys early or late', () => {
    const cr = keyLogRandom(msrp13.keylog);
    const twin = { ...msrp13b, chunks: withClientRandom(msrp13b.chunks, cr) };
    const both = msrp13.keylog + keyLogUnderRandom(msrp13b.keylog, cr);
    for (const late of [false, true]) {
      const keys = keyLog(late ? '' : both);
      const { an, seen } = setup(keys);
      feed(an.create(conn([])), msrp13);
      feed(an.create(conn([])), twin);
      if (late) {
        keys.ingest(both);
        an.tlsKeysAdded(99);
      }
      expect(seen.events.filter((e) => e.endsWith(' SEND')).length).toBe(6);
      expect(seen.events.filter((e) => e.endsWith(' 200')).length).toBe(6);
      expect(an.tls.stats).toEqual({ connections: 2, decrypted: 2, undecryptable: {} });
    }
  });

  it('a connection that never gets keys: no_keys at the end of input, its ends handed on', () => {
    const { an, seen, anomalies } = setup(new TlsKeyLog());
    feed(an.create(conn([])), msrp13);
    an.finish();
    expect(seen.events).toEqual([]);
    expect(an.tls.stats).toEqual({ connections: 1, decrypted: 0, undecryptable: { no_keys: 1 } });
    expect(anomalies.toJSON()['tls.no_keys']).toBe(1);
  });

  it('the cap on connections waiting for keys: the oldest gives up (no_keys), the others still decrypt', () => {
    const keys = new TlsKeyLog();
    const { an, seen } = setup(keys, { maxWaiting: 1 });
    feed(an.create(conn([])), msrp13);
    feed(an.create(conn([])), msrp12);
    expect(an.tls.stats.undecryptable).toEqual({ no_keys: 1 });
    keys.ingest(msrp13.keylog + msrp12.keylog);
    an.tlsKeysAdded(99);
    expect(an.tls.stats).toEqual({ connections: 2, decrypted: 1, undecryptable: { no_keys: 1 } });
    expect(seen.streams.map((s) => s.tls?.version)).toEqual(['TLS1.2', 'TLS1.2']);
  });

  it('plaintext that is neither SIP nor MSRP: that direction is released from reassembly', async () => {
    const t = await tlsTranscript({ cert, clientWrites: [new TextEncoder().encode('\x00\x01binary protocol, not SIP or MSRP\r\n'.repeat(200))], serverWrites: [] });
    const { an, seen } = setup(keyLog(t.keylog));
    const ignored: DirValue[] = [];
    feed(an.create(conn(ignored)), t, false);
    expect(seen.streams).toEqual([]);
    expect(ignored).toContain(0);
    // It was decrypted (then found to be nothing to intercept).
    an.finish();
    expect(an.tls.stats).toEqual({ connections: 1, decrypted: 1, undecryptable: {} });
  });

  it('a direction that carried nothing still ends the connection: it is counted at once, not held to the end of input', () => {
    const { an } = setup(new TlsKeyLog());
    const c = an.create(conn([]));
    // Only the ClientHello (the first client chunk); the server never answered.
    c.data(0, msrp13.chunks.find((x) => x.dir === 0)!.bytes, 1, 100, 0);
    c.end(0, 'fin');
    c.end(1, 'fin');
    expect(an.tls.stats.connections).toBe(1);
    expect(an.tls.stats.decrypted + Object.values(an.tls.stats.undecryptable).reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("directions fed out of capture order (the server's bytes first): both still decrypt", () => {
    const { an, seen } = setup(keyLog(msrp12.keylog));
    const c = an.create(conn([]));
    let frame = 1;
    for (const dir of [1, 0] as const) for (const ch of msrp12.chunks.filter((x) => x.dir === dir)) c.data(dir, ch.bytes, frame++, 100, 0);
    c.end(0, 'fin');
    c.end(1, 'fin');
    expect(seen.events.filter((e) => e.startsWith('1 '))).toEqual(['1 t1 200', '1 t2 200', '1 t3 200', '1 end']);
    expect(seen.events.filter((e) => e.startsWith('0 '))).toEqual(['0 t1 SEND', '0 t2 SEND', '0 t3 SEND', '0 end']);
  });

  it('a WebSocket inside TLS (RFC 7977 wss, RFC 7118): its MSRP is marked wss with the TLS version', async () => {
    const req = 'GET /msrp HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: msrp\r\n\r\n';
    const resp = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: msrp\r\n\r\n';
    const enc = (x: string): Uint8Array => new TextEncoder().encode(x);
    const t = await tlsTranscript({ cert, clientWrites: [enc(req), wsFrame({ opcode: 1, payload: sends[0]!, mask: new Uint8Array([1, 2, 3, 4]) })], serverWrites: [enc(resp)] });
    const { an, seen } = setup(keyLog(t.keylog));
    feed(an.create(conn([], 443)), t);
    expect(seen.streams.map((s) => [s.dir, s.transport, s.tls?.version]).sort()).toEqual([
      [0, 'wss', 'TLS1.3'],
      [1, 'wss', 'TLS1.3'],
    ]);
    expect(seen.events.filter((e) => e.startsWith('0 '))).toEqual(['0 t1 SEND', '0 end']);
  });
});
