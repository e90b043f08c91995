/**
 * Cross-check of the decoder against tshark: the same frames are written to pcap files (one per
 * link type) and tshark's innermost IP addresses and ports (-E occurrence=l) must equal ours.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LinkType } from '../../../src/core/link-type.js';
import { PcapWriter } from '../../../src/capture/pcap-writer.js';
import { formatIp } from '../../../src/decode/format-ip.js';
import { concatBytes } from '../../../src/util/bytes.js';
import { cat, decode, erspan2, erspan3, eth, ext6, frag6, gre, ipv4, ipv6, tcp, textBytes, udp, vxlan } from '../../helpers/packet-builders.js';

const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;

const sipTcp = (sport: number, dport: number): Uint8Array => tcp({ sport, dport, seq: 1, payload: textBytes('SIP/2.0 200 OK\r\n\r\n') });
const sipUdp = (sport: number, dport: number): Uint8Array => udp(sport, dport, textBytes('OPTIONS sip:a SIP/2.0\r\n\r\n'));
const in4 = (n: number, l4: Uint8Array, proto = 6): Uint8Array => ipv4({ proto, payload: l4, src: `192.168.${n}.1`, dst: `192.168.${n}.2` });
const in6 = (n: number, l4: Uint8Array, nh = 6): Uint8Array => ipv6({ nextHeader: nh, payload: l4, src: `fd00:${n}::1`, dst: `fd00:${n}::2` });
const carrier = (proto: number, payload: Uint8Array): Uint8Array => ipv4({ proto, payload, src: '10.1.1.1', dst: '10.1.1.2' });

/** [name, frame] per link type. */
const CASES: Record<number, [string, Uint8Array][]> = {
  [LinkType.ETHERNET]: [
    ['plain IPv4/TCP', eth(0x0800, in4(1, sipTcp(5060, 40001)))],
    [
      'QinQ IPv6/UDP',
      eth(0x86dd, in6(2, sipUdp(5062, 5063), 17), [
        [0x88a8, 5],
        [0x8100, 6],
      ]),
    ],
    ['GRE IPv4', eth(0x0800, carrier(47, gre({ proto: 0x0800 }, in4(3, sipTcp(2855, 40003)))))],
    ['GRE key+seq IPv6', eth(0x0800, carrier(47, gre({ proto: 0x86dd, key: 9, seq: 3 }, in6(4, sipTcp(2855, 40004)))))],
    ['GRE checksum', eth(0x0800, carrier(47, gre({ proto: 0x0800, checksum: true }, in4(5, sipUdp(5060, 5064), 17))))],
    ['GRE TEB', eth(0x0800, carrier(47, gre({ proto: 0x6558, key: 1 }, eth(0x0800, in4(6, sipTcp(5060, 40006))))))],
    ['ERSPAN I', eth(0x0800, carrier(47, gre({ proto: 0x88be }, eth(0x0800, in4(7, sipTcp(5060, 40007))))))],
    ['ERSPAN II', eth(0x0800, carrier(47, gre({ proto: 0x88be, seq: 8 }, erspan2(eth(0x0800, in4(8, sipTcp(5060, 40008)), [[0x8100, 8]])))))],
    ['ERSPAN III', eth(0x0800, carrier(47, gre({ proto: 0x22eb, seq: 9 }, erspan3(eth(0x86dd, in6(9, sipUdp(5060, 5069), 17))))))],
    ['ERSPAN III + subheader', eth(0x0800, carrier(47, gre({ proto: 0x22eb, seq: 10 }, erspan3(eth(0x0800, in4(10, sipTcp(5060, 40010))), { subheader: true }))))],
    // ERSPAN III frame type 2 (IP without Ethernet, draft-foschiano-erspan-03) is left out:
    // tshark 4.0 shows its payload as data. tunnels.test.ts covers it.
    ['VXLAN', eth(0x0800, carrier(17, udp(49999, 4789, vxlan(77, eth(0x0800, in4(11, sipTcp(5060, 40011)))))))],
    ['VXLAN over IPv6', eth(0x86dd, ipv6({ nextHeader: 17, payload: udp(50001, 4789, vxlan(78, eth(0x0800, in4(12, sipUdp(5060, 5072), 17)))) }))],
    ['IPv6 extension chain', eth(0x86dd, in6(13, cat(ext6(43), ext6(60), ext6(6), sipTcp(5060, 40013)), 0))],
    ['IPv6 atomic fragment', eth(0x86dd, in6(14, cat(frag6(17, 0, false, 5), sipUdp(5060, 5074)), 44))],
    ['IPv4 options', eth(0x0800, ipv4({ proto: 6, payload: sipTcp(5060, 40015), options: Uint8Array.of(0x94, 4, 0, 0), src: '192.168.15.1', dst: '192.168.15.2' }))],
    ['padded', concatBytes([eth(0x0800, in4(16, sipUdp(5060, 5076), 17)), new Uint8Array(20)])],
    ['IPv4 in IPv4', eth(0x0800, carrier(4, in4(17, sipTcp(5060, 40017))))],
    ['IPv6 in IPv4', eth(0x0800, carrier(41, in6(18, sipUdp(5060, 5078), 17)))],
    ['IPv4 in IPv6', eth(0x86dd, ipv6({ nextHeader: 4, payload: in4(19, sipTcp(5060, 40019)) }))],
    ['IPv6 in IPv6', eth(0x86dd, ipv6({ nextHeader: 41, payload: in6(31, sipTcp(5060, 40031)) }))],
  ],
  [LinkType.LINUX_SLL]: [['SLL', cat(Uint8Array.of(0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00), in4(20, sipTcp(5060, 40020)))]],
  [LinkType.LINUX_SLL2]: [['SLL2', cat(Uint8Array.of(0x86, 0xdd, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0), in6(21, sipTcp(5060, 40021)))]],
  [LinkType.NULL]: [
    ['NULL LE', cat(Uint8Array.of(2, 0, 0, 0), in4(22, sipTcp(5060, 40022)))],
    ['NULL LE v6', cat(Uint8Array.of(30, 0, 0, 0), in6(23, sipTcp(5060, 40023)))],
  ],
  [LinkType.LOOP]: [['LOOP', cat(Uint8Array.of(0, 0, 0, 2), in4(24, sipTcp(5060, 40024)))]],
  [LinkType.RAW]: [
    ['RAW v4', in4(25, sipTcp(5060, 40025))],
    ['RAW v6', in6(26, sipUdp(5060, 5086), 17)],
  ],
  // DLT_RAW as written into files by some tools (Linux 12, OpenBSD 14): tshark reads both as raw IP.
  [LinkType.RAW_12]: [
    ['RAW(12) v4', in4(27, sipTcp(5060, 40027))],
    ['RAW(12) v6', in6(28, sipUdp(5060, 5088), 17)],
  ],
  [LinkType.RAW_14]: [
    ['RAW(14) v4', in4(29, sipTcp(5060, 40029))],
    ['RAW(14) v6', in6(30, sipUdp(5060, 5090), 17)],
  ],
};

const dir = mkdtempSync(join(tmpdir(), 'msrptap-decode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tsharkFields(path: string): string[][] {
  const fields = ['ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport'];
  const res = spawnSync('tshark', ['-n', '-r', path, '-T', 'fields', '-E', 'occurrence=l', '-E', 'separator=|', ...fields.flatMap((f) => ['-e', f])], {
    encoding: 'utf8',
  });
  expect(res.status, res.stderr).toBe(0);
  return res.stdout
    .trimEnd()
    .split('\n')
    .map((l) => l.split('|'));
}

/** tshark's rows per link type, computed once per pcap. */
const rowsByLinkType = new Map<number, string[][]>();
function rowsFor(lt: number): string[][] {
  let rows = rowsByLinkType.get(lt);
  if (rows === undefined) {
    const chunks: Uint8Array[] = [];
    const w = new PcapWriter((c) => chunks.push(c), { linkType: lt });
    for (const [, frame] of CASES[lt]!) w.packet(1_700_000_000, 0, frame);
    const path = join(dir, `lt${lt}.pcap`);
    writeFileSync(path, concatBytes(chunks));
    rows = tsharkFields(path);
    rowsByLinkType.set(lt, rows);
  }
  return rows;
}

describe.skipIf(!hasTshark).each(Object.keys(CASES).map(Number))('tshark agrees on link type %i', (lt) => {
  it.each(CASES[lt]!.map((c, i) => [c[0], i] as const))('%s', (_name, i) => {
    const row = rowsFor(lt)[i]!;
    const r = decode(lt, CASES[lt]![i]![1]);
    expect(r.codes).toEqual({});
    const [ip4src, ip4dst, ip6src, ip6dst, tsp, tdp, usp, udp_] = row;
    if (r.out.ipVersion === 4) {
      expect([formatIp(r.out.src), formatIp(r.out.dst)]).toEqual([ip4src, ip4dst]);
    } else {
      expect(r.out.ipVersion).toBe(6);
      expect([formatIp(r.out.src), formatIp(r.out.dst)]).toEqual([ip6src, ip6dst]);
    }
    if (r.out.l4 === 6) expect([String(r.out.srcPort), String(r.out.dstPort)]).toEqual([tsp, tdp]);
    else expect([String(r.out.srcPort), String(r.out.dstPort)]).toEqual([usp, udp_]);
  });
});
