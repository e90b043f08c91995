/**
 * The foundation samples: one capture per reader/decoder/flow behaviour (file formats, link
 * types, VLANs, IPv6 extension headers, fragments, TCP faults, tunnels, truncation). Each
 * function returns a finished {@link SampleCapture}; `generate.ts` writes them with their
 * `.expected.json`. Addresses come from the documentation ranges (RFC 5737, RFC 3849).
 */
import { LinkType } from '../../src/core/link-type.js';
import {
  arrange,
  bsdNullLink,
  erspanIIITunnel,
  erspanIITunnel,
  ethernetLink,
  greTunnel,
  ipAddr,
  ipv4Fragments,
  ipv6Fragments,
  ipv6Addr,
  linuxSll2Link,
  linuxSllLink,
  mergeFacts,
  msrpFrame,
  Prng,
  rawIpLink,
  SampleCapture,
  sdpBody,
  sipMessage,
  srhData,
  TcpConversation,
  TcpFlags,
  Timeline,
  udp,
  udpDatagram,
  vxlanTunnel,
  type BuiltPacket,
  type Encapsulation,
  type TcpSegment,
} from './lib/index.js';

/** A sample: its file name and the function that builds it. */
export interface SampleDef {
  file: string;
  build: () => SampleCapture;
}

/** 2025-01-01T10:00:00Z: all foundation samples start at a fixed, plausible time. */
const T0 = 1_735_725_600;

// ---------------------------------------------------------------------------------------------
// Payload helpers
// ---------------------------------------------------------------------------------------------

/** Deterministic printable text of exactly `n` bytes (numbered lines), for TCP data. */
function text(label: string, n: number): Uint8Array {
  let s = '';
  for (let i = 0; s.length < n; i++) s += `${label} line ${String(i).padStart(4, '0')} the quick brown fox jumps over the lazy dog\r\n`;
  return Buffer.from(s.slice(0, n), 'latin1');
}

interface SipParty {
  user: string;
  host: string;
  addr: string;
  port: number;
}

/** SDP offering/answering one MSRP session (RFC 4975 section 8.1). */
function msrpSdp(p: SipParty, msrpPort: number, sessionId: string, extraLines = 0): string {
  const ipv = p.addr.includes(':') ? 'IP6' : 'IP4';
  const uriHost = p.addr.includes(':') ? `[${p.addr}]` : p.addr;
  const lines = [
    'v=0',
    `o=${p.user} 2890844526 2890844526 IN ${ipv} ${p.addr}`,
    's=-',
    `c=IN ${ipv} ${p.addr}`,
    't=0 0',
    `m=message ${msrpPort} TCP/MSRP *`,
    'a=accept-types:text/plain message/cpim',
    'a=accept-wrapped-types:text/plain',
    `a=path:msrp://${uriHost}:${msrpPort}/${sessionId};tcp`,
  ];
  // Padding attributes (RFC 8866 section 5.13 allows unknown attributes) to reach a target size.
  for (let i = 0; i < extraLines; i++) lines.push(`a=x-padding-${String(i).padStart(3, '0')}:${'p'.repeat(48)}`);
  return sdpBody(lines);
}

function sipUri(p: SipParty): string {
  return `sip:${p.user}@${p.host}`;
}

/** INVITE / 200 / ACK / BYE / 200 of one call, as UDP payloads with their direction. */
function sipCall(a: SipParty, b: SipParty, callId: string, sdpA: string, sdpB: string): { fromA: boolean; msg: Uint8Array }[] {
  const via = (branch: string): [string, string] => ['Via', `SIP/2.0/UDP ${a.addr.includes(':') ? `[${a.addr}]` : a.addr}:${a.port};branch=z9hG4bK${branch}`];
  const dialog = (cseq: string, toTag: boolean): [string, string][] => [
    ['From', `"${a.user}" <${sipUri(a)}>;tag=${callId.slice(0, 6)}a`],
    ['To', `<${sipUri(b)}>${toTag ? `;tag=${callId.slice(0, 6)}b` : ''}`],
    ['Call-ID', callId],
    ['CSeq', cseq],
  ];
  const contactA: [string, string] = ['Contact', `<sip:${a.user}@${a.addr.includes(':') ? `[${a.addr}]` : a.addr}:${a.port}>`];
  const contactB: [string, string] = ['Contact', `<sip:${b.user}@${b.addr.includes(':') ? `[${b.addr}]` : b.addr}:${b.port}>`];
  const sdp: [string, string] = ['Content-Type', 'application/sdp'];
  return [
    { fromA: true, msg: sipMessage(`INVITE ${sipUri(b)} SIP/2.0`, [via('inv1'), ['Max-Forwards', '70'], ...dialog('1 INVITE', false), contactA, sdp], sdpA) },
    { fromA: false, msg: sipMessage('SIP/2.0 200 OK', [via('inv1'), ...dialog('1 INVITE', true), contactB, sdp], sdpB) },
    { fromA: true, msg: sipMessage(`ACK ${contactB[1].slice(1, -1)} SIP/2.0`, [via('ack1'), ['Max-Forwards', '70'], ...dialog('1 ACK', true)]) },
    { fromA: true, msg: sipMessage(`BYE ${contactB[1].slice(1, -1)} SIP/2.0`, [via('bye1'), ['Max-Forwards', '70'], ...dialog('2 BYE', true)]) },
    { fromA: false, msg: sipMessage('SIP/2.0 200 OK', [via('bye1'), ...dialog('2 BYE', true)]) },
  ];
}

function sipDatagram(a: SipParty, b: SipParty, fromA: boolean, msg: Uint8Array): BuiltPacket {
  const [s, d] = fromA ? [a, b] : [b, a];
  return udpDatagram({ src: ipAddr(s.addr), dst: ipAddr(d.addr), srcPort: s.port, dstPort: d.port, payload: msg });
}

/** A SIP OPTIONS keep-alive (RFC 3261 section 11) as a small, realistic UDP payload. */
function sipOptions(from: SipParty, to: SipParty, n: number): Uint8Array {
  return sipMessage(`OPTIONS ${sipUri(to)} SIP/2.0`, [
    ['Via', `SIP/2.0/UDP ${from.addr.includes(':') ? `[${from.addr}]` : from.addr}:${from.port};branch=z9hG4bKopt${n}`],
    ['Max-Forwards', '70'],
    ['From', `<${sipUri(from)}>;tag=opt${n}`],
    ['To', `<${sipUri(to)}>`],
    ['Call-ID', `options-${n}@${from.host}`],
    ['CSeq', `${n} OPTIONS`],
    ['Accept', 'application/sdp'],
  ]);
}

/** Handshake, a request/response exchange, orderly close. */
function simpleTcp(conv: TcpConversation, request: Uint8Array | string, response: Uint8Array | string): TcpSegment[] {
  return [...conv.handshake(), ...conv.send('c2s', request), ...conv.send('s2c', response), conv.ack('c2s'), ...conv.close('c2s')];
}

function tcpPeer(addr: string, port: number, isn: number): { addr: Uint8Array; port: number; isn: number } {
  return { addr: ipAddr(addr), port, isn };
}

const ALICE: SipParty = { user: 'alice', host: 'example.com', addr: '192.0.2.10', port: 5060 };
const BOB: SipParty = { user: 'bob', host: 'example.net', addr: '198.51.100.20', port: 5060 };

// ---------------------------------------------------------------------------------------------
// Samples
// ---------------------------------------------------------------------------------------------

/**
 * basic-ipv4.pcap: Ethernet, a SIP call over UDP 5060 (INVITE with an MSRP offer, 200 with the
 * answer, ACK, BYE, 200), the MSRP session over TCP with a SEND and 200 each way, an HTTP-like
 * request/response connection and a refused connection (SYN, RST). The README quick-start sample.
 */
export function basicIpv4(): SampleCapture {
  const cap = new SampleCapture('basic-ipv4.pcap', 'basicIpv4', 'SIP call over UDP with an MSRP session over TCP; HTTP-like TCP; refused TCP', {
    kind: 'pcap',
    linkType: LinkType.ETHERNET,
  });
  const tl = new Timeline({ startSec: T0, startNsec: 125_000_000, stepNs: 850_000 });
  const eth = ethernetLink();
  const call = sipCall(ALICE, BOB, 'a84b4c76e66710@192.0.2.10', msrpSdp(ALICE, 49200, 's8fk2a'), msrpSdp(BOB, 2855, '9di4ea'));
  const [invite, ok, ack, bye, byeOk] = call.map((m) => sipDatagram(ALICE, BOB, m.fromA, m.msg));

  cap.packet(tl.next(), eth, invite!);
  cap.packet(tl.next(42_000_000), eth, ok!);
  cap.packet(tl.next(), eth, ack!);

  // RFC 4975 section 5.4: the offerer opens the connection to the answerer's MSRP URI.
  const msrp = new TcpConversation({ client: tcpPeer('192.0.2.10', 49200, 0x1a2b3c4d), server: tcpPeer('198.51.100.20', 2855, 0x5e6f7081) });
  const toBob = 'msrp://198.51.100.20:2855/9di4ea;tcp';
  const toAlice = 'msrp://192.0.2.10:49200/s8fk2a;tcp';
  const send = (tid: string, to: string, from: string, id: string, body: string): Uint8Array =>
    msrpFrame({
      transactionId: tid,
      startLine: 'SEND',
      headers: [
        ['To-Path', to],
        ['From-Path', from],
        ['Message-ID', id],
        ['Byte-Range', `1-${Buffer.byteLength(body)}/${Buffer.byteLength(body)}`],
        ['Content-Type', 'text/plain'],
      ],
      body,
    });
  const okFrame = (tid: string, to: string, from: string): Uint8Array =>
    msrpFrame({
      transactionId: tid,
      startLine: '200 OK',
      headers: [
        ['To-Path', to],
        ['From-Path', from],
      ],
    });
  cap.packets(
    tl,
    eth,
    [
      ...msrp.handshake(),
      ...msrp.send('c2s', send('a786hjs2', toBob, toAlice, '87652491', 'Hello Bob, this is Alice.')),
      ...msrp.send('s2c', okFrame('a786hjs2', toAlice, toBob)),
      ...msrp.send('s2c', send('dkei38sd', toAlice, toBob, '4564dpWd', 'Hi Alice! Bob here.')),
      ...msrp.send('c2s', okFrame('dkei38sd', toBob, toAlice)),
      msrp.ack('s2c'),
    ],
    300_000,
  );

  const http = new TcpConversation({ client: tcpPeer('192.0.2.10', 49201, 1_000_000), server: tcpPeer('203.0.113.5', 80, 2_000_000) });
  const body = text('http', 900);
  cap.packets(
    tl,
    eth,
    simpleTcp(http, 'GET /status HTTP/1.1\r\nHost: 203.0.113.5\r\nUser-Agent: msrptap-sample\r\n\r\n', Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n`), body])),
    450_000,
  );

  // A refused connection: the server answers the SYN with RST+ACK (RFC 9293 section 3.10.7.1).
  const refused = new TcpConversation({ client: tcpPeer('192.0.2.10', 49202, 77_777), server: tcpPeer('198.51.100.20', 5061, 0) });
  const [syn] = refused.handshake();
  cap.packet(tl.next(), eth, syn!);
  cap.packet(tl.next(), eth, refused.segment('s2c', { flags: TcpFlags.RST | TcpFlags.ACK, seq: 0 }));

  cap.packets(tl, eth, msrp.close('c2s'), 200_000);
  cap.packet(tl.next(2_000_000), eth, bye!);
  cap.packet(tl.next(), eth, byeOk!);
  return cap;
}

/** UDP SIP OPTIONS pings and one short TCP exchange, for the timestamp-format samples. */
function timestampTraffic(cap: SampleCapture, tl: Timeline, link: Encapsulation): void {
  const ua: SipParty = { user: 'ua1', host: 'example.com', addr: '192.0.2.30', port: 5060 };
  const proxy: SipParty = { user: 'proxy', host: 'example.net', addr: '198.51.100.30', port: 5060 };
  for (let i = 1; i <= 3; i++) {
    cap.packet(tl.next(), link, sipDatagram(ua, proxy, true, sipOptions(ua, proxy, i)));
    cap.packet(
      tl.next(),
      link,
      sipDatagram(
        ua,
        proxy,
        false,
        sipMessage('SIP/2.0 200 OK', [
          ['Via', `SIP/2.0/UDP 192.0.2.30:5060;branch=z9hG4bKopt${i}`],
          ['From', `<${sipUri(ua)}>;tag=opt${i}`],
          ['To', `<${sipUri(proxy)}>;tag=p${i}`],
          ['Call-ID', `options-${i}@${ua.host}`],
          ['CSeq', `${i} OPTIONS`],
        ]),
      ),
    );
  }
  const conv = new TcpConversation({ client: tcpPeer('192.0.2.30', 50100, 3_000_000_000), server: tcpPeer('198.51.100.30', 2855, 123) });
  cap.packets(tl, link, simpleTcp(conv, text('req', 300), text('resp', 200)));
}

/** nanosecond.pcap: classic pcap with the nanosecond magic (0xa1b23c4d); times use all 9 digits. */
export function nanosecond(): SampleCapture {
  const cap = new SampleCapture('nanosecond.pcap', 'nanosecond', 'classic pcap, nanosecond magic, sub-microsecond timestamps', {
    kind: 'pcap',
    linkType: LinkType.ETHERNET,
    nanosecond: true,
  });
  timestampTraffic(cap, new Timeline({ startSec: T0 + 3600, startNsec: 123_456_789, stepNs: 1_000_333 }), ethernetLink());
  return cap;
}

/** bigendian.pcap: classic pcap written big-endian (magic a1 b2 c3 d4 on disk), microseconds. */
export function bigEndian(): SampleCapture {
  const cap = new SampleCapture('bigendian.pcap', 'bigEndian', 'classic pcap, big-endian byte order, microsecond timestamps', {
    kind: 'pcap',
    linkType: LinkType.ETHERNET,
    littleEndian: false,
  });
  timestampTraffic(cap, new Timeline({ startSec: T0 + 7200, startNsec: 5_000, stepNs: 2_500_000 }), ethernetLink());
  return cap;
}

/**
 * multi-interface.pcapng: section 1 has an Ethernet interface (if_tsresol 9) and a Linux SLL
 * interface (if_tsresol 6), packets in EPB, SPB (interface 0, no timestamp) and OPB blocks, and
 * an unknown block type readers must skip; section 2 declares one Ethernet interface without
 * if_tsresol (microseconds).
 */
export function multiInterface(): SampleCapture {
  const cap = new SampleCapture('multi-interface.pcapng', 'multiInterface', 'pcapng: 2 sections, Ethernet + Linux SLL interfaces, tsresol 9/6, EPB/SPB/OPB, unknown block', {
    kind: 'pcapng',
  });
  const tl = new Timeline({ startSec: T0 + 10_800, startNsec: 987_654_321, stepNs: 1_234_567 });
  cap.section();
  const ethIf = cap.addInterface({ linkType: LinkType.ETHERNET, tsresol: 9, name: 'eth0' });
  const sllIf = cap.addInterface({ linkType: LinkType.LINUX_SLL, tsresol: 6, name: 'any', snaplen: 65535 });
  const eth = ethernetLink();
  const sll = linuxSllLink({ outgoingFrom: ipAddr('192.0.2.40') });
  const conv = new TcpConversation({ client: tcpPeer('192.0.2.40', 50200, 555_555), server: tcpPeer('198.51.100.40', 2855, 666_666) });
  const segs = simpleTcp(conv, text('ng-req', 700), text('ng-resp', 400));
  const ua: SipParty = { user: 'ng', host: 'example.com', addr: '192.0.2.40', port: 5060 };
  const px: SipParty = { user: 'px', host: 'example.net', addr: '198.51.100.41', port: 5060 };

  cap.packets(tl, eth, segs.slice(0, 3), undefined, { interfaceId: ethIf });
  cap.packet(tl.next(), sll, sipDatagram(ua, px, true, sipOptions(ua, px, 1)), { interfaceId: sllIf });
  cap.packet(tl.next(), eth, segs[3]!, { interfaceId: ethIf, block: 'spb' });
  cap.rawBlock(0x0000_abcd, Buffer.from('unknown block: readers skip me', 'latin1'));
  cap.packet(tl.next(), sll, sipDatagram(ua, px, true, sipOptions(ua, px, 2)), { interfaceId: sllIf, block: 'opb' });
  cap.packets(tl, eth, segs.slice(4), undefined, { interfaceId: ethIf });

  cap.section();
  const eth2 = cap.addInterface({ linkType: LinkType.ETHERNET, name: 'eth1' });
  for (let i = 3; i <= 5; i++) cap.packet(tl.next(), eth, sipDatagram(ua, px, true, sipOptions(ua, px, i)), { interfaceId: eth2 });
  return cap;
}

/** vlan-qinq.pcap: 802.1Q-tagged and QinQ (802.1ad S-tag + C-tag, and double 0x8100) frames. */
export function vlanQinq(): SampleCapture {
  const cap = new SampleCapture('vlan-qinq.pcap', 'vlanQinq', '802.1Q single tag, 802.1ad QinQ, double 802.1Q', { kind: 'pcap', linkType: LinkType.ETHERNET });
  const tl = new Timeline({ startSec: T0 + 14_400, stepNs: 700_000 });
  const dot1q = ethernetLink({ vlans: [{ id: 100, pcp: 5 }] });
  const qinq = ethernetLink({ vlans: [{ id: 200 }, { id: 300, pcp: 3 }] });
  const double8100 = ethernetLink({
    vlans: [
      { id: 10, tpid: 0x8100 },
      { id: 20, tpid: 0x8100 },
    ],
  });
  const ua: SipParty = { user: 'v', host: 'example.com', addr: '192.0.2.50', port: 5060 };
  const px: SipParty = { user: 'p', host: 'example.net', addr: '198.51.100.50', port: 5060 };
  cap.packet(tl.next(), dot1q, sipDatagram(ua, px, true, sipOptions(ua, px, 1)));
  cap.packets(tl, dot1q, simpleTcp(new TcpConversation({ client: tcpPeer('192.0.2.50', 50300, 10), server: tcpPeer('198.51.100.50', 2855, 20) }), text('q', 500), text('q-resp', 100)));
  cap.packet(tl.next(), qinq, sipDatagram(ua, px, true, sipOptions(ua, px, 2)));
  cap.packets(tl, qinq, simpleTcp(new TcpConversation({ client: tcpPeer('192.0.2.51', 50301, 30), server: tcpPeer('198.51.100.51', 2855, 40) }), text('qq', 500), text('qq-resp', 100)));
  cap.packet(tl.next(), double8100, sipDatagram(ua, px, true, sipOptions(ua, px, 3)));
  return cap;
}

/**
 * ipv6.pcap: IPv6 TCP without extension headers, TCP with a Destination Options header on every
 * segment, and UDP datagrams with Hop-by-Hop (Router Alert), a Segment Routing header (segments
 * left 0) and Destination Options, alone and chained.
 */
export function ipv6Sample(): SampleCapture {
  const cap = new SampleCapture('ipv6.pcap', 'ipv6Sample', 'IPv6 TCP and UDP, Hop-by-Hop / Routing (SRH) / Destination Options headers', {
    kind: 'pcap',
    linkType: LinkType.ETHERNET,
  });
  const tl = new Timeline({ startSec: T0 + 18_000, stepNs: 600_000 });
  const eth = ethernetLink();
  const a = '2001:db8:1::10';
  const b = '2001:db8:2::20';
  const plain = new TcpConversation({ client: tcpPeer(a, 50400, 0x0badcafe), server: tcpPeer(b, 2855, 0x00c0ffee) });
  cap.packets(tl, eth, simpleTcp(plain, text('v6', 3000), text('v6-resp', 200)));

  // Destination option type 0x1e: RFC 4727 experimental, action bits 00 = skip if unknown.
  const destOpt = { kind: 'destination' as const, options: [{ type: 0x1e, data: Uint8Array.of(0xaa, 0xbb, 0xcc, 0xdd) }] };
  const withDest = new TcpConversation({ client: tcpPeer(a, 50401, 5), server: tcpPeer(b, 2856, 6), ipv6Extensions: [destOpt] });
  cap.packets(tl, eth, simpleTcp(withDest, text('dst-opt', 400), text('dst-opt-resp', 100)));

  const ua: SipParty = { user: 'six', host: 'example.com', addr: a, port: 5060 };
  const px: SipParty = { user: 'px', host: 'example.net', addr: b, port: 5060 };
  // Router Alert (RFC 2711): option type 5, value 0.
  const hbh = { kind: 'hop-by-hop' as const, options: [{ type: 5, data: Uint8Array.of(0, 0) }] };
  // RFC 8754 SRH, segments left 0: the IPv6 destination is already the final one (segment[0]).
  const srh = { kind: 'routing' as const, routingType: 4, segmentsLeft: 0, data: srhData([ipv6Addr(b), ipv6Addr('2001:db8:ff::1')]) };
  const chains = [[hbh], [srh], [destOpt], [hbh, destOpt, srh, destOpt]];
  chains.forEach((extensions, i) => {
    cap.packet(
      tl.next(),
      eth,
      udpDatagram({
        src: ipAddr(a),
        dst: ipAddr(b),
        srcPort: 5060,
        dstPort: 5060,
        payload: sipOptions(ua, px, i + 1),
        ip: { extensions },
      }),
    );
  });
  return cap;
}

/**
 * fragments.pcap: a SIP INVITE of about 3000 bytes over UDP/IPv4 split into 3 fragments that
 * arrive last-first with the first one duplicated (2, 0, 0, 1), then its 100 Trying
 * unfragmented; and a UDP/IPv6 SIP MESSAGE of about 2600 bytes in 3 fragments arriving 1, 0, 2.
 */
export function fragments(): SampleCapture {
  const cap = new SampleCapture('fragments.pcap', 'fragments', 'IPv4 fragments out of order with a duplicate; IPv6 fragments out of order', {
    kind: 'pcap',
    linkType: LinkType.ETHERNET,
  });
  const tl = new Timeline({ startSec: T0 + 21_600, stepNs: 120_000 });
  const eth = ethernetLink();
  const a: SipParty = { user: 'frag', host: 'example.com', addr: '192.0.2.60', port: 5060 };
  const b: SipParty = { user: 'bob', host: 'example.net', addr: '198.51.100.60', port: 5060 };
  const call = sipCall(a, b, 'frag-call-1@192.0.2.60', msrpSdp(a, 49300, 'fr4g', 37), msrpSdp(b, 2855, 'bfr4g'));
  const invite = call[0]!.msg;
  const seg = udp({ src: ipAddr(a.addr), dst: ipAddr(b.addr), srcPort: 5060, dstPort: 5060, payload: invite });
  const v4 = ipv4Fragments({ src: ipAddr(a.addr), dst: ipAddr(b.addr), protocol: 17, id: 0x4242, payload: seg }, 1480, { order: [2, 0, 0, 1] });
  cap.packets(tl, eth, v4);
  const trying = sipMessage('SIP/2.0 100 Trying', [
    ['Via', `SIP/2.0/UDP ${a.addr}:5060;branch=z9hG4bKinv1`],
    ['From', `"frag" <${sipUri(a)}>;tag=frag-ca`],
    ['To', `<${sipUri(b)}>`],
    ['Call-ID', 'frag-call-1@192.0.2.60'],
    ['CSeq', '1 INVITE'],
  ]);
  cap.packet(tl.next(5_000_000), eth, sipDatagram(a, b, false, trying));

  const a6 = '2001:db8:1::60';
  const b6 = '2001:db8:2::60';
  const body = Buffer.from(text('message', 2400));
  const msg = sipMessage(
    `MESSAGE sip:bob@example.net SIP/2.0`,
    [
      ['Via', `SIP/2.0/UDP [${a6}]:5060;branch=z9hG4bKmsg1`],
      ['Max-Forwards', '70'],
      ['From', '<sip:frag@example.com>;tag=m6'],
      ['To', '<sip:bob@example.net>'],
      ['Call-ID', 'frag-msg-6@example.com'],
      ['CSeq', '1 MESSAGE'],
      ['Content-Type', 'text/plain'],
    ],
    body,
  );
  const seg6 = udp({ src: ipAddr(a6), dst: ipAddr(b6), srcPort: 5060, dstPort: 5060, payload: msg });
  // 1232 bytes: what fits in the IPv6 minimum MTU of 1280 (RFC 8200 section 5) after 48 bytes of headers.
  const v6 = ipv6Fragments({ src: ipAddr(a6), dst: ipAddr(b6), nextHeader: 17, payload: seg6 }, 1232, 0x6006_0001, { order: [1, 0, 2] });
  cap.packets(tl, eth, v6);
  return cap;
}

/**
 * tcp-faults.pcap: one connection whose client ISN is 4 KiB below 2^32 (sequence numbers wrap
 * inside the third data segment) with segments out of order (2 before 1), a duplicate
 * (retransmission) of segment 3, and an overlapping retransmission of segment 4 carrying
 * different bytes; a connection whose middle data segment was never captured (the receiver
 * ACKs past it); a connection first seen mid-stream (no SYN); and port reuse: a second
 * connection on the same 4-tuple after the first closed with FIN.
 */
export function tcpFaults(): SampleCapture {
  const cap = new SampleCapture('tcp-faults.pcap', 'tcpFaults', 'TCP: out-of-order, retransmission, overlap with different data, uncaptured segment, seq wrap, mid-stream start, port reuse', {
    kind: 'pcap',
    linkType: LinkType.ETHERNET,
  });
  const tl = new Timeline({ startSec: T0 + 25_200, stepNs: 400_000 });
  const eth = ethernetLink();
  const prng = new Prng(0x5eed_0001);

  // 1. Wrap-around connection with reordering, duplicate and conflicting overlap.
  const wrap = new TcpConversation({ client: tcpPeer('192.0.2.70', 50500, 0xffff_f000), server: tcpPeer('198.51.100.70', 2855, prng.u32()) });
  cap.packets(tl, eth, wrap.handshake());
  const data = wrap.send('c2s', text('wrap', 6000)); // 5 segments: 1460 * 4 + 160
  const overlap = wrap.retransmit(data[4]!, { offset: 20, payload: Buffer.from('X'.repeat(100)) });
  cap.packets(tl, eth, [...arrange(data, [0, 2, 1, 3, 3]), data[4]!, overlap]);
  cap.packets(tl, eth, [wrap.ack('s2c'), ...wrap.send('s2c', 'OK\r\n'), wrap.ack('c2s'), ...wrap.close('c2s')]);

  // 2. A data segment the capture missed: the receiver's ACK covers it.
  const lost = new TcpConversation({ client: tcpPeer('192.0.2.71', 50501, prng.u32()), server: tcpPeer('198.51.100.71', 2855, prng.u32()) });
  cap.packets(tl, eth, lost.handshake());
  cap.packets(tl, eth, arrange(lost.send('c2s', text('lost', 4000)), [0, 2]));
  cap.packets(tl, eth, [lost.ack('s2c'), ...lost.close('s2c')]);

  // 3. First seen mid-stream: data without a handshake, then a close.
  const mid = new TcpConversation({ client: tcpPeer('192.0.2.72', 50502, prng.u32()), server: tcpPeer('198.51.100.72', 2855, prng.u32()) });
  cap.packets(tl, eth, [...mid.send('c2s', text('mid', 800)), ...mid.send('s2c', text('mid-resp', 300)), mid.ack('c2s'), ...mid.close('c2s')]);

  // 4. Port reuse: same 4-tuple, new ISNs, after an orderly close.
  const first = new TcpConversation({ client: tcpPeer('192.0.2.73', 50503, 1000), server: tcpPeer('198.51.100.73', 2855, 2000) });
  cap.packets(tl, eth, simpleTcp(first, text('first', 200), text('first-resp', 50)));
  tl.advanceUs(1_000_000);
  const second = new TcpConversation({ client: tcpPeer('192.0.2.73', 50503, 900_000), server: tcpPeer('198.51.100.73', 2855, 800_000) });
  cap.packets(tl, eth, simpleTcp(second, text('second', 200), text('second-resp', 50)));
  return cap;
}

/**
 * tunnels.pcap: GRE (with checksum and key) carrying IPv4 TCP and IPv6 UDP; ERSPAN type II
 * carrying a TCP connection; ERSPAN type III carrying UDP; VXLAN carrying a TCP connection and UDP.
 */
export function tunnels(): SampleCapture {
  const cap = new SampleCapture('tunnels.pcap', 'tunnels', 'GRE, ERSPAN II, ERSPAN III and VXLAN carrying TCP and UDP', { kind: 'pcap', linkType: LinkType.ETHERNET });
  const tl = new Timeline({ startSec: T0 + 28_800, stepNs: 500_000 });
  const outer = (n: number): { outerSrc: Uint8Array; outerDst: Uint8Array } => ({ outerSrc: ipAddr(`10.255.${n}.1`), outerDst: ipAddr(`10.255.${n}.2`) });
  const greT = greTunnel({ ...outer(1), key: 0x1234, checksum: true });
  const erspan2 = erspanIITunnel({ ...outer(2), sessionId: 7 });
  const erspan3 = erspanIIITunnel({ ...outer(3), sessionId: 9 });
  const vx = vxlanTunnel({ ...outer(4), vni: 5001, srcPort: 54321 });
  const ua: SipParty = { user: 't', host: 'example.com', addr: '192.0.2.80', port: 5060 };
  const px: SipParty = { user: 'p', host: 'example.net', addr: '198.51.100.80', port: 5060 };
  const ua6: SipParty = { user: 't6', host: 'example.com', addr: '2001:db8:1::80', port: 5060 };
  const px6: SipParty = { user: 'p6', host: 'example.net', addr: '2001:db8:2::80', port: 5060 };

  const conv = (n: number): TcpConversation => new TcpConversation({ client: tcpPeer(`192.0.2.${80 + n}`, 50600 + n, 1000 * n), server: tcpPeer(`198.51.100.${80 + n}`, 2855, 2000 * n) });
  cap.packets(tl, greT, simpleTcp(conv(1), text('gre', 600), text('gre-resp', 100)));
  cap.packet(tl.next(), greT, sipDatagram(ua6, px6, true, sipOptions(ua6, px6, 1)));
  cap.packets(tl, erspan2, simpleTcp(conv(2), text('erspan2', 600), text('erspan2-resp', 100)));
  cap.packet(tl.next(), erspan3, sipDatagram(ua, px, true, sipOptions(ua, px, 2)));
  cap.packet(tl.next(), erspan3, sipDatagram(ua, px, false, sipOptions(px, ua, 3)));
  cap.packets(tl, vx, simpleTcp(conv(3), text('vxlan', 600), text('vxlan-resp', 100)));
  cap.packet(tl.next(), vx, sipDatagram(ua, px, true, sipOptions(ua, px, 4)));
  return cap;
}

/** A small IPv4 + IPv6 mix for the link-type samples: a TCP exchange and UDP both families. */
function linkTypeTraffic(cap: SampleCapture, tl: Timeline, link: Encapsulation, v4: [string, string], v6: [string, string]): void {
  const conv = new TcpConversation({ client: tcpPeer(v4[0], 50700, 4242), server: tcpPeer(v4[1], 2855, 2424) });
  cap.packets(tl, link, simpleTcp(conv, text('lt', 400), text('lt-resp', 80)));
  const u4: SipParty = { user: 'l4', host: 'example.com', addr: v4[0], port: 5060 };
  const p4: SipParty = { user: 'p4', host: 'example.net', addr: v4[1], port: 5060 };
  const u6: SipParty = { user: 'l6', host: 'example.com', addr: v6[0], port: 5060 };
  const p6: SipParty = { user: 'p6', host: 'example.net', addr: v6[1], port: 5060 };
  cap.packet(tl.next(), link, sipDatagram(u4, p4, true, sipOptions(u4, p4, 1)));
  cap.packet(tl.next(), link, sipDatagram(u6, p6, true, sipOptions(u6, p6, 2)));
  const conv6 = new TcpConversation({ client: tcpPeer(v6[0], 50701, 77), server: tcpPeer(v6[1], 2855, 88) });
  cap.packets(tl, link, simpleTcp(conv6, text('lt6', 300), text('lt6-resp', 60)));
}

/** null-loopback.pcap: LINKTYPE_NULL (BSD loopback), little-endian AF_INET (2) and AF_INET6 (30). */
export function nullLoopback(): SampleCapture {
  const cap = new SampleCapture('null-loopback.pcap', 'nullLoopback', 'LINKTYPE_NULL (BSD loopback), IPv4 and IPv6', { kind: 'pcap', linkType: LinkType.NULL });
  linkTypeTraffic(cap, new Timeline({ startSec: T0 + 32_400, stepNs: 50_000 }), bsdNullLink(), ['127.0.0.1', '127.0.0.1'], ['::1', '::1']);
  return cap;
}

/** sll2.pcap: LINKTYPE_LINUX_SLL2 (tcpdump -i any on Linux >= 3.x libpcap 1.10). */
export function sll2(): SampleCapture {
  const cap = new SampleCapture('sll2.pcap', 'sll2', 'LINKTYPE_LINUX_SLL2, IPv4 and IPv6', { kind: 'pcap', linkType: LinkType.LINUX_SLL2 });
  linkTypeTraffic(cap, new Timeline({ startSec: T0 + 36_000, stepNs: 75_000 }), linuxSll2Link({ interfaceIndex: 3, outgoingFrom: ipAddr('192.0.2.90') }), ['192.0.2.90', '198.51.100.90'], ['2001:db8:1::90', '2001:db8:2::90']);
  return cap;
}

/** raw-ip.pcap: LINKTYPE_RAW (101): frames start at the IP header (version nibble picks 4 or 6). */
export function rawIp(): SampleCapture {
  const cap = new SampleCapture('raw-ip.pcap', 'rawIp', 'LINKTYPE_RAW (101), IPv4 and IPv6', { kind: 'pcap', linkType: LinkType.RAW });
  linkTypeTraffic(cap, new Timeline({ startSec: T0 + 39_600, stepNs: 90_000 }), rawIpLink(), ['192.0.2.100', '198.51.100.100'], ['2001:db8:1::100', '2001:db8:2::100']);
  return cap;
}

/**
 * truncated-snaplen.pcap: snaplen 96, so every frame longer than 96 bytes is stored with
 * capLen 96 < origLen (TCP data segments, a SIP INVITE over UDP); the handshake fits.
 */
export function truncatedSnaplen(): SampleCapture {
  const cap = new SampleCapture('truncated-snaplen.pcap', 'truncatedSnaplen', 'snaplen 96: records with captured length < original length', {
    kind: 'pcap',
    linkType: LinkType.ETHERNET,
    snaplen: 96,
  });
  const tl = new Timeline({ startSec: T0 + 43_200, stepNs: 800_000 });
  const eth = ethernetLink();
  const a: SipParty = { user: 'snap', host: 'example.com', addr: '192.0.2.110', port: 5060 };
  const b: SipParty = { user: 'bob', host: 'example.net', addr: '198.51.100.110', port: 5060 };
  const call = sipCall(a, b, 'snap-call@192.0.2.110', msrpSdp(a, 49400, 'sn4p'), msrpSdp(b, 2855, 'bsn4p'));
  cap.packet(tl.next(), eth, sipDatagram(a, b, true, call[0]!.msg));
  const conv = new TcpConversation({ client: tcpPeer('192.0.2.110', 49400, 31337), server: tcpPeer('198.51.100.110', 2855, 73313) });
  cap.packets(tl, eth, simpleTcp(conv, text('snap', 3000), text('snap-resp', 500)));
  return cap;
}

/** truncated-file.pcap: a few complete frames, then a record whose data the file ends inside of. */
export function truncatedFile(): SampleCapture {
  const cap = new SampleCapture('truncated-file.pcap', 'truncatedFile', 'the last record is cut short (file ends inside packet data)', {
    kind: 'pcap',
    linkType: LinkType.ETHERNET,
  });
  const tl = new Timeline({ startSec: T0 + 46_800, stepNs: 1_000_000 });
  const eth = ethernetLink();
  const conv = new TcpConversation({ client: tcpPeer('192.0.2.120', 50800, 1), server: tcpPeer('198.51.100.120', 2855, 2) });
  cap.packets(tl, eth, [...conv.handshake(), ...conv.send('c2s', text('cut', 1000))]);
  // Keep the 16-byte record header and 40 of the 1054 data bytes.
  cap.cutLastRecord(16 + 40);
  return cap;
}

/**
 * bad-checksum.pcap: deliberately wrong checksums: an IPv4 header checksum, a UDP checksum over
 * IPv4 and over IPv6, a TCP checksum; plus a UDP datagram with checksum 0 over IPv4 (legal:
 * "no checksum", RFC 768) that must not count as bad.
 */
export function badChecksum(): SampleCapture {
  const cap = new SampleCapture('bad-checksum.pcap', 'badChecksum', 'IPv4 header, UDP (v4, v6) and TCP checksums deliberately wrong; one legal zero UDP checksum', {
    kind: 'pcap',
    linkType: LinkType.ETHERNET,
  });
  const tl = new Timeline({ startSec: T0 + 50_400, stepNs: 1_000_000 });
  const eth = ethernetLink();
  const a: SipParty = { user: 'ck', host: 'example.com', addr: '192.0.2.130', port: 5060 };
  const b: SipParty = { user: 'px', host: 'example.net', addr: '198.51.100.130', port: 5060 };
  const a6: SipParty = { ...a, addr: '2001:db8:1::130' };
  const b6: SipParty = { ...b, addr: '2001:db8:2::130' };
  const dg = (s: SipParty, d: SipParty, n: number, extra: object): BuiltPacket => udpDatagram({ src: ipAddr(s.addr), dst: ipAddr(d.addr), srcPort: 5060, dstPort: 5060, payload: sipOptions(s, d, n), ...extra });
  const bad = { badChecksum: true };
  cap.packet(tl.next(), eth, dg(a, b, 1, {}));
  const badIp = dg(a, b, 2, { ip: { ipv4Checksum: 'bad' } });
  cap.packet(tl.next(), eth, { ip: badIp.ip, facts: mergeFacts(badIp.facts, bad) });
  const badUdp = dg(a, b, 3, { checksum: 'bad' });
  cap.packet(tl.next(), eth, { ip: badUdp.ip, facts: mergeFacts(badUdp.facts, bad) });
  cap.packet(tl.next(), eth, dg(a, b, 4, { checksum: 'zero' }));
  const badUdp6 = dg(a6, b6, 5, { checksum: 'bad' });
  cap.packet(tl.next(), eth, { ip: badUdp6.ip, facts: mergeFacts(badUdp6.facts, bad) });
  const conv = new TcpConversation({ client: tcpPeer(a.addr, 50900, 4000), server: tcpPeer(b.addr, 2855, 5000) });
  cap.packets(tl, eth, conv.handshake());
  const seg = conv.segment('c2s', { flags: TcpFlags.ACK | TcpFlags.PSH, payload: text('bad', 100), advance: true, checksum: 'bad' });
  cap.packet(tl.next(), eth, { ip: seg.ip, facts: mergeFacts(seg.facts, bad) });
  cap.packets(tl, eth, [conv.ack('s2c'), ...conv.close('c2s')]);
  return cap;
}

/** Every foundation sample, in the order of samples/README.md. */
export const FOUNDATION_SAMPLES: readonly SampleDef[] = [
  { file: 'basic-ipv4.pcap', build: basicIpv4 },
  { file: 'nanosecond.pcap', build: nanosecond },
  { file: 'bigendian.pcap', build: bigEndian },
  { file: 'multi-interface.pcapng', build: multiInterface },
  { file: 'vlan-qinq.pcap', build: vlanQinq },
  { file: 'ipv6.pcap', build: ipv6Sample },
  { file: 'fragments.pcap', build: fragments },
  { file: 'tcp-faults.pcap', build: tcpFaults },
  { file: 'tunnels.pcap', build: tunnels },
  { file: 'null-loopback.pcap', build: nullLoopback },
  { file: 'sll2.pcap', build: sll2 },
  { file: 'raw-ip.pcap', build: rawIp },
  { file: 'truncated-snaplen.pcap', build: truncatedSnaplen },
  { file: 'truncated-file.pcap', build: truncatedFile },
  { file: 'bad-checksum.pcap', build: badChecksum },
];
