import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../src/core/link-type.js';
import { formatIp } from '../../../src/decode/format-ip.js';
import { cat, decode, ext6, frag6, hex, ipv6, textBytes, udp } from '../../helpers/packet-builders.js';

const UDP_HI = udp(5060, 5060, textBytes('hi'));

describe('IPv6', () => {
  it('walks hop-by-hop, routing and destination options to TCP', () => {
    const r = decode(
      LinkType.IPV6,
      hex(`
        60000000                          // version 6, traffic class 0, flow label 0
        002c                              // payload length 44
        00                                // next header: hop-by-hop options
        40                                // hop limit 64
        20010db8000000000000000000000001  // source 2001:db8::1
        20010db8000000000000000000000002  // destination 2001:db8::2
        2b 00 010400000000                // hop-by-hop: next routing, len 0, PadN
        3c 00 04 00 00000000              // routing: next dest-opts, len 0, type 4 (SRH-like), segments left 0
        06 00 010400000000                // destination options: next TCP, len 0, PadN
        1f40 13c4                         // TCP 8000 -> 5060
        00000064                          // sequence 100
        00000000                          // acknowledgment 0
        50 02                             // data offset 5, SYN
        ffff 0000 0000                    // window, checksum, urgent
      `),
    );
    expect(r.codes).toEqual({});
    expect(r.out.ipVersion).toBe(6);
    expect(r.out.ipProto).toBe(6);
    expect(r.out.ipPayload.length).toBe(20);
    expect(r.out.l4).toBe(6);
    expect(r.out.srcPort).toBe(8000);
    expect(r.out.tcpSeq).toBe(100);
    expect(r.out.tcpFlags).toBe(0x02);
    expect(formatIp(r.out.dst)).toBe('2001:db8::2');
  });

  it('skips AH by its own length rule ((len + 2) * 4)', () => {
    const ah = new Uint8Array(24); // 12 fixed + 12 ICV => payload len field 4
    ah[0] = 17;
    ah[1] = 4;
    const r = decode(LinkType.IPV6, ipv6({ nextHeader: 51, payload: cat(ah, UDP_HI) }));
    expect(r.codes).toEqual({});
    expect(r.out.ipProto).toBe(17);
    expect(r.out.dstPort).toBe(5060);
  });

  it.each([
    ['first', 0, true],
    ['middle', 1448, true],
    ['last', 2896, false],
  ])('%s fragment: next header of the Fragment header, fragment data, no transport', (_name, offset, more) => {
    const data = new Uint8Array(40).fill(0x55);
    const r = decode(LinkType.IPV6, ipv6({ nextHeader: 0, payload: cat(ext6(44), frag6(17, offset, more, 0xdeadbeef), data) }));
    expect(r.codes).toEqual({});
    expect(r.out.isFragment).toBe(true);
    expect(r.out.fragId).toBe(0xdeadbeef);
    expect(r.out.fragOffset).toBe(offset);
    expect(r.out.fragMore).toBe(more);
    expect(r.out.ipProto).toBe(17);
    expect(r.out.ipPayload.length).toBe(40);
    expect(r.out.ipPayload[0]).toBe(0x55);
    expect(r.out.l4).toBe(0);
  });

  it('an atomic fragment (offset 0, M = 0) is a whole datagram (RFC 6946)', () => {
    const r = decode(
      LinkType.IPV6,
      hex(`
        60000000 0012 2c 40                // payload length 18, next header Fragment
        20010db8000000000000000000000001
        20010db8000000000000000000000002
        11 00 0000 00000007                // Fragment: next UDP, offset 0, M 0, id 7
        13c4 13c4 000a 0000                // UDP 5060 -> 5060, length 10
        6869                               // "hi"
      `),
    );
    expect(r.codes).toEqual({});
    expect(r.out.isFragment).toBe(false);
    expect(r.out.fragId).toBe(0);
    expect(r.out.l4).toBe(17);
    expect(new TextDecoder().decode(r.out.payload)).toBe('hi');
  });

  it('no next header (59) stops without transport', () => {
    const r = decode(LinkType.IPV6, ipv6({ nextHeader: 60, payload: ext6(59) }));
    expect(r.codes).toEqual({});
    expect(r.out.ipProto).toBe(59);
    expect(r.out.l4).toBe(0);
  });

  it('hop-by-hop not first is reported but the chain is still walked', () => {
    const r = decode(LinkType.IPV6, ipv6({ nextHeader: 60, payload: cat(ext6(0), ext6(17), UDP_HI) }));
    expect(r.codes).toEqual({ 'ipv6.bad_extension_header': 1 });
    expect(r.out.l4).toBe(17);
  });

  it('repeated misplaced hop-by-hop headers are reported once per chain', () => {
    const chain = cat(ext6(0), ext6(0), ext6(0), ext6(0), ext6(17));
    const r = decode(LinkType.IPV6, ipv6({ nextHeader: 60, payload: cat(chain, UDP_HI) }));
    expect(r.codes).toEqual({ 'ipv6.bad_extension_header': 1 });
    expect(r.out.l4).toBe(17);
  });

  it('an extension header longer than the payload length is malformed', () => {
    const hbh = ext6(17);
    hbh[1] = 10; // 88 bytes claimed
    const r = decode(LinkType.IPV6, ipv6({ nextHeader: 0, payload: cat(hbh, UDP_HI) }));
    expect(r.codes).toEqual({ 'ipv6.bad_extension_header': 1 });
    expect(r.out.l4).toBe(0);
    expect(r.out.ipPayload.length).toBe(0);
  });

  it('an extension header cut by the capture is a truncation', () => {
    const full = ipv6({ nextHeader: 0, payload: cat(ext6(60), ext6(17), UDP_HI) });
    const r = decode(LinkType.IPV6, full.subarray(0, 52));
    expect(r.codes).toEqual({ 'ipv6.truncated': 2 }); // datagram shorter + extension header cut
    expect(decode(LinkType.IPV6, full.subarray(0, 52), full.length).codes).toEqual({ 'ipv6.truncated': 1 });
  });

  it('payload length bounds the datagram and trims trailing bytes', () => {
    const r = decode(LinkType.IPV6, cat(ipv6({ nextHeader: 17, payload: UDP_HI }), new Uint8Array(6)));
    expect(r.codes).toEqual({});
    expect(r.out.ipPayload.length).toBe(10);
  });

  it('payload length 0 (jumbogram / offload) uses the captured bytes', () => {
    const r = decode(LinkType.IPV6, ipv6({ nextHeader: 17, payload: udp(1, 2, textBytes('abc'), 0), payloadLength: 0 }));
    expect(r.codes).toEqual({ 'ipv6.zero_payload_length': 1 });
    expect(new TextDecoder().decode(r.out.payload)).toBe('abc');
  });

  it('header cut short', () => {
    const r = decode(LinkType.IPV6, ipv6({ nextHeader: 17, payload: UDP_HI }).subarray(0, 39));
    expect(r.codes).toEqual({ 'ipv6.truncated': 1 });
    expect(r.out.ipVersion).toBe(0);
    expect(r.out.sawIpv6).toBe(true);
  });
});
