import { describe, expect, it } from 'vitest';
import { internetChecksum, pseudoHeader, transportChecksum } from '../../../../samples/gen/lib/checksum.js';
import { fromHex } from '../../../../src/util/bytes.js';

describe('internetChecksum', () => {
  it('matches the RFC 1071 section 3 worked example (sum ddf2 → checksum 220d)', () => {
    expect(internetChecksum([fromHex('0001 f203 f4f5 f6f7')])).toBe(0x220d);
  });

  it('pads an odd length with a zero byte', () => {
    expect(internetChecksum([fromHex('0001 f203 f4f5 f6')])).toBe(internetChecksum([fromHex('0001 f203 f4f5 f600')]));
  });

  it('is the same over parts as over their concatenation', () => {
    expect(internetChecksum([fromHex('0001'), fromHex('f203 f4f5'), fromHex('f6f7')])).toBe(0x220d);
  });
});

describe('pseudoHeader', () => {
  it('IPv4: src, dst, zero, protocol, length (RFC 768)', () => {
    expect(pseudoHeader(fromHex('c0000201'), fromHex('c6336401'), 17, 0x1234)).toEqual(
      fromHex(
        `
        c0000201   # src 192.0.2.1
        c6336401   # dst 198.51.100.1
        00 11      # zero, protocol 17
        1234       # UDP length
      `.replace(/#.*$/gm, ''),
      ),
    );
  });

  it('IPv6: src, dst, 32-bit length, 3 zero bytes, next header (RFC 8200 section 8.1)', () => {
    const src = new Uint8Array(16).fill(1);
    const dst = new Uint8Array(16).fill(2);
    const p = pseudoHeader(src, dst, 6, 0x010203);
    expect(p.length).toBe(40);
    expect([...p.subarray(32)]).toEqual([0, 1, 2, 3, 0, 0, 0, 6]);
  });

  it('rejects mixed families', () => {
    expect(() => pseudoHeader(new Uint8Array(4), new Uint8Array(16), 6, 0)).toThrow(RangeError);
  });
});

describe('transportChecksum', () => {
  it('sends a computed UDP checksum of 0 as 0xffff (RFC 768)', () => {
    // Find a segment whose checksum computes to 0: choose the last word so the sum is 0xffff.
    const src = fromHex('00000000');
    const dst = fromHex('00000000');
    const seg = fromHex('0000 0000 000a 0000 0000'); // 10 bytes; pseudo length 10 + proto 17
    const partial = internetChecksum([pseudoHeader(src, dst, 17, seg.length), seg]);
    seg[8] = partial >>> 8;
    seg[9] = partial & 0xff; // now the one's complement sum is 0xffff → checksum 0
    expect(internetChecksum([pseudoHeader(src, dst, 17, seg.length), seg])).toBe(0);
    expect(transportChecksum(src, dst, 17, seg)).toBe(0xffff);
  });

  it('leaves a computed TCP checksum of 0 as 0 (only UDP reserves 0)', () => {
    const src = fromHex('00000000');
    const dst = fromHex('00000000');
    const seg = new Uint8Array(20);
    const partial = internetChecksum([pseudoHeader(src, dst, 6, seg.length), seg]);
    seg[16] = partial >>> 8;
    seg[17] = partial & 0xff;
    expect(transportChecksum(src, dst, 6, seg)).toBe(0);
  });
});
