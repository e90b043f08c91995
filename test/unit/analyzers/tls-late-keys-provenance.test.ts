/**
 * Review finding F7: plaintext released by keys that arrive late (after the records, through the
 * key-log poll) used to carry the frame number of the poll (the pipeline's last frame, another
 * connection's) and the time of the direction's last packet. Held records now keep the frame
 * and time of the packet that completed them: late keys give the same events as early ones.
 * Builders as in ./tls-connection.test.ts; transcripts from real node:tls stacks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TlsKeyLog } from '../../../src/protocols/tls/index.js';
import { conn, keyLog, setup } from '../../helpers/tls-analyzer-harness.js';
import { msrpFrame } from '../../../samples/gen/lib/index.js';
import { makeRsaCert, removeCert, tlsTranscript, type TlsCert, type Transcript } from '../../helpers/tls-transcript.js';

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

describe('TlsConnection: late keys keep the provenance of each record', () => {
  let cert: TlsCert;
  let t: Transcript;
  beforeAll(async () => {
    cert = makeRsaCert();
    t = await tlsTranscript({ cert, clientWrites: [SEND('t1', 'hello'), SEND('t2', 'x'.repeat(5000)), SEND('t3', 'bye')], serverWrites: [] });
  }, 60_000);
  afterAll(() => removeCert(cert));

  it('each MSRP frame decrypted after the keys arrived keeps the frame number and time of the packet that carried it', () => {
    const keys = new TlsKeyLog();
    const { an, seen } = setup(keys, undefined, true);
    const c = an.create(conn([]));
    // Frame i at second 100 + i.
    for (const [i, ch] of t.chunks.entries()) c.data(ch.dir, ch.bytes, i + 1, 100 + i, 0);
    const same = setup(keyLog(t.keylog), undefined, true);
    const c2 = same.an.create(conn([]));
    for (const [i, ch] of t.chunks.entries()) c2.data(ch.dir, ch.bytes, i + 1, 100 + i, 0);
    keys.ingest(t.keylog);
    an.tlsKeysAdded(999); // the key log poll, at the pipeline's last frame (any connection's)
    expect(seen.events).toEqual(same.seen.events);
  });
});
