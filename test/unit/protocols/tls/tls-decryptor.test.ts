/** TlsDecryptor on hand-built clear handshakes: what it refuses, and why (the protected paths are tested on real stacks in test/integration/tls-*.test.ts). */
import { describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../../../src/core/anomaly.js';
import { TlsDecryptor, TlsKeyLog } from '../../../../src/protocols/tls/index.js';
import { clientHelloBody, handshakeMsg, serverHelloBody, sniExt, tlsRecord } from '../../../helpers/tls-records.js';

const CR = new Uint8Array(32).fill(7);
const SR = new Uint8Array(32).fill(9);

function run(server: Uint8Array, client = tlsRecord(22, handshakeMsg(1, clientHelloBody({ random: CR, suites: [0x1301, 0xc02f], exts: sniExt('relay.example') })))): { dec: TlsDecryptor; a: AnomalyCounter } {
  const a = new AnomalyCounter();
  const dec = new TlsDecryptor(new TlsKeyLog(), a, { conn: 4 });
  expect(dec.push(0, client, 1)).toEqual([]);
  expect(dec.push(1, server, 2)).toEqual([]);
  return { dec, a };
}

describe('TlsDecryptor: clear handshake outcomes', () => {
  it('reads SNI, version and suite from the hellos', () => {
    const { dec, a } = run(tlsRecord(22, handshakeMsg(2, serverHelloBody({ random: SR, suite: 0x1301, version: 0x0304 }))));
    expect(dec.sni).toBe('relay.example');
    expect(dec.version).toBe('TLS1.3');
    expect(dec.cipherSuite).toBe(0x1301);
    expect(dec.state).toBe('handshake');
    expect(a.toJSON()).toEqual({});
  });

  it('TLS 1.0 and 1.1 are unsupported_version', () => {
    for (const v of [0x0301, 0x0302]) {
      const body = serverHelloBody({ random: SR, suite: 0x002f });
      body[0] = v >> 8;
      body[1] = v & 0xff;
      const { dec, a } = run(tlsRecord(22, handshakeMsg(2, body)));
      expect(a.toJSON()).toEqual({ 'tls.unsupported_version': 1 });
      expect(a.examplesOf('tls.unsupported_version')[0]!.detail).toBe(`version=0x030${v & 0xff}`);
      expect(dec.state).toBe('failed');
      expect(dec.failReason).toBe('unsupported_version');
    }
  });

  it('a suite msrptap does not decrypt (or a TLS 1.2 suite in a TLS 1.3 hello) is unsupported_cipher with its number', () => {
    for (const [suite, version, want] of [
      [0x000a, undefined, 'suite=0x000a compression=0'], // TLS_RSA_WITH_3DES_EDE_CBC_SHA
      [0xc02f, 0x0304, 'suite=0xc02f compression=0'],
      [0x1304, 0x0304, 'suite=0x1304 compression=0'], // TLS_AES_128_CCM_SHA256
    ] as const) {
      const { dec, a } = run(tlsRecord(22, handshakeMsg(2, serverHelloBody({ random: SR, suite, ...(version === undefined ? {} : { version }) }))));
      expect(a.toJSON()).toEqual({ 'tls.unsupported_cipher': 1 });
      expect(a.examplesOf('tls.unsupported_cipher')[0]!.detail).toBe(want);
      expect(dec.failReason).toBe('unsupported_cipher');
    }
  });

  it('a record longer than 2^14 + 2048 is decode_error and stops that direction only', () => {
    const huge = new Uint8Array([0x17, 0x03, 0x03, 0x48, 0x01]);
    const { dec, a } = run(tlsRecord(22, handshakeMsg(2, serverHelloBody({ random: SR, suite: 0xc02f }))));
    dec.push(1, huge, 3);
    expect(a.toJSON()).toEqual({ 'tls.decode_error': 1 });
    expect(a.examplesOf('tls.decode_error')[0]!.detail).toBe('dir=1 record type=23 version_major=3 length=18433');
    expect(dec.state).toBe('handshake');
  });

  it('a TLS 1.3 ServerHello must end its record (RFC 8446 5.1)', () => {
    const sh = handshakeMsg(2, serverHelloBody({ random: SR, suite: 0x1301, version: 0x0304 }));
    const { a } = run(tlsRecord(22, new Uint8Array([...sh, 8, 0, 0, 2, 0, 0])));
    expect(a.toJSON()).toEqual({ 'tls.decode_error': 1 });
  });

  it('a first record that is not a hello is mid_connection', () => {
    const { dec, a } = run(tlsRecord(22, handshakeMsg(2, serverHelloBody({ random: SR, suite: 0x1301, version: 0x0304 }))), tlsRecord(23, new Uint8Array(40)));
    expect(a.toJSON()).toEqual({ 'tls.mid_connection': 1 });
    expect(dec.state).toBe('failed');
  });

  it('alerts close directions cleanly: close_notify and fatal, not warnings', () => {
    const { dec, a } = run(tlsRecord(21, new Uint8Array([2, 40]))); // fatal handshake_failure from the server
    expect(dec.push(0, tlsRecord(21, new Uint8Array([1, 90])), 3)).toEqual([]); // warning user_canceled: ignored
    expect(dec.state).toBe('handshake');
    dec.push(0, tlsRecord(21, new Uint8Array([1, 0])), 4); // close_notify
    expect(dec.state).toBe('closed');
    expect(a.toJSON()).toEqual({});
  });

  it('a truncated ClientHello is decode_error', () => {
    const body = clientHelloBody({ random: CR, suites: [0x1301] }).subarray(0, 40);
    const { a } = run(tlsRecord(22, handshakeMsg(2, serverHelloBody({ random: SR, suite: 0x1301, version: 0x0304 }))), tlsRecord(22, handshakeMsg(1, body)));
    expect(a.count('tls.decode_error')).toBe(1);
  });
});
