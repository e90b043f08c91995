/** SampleCapture: file bytes through the project writers and the expected-counts bookkeeping. */
import { describe, expect, it } from 'vitest';
import { ipAddr } from '../../../../samples/gen/lib/addr.js';
import { ethernetLink, vxlanTunnel } from '../../../../samples/gen/lib/encapsulation.js';
import { udpDatagram } from '../../../../samples/gen/lib/ip-packet.js';
import { SampleCapture } from '../../../../samples/gen/lib/sample-capture.js';
import { TcpConversation } from '../../../../samples/gen/lib/tcp-conversation.js';
import { Timeline } from '../../../../samples/gen/lib/timeline.js';
import { LinkType } from '../../../../src/core/link-type.js';
import { toHex, u32le } from '../../../../src/util/bytes.js';

const dg = (payload = 'x') => udpDatagram({ src: ipAddr('192.0.2.1'), dst: ipAddr('192.0.2.2'), srcPort: 1000, dstPort: 2000, payload });

describe('SampleCapture (pcap)', () => {
  it('writes the pcap header and records; truncates µs timestamps in the bookkeeping', () => {
    const cap = new SampleCapture('t.pcap', 'test', 'd', { kind: 'pcap', linkType: LinkType.ETHERNET });
    cap.packet({ sec: 10, nsec: 1_234_567 }, ethernetLink(), dg());
    const b = cap.bytes();
    expect(toHex(b, 0, 24)).toBe('d4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + '00000400' + '01000000');
    expect([u32le(b, 24), u32le(b, 28), u32le(b, 32), u32le(b, 36)]).toEqual([10, 1234, 43, 43]);
    const e = cap.expected();
    expect(e.firstTimestamp).toBe('10.001234000');
    expect({ frames: e.frames, ipv4: e.ipv4Frames, udp: e.udpDatagrams, tcp: e.tcpConnections }).toEqual({ frames: 1, ipv4: 1, udp: 1, tcp: 0 });
  });

  it('cuts frames to the snaplen and counts them; counts distinct TCP connections and tunnel facts', () => {
    const cap = new SampleCapture('s.pcap', 'test', 'd', { kind: 'pcap', linkType: LinkType.ETHERNET, snaplen: 60, nanosecond: true });
    const tl = new Timeline({ startSec: 5, startNsec: 7, stepNs: 1 });
    const c1 = new TcpConversation({ client: { addr: ipAddr('192.0.2.1'), port: 1, isn: 0 }, server: { addr: ipAddr('192.0.2.2'), port: 2, isn: 0 } });
    const c2 = new TcpConversation({ client: { addr: ipAddr('192.0.2.1'), port: 3, isn: 0 }, server: { addr: ipAddr('192.0.2.2'), port: 2, isn: 0 } });
    cap.packets(tl, ethernetLink(), [...c1.handshake(), ...c2.send('c2s', 'data'), dg('y'.repeat(100))]);
    cap.packet(tl.next(), vxlanTunnel({ outerSrc: ipAddr('10.0.0.1'), outerDst: ipAddr('10.0.0.2'), vni: 1 }), c1.ack('c2s'));
    const e = cap.expected();
    expect(e).toMatchObject({ frames: 6, tcpFrames: 5, tcpConnections: 2, udpDatagrams: 2, ipv4Frames: 6, truncatedRecords: 4, firstTimestamp: '5.000000007', lastTimestamp: '5.000000012' });
    // Cut: the two 62-byte SYNs (MSS/SACK options), the 142-byte UDP frame and the VXLAN frame.
    // The UDP frame is stored as 60 bytes with its original length.
    const b = cap.bytes();
    let off = 24;
    const caps: [number, number][] = [];
    while (off < b.length) {
      caps.push([u32le(b, off + 8), u32le(b, off + 12)]);
      off += 16 + u32le(b, off + 8);
    }
    expect(caps[4]).toEqual([60, 142]);
    expect(off).toBe(b.length);
  });

  it('cutLastRecord: the file ends inside the record, which no longer counts', () => {
    const cap = new SampleCapture('c.pcap', 'test', 'd', { kind: 'pcap', linkType: LinkType.ETHERNET });
    cap.packet({ sec: 1, nsec: 0 }, ethernetLink(), dg());
    cap.packet({ sec: 2, nsec: 0 }, ethernetLink(), dg());
    const full = cap.bytes().length;
    cap.cutLastRecord(20);
    expect(cap.bytes().length).toBe(full - (16 + 43) + 20);
    expect(cap.expected()).toMatchObject({ frames: 1, cutShort: true, lastTimestamp: '1.000000000' });
    expect(() => cap.packet({ sec: 3, nsec: 0 }, ethernetLink(), dg())).toThrow();
  });
});

describe('SampleCapture (pcapng)', () => {
  it('SPB frames have no timestamp and may not be first or last; interfaces keep their resolution', () => {
    const cap = new SampleCapture('n.pcapng', 'test', 'd', { kind: 'pcapng' });
    expect(() => cap.packet({ sec: 1, nsec: 0 }, ethernetLink(), dg())).toThrow(); // no section/interface yet
    cap.section();
    const a = cap.addInterface({ linkType: LinkType.ETHERNET, tsresol: 9 });
    const b = cap.addInterface({ linkType: LinkType.LINUX_SLL, tsresol: 3 });
    cap.packet({ sec: 1, nsec: 123_456_789 }, ethernetLink(), dg(), { interfaceId: a });
    cap.packet({ sec: 2, nsec: 0 }, ethernetLink(), dg(), { block: 'spb' });
    cap.packet({ sec: 3, nsec: 987_654_321 }, ethernetLink(), dg(), { interfaceId: b, block: 'opb' });
    expect(cap.expected()).toMatchObject({ frames: 3, linkTypes: [1, 113], firstTimestamp: '1.123456789', lastTimestamp: '3.987000000' });
    expect(() => cap.packet({ sec: 4, nsec: 0 }, ethernetLink(), dg(), { interfaceId: b, block: 'spb' })).toThrow();
    cap.packet({ sec: 4, nsec: 0 }, ethernetLink(), dg(), { block: 'spb' });
    expect(() => cap.expected()).toThrow(/SPB/);
  });
});
