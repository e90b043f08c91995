import { describe, expect, it } from 'vitest';
import { looksLikeTlsStart } from '../../../../src/protocols/tls/looks-like-tls-start.js';
import { fromHex } from '../../../../src/util/bytes.js';
import { hex } from '../../../helpers/packet-builders.js';

describe('looksLikeTlsStart', () => {
  it('says yes to a handshake record header, need-more to a consistent prefix, no otherwise', () => {
    const hello = hex(`
      16        // handshake
      03 01     // legacy_record_version
      02 00     // length 512
      01        // ClientHello`);
    expect(looksLikeTlsStart(hello, hello.length)).toBe(1);
    expect(looksLikeTlsStart(hello, 3)).toBe(2);
    expect(looksLikeTlsStart(hello, 0)).toBe(2);
    expect(looksLikeTlsStart(fromHex('16 03 04 00 05'), 5)).toBe(1);
    expect(looksLikeTlsStart(fromHex('17 03 03 00 05'), 5)).toBe(0); // application data: mid-connection
    expect(looksLikeTlsStart(fromHex('16 03 05 00 05'), 5)).toBe(0);
    expect(looksLikeTlsStart(fromHex('16 03 03 00 00'), 5)).toBe(0);
    expect(looksLikeTlsStart(fromHex('16 03 03 40 01'), 5)).toBe(0); // over 2^14
    expect(looksLikeTlsStart(new TextEncoder().encode('MSRP a786hjs2 SEND'), 18)).toBe(0);
    expect(looksLikeTlsStart(new TextEncoder().encode('INVITE sip:'), 11)).toBe(0);
  });
});
