/**
 * Every prefix of a few layered sample frames must decode without throwing and report exactly
 * the anomalies of the header it cuts (plus the length-field shortfalls of the enclosing IP
 * datagrams, which the snaplen case suppresses).
 */
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../src/core/link-type.js';
import { cat, decode, erspan3, eth, ext6, gre, ipv4, ipv6, tcp, textBytes, udp, vxlan } from '../../helpers/packet-builders.js';

interface LayerSpec {
  /** Frame offset where this header ends. */
  hdrEnd: number;
  /** Anomaly when the prefix ends inside this header (decoding stops there). */
  cutCode: string;
  /** Frame offset where this layer's length field says the datagram ends. */
  lenEnd?: number;
  /** Anomaly when the prefix ends before lenEnd (not reported for snaplen cuts). */
  lenCode?: string;
}

interface Sample {
  name: string;
  linkType: number;
  data: Uint8Array;
  layers: LayerSpec[];
  /** Transport header end: from here on, l4 must be decoded. */
  l4End: number;
  l4: number;
}

function expectedCodes(s: Sample, n: number, snap: boolean): Record<string, number> {
  const codes: Record<string, number> = {};
  const add = (c: string): void => {
    codes[c] = (codes[c] ?? 0) + 1;
  };
  for (const l of s.layers) {
    if (n < l.hdrEnd) {
      add(l.cutCode);
      break;
    }
    if (l.lenEnd !== undefined && n < l.lenEnd && !snap) add(l.lenCode!);
  }
  return codes;
}

const MSRP = textBytes('MSRP a786hjs2 SEND\r\nTo-Path: msrp://x\r\n\r\nhi\r\n-------a786hjs2$\r\n');
const INNER_TCP = tcp({ sport: 40000, dport: 2855, payload: MSRP, options: new Uint8Array([2, 4, 5, 0xb4]) });
const INNER_IP = ipv4({ proto: 6, payload: INNER_TCP, src: '192.168.1.10', dst: '192.168.1.20' });

function ethVlanIpv4Tcp(): Sample {
  const data = eth(0x0800, INNER_IP, [[0x8100, 10]]);
  return {
    name: 'Ethernet/802.1Q/IPv4/TCP',
    linkType: LinkType.ETHERNET,
    data,
    layers: [
      { hdrEnd: 14, cutCode: 'eth.truncated_frame' },
      { hdrEnd: 18, cutCode: 'eth.truncated_frame' },
      { hdrEnd: 38, cutCode: 'ipv4.truncated', lenEnd: data.length, lenCode: 'ipv4.truncated' },
      { hdrEnd: 62, cutCode: 'tcp.truncated_header' },
    ],
    l4End: 62,
    l4: 6,
  };
}

function erspan3WithSubheader(): Sample {
  const mirrored = eth(0x0800, INNER_IP, [[0x8100, 20]]);
  const data = eth(0x0800, ipv4({ proto: 47, payload: gre({ proto: 0x22eb, seq: 77 }, erspan3(mirrored, { subheader: true })) }));
  return {
    name: 'ERSPAN III + subheader',
    linkType: LinkType.ETHERNET,
    data,
    layers: [
      { hdrEnd: 14, cutCode: 'eth.truncated_frame' },
      { hdrEnd: 34, cutCode: 'ipv4.truncated', lenEnd: data.length, lenCode: 'ipv4.truncated' },
      { hdrEnd: 42, cutCode: 'gre.truncated' },
      { hdrEnd: 62, cutCode: 'erspan.truncated' },
      { hdrEnd: 76, cutCode: 'eth.truncated_frame' },
      { hdrEnd: 80, cutCode: 'eth.truncated_frame' },
      { hdrEnd: 100, cutCode: 'ipv4.truncated', lenEnd: data.length, lenCode: 'ipv4.truncated' },
      { hdrEnd: 124, cutCode: 'tcp.truncated_header' },
    ],
    l4End: 124,
    l4: 6,
  };
}

function vxlanOverIpv6WithExtensions(): Sample {
  const innerUdp = udp(5060, 5060, textBytes('MESSAGE sip:bob@example.com SIP/2.0\r\n'));
  const inner = eth(0x0800, ipv4({ proto: 17, payload: innerUdp }));
  const outerUdp = udp(49152, 4789, vxlan(0xabcdef, inner));
  const data = eth(0x86dd, ipv6({ nextHeader: 0, payload: cat(ext6(60), ext6(17), outerUdp) }));
  return {
    name: 'IPv6 (hop-by-hop, dest-opts)/UDP/VXLAN/IPv4/UDP',
    linkType: LinkType.ETHERNET,
    data,
    layers: [
      { hdrEnd: 14, cutCode: 'eth.truncated_frame' },
      { hdrEnd: 54, cutCode: 'ipv6.truncated', lenEnd: data.length, lenCode: 'ipv6.truncated' },
      { hdrEnd: 62, cutCode: 'ipv6.truncated' },
      { hdrEnd: 70, cutCode: 'ipv6.truncated' },
      { hdrEnd: 78, cutCode: 'udp.truncated_header' },
      { hdrEnd: 86, cutCode: 'vxlan.truncated' },
      { hdrEnd: 100, cutCode: 'eth.truncated_frame' },
      { hdrEnd: 120, cutCode: 'ipv4.truncated', lenEnd: data.length, lenCode: 'ipv4.truncated' },
      { hdrEnd: 128, cutCode: 'udp.truncated_header' },
    ],
    l4End: 128,
    l4: 17,
  };
}

describe.each([ethVlanIpv4Tcp(), erspan3WithSubheader(), vxlanOverIpv6WithExtensions()])('truncation of $name', (s) => {
  it('the whole frame decodes cleanly', () => {
    const r = decode(s.linkType, s.data);
    expect(r.codes).toEqual({});
    expect(r.out.l4).toBe(s.l4);
    expect(r.out.payload.length).toBe(s.data.length - s.l4End);
  });

  it.each([false, true])('every prefix (snaplen cut: %s) reports the cut header', (snap) => {
    for (let n = 0; n < s.data.length; n++) {
      const prefix = s.data.slice(0, n);
      const r = decode(s.linkType, prefix, snap ? s.data.length : n);
      expect(r.codes, `prefix ${n}`).toEqual(expectedCodes(s, n, snap));
      if (n >= s.l4End) {
        expect(r.out.l4, `prefix ${n}`).toBe(s.l4);
        expect(r.out.payload.length, `prefix ${n}`).toBe(n - s.l4End);
        expect(r.out.ipTruncated).toBe(true);
      } else if (r.out.l4 !== 0) {
        // Only the carrier UDP of a cut VXLAN header may be decoded before the innermost layer.
        expect(r.out.dstPort).toBe(4789);
      }
    }
  });
});
