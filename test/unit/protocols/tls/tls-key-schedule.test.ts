/** Key derivations against published vectors (RFC 8448, the TLS 1.2 PRF vector of the IETF TLS WG). */
import { describe, expect, it } from 'vitest';
import { tlsSuite } from '../../../../src/protocols/tls/tls-cipher-suites.js';
import { hkdfExpandLabel, tls12Prf, tls13Keys } from '../../../../src/protocols/tls/tls-key-schedule.js';
import { fromHex, toHex } from '../../../../src/util/bytes.js';

describe('TLS 1.3 HKDF-Expand-Label (RFC 8446 7.1) on RFC 8448 section 3 (simple 1-RTT)', () => {
  // {server} derive write traffic keys for handshake data: PRK = server_handshake_traffic_secret
  const shts = fromHex(`
    b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4
    e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38`);

  it('gives the published key and iv of TLS_AES_128_GCM_SHA256', () => {
    const k = tls13Keys(tlsSuite(0x1301)!, shts);
    expect(toHex(k.key)).toBe('3fce516009c21727d0f2e4e86ee403bc');
    expect(toHex(k.iv)).toBe('5d313eb2671276ee13000b30');
  });

  it('gives the published finished key (label "finished", Hash.length)', () => {
    expect(toHex(hkdfExpandLabel('sha256', shts, 'finished', new Uint8Array(0), 32))).toBe('008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8');
  });
});

describe('TLS 1.2 PRF (RFC 5246 5)', () => {
  it('P_SHA256 gives the TLS WG test vector (also what `openssl kdf TLS1-PRF` prints)', () => {
    const out = tls12Prf('sha256', fromHex('9b be 43 6b a9 40 f0 17 b1 76 52 84 9a 71 db 35'), 'test label', fromHex('a0 ba 9f 93 6c da 31 18 27 a6 f7 96 ff d5 19 8c'), 100);
    expect(toHex(out)).toBe('e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66');
  });
});
