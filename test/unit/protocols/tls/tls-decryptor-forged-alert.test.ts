/**
 * Review finding F6: an alert in the clear where the direction is protected (TLS 1.3 after the
 * ServerHello, RFC 8446 5 and 6; TLS 1.2 after ChangeCipherSpec, RFC 5246 6.2.3) is not
 * authentic: 7 forged bytes (15 03 03 00 02 01 00) used to end the direction as close_notify and
 * drop everything after it without an anomaly. Now it is reported (`tls.unauthenticated_alert`)
 * and decryption goes on; bytes after a direction really closed are reported
 * (`tls.data_after_close`), never dropped silently. Transcripts from real node:tls stacks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../../../src/core/anomaly.js';
import { TlsDecryptor, TlsKeyLog } from '../../../../src/protocols/tls/index.js';
import { makeRsaCert, removeCert, type TlsCert, type Transcript, tlsTranscript } from '../../../helpers/tls-transcript.js';

// [type 21 alert][legacy_record_version 0x0303][length 2][level 1 warning][description 0 close_notify]
const FORGED_CLOSE_NOTIFY = new Uint8Array([21, 3, 3, 0, 2, 1, 0]);

let cert: TlsCert;
let t13: Transcript;
let t12: Transcript;
const writes = Array.from({ length: 16 }, (_, i) => new TextEncoder().encode(`MSG-${String(i).padStart(2, '0')};`));

beforeAll(async () => {
  cert = makeRsaCert();
  t13 = await tlsTranscript({ cert, clientWrites: writes, serverWrites: [] });
  t12 = await tlsTranscript({ cert, client: { maxVersion: 'TLSv1.2' }, clientWrites: writes, serverWrites: [] });
}, 30_000);
afterAll(() => removeCert(cert));

/** Feeds the transcript, injecting the forged alert in the client direction right after its first plaintext. */
function feedWithForgedAlert(t: Transcript): { text: string; a: AnomalyCounter; dec: TlsDecryptor } {
  const keys = new TlsKeyLog();
  keys.ingest(t.keylog);
  const a = new AnomalyCounter();
  const dec = new TlsDecryptor(keys, a, { conn: 1 });
  const got: Uint8Array[] = [];
  let injected = false;
  let frame = 0;
  for (const c of t.chunks) {
    const out = dec.push(c.dir, c.bytes, ++frame);
    if (c.dir === 0) got.push(...out);
    if (!injected && c.dir === 0 && out.length > 0) {
      injected = true;
      got.push(...dec.push(0, FORGED_CLOSE_NOTIFY, ++frame));
    }
  }
  expect(injected).toBe(true);
  return { text: Buffer.concat(got).toString('latin1'), a, dec };
}

describe('TlsDecryptor: alerts in the clear in a protected direction', () => {
  it('TLS 1.3: a forged cleartext close_notify is reported and the client data after it is still decrypted', () => {
    expect(t13.protocol).toBe('TLSv1.3');
    const { text, a } = feedWithForgedAlert(t13);
    expect(text).toBe(Buffer.from(t13.clientSent).toString('latin1'));
    expect(a.toJSON()).toEqual({ 'tls.unauthenticated_alert': 1 });
    expect(a.examplesOf('tls.unauthenticated_alert')[0]!.detail).toBe('dir=0 length=2 level=1 description=0');
  });

  it('TLS 1.2: a forged close_notify after ChangeCipherSpec fails authentication, is reported, and uses no sequence number', () => {
    expect(t12.protocol).toBe('TLSv1.2');
    const { text, a } = feedWithForgedAlert(t12);
    expect(text).toBe(Buffer.from(t12.clientSent).toString('latin1'));
    expect(a.toJSON()).toEqual({ 'tls.unauthenticated_alert': 1 });
  });

  it('bytes after a real (protected) close_notify are reported as data_after_close, with their count', () => {
    const keys = new TlsKeyLog();
    keys.ingest(t13.keylog);
    const a = new AnomalyCounter();
    const dec = new TlsDecryptor(keys, a, { conn: 1 });
    let frame = 0;
    for (const c of t13.chunks) dec.push(c.dir, c.bytes, ++frame);
    // node:tls ends both directions with close_notify (RFC 8446 6.1).
    expect(dec.state).toBe('closed');
    expect(a.toJSON()).toEqual({});
    dec.push(0, new Uint8Array(30), ++frame);
    dec.push(0, new Uint8Array(12), ++frame);
    expect(a.toJSON()).toEqual({ 'tls.data_after_close': 1 });
    expect(a.examplesOf('tls.data_after_close')[0]!.detail).toBe('dir=0 bytes=30');
  });
});
