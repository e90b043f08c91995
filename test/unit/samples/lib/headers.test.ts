/** Byte-exact fixtures for the header builders (one field per line) and checksum self-checks. */
import { describe, expect, it } from 'vitest';
import { ipv4Addr, ipv6Addr, macAddr } from '../../../../samples/gen/lib/addr.js';
import { bsdNull } from '../../../../samples/gen/lib/bsd-null.js';
import { internetChecksum, pseudoHeader } from '../../../../samples/gen/lib/checksum.js';
import { ethernet, EtherType } from '../../../../samples/gen/lib/ethernet.js';
import { erspanII, erspanIII, gre } from '../../../../samples/gen/lib/gre.js';
import { ipv4 } from '../../../../samples/gen/lib/ipv4.js';
import { ipv6, srhData } from '../../../../samples/gen/lib/ipv6.js';
import { linuxSll, linuxSll2 } from '../../../../samples/gen/lib/linux-sll.js';
import { tcp, TcpFlags, tcpSynOptions } from '../../../../samples/gen/lib/tcp.js';
import { udp } from '../../../../samples/gen/lib/udp.js';
import { vxlan } from '../../../../samples/gen/lib/vxlan.js';
import { fromHex, toHex } from '../../../../src/util/bytes.js';

/** fromHex with `#` comments. */
const hex = (s: string): Uint8Array => fromHex(s.replace(/#.*$/gm, ''));

describe('addresses', () => {
  it('parse text forms', () => {
    expect(toHex(ipv4Addr('192.0.2.1'))).toBe('c0000201');
    expect(toHex(ipv6Addr('2001:db8::1'))).toBe('20010db8000000000000000000000001');
    expect(toHex(ipv6Addr('::1'))).toBe('00000000000000000000000000000001');
    expect(toHex(ipv6Addr('fe80::'))).toBe('fe800000000000000000000000000000');
    expect(toHex(macAddr('02:00:c0:00:02:01'))).toBe('0200c0000201');
  });
  it.each(['1.2.3', '1.2.3.256', '1::2::3', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', 'g::1'])('rejects %s', (s) => {
    expect(() => (s.includes(':') ? ipv6Addr(s) : ipv4Addr(s))).toThrow(RangeError);
  });
});

describe('ipv4', () => {
  it('builds the classic header with a correct checksum (192.168.0.1 → 192.168.0.199, UDP, DF)', () => {
    const h = ipv4({ src: ipv4Addr('192.168.0.1'), dst: ipv4Addr('192.168.0.199'), protocol: 17, payload: new Uint8Array(95), df: true });
    expect(h.subarray(0, 20)).toEqual(
      hex(`
        45        # version 4, IHL 5
        00        # TOS
        0073      # total length 115
        0000      # id
        4000      # DF, offset 0
        40        # TTL 64
        11        # UDP
        b861      # header checksum
        c0a80001  # src
        c0a800c7  # dst
      `),
    );
  });

  it('pads options to 4 bytes, sets MF/offset, and can store a bad checksum', () => {
    const h = ipv4({ src: ipv4Addr('10.0.0.1'), dst: ipv4Addr('10.0.0.2'), protocol: 6, payload: new Uint8Array(8), options: Uint8Array.of(0x94, 4, 0), mf: true, fragmentOffset: 1480, checksum: 'bad' });
    expect(h[0]).toBe(0x46); // IHL 6: 3 option bytes padded to 4
    expect(toHex(h, 20, 24)).toBe('94040000');
    expect(toHex(h, 6, 8)).toBe('20b9'); // MF | 1480/8 = 185
    expect(internetChecksum([h.subarray(0, 24)])).not.toBe(0);
    const good = ipv4({ src: ipv4Addr('10.0.0.1'), dst: ipv4Addr('10.0.0.2'), protocol: 6, payload: new Uint8Array(8), options: Uint8Array.of(0x94, 4, 0) });
    expect(internetChecksum([good.subarray(0, 24)])).toBe(0);
  });

  it('rejects unaligned fragment offsets', () => {
    expect(() => ipv4({ src: new Uint8Array(4), dst: new Uint8Array(4), protocol: 17, payload: new Uint8Array(0), fragmentOffset: 12 })).toThrow(RangeError);
  });
});

describe('ipv6', () => {
  it('chains Hop-by-Hop, Routing (SRH) and Fragment headers to UDP', () => {
    const dst = ipv6Addr('2001:db8::2');
    const p = ipv6({
      src: ipv6Addr('2001:db8::1'),
      dst,
      nextHeader: 17,
      payload: Uint8Array.of(0xaa),
      extensions: [
        { kind: 'hop-by-hop', options: [{ type: 5, data: Uint8Array.of(0, 0) }] },
        { kind: 'routing', routingType: 4, segmentsLeft: 0, data: srhData([dst]) },
        { kind: 'fragment', offset: 8, more: true, id: 0x01020304 },
      ],
    });
    expect(toHex(p, 0, 8)).toBe('60000000' + '0029' + '00' + '40'); // payload length 8 + 24 + 8 + 1 = 41
    expect(p.subarray(40, 48)).toEqual(
      hex(`
        2b        # next: routing
        00        # hdr ext len 0 (8 bytes)
        05 02 0000  # Router Alert (RFC 2711), value 0
        01 00     # PadN, 0 bytes
      `),
    );
    expect(toHex(p, 48, 56)).toBe('2c' + '02' + '04' + '00' + '00' + '00' + '0000'); // next fragment, len 2, type 4, SL 0, last entry 0
    expect(toHex(p, 56 + 16, 56 + 16 + 8)).toBe('11' + '00' + '0009' + '01020304'); // next UDP, offset 1 (8 bytes) + M
    expect(p[p.length - 1]).toBe(0xaa);
  });

  it('pads options with Pad1 when one byte is missing', () => {
    const p = ipv6({ src: new Uint8Array(16), dst: new Uint8Array(16), nextHeader: 59, payload: new Uint8Array(0), extensions: [{ kind: 'destination', options: [{ type: 0x1e, data: new Uint8Array(3) }] }] });
    expect(toHex(p, 40)).toBe('3b00' + '1e03000000' + '00');
  });
});

describe('udp and tcp', () => {
  const s4 = ipv4Addr('192.0.2.1');
  const d4 = ipv4Addr('198.51.100.2');
  const s6 = ipv6Addr('2001:db8::1');
  const d6 = ipv6Addr('2001:db8::2');

  it.each([
    ['IPv4', s4, d4],
    ['IPv6', s6, d6],
  ])('UDP over %s: checksum verifies to zero over the pseudo-header', (_, s, d) => {
    const seg = udp({ src: s, dst: d, srcPort: 5060, dstPort: 5060, payload: Buffer.from('OPTIONS') });
    expect(toHex(seg, 0, 6)).toBe('13c4' + '13c4' + '000f');
    expect(internetChecksum([pseudoHeader(s, d, 17, seg.length), seg])).toBe(0);
    const bad = udp({ src: s, dst: d, srcPort: 5060, dstPort: 5060, payload: Buffer.from('OPTIONS'), checksum: 'bad' });
    expect(internetChecksum([pseudoHeader(s, d, 17, bad.length), bad])).not.toBe(0);
    expect(toHex(udp({ src: s, dst: d, srcPort: 1, dstPort: 2, payload: new Uint8Array(1), checksum: 'zero' }), 6, 8)).toBe('0000');
  });

  it.each([
    ['IPv4', s4, d4],
    ['IPv6', s6, d6],
  ])('TCP over %s: header fields and checksum', (_, s, d) => {
    const seg = tcp({ src: s, dst: d, srcPort: 49200, dstPort: 2855, seq: 0xfffffff0, ack: 7, flags: TcpFlags.SYN | TcpFlags.ACK, options: tcpSynOptions(1460), payload: Uint8Array.of(1, 2, 3) });
    expect(seg.subarray(0, 20)).toEqual(
      hex(`
        c030      # src port 49200
        0b27      # dst port 2855
        fffffff0  # seq
        00000007  # ack
        70        # data offset 7 (28 bytes)
        12        # SYN ACK
        ffff      # window
        ${toHex(seg, 16, 18)}  # checksum (verified below)
        0000      # urgent
      `),
    );
    expect(toHex(seg, 20, 28)).toBe('020405b4' + '0101' + '0402'); // MSS 1460, NOP NOP, SACK-permitted
    expect(internetChecksum([pseudoHeader(s, d, 6, seg.length), seg])).toBe(0);
  });
});

describe('link layers', () => {
  const ip = ipv4({ src: ipv4Addr('192.0.2.1'), dst: ipv4Addr('192.0.2.2'), protocol: 17, payload: new Uint8Array(0) });

  it('Ethernet with QinQ: S-tag 0x88a8 outside, C-tag 0x8100 inside', () => {
    const f = ethernet({ dst: macAddr('02:00:00:00:00:02'), src: macAddr('02:00:00:00:00:01'), etherType: EtherType.IPV4, payload: ip, vlans: [{ id: 200 }, { id: 300, pcp: 3 }] });
    expect(toHex(f, 12, 22)).toBe('88a8' + '00c8' + '8100' + '612c' + '0800');
    expect(ethernet({ dst: new Uint8Array(6), src: new Uint8Array(6), etherType: 0x0800, payload: ip, padToMinimum: true }).length).toBe(60);
  });

  it('Linux SLL and SLL2 headers', () => {
    expect(linuxSll({ protocol: 0x0800, payload: ip, address: macAddr('02:00:00:00:00:01'), packetType: 4 }).subarray(0, 16)).toEqual(
      hex(`
        0004              # packet type OUTGOING
        0001              # ARPHRD_ETHER
        0006              # address length
        020000000001 0000 # address, padded to 8
        0800              # protocol
      `),
    );
    expect(linuxSll2({ protocol: 0x86dd, payload: ip, interfaceIndex: 3 }).subarray(0, 20)).toEqual(
      hex(`
        86dd              # protocol
        0000              # reserved
        00000003          # interface index
        0001              # ARPHRD_ETHER
        00                # packet type HOST
        06                # address length
        0000000000000000  # address
      `),
    );
  });

  it('BSD NULL: family in host byte order, IPv6 default Darwin (30)', () => {
    expect(toHex(bsdNull(ip), 0, 4)).toBe('02000000');
    expect(toHex(bsdNull(ip, { littleEndian: false }), 0, 4)).toBe('00000002');
    expect(toHex(bsdNull(ipv6({ src: new Uint8Array(16), dst: new Uint8Array(16), nextHeader: 59, payload: new Uint8Array(0) })), 0, 4)).toBe('1e000000');
  });
});

describe('tunnels', () => {
  it('GRE with checksum, key and sequence; the checksum verifies', () => {
    const g = gre({ protocol: 0x0800, payload: Uint8Array.of(0x45, 0, 0, 20), checksum: true, key: 0x1234, sequence: 9 });
    expect(toHex(g, 0, 4)).toBe('b000' + '0800'); // C, K, S
    expect(toHex(g, 6, 16)).toBe('0000' + '00001234' + '00000009');
    expect(internetChecksum([g])).toBe(0);
  });

  it('ERSPAN II and III headers', () => {
    expect(erspanII({ sessionId: 7, vlan: 100, cos: 5, index: 0x12345, payload: new Uint8Array(0) })).toEqual(
      hex(`
        1064      # ver 1, vlan 100
        a007      # cos 5, en 0, t 0, session 7
        00012345  # reserved, index
      `),
    );
    expect(erspanIII({ sessionId: 9, timestamp: 0x01020304, hwId: 1, egress: true, granularity: 3, payload: new Uint8Array(0) })).toEqual(
      hex(`
        2000      # ver 2, vlan 0
        0009      # cos 0, bso 0, t 0, session 9
        01020304  # timestamp
        0000      # SGT
        001e      # P 0, FT 0, hw id 1, D 1, gra 3, O 0
      `),
    );
  });

  it('VXLAN header: I flag and VNI', () => {
    expect(toHex(vxlan({ vni: 5001, payload: new Uint8Array(0) }))).toBe('08000000' + '00138900');
  });
});
