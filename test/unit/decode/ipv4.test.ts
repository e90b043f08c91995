import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../src/core/link-type.js';
import { ipv4HeaderChecksumOk } from '../../../src/decode/ipv4.js';
import { formatIp } from '../../../src/decode/format-ip.js';
import { cat, decode, gre, hex, ipv4, tcp, textBytes, udp } from '../../helpers/packet-builders.js';

const UDP_8 = udp(1024, 1025, new Uint8Array(0));

describe('IPv4', () => {
  it('skips options (IHL 6, Router Alert)', () => {
    const r = decode(
      LinkType.IPV4,
      hex(`
        46          // version 4, IHL 6 (24 bytes)
        00          // DSCP/ECN
        0020        // total length 32
        abcd        // identification
        0000        // no flags, offset 0
        40          // TTL 64
        11          // UDP
        25f9        // header checksum
        0a000001    // 10.0.0.1
        0a000002    // 10.0.0.2
        94040000    // option: Router Alert (RFC 2113)
        0400        // UDP source port 1024
        0401        // UDP destination port 1025
        0008        // UDP length 8
        0000        // UDP checksum
      `),
    );
    expect(r.codes).toEqual({});
    expect(r.out.ipPayload.length).toBe(8);
    expect(r.out.srcPort).toBe(1024);
    expect(r.out.dstPort).toBe(1025);
    expect(r.out.isFragment).toBe(false);
    expect(r.out.fragId).toBe(0);
  });

  it('skips 40 bytes of options (IHL 15) before TCP', () => {
    const options = new Uint8Array(40).fill(1); // NOPs
    const seg = tcp({ sport: 5060, dport: 40000, seq: 7, payload: textBytes('INVITE') });
    const r = decode(LinkType.IPV4, ipv4({ proto: 6, payload: seg, options }));
    expect(r.codes).toEqual({});
    expect(r.out.l4).toBe(6);
    expect(r.out.tcpSeq).toBe(7);
    expect(new TextDecoder().decode(r.out.payload)).toBe('INVITE');
  });

  it('reports a bad header checksum and still decodes the datagram', () => {
    const r = decode(LinkType.IPV4, ipv4({ proto: 17, payload: UDP_8, checksum: 0x1111 }));
    expect(r.codes).toEqual({ 'ipv4.bad_checksum': 1 });
    expect(r.anomalies.examplesOf('ipv4.bad_checksum')[0]?.detail).toBeUndefined();
    expect(r.out.l4).toBe(17);
    expect(r.out.dstPort).toBe(1025);
  });

  it('a zero checksum (offload on the capture host) is counted with a hint', () => {
    const r = decode(LinkType.IPV4, ipv4({ proto: 17, payload: UDP_8, checksum: 0 }));
    expect(r.codes).toEqual({ 'ipv4.bad_checksum': 1 });
    expect(r.anomalies.examplesOf('ipv4.bad_checksum')[0]?.detail).toBe('zero (offload?)');
    expect(r.out.l4).toBe(17);
  });

  it('ipv4HeaderChecksumOk verifies RFC 1071 sums including carries', () => {
    const h = ipv4({ proto: 6, payload: new Uint8Array(0), src: '255.255.255.255', dst: '255.255.255.254', ttl: 255 });
    expect(ipv4HeaderChecksumOk(h, 0, 20)).toBe(true);
    h[8] = 254;
    expect(ipv4HeaderChecksumOk(h, 0, 20)).toBe(false);
  });

  it.each([
    ['first', true, 0],
    ['middle', true, 1480],
    ['last', false, 2960],
  ])('%s fragment: fields set, transport not decoded', (_name, mf, offset) => {
    const data = new Uint8Array(64).fill(0xaa);
    const r = decode(LinkType.IPV4, ipv4({ proto: 17, payload: data, id: 0xbeef, mf, fragOffset: offset }));
    expect(r.codes).toEqual({});
    expect(r.out.isFragment).toBe(true);
    expect(r.out.fragId).toBe(0xbeef);
    expect(r.out.fragOffset).toBe(offset);
    expect(r.out.fragMore).toBe(mf);
    expect(r.out.ipProto).toBe(17);
    expect(r.out.ipPayload.length).toBe(64);
    expect(r.out.l4).toBe(0);
    expect(r.out.srcPort).toBe(0);
  });

  it('DF alone is not a fragment', () => {
    const r = decode(LinkType.IPV4, ipv4({ proto: 17, payload: UDP_8, df: true }));
    expect(r.out.isFragment).toBe(false);
    expect(r.out.l4).toBe(17);
  });

  it('a fragment carrying GRE is not decapsulated', () => {
    const inner = ipv4({ proto: 17, payload: UDP_8, src: '172.16.0.1' });
    const r = decode(LinkType.IPV4, ipv4({ proto: 47, payload: gre({ proto: 0x0800 }, inner), mf: true }));
    expect(r.out.isFragment).toBe(true);
    expect(r.out.tunnel).toBe(0);
    expect(formatIp(r.out.src)).toBe('10.0.0.1');
  });

  it('capture shorter than total length: ipTruncated, reported unless the snaplen cut it', () => {
    const full = ipv4({ proto: 6, payload: tcp({ sport: 1, dport: 2, payload: new Uint8Array(100) }) });
    const cut = full.subarray(0, 60);
    const damaged = decode(LinkType.IPV4, cut);
    expect(damaged.codes).toEqual({ 'ipv4.truncated': 1 });
    expect(damaged.out.ipTruncated).toBe(true);
    expect(damaged.out.ipPayload.length).toBe(40);
    expect(damaged.out.l4).toBe(6);
    expect(damaged.out.payload.length).toBe(20);

    const snapped = decode(LinkType.IPV4, cut, full.length);
    expect(snapped.codes).toEqual({});
    expect(snapped.out.ipTruncated).toBe(true);
    expect(snapped.out.payload.length).toBe(20);
  });

  it('total length 0 (TSO) uses the captured bytes', () => {
    const r = decode(LinkType.IPV4, ipv4({ proto: 17, payload: udp(1, 2, textBytes('abc')), totalLength: 0 }));
    expect(r.codes).toEqual({ 'ipv4.zero_total_length': 1 });
    expect(new TextDecoder().decode(r.out.payload)).toBe('abc');
  });

  it.each([
    ['IHL below 5', { ihl: 4 }, 'ipv4.bad_header_length'],
    ['total length below header', { totalLength: 19 }, 'ipv4.bad_total_length'],
    ['IHL beyond capture', { ihl: 15 }, 'ipv4.truncated'],
  ])('%s', (_name, o, code) => {
    const r = decode(LinkType.IPV4, ipv4({ proto: 17, payload: UDP_8, ...o }));
    expect(Object.keys(r.codes)).toContain(code);
    expect(r.out.ipVersion).toBe(0);
    expect(r.out.l4).toBe(0);
    expect(r.out.sawIpv4).toBe(true);
  });

  it('ICMP and other protocols: IP fields only', () => {
    const r = decode(LinkType.IPV4, ipv4({ proto: 1, payload: hex('0800 f7ff 0000 0000 // echo request') }));
    expect(r.codes).toEqual({});
    expect(r.out.ipProto).toBe(1);
    expect(r.out.l4).toBe(0);
    expect(r.out.ipPayload.length).toBe(8);
  });

  it('payload views alias the frame buffer (zero copy); addresses are copied into the packet slots', () => {
    const data = cat(ipv4({ proto: 17, payload: udp(1, 2, textBytes('xyz')), src: '1.2.3.4' }));
    const r = decode(LinkType.IPV4, data);
    expect(r.out.payload.buffer).toBe(data.buffer);
    expect(r.out.payload.byteOffset).toBe(data.byteOffset + 28);
    expect(r.out.ipPayload.buffer).toBe(data.buffer);
    expect(r.out.src).toBe(r.out.addrSlots.src4);
    data[12] = 9; // the frame buffer being reused does not change the decoded address
    expect(formatIp(r.out.src)).toBe('1.2.3.4');
  });
});
