/** Encapsulations: link headers around an IP packet, facts contributed by tunnels, counters. */
import { describe, expect, it } from 'vitest';
import { ipAddr } from '../../../../samples/gen/lib/addr.js';
import { bsdNullLink, erspanIIITunnel, erspanIITunnel, ethernetLink, greTunnel, linuxSll2Link, linuxSllLink, rawIpLink, vxlanTunnel } from '../../../../samples/gen/lib/encapsulation.js';
import { internetChecksum, pseudoHeader } from '../../../../samples/gen/lib/checksum.js';
import { udpDatagram } from '../../../../samples/gen/lib/ip-packet.js';
import { LinkType } from '../../../../src/core/link-type.js';
import { toHex, u16be, u32be } from '../../../../src/util/bytes.js';

const v4 = udpDatagram({ src: ipAddr('192.0.2.1'), dst: ipAddr('192.0.2.2'), srcPort: 1, dstPort: 2, payload: 'a' }).ip;
const v6 = udpDatagram({ src: ipAddr('2001:db8::1'), dst: ipAddr('2001:db8::2'), srcPort: 1, dstPort: 2, payload: 'a' }).ip;
const outer = { outerSrc: ipAddr('10.0.0.1'), outerDst: ipAddr('10.0.0.2') };

describe('link encapsulations', () => {
  it('Ethernet derives MACs from the IP addresses and picks the EtherType by version', () => {
    const f = ethernetLink().wrap(v4);
    expect(toHex(f, 0, 14)).toBe('0200c0000202' + '0200c0000201' + '0800');
    expect(toHex(ethernetLink().wrap(v6), 12, 14)).toBe('86dd');
    expect(f.subarray(14)).toEqual(v4);
  });

  it.each([
    ['SLL', linuxSllLink(), LinkType.LINUX_SLL, 16],
    ['SLL2', linuxSll2Link(), LinkType.LINUX_SLL2, 20],
    ['NULL', bsdNullLink(), LinkType.NULL, 4],
    ['RAW', rawIpLink(), LinkType.RAW, 0],
  ])('%s: link type and header length', (_, link, lt, hl) => {
    expect(link.linkType).toBe(lt);
    expect(link.wrap(v4).subarray(hl)).toEqual(v4);
    expect(link.facts).toEqual({});
  });

  it('SLL marks packets from the capturing host as OUTGOING', () => {
    const l = linuxSllLink({ outgoingFrom: ipAddr('192.0.2.1') });
    expect(u16be(l.wrap(v4), 0)).toBe(4);
  });
});

describe('tunnels', () => {
  it('GRE: outer IPv4 proto 47, inner protocol by version, outer ids count up', () => {
    const t = greTunnel({ ...outer, key: 7 });
    expect(t.facts).toEqual({ ipv4: true });
    const a = t.wrap(v6);
    const b = t.wrap(v4);
    expect(a[14 + 9]).toBe(47);
    expect(u16be(a, 14 + 20 + 2)).toBe(0x86dd);
    expect(u16be(b, 14 + 4) - u16be(a, 14 + 4)).toBe(1);
    expect(b.subarray(14 + 20 + 8)).toEqual(v4);
  });

  it('ERSPAN II / III: GRE sequence counts up, mirrored frame is Ethernet', () => {
    const t2 = erspanIITunnel({ ...outer, sessionId: 3 });
    const f1 = t2.wrap(v4);
    const f2 = t2.wrap(v4);
    const gre = 14 + 20;
    expect(u16be(f1, gre)).toBe(0x1000);
    expect(u16be(f1, gre + 2)).toBe(0x88be);
    expect([u32be(f1, gre + 4), u32be(f2, gre + 4)]).toEqual([1, 2]);
    expect(u16be(f1, gre + 8 + 8 + 12)).toBe(0x0800); // inner Ethernet type
    const t3 = erspanIIITunnel({ ...outer, sessionId: 3 });
    const g = t3.wrap(v6);
    expect(u16be(g, gre + 2)).toBe(0x22eb);
    expect(g[gre + 8]! >> 4).toBe(2);
    expect(u16be(g, gre + 8 + 12 + 12)).toBe(0x86dd);
  });

  it('VXLAN: outer UDP to 4789 with a valid checksum; facts add UDP', () => {
    const t = vxlanTunnel({ ...outer, vni: 42 });
    expect(t.facts).toEqual({ ipv4: true, udp: true });
    const f = t.wrap(v4);
    const udpSeg = f.subarray(14 + 20);
    expect(u16be(udpSeg, 2)).toBe(4789);
    expect(internetChecksum([pseudoHeader(outer.outerSrc, outer.outerDst, 17, udpSeg.length), udpSeg])).toBe(0);
    expect(toHex(udpSeg, 8, 16)).toBe('08000000' + '00002a00');
  });

  it('outer IPv6 tunnel endpoints give IPv6 facts', () => {
    expect(greTunnel({ outerSrc: ipAddr('2001:db8::a'), outerDst: ipAddr('2001:db8::b') }).facts).toEqual({ ipv6: true });
  });
});
