import { describe, expect, it } from 'vitest';
import { formatEndpoint, formatIp } from '../../../src/decode/format-ip.js';
import { fromHex } from '../../../src/util/bytes.js';

describe('formatIp', () => {
  it.each([
    ['c0000201', '192.0.2.1'],
    ['00000000', '0.0.0.0'],
    ['ffffffff', '255.255.255.255'],
    // RFC 5952 section 4: lower case, leading zeros removed, longest zero run compressed.
    ['20010db8000000000000000000000001', '2001:db8::1'],
    ['20010DB8000000000000000000ABCDEF', '2001:db8::ab:cdef'],
    ['00000000000000000000000000000000', '::'],
    ['00000000000000000000000000000001', '::1'],
    ['fe800000000000000000000000000000', 'fe80::'],
    // 4.2.2: a single 16-bit zero field is not shortened.
    ['20010db8000000010001000100010001', '2001:db8:0:1:1:1:1:1'],
    // 4.2.3: the longest run is compressed; on a tie the first.
    ['20010000000000010000000000000001', '2001:0:0:1::1'],
    ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
    ['0abc00000000000000000000000a000b', 'abc::a:b'],
    // Section 5: IPv4-mapped addresses keep the dotted quad.
    ['00000000000000000000ffffc0000201', '::ffff:192.0.2.1'],
  ])('%s -> %s', (h, text) => {
    expect(formatIp(fromHex(h))).toBe(text);
  });

  it('never throws on odd lengths', () => {
    expect(formatIp(fromHex('0102'))).toBe('?0102');
    expect(formatIp(new Uint8Array(0))).toBe('?');
  });
});

describe('formatEndpoint', () => {
  it('IPv4 host:port and bracketed IPv6 (RFC 5952 section 6)', () => {
    expect(formatEndpoint(fromHex('01020304'), 5060)).toBe('1.2.3.4:5060');
    expect(formatEndpoint(fromHex('20010db8000000000000000000000001'), 5060)).toBe('[2001:db8::1]:5060');
  });
});
