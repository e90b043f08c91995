import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../src/core/link-type.js';
import { MAX_TUNNEL_DEPTH } from '../../../src/decode/cursor.js';
import { Tunnel } from '../../../src/decode/decoded-packet.js';
import { formatIp } from '../../../src/decode/format-ip.js';
import { cat, decode, erspan2, erspan3, eth, gre, hex, ipv4, ipv6, tcp, textBytes, udp, vxlan } from '../../helpers/packet-builders.js';

/** The mirrored conversation: SIP over TCP 192.168.1.10:40000 -> 192.168.1.20:5060. */
const INNER_TCP = tcp({ sport: 40000, dport: 5060, seq: 0x01020304, ack: 9, flags: 0x18, payload: textBytes('MSRP a786hjs2 SEND\r\n') });
const INNER_IP = ipv4({ src: '192.168.1.10', dst: '192.168.1.20', proto: 6, payload: INNER_TCP, ttl: 63 });
const INNER_ETH = eth(0x0800, INNER_IP, [[0x8100, 300]]);

/** Outer transport: Ethernet / IPv4 10.0.0.1 -> 10.0.0.2 / proto. */
function outer(proto: number, payload: Uint8Array): Uint8Array {
  return eth(0x0800, ipv4({ proto, payload }));
}

function expectInner(r: ReturnType<typeof decode>, tunnel: number): void {
  expect(r.codes).toEqual({});
  expect(r.out.tunnel).toBe(tunnel);
  expect(r.out.tunnelDepth).toBe(1);
  expect(r.out.ipVersion).toBe(4);
  expect(formatIp(r.out.src)).toBe('192.168.1.10');
  expect(formatIp(r.out.dst)).toBe('192.168.1.20');
  expect(r.out.ttl).toBe(63);
  expect(r.out.l4).toBe(6);
  expect(r.out.srcPort).toBe(40000);
  expect(r.out.dstPort).toBe(5060);
  expect(r.out.tcpSeq).toBe(0x01020304);
  expect(new TextDecoder().decode(r.out.payload)).toBe('MSRP a786hjs2 SEND\r\n');
  expect(r.out.sawIpv4).toBe(true);
}

describe('GRE (RFC 2784 / 2890)', () => {
  it('plain GRE carrying IPv4', () => {
    const r = decode(LinkType.ETHERNET, outer(47, cat(hex('0000 0800 // no flags, version 0, IPv4'), INNER_IP)));
    expectInner(r, Tunnel.GRE);
  });

  it('GRE with checksum, key and sequence number', () => {
    const r = decode(
      LinkType.ETHERNET,
      outer(
        47,
        cat(
          hex(`
            b0          // C, K, S set
            00          // version 0
            0800        // protocol IPv4
            0000 0000   // checksum, reserved1 (not verified)
            0000002a    // key 42
            00000001    // sequence number 1
          `),
          INNER_IP,
        ),
      ),
    );
    expectInner(r, Tunnel.GRE);
  });

  it('GRE key only, over an IPv6 carrier, carrying IPv6', () => {
    const inner6 = ipv6({ nextHeader: 17, payload: udp(5060, 5060, textBytes('OPTIONS')), src: 'fd00::10', dst: 'fd00::20' });
    const r = decode(LinkType.IPV6, ipv6({ nextHeader: 47, payload: gre({ proto: 0x86dd, key: 7 }, inner6) }));
    expect(r.codes).toEqual({});
    expect(r.out.tunnel).toBe(Tunnel.GRE);
    expect(formatIp(r.out.src)).toBe('fd00::10');
    expect(r.out.l4).toBe(17);
    expect(r.out.sawIpv6).toBe(true);
    expect(r.out.sawIpv4).toBe(false);
  });

  it('transparent Ethernet bridging (0x6558)', () => {
    const r = decode(LinkType.ETHERNET, outer(47, gre({ proto: 0x6558, key: 1 }, INNER_ETH)));
    expectInner(r, Tunnel.GRE);
    expect(r.out.vlanId).toBe(300);
  });

  it('inner IPv4 of a GRE-in-IPv4 packet with Ethernet padding keeps its own bounds', () => {
    const r = decode(LinkType.ETHERNET, cat(outer(47, gre({ proto: 0x0800 }, INNER_IP)), new Uint8Array(10)));
    expectInner(r, Tunnel.GRE);
  });

  it.each([
    ['version 1 (PPTP)', gre({ proto: 0x880b, version: 1, key: 1 }, INNER_IP), 'gre.unsupported_header'],
    ['routing bit', gre({ proto: 0x0800, routing: true }, INNER_IP), 'gre.unsupported_header'],
    ['unknown protocol', gre({ proto: 0x0806 }, new Uint8Array(28)), 'gre.unsupported_protocol'],
    ['truncated options', hex('30 00 0800 000000'), 'gre.truncated'],
    ['truncated base header', hex('00 00 08'), 'gre.truncated'],
  ])('%s', (_name, payload, code) => {
    const r = decode(LinkType.ETHERNET, outer(47, payload));
    expect(r.codes).toEqual({ [code]: 1 });
    // The carrier stays described; no transport.
    expect(formatIp(r.out.src)).toBe('10.0.0.1');
    expect(r.out.ipProto).toBe(47);
    expect(r.out.l4).toBe(0);
    expect(r.out.tunnel).toBe(Tunnel.NONE);
  });
});

describe('ERSPAN', () => {
  it('type I: 0x88BE without the GRE sequence bit, Ethernet follows at once', () => {
    expectInner(decode(LinkType.ETHERNET, outer(47, gre({ proto: 0x88be }, INNER_ETH))), Tunnel.ERSPAN_I);
  });

  it('type II: GRE with sequence, 8-byte ERSPAN header, Ethernet', () => {
    const r = decode(
      LinkType.ETHERNET,
      outer(
        47,
        cat(
          hex(`
            10 00 88be  // GRE: S set, version 0, ERSPAN type II
            00000005    // GRE sequence number
            1064        // ERSPAN version 1, VLAN 100
            0007        // COS 0, En 0, T 0, session 7
            00000005    // reserved, index 5
          `),
          INNER_ETH,
        ),
      ),
    );
    expectInner(r, Tunnel.ERSPAN_II);
    expect(r.out.vlanId).toBe(300);
  });

  it('type III without the platform subheader', () => {
    const r = decode(
      LinkType.ETHERNET,
      outer(
        47,
        cat(
          hex(`
            10 00 22eb  // GRE: S set, ERSPAN type III
            00000009    // sequence
            2064        // ERSPAN version 2, VLAN 100
            0009        // COS, BSO, T, session 9
            0a0b0c0d    // timestamp
            0000        // SGT
            0000        // P 0, FT 0 (Ethernet), HW ID 0, D 0, Gra 0, O 0
          `),
          INNER_ETH,
        ),
      ),
    );
    expectInner(r, Tunnel.ERSPAN_III);
  });

  it('type III with the 8-byte platform-specific subheader (O bit)', () => {
    const r = decode(LinkType.ETHERNET, outer(47, gre({ proto: 0x22eb, seq: 1 }, erspan3(INNER_ETH, { subheader: true }))));
    expectInner(r, Tunnel.ERSPAN_III);
  });

  it('type III frame type 2 (IP packet without a link header)', () => {
    const r = decode(LinkType.ETHERNET, outer(47, gre({ proto: 0x22eb, seq: 1 }, erspan3(INNER_IP, { frameType: 2 }))));
    expectInner(r, Tunnel.ERSPAN_III);
  });

  it('type II over an IPv6 carrier', () => {
    const r = decode(LinkType.ETHERNET, eth(0x86dd, ipv6({ nextHeader: 47, payload: gre({ proto: 0x88be, seq: 3 }, erspan2(INNER_ETH)) })));
    expectInner(r, Tunnel.ERSPAN_II);
    expect(r.out.sawIpv6).toBe(true);
  });

  it.each([
    ['type II cut short', gre({ proto: 0x88be, seq: 1 }, hex('1064 0007')), 'erspan.truncated'],
    ['type III cut short', gre({ proto: 0x22eb, seq: 1 }, hex('2064 0009 0a0b0c0d')), 'erspan.truncated'],
    ['type III subheader cut short', gre({ proto: 0x22eb, seq: 1 }, erspan3(new Uint8Array(0), { subheader: true }).subarray(0, 16)), 'erspan.truncated'],
    ['type II with version 2', gre({ proto: 0x88be, seq: 1 }, erspan2(INNER_ETH, 7, 2)), 'erspan.bad_version'],
    ['type III with version 1', gre({ proto: 0x22eb, seq: 1 }, erspan3(INNER_ETH, { version: 1 })), 'erspan.bad_version'],
    ['type III frame type 3', gre({ proto: 0x22eb, seq: 1 }, erspan3(INNER_ETH, { frameType: 3 })), 'erspan.unsupported_frame_type'],
  ])('%s', (_name, payload, code) => {
    const r = decode(LinkType.ETHERNET, outer(47, payload));
    expect(r.codes).toEqual({ [code]: 1 });
    expect(r.out.l4).toBe(0);
    expect(formatIp(r.out.src)).toBe('10.0.0.1');
  });

  it('a non-IP mirrored frame leaves the carrier with l4 = 0', () => {
    const r = decode(LinkType.ETHERNET, outer(47, gre({ proto: 0x88be, seq: 1 }, erspan2(eth(0x0806, new Uint8Array(28))))));
    expect(r.codes).toEqual({});
    expect(r.out.tunnel).toBe(Tunnel.ERSPAN_II);
    expect(formatIp(r.out.src)).toBe('10.0.0.1');
    expect(r.out.l4).toBe(0);
  });
});

describe('VXLAN (RFC 7348)', () => {
  it('UDP/4789 with the I flag decapsulates the Ethernet frame', () => {
    const full = decode(LinkType.ETHERNET, outer(17, udp(50000, 4789, vxlan(0x123456, INNER_ETH))));
    expectInner(full, Tunnel.VXLAN);
    expect(full.out.vlanId).toBe(300);
  });

  it('VXLAN header fields, one per line', () => {
    const r = decode(
      LinkType.ETHERNET,
      outer(
        17,
        udp(
          50000,
          4789,
          cat(
            hex(`
              08          // flags: I
              000000      // reserved
              123456      // VNI
              00          // reserved
            `),
            INNER_ETH,
          ),
        ),
      ),
    );
    expectInner(r, Tunnel.VXLAN);
  });

  it('without the I flag the datagram stays plain UDP', () => {
    const r = decode(LinkType.ETHERNET, outer(17, udp(50000, 4789, vxlan(1, INNER_ETH, 0x00))));
    expect(r.codes).toEqual({ 'vxlan.bad_flags': 1 });
    expect(r.out.tunnel).toBe(Tunnel.NONE);
    expect(r.out.l4).toBe(17);
    expect(r.out.dstPort).toBe(4789);
  });

  it('a truncated VXLAN header stays plain UDP', () => {
    const r = decode(LinkType.ETHERNET, outer(17, udp(50000, 4789, hex('08 000000'))));
    expect(r.codes).toEqual({ 'vxlan.truncated': 1 });
    expect(r.out.l4).toBe(17);
    expect(r.out.payload.length).toBe(4);
  });

  it('port 4789 as the source port is not VXLAN', () => {
    const r = decode(LinkType.ETHERNET, outer(17, udp(4789, 50000, vxlan(1, INNER_ETH))));
    expect(r.out.tunnel).toBe(Tunnel.NONE);
    expect(r.out.srcPort).toBe(4789);
  });
});

describe('nesting', () => {
  it('VXLAN inside ERSPAN inside GRE: innermost wins, depth counted', () => {
    const vx = eth(0x0800, ipv4({ proto: 17, payload: udp(1, 4789, vxlan(5, INNER_ETH)), src: '10.9.9.9' }));
    const r = decode(LinkType.ETHERNET, outer(47, gre({ proto: 0x88be, seq: 1 }, erspan2(vx))));
    expect(r.codes).toEqual({});
    expect(r.out.tunnelDepth).toBe(2);
    expect(r.out.tunnel).toBe(Tunnel.VXLAN);
    expect(formatIp(r.out.src)).toBe('192.168.1.10');
    expect(r.out.dstPort).toBe(5060);
  });

  it(`stops at ${MAX_TUNNEL_DEPTH} tunnels with decode.tunnel_too_deep`, () => {
    let pkt = INNER_IP;
    for (let i = 0; i < MAX_TUNNEL_DEPTH + 1; i++) pkt = ipv4({ proto: 47, payload: gre({ proto: 0x0800 }, pkt), src: `10.0.0.${i + 1}` });
    const r = decode(LinkType.IPV4, pkt);
    expect(r.codes).toEqual({ 'decode.tunnel_too_deep': 1 });
    expect(r.out.tunnelDepth).toBe(MAX_TUNNEL_DEPTH);
    expect(r.out.l4).toBe(0);
    // The deepest IP reached is the one just outside the refused tunnel.
    expect(formatIp(r.out.src)).toBe('10.0.0.1');

    let ok = INNER_IP;
    for (let i = 0; i < MAX_TUNNEL_DEPTH; i++) ok = ipv4({ proto: 47, payload: gre({ proto: 0x0800 }, ok) });
    const r2 = decode(LinkType.IPV4, ok);
    expect(r2.codes).toEqual({});
    expect(r2.out.tunnelDepth).toBe(MAX_TUNNEL_DEPTH);
    expect(r2.out.dstPort).toBe(5060);
  });

  it('an inner IPv6 fragment inside GRE is reported as the innermost fragment', () => {
    const frag = ipv6({ nextHeader: 44, payload: cat(Uint8Array.of(6, 0, 0, 1, 0, 0, 0, 9), new Uint8Array(16)) });
    const r = decode(LinkType.IPV4, ipv4({ proto: 47, payload: gre({ proto: 0x86dd }, frag) }));
    expect(r.out.tunnel).toBe(Tunnel.GRE);
    expect(r.out.ipVersion).toBe(6);
    expect(r.out.isFragment).toBe(true);
    expect(r.out.fragMore).toBe(true);
    expect(r.out.fragId).toBe(9);
    expect(r.out.sawIpv4 && r.out.sawIpv6).toBe(true);
  });
});

describe('IP in IP (IP protocols 4 and 41: RFC 2003, RFC 4213 section 3.5, RFC 2473)', () => {
  const INNER6 = ipv6({ nextHeader: 6, payload: INNER_TCP, src: 'fd00::10', dst: 'fd00::20' });

  it.each([
    ['IPv4 in IPv4', (p: Uint8Array) => ipv4({ proto: 4, payload: p }), INNER_IP, Tunnel.IPV4_IN_IP],
    ['IPv4 in IPv6', (p: Uint8Array) => ipv6({ nextHeader: 4, payload: p }), INNER_IP, Tunnel.IPV4_IN_IP],
    ['IPv6 in IPv4 (6in4)', (p: Uint8Array) => ipv4({ proto: 41, payload: p }), INNER6, Tunnel.IPV6_IN_IP],
    ['IPv6 in IPv6', (p: Uint8Array) => ipv6({ nextHeader: 41, payload: p }), INNER6, Tunnel.IPV6_IN_IP],
  ])('%s: the inner datagram is decoded', (_name, wrap, inner, tunnel) => {
    const r = decode(LinkType.RAW, wrap(inner));
    expect(r.codes).toEqual({});
    expect(r.out.tunnel).toBe(tunnel);
    expect(r.out.tunnelDepth).toBe(1);
    expect(formatIp(r.out.src)).toBe(inner === INNER_IP ? '192.168.1.10' : 'fd00::10');
    expect(r.out.ipProto).toBe(6);
    expect(r.out.l4).toBe(6);
    expect(r.out.dstPort).toBe(5060);
    expect(new TextDecoder().decode(r.out.payload)).toBe('MSRP a786hjs2 SEND\r\n');
  });

  it('an IPv6 carrier with a destination-options header before the tunnel (RFC 2473 section 5)', () => {
    const opts = Uint8Array.of(4, 0, 1, 4, 0, 0, 0, 0); // next header 4, length 0, PadN
    const r = decode(LinkType.IPV6, ipv6({ nextHeader: 60, payload: cat(opts, INNER_IP) }));
    expect(r.codes).toEqual({});
    expect(r.out.tunnel).toBe(Tunnel.IPV4_IN_IP);
    expect(r.out.dstPort).toBe(5060);
  });

  it('inside an Ethernet frame with padding: the inner datagram keeps its own bounds', () => {
    expectInner(decode(LinkType.ETHERNET, cat(outer(4, INNER_IP), new Uint8Array(12))), Tunnel.IPV4_IN_IP);
  });

  it(`stops at ${MAX_TUNNEL_DEPTH} nested IP-in-IP headers with decode.tunnel_too_deep`, () => {
    let pkt = INNER_IP;
    // Alternating carriers: even levels IPv4, odd levels IPv6, each naming its inner version.
    for (let i = 0; i < MAX_TUNNEL_DEPTH + 1; i++) {
      const proto = i === 0 || i % 2 === 0 ? (i === 0 ? 4 : 41) : 4;
      pkt = i % 2 === 0 ? ipv4({ proto, payload: pkt, src: `10.0.0.${i + 1}` }) : ipv6({ nextHeader: proto, payload: pkt });
    }
    const r = decode(LinkType.RAW, pkt);
    expect(r.codes).toEqual({ 'decode.tunnel_too_deep': 1 });
    expect(r.out.tunnelDepth).toBe(MAX_TUNNEL_DEPTH);
    expect(r.out.l4).toBe(0);
    expect(formatIp(r.out.src)).toBe('10.0.0.1');
  });

  it('a cut inner header is reported, not decoded', () => {
    const r = decode(LinkType.RAW, ipv4({ proto: 41, payload: INNER6.subarray(0, 30) }));
    expect(r.codes).toEqual({ 'ipv6.truncated': 1 });
    expect(r.out.l4).toBe(0);
    const r4 = decode(LinkType.RAW, ipv4({ proto: 4, payload: ipv6({ nextHeader: 6, payload: INNER_TCP }) }));
    expect(r4.codes).toEqual({ 'ipv4.bad_version': 1 });
  });
});
