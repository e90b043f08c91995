import { describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { LinkType } from '../../../src/core/link-type.js';
import { decodeFrame } from '../../../src/decode/decode-frame.js';
import { createDecodedPacket, Tunnel } from '../../../src/decode/decoded-packet.js';
import { formatIp } from '../../../src/decode/format-ip.js';
import { openCaptureBytes } from '../../../src/capture/capture-file.js';
import { buildPcap, buildPcapng } from '../capture/capture-fixtures.js';
import { cat, decode, frameOf, hex, ipv6, udp } from '../../helpers/packet-builders.js';

/** IPv4/UDP 192.0.2.1:8000 -> 192.0.2.2:5060, payload "hi". */
const IPV4_UDP = hex(`
  45          // version 4, IHL 5
  00          // DSCP/ECN
  001e        // total length 30
  1234        // identification
  4000        // flags DF, fragment offset 0
  40          // TTL 64
  11          // protocol UDP
  a497        // header checksum
  c0000201    // source 192.0.2.1
  c0000202    // destination 192.0.2.2
  1f40        // UDP source port 8000
  13c4        // UDP destination port 5060
  000a        // UDP length 10
  0000        // UDP checksum (none)
  6869        // "hi"
`);

/** IPv6/UDP 2001:db8::1:8000 -> 2001:db8::2:5060, payload "hi". */
const IPV6_UDP = ipv6({ nextHeader: 17, payload: udp(8000, 5060, Uint8Array.of(0x68, 0x69)) });

const ETH_HDR = hex(`
  020000000002  // destination MAC
  020000000001  // source MAC
`);

function expectIpv4Udp(r: ReturnType<typeof decode>): void {
  expect(r.codes).toEqual({});
  expect(r.out.ipVersion).toBe(4);
  expect(formatIp(r.out.src)).toBe('192.0.2.1');
  expect(formatIp(r.out.dst)).toBe('192.0.2.2');
  expect(r.out.ttl).toBe(64);
  expect(r.out.ipProto).toBe(17);
  expect(r.out.l4).toBe(17);
  expect(r.out.srcPort).toBe(8000);
  expect(r.out.dstPort).toBe(5060);
  expect(Array.from(r.out.payload)).toEqual([0x68, 0x69]);
  expect(r.out.sawIpv4).toBe(true);
  expect(r.out.sawIpv6).toBe(false);
  expect(r.out.tunnel).toBe(Tunnel.NONE);
}

function expectIpv6Udp(r: ReturnType<typeof decode>): void {
  expect(r.codes).toEqual({});
  expect(r.out.ipVersion).toBe(6);
  expect(formatIp(r.out.src)).toBe('2001:db8::1');
  expect(formatIp(r.out.dst)).toBe('2001:db8::2');
  expect(r.out.l4).toBe(17);
  expect(r.out.dstPort).toBe(5060);
  expect(Array.from(r.out.payload)).toEqual([0x68, 0x69]);
  expect(r.out.sawIpv6).toBe(true);
  expect(r.out.sawIpv4).toBe(false);
}

describe('link layers', () => {
  it('Ethernet II', () => {
    const r = decode(LinkType.ETHERNET, cat(ETH_HDR, hex('0800 // EtherType IPv4'), IPV4_UDP));
    expectIpv4Udp(r);
    expect(r.out.vlanId).toBe(-1);
    expect(r.out.vlanDepth).toBe(0);
  });

  it('Ethernet II carrying IPv6', () => {
    expectIpv6Udp(decode(LinkType.ETHERNET, cat(ETH_HDR, hex('86dd // EtherType IPv6'), IPV6_UDP)));
  });

  it('trims Ethernet minimum-frame padding and FCS by the IP total length', () => {
    const padded = cat(ETH_HDR, hex('0800'), IPV4_UDP, new Uint8Array(16), hex('deadbeef // FCS'));
    const r = decode(LinkType.ETHERNET, padded);
    expectIpv4Udp(r);
    expect(r.out.ipPayload.length).toBe(10);
    expect(r.out.ipTruncated).toBe(false);
  });

  it('802.1Q tag', () => {
    const r = decode(
      LinkType.ETHERNET,
      cat(
        ETH_HDR,
        hex(`
          8100  // TPID 802.1Q
          a064  // PCP 5, DEI 0, VID 100
          0800  // EtherType IPv4
        `),
        IPV4_UDP,
      ),
    );
    expectIpv4Udp(r);
    expect(r.out.vlanId).toBe(100);
    expect(r.out.vlanDepth).toBe(1);
  });

  it.each([
    ['802.1ad + 802.1Q', 0x88a8],
    ['0x9100 + 802.1Q', 0x9100],
  ])('QinQ %s keeps the outer VID', (_name, outer) => {
    const r = decode(
      LinkType.ETHERNET,
      cat(
        ETH_HDR,
        Uint8Array.of(outer >> 8, outer & 0xff), // outer TPID
        hex(`
          00c8  // outer VID 200 (S-tag)
          8100  // inner TPID
          0064  // inner VID 100 (C-tag)
          0800  // EtherType IPv4
        `),
        IPV4_UDP,
      ),
    );
    expectIpv4Udp(r);
    expect(r.out.vlanId).toBe(200);
    expect(r.out.vlanDepth).toBe(2);
  });

  it('three stacked tags', () => {
    const r = decode(
      LinkType.ETHERNET,
      cat(
        ETH_HDR,
        hex(`
          88a8 0001  // S-tag VID 1
          8100 0002  // C-tag VID 2
          8100 0003  // C-tag VID 3
          86dd       // IPv6
        `),
        IPV6_UDP,
      ),
    );
    expectIpv6Udp(r);
    expect(r.out.vlanId).toBe(1);
    expect(r.out.vlanDepth).toBe(3);
  });

  it('non-IP EtherType (ARP) is not an anomaly', () => {
    const r = decode(LinkType.ETHERNET, cat(ETH_HDR, hex('0806 // ARP'), new Uint8Array(28)));
    expect(r.codes).toEqual({});
    expect(r.out.ipVersion).toBe(0);
  });

  it('Linux SLL (113)', () => {
    const r = decode(
      LinkType.LINUX_SLL,
      cat(
        hex(`
          0000              // packet type: to us
          0001              // ARPHRD_ETHER
          0006              // address length
          020000000001 0000 // address, padded to 8
          0800              // protocol IPv4
        `),
        IPV4_UDP,
      ),
    );
    expectIpv4Udp(r);
  });

  it('Linux SLL with a VLAN tag left in the packet', () => {
    const r = decode(
      LinkType.LINUX_SLL,
      cat(
        hex(`
          0004 0001 0006 0200000000010000 // outgoing, ARPHRD_ETHER, address
          8100                            // protocol 802.1Q
          002a                            // VID 42
          86dd                            // IPv6
        `),
        IPV6_UDP,
      ),
    );
    expectIpv6Udp(r);
    expect(r.out.vlanId).toBe(42);
  });

  it('Linux SLL2 (276)', () => {
    const r = decode(
      LinkType.LINUX_SLL2,
      cat(
        hex(`
          86dd              // protocol IPv6
          0000              // reserved
          00000003          // interface index
          0001              // ARPHRD_ETHER
          00                // packet type: to us
          06                // address length
          020000000001 0000 // address
        `),
        IPV6_UDP,
      ),
    );
    expectIpv6Udp(r);
  });

  it.each([
    ['little-endian AF_INET', '02000000', 4],
    ['big-endian AF_INET', '00000002', 4],
    ['little-endian AF_INET6 (NetBSD/OpenBSD 24)', '18000000', 6],
    ['little-endian AF_INET6 (FreeBSD 28)', '1c000000', 6],
    ['big-endian AF_INET6 (Darwin 30)', '0000001e', 6],
  ])('BSD NULL (0) %s', (_name, family, version) => {
    const r = decode(LinkType.NULL, cat(hex(family), version === 4 ? IPV4_UDP : IPV6_UDP));
    if (version === 4) expectIpv4Udp(r);
    else expectIpv6Udp(r);
  });

  it('BSD NULL with an unknown family', () => {
    const r = decode(LinkType.NULL, cat(hex('07000000 // AF_OSI'), IPV4_UDP));
    expect(r.codes).toEqual({ 'link.unknown_family': 1 });
    expect(r.out.ipVersion).toBe(0);
  });

  it.each([
    ['AF_INET', '00000002', 4],
    ['AF_INET6', '00000018', 6],
  ])('LOOP (108) %s in network byte order', (_name, family, version) => {
    const r = decode(LinkType.LOOP, cat(hex(family), version === 4 ? IPV4_UDP : IPV6_UDP));
    if (version === 4) expectIpv4Udp(r);
    else expectIpv6Udp(r);
  });

  it('LOOP does not byte-swap: a little-endian family is unknown', () => {
    expect(decode(LinkType.LOOP, cat(hex('02000000'), IPV4_UDP)).codes).toEqual({ 'link.unknown_family': 1 });
  });

  it('RAW (101) picks the version from the first nibble', () => {
    expectIpv4Udp(decode(LinkType.RAW, IPV4_UDP));
    expectIpv6Udp(decode(LinkType.RAW, IPV6_UDP));
    const bad = decode(LinkType.RAW, cat(hex('55 // version 5'), IPV4_UDP.subarray(1)));
    expect(bad.codes).toEqual({ 'link.bad_ip_version': 1 });
    expect(decode(LinkType.RAW, new Uint8Array(0)).codes).toEqual({ 'link.truncated_header': 1 });
  });

  // DLT_RAW numbered as on Linux (12) and OpenBSD (14), as some tools write it into files:
  // libpcap, tcpdump and Wireshark read both as raw IP.
  it.each([12, 14])('LINKTYPE %i is raw IP like 101', (lt) => {
    expectIpv4Udp(decode(lt, IPV4_UDP));
    expectIpv6Udp(decode(lt, IPV6_UDP));
    expect(decode(lt, cat(hex('55 // version 5'), IPV4_UDP.subarray(1))).codes).toEqual({ 'link.bad_ip_version': 1 });
    expect(decode(lt, new Uint8Array(0)).codes).toEqual({ 'link.truncated_header': 1 });
  });

  it('pcap and pcapng files with raw-IP link types 12, 14 and 101 decode through the readers', () => {
    const pcapng = buildPcapng((w) => {
      w.section();
      for (const lt of [12, 14, 101]) w.addInterface({ linkType: lt });
      for (let i = 0; i < 3; i++) {
        w.packet(i, 1_700_000_000, i * 1000, IPV4_UDP);
        w.packet(i, 1_700_000_000, i * 1000 + 1, IPV6_UDP);
      }
    });
    const files = [
      openCaptureBytes(pcapng, 'raw.pcapng', 0, new AnomalyCounter()),
      openCaptureBytes(
        buildPcap({ linkType: 12 }, (w) => {
          for (const d of [IPV4_UDP, IPV6_UDP]) w.packet(1_700_000_000, 0, d);
        }),
        'raw12.pcap',
        0,
        new AnomalyCounter(),
      ),
      openCaptureBytes(
        buildPcap({ linkType: 14 }, (w) => {
          for (const d of [IPV4_UDP, IPV6_UDP]) w.packet(1_700_000_000, 0, d);
        }),
        'raw14.pcap',
        0,
        new AnomalyCounter(),
      ),
    ];
    const linkTypes: number[] = [];
    for (const r of files) {
      for (let f = r.next(), i = 0; f !== null; f = r.next(), i++) {
        linkTypes.push(f.linkType);
        const out = createDecodedPacket();
        const anomalies = new AnomalyCounter();
        decodeFrame(f, out, anomalies);
        const res = { out, anomalies, codes: anomalies.toJSON() };
        if (i % 2 === 0) expectIpv4Udp(res);
        else expectIpv6Udp(res);
      }
    }
    expect(linkTypes).toEqual([12, 12, 14, 14, 101, 101, 12, 12, 14, 14]);
  });

  it('IPV4 (228) and IPV6 (229)', () => {
    expectIpv4Udp(decode(LinkType.IPV4, IPV4_UDP));
    expectIpv6Udp(decode(LinkType.IPV6, IPV6_UDP));
  });

  it('IPV4 link type with an IPv6 packet reports the version', () => {
    expect(decode(LinkType.IPV4, IPV6_UDP).codes).toEqual({ 'ipv4.bad_version': 1 });
    expect(decode(LinkType.IPV6, IPV4_UDP).codes).toEqual({ 'ipv6.bad_version': 1 });
  });

  it('unsupported link type: one anomaly per frame, nothing decoded', () => {
    const r = decode(147, IPV4_UDP);
    expect(r.codes).toEqual({ 'link.unsupported_type': 1 });
    expect(r.anomalies.examplesOf('link.unsupported_type')[0]?.detail).toBe('linktype=147');
    expect(r.out.ipVersion).toBe(0);
    expect(r.out.sawIpv4).toBe(false);
  });

  it.each([
    [LinkType.ETHERNET, 13, 'eth.truncated_frame'],
    [LinkType.LINUX_SLL, 15, 'link.truncated_header'],
    [LinkType.LINUX_SLL2, 19, 'link.truncated_header'],
    [LinkType.NULL, 3, 'link.truncated_header'],
    [LinkType.LOOP, 3, 'link.truncated_header'],
  ])('link type %i cut to %i bytes reports %s', (lt, n, code) => {
    const r = decode(lt, new Uint8Array(n));
    expect(r.codes).toEqual({ [code]: 1 });
  });

  it('a VLAN tag cut short', () => {
    const r = decode(LinkType.ETHERNET, cat(ETH_HDR, hex('8100 00')));
    expect(r.codes).toEqual({ 'eth.truncated_frame': 1 });
  });

  it('reuses the packet object without leaking the previous frame', () => {
    const out = createDecodedPacket();
    const sink = new AnomalyCounter();
    decodeFrame(frameOf(LinkType.ETHERNET, cat(ETH_HDR, hex('8100 0064 0800'), IPV4_UDP)), out, sink);
    expect(out.vlanId).toBe(100);
    decodeFrame(frameOf(LinkType.ETHERNET, cat(ETH_HDR, hex('0806'), new Uint8Array(28))), out, sink);
    expect(out.vlanId).toBe(-1);
    expect(out.ipVersion).toBe(0);
    expect(out.l4).toBe(0);
    expect(out.payload.length).toBe(0);
  });
});
