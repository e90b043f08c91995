import { describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { LinkType } from '../../../src/core/link-type.js';
import { decodeTransport } from '../../../src/decode/decode-transport.js';
import { Tunnel } from '../../../src/decode/decoded-packet.js';
import { formatIp } from '../../../src/decode/format-ip.js';
import { cat, decode, ext6, frag6, gre, hex, ipv4, ipv6, tcp, textBytes, udp } from '../../helpers/packet-builders.js';

describe('TCP (RFC 9293)', () => {
  it('header with options: ports, seq/ack, flags, window, payload after data offset', () => {
    const seg = hex(`
      13c4              // source port 5060
      9c40              // destination port 40000
      a1b2c3d4          // sequence number
      01020304          // acknowledgment number
      a0                // data offset 10 (40 bytes), reserved
      12                // flags SYN+ACK
      faf0              // window 64240
      0000              // checksum
      0000              // urgent pointer
      020405b4          // MSS 1460
      0402              // SACK permitted
      080a 00000001 00000000 // timestamps
      01                // NOP
      030307            // window scale 7
      4d535250          // payload "MSRP"
    `);
    const r = decode(LinkType.IPV4, ipv4({ proto: 6, payload: seg }));
    expect(r.codes).toEqual({});
    expect(r.out.l4).toBe(6);
    expect(r.out.srcPort).toBe(5060);
    expect(r.out.dstPort).toBe(40000);
    expect(r.out.tcpSeq).toBe(0xa1b2c3d4);
    expect(r.out.tcpAck).toBe(0x01020304);
    expect(r.out.tcpFlags).toBe(0x12);
    expect(r.out.tcpWindow).toBe(64240);
    expect(new TextDecoder().decode(r.out.payload)).toBe('MSRP');
  });

  it('all eight flag bits are kept', () => {
    const r = decode(LinkType.IPV4, ipv4({ proto: 6, payload: tcp({ sport: 1, dport: 2, flags: 0xff }) }));
    expect(r.out.tcpFlags).toBe(0xff);
  });

  it.each([
    ['data offset below 5', tcp({ sport: 1, dport: 2, dataOffset: 4 })],
    ['data offset beyond the segment', tcp({ sport: 1, dport: 2, dataOffset: 15 })],
    ['header cut short', tcp({ sport: 1, dport: 2 }).subarray(0, 19)],
  ])('%s: tcp.truncated_header, no transport', (_name, seg) => {
    const r = decode(LinkType.IPV4, ipv4({ proto: 6, payload: seg }));
    expect(r.codes).toEqual({ 'tcp.truncated_header': 1 });
    expect(r.out.l4).toBe(0);
    expect(r.out.srcPort).toBe(0);
  });
});

describe('UDP (RFC 768)', () => {
  it('header fields, one per line', () => {
    const r = decode(
      LinkType.IPV4,
      ipv4({
        proto: 17,
        payload: hex(`
          13c4      // source port 5060
          13c5      // destination port 5061
          000d      // length 13
          0000      // checksum
          5349500d0a // "SIP\\r\\n"
        `),
      }),
    );
    expect(r.codes).toEqual({});
    expect(r.out.l4).toBe(17);
    expect(r.out.srcPort).toBe(5060);
    expect(r.out.dstPort).toBe(5061);
    expect(r.out.payload.length).toBe(5);
  });

  it('length shorter than the IP payload trims the payload (surplus area)', () => {
    const r = decode(LinkType.IPV4, ipv4({ proto: 17, payload: cat(udp(1, 2, textBytes('abc')), textBytes('zz')) }));
    expect(r.codes).toEqual({});
    expect(new TextDecoder().decode(r.out.payload)).toBe('abc');
  });

  it('length beyond the datagram: bad_length, available bytes used', () => {
    const r = decode(LinkType.IPV4, ipv4({ proto: 17, payload: udp(1, 2, textBytes('abc'), 100) }));
    expect(r.codes).toEqual({ 'udp.bad_length': 1 });
    expect(new TextDecoder().decode(r.out.payload)).toBe('abc');
  });

  it('length beyond a snaplen-cut datagram is expected', () => {
    const full = ipv4({ proto: 17, payload: udp(1, 2, new Uint8Array(100)) });
    const r = decode(LinkType.IPV4, full.subarray(0, 40), full.length);
    expect(r.codes).toEqual({});
    expect(r.out.ipTruncated).toBe(true);
    expect(r.out.payload.length).toBe(12);
  });

  it('length below 8: bad_length, no transport', () => {
    const r = decode(LinkType.IPV4, ipv4({ proto: 17, payload: udp(1, 2, textBytes('abc'), 7) }));
    expect(r.codes).toEqual({ 'udp.bad_length': 1 });
    expect(r.out.l4).toBe(0);
  });

  it('length 0: reported over IPv4, legal over IPv6 (jumbogram)', () => {
    expect(decode(LinkType.IPV4, ipv4({ proto: 17, payload: udp(1, 2, textBytes('abc'), 0) })).codes).toEqual({ 'udp.bad_length': 1 });
    const r6 = decode(LinkType.IPV6, ipv6({ nextHeader: 17, payload: udp(1, 2, textBytes('abc'), 0) }));
    expect(r6.codes).toEqual({});
    expect(r6.out.payload.length).toBe(3);
  });

  it('header cut short', () => {
    const r = decode(LinkType.IPV4, ipv4({ proto: 17, payload: hex('0001 0002 0008') }));
    expect(r.codes).toEqual({ 'udp.truncated_header': 1 });
    expect(r.out.l4).toBe(0);
  });
});

describe('decodeTransport after reassembly', () => {
  it('decodes the reassembled payload the flow layer put in place', () => {
    const whole = udp(5060, 5060, textBytes('REGISTER sip:x SIP/2.0\r\n'));
    const first = decode(LinkType.IPV4, ipv4({ proto: 17, payload: whole.subarray(0, 16), mf: true }));
    expect(first.out.isFragment).toBe(true);
    expect(first.out.l4).toBe(0);
    // What the flow layer does once the datagram is complete:
    first.out.ipPayload = whole;
    first.out.isFragment = false;
    const sink = new AnomalyCounter();
    decodeTransport(first.out, 1, sink);
    expect(sink.total()).toBe(0);
    expect(first.out.l4).toBe(17);
    expect(first.out.dstPort).toBe(5060);
    expect(new TextDecoder().decode(first.out.payload)).toBe('REGISTER sip:x SIP/2.0\r\n');
    expect(first.out.payload.buffer).toBe(whole.buffer);
  });

  it('walks extension headers of a reassembled IPv6 fragmentable part (RFC 8200 4.5)', () => {
    const fragmentable = cat(ext6(17), udp(5060, 5061, textBytes('BYE sip:b SIP/2.0\r\n')));
    const r = decode(LinkType.IPV6, ipv6({ nextHeader: 44, payload: cat(frag6(60, 0, true, 77), fragmentable.subarray(0, 16)) }));
    expect(r.out.isFragment).toBe(true);
    expect(r.out.ipProto).toBe(60);
    r.out.ipPayload = fragmentable;
    r.out.isFragment = false;
    const sink = new AnomalyCounter();
    decodeTransport(r.out, 1, sink);
    expect(sink.total()).toBe(0);
    expect(r.out.ipProto).toBe(17);
    expect(r.out.l4).toBe(17);
    expect(r.out.dstPort).toBe(5061);
    expect(new TextDecoder().decode(r.out.payload)).toBe('BYE sip:b SIP/2.0\r\n');
  });

  it('decapsulates GRE from a reassembled carrier datagram', () => {
    const inner = ipv4({ proto: 6, src: '192.168.7.7', payload: tcp({ sport: 2855, dport: 40001, payload: textBytes('x') }) });
    const whole = gre({ proto: 0x0800, key: 5 }, inner);
    const r = decode(LinkType.IPV4, ipv4({ proto: 47, payload: whole.subarray(0, 8), mf: true }));
    r.out.ipPayload = whole;
    r.out.isFragment = false;
    const sink = new AnomalyCounter();
    decodeTransport(r.out, 1, sink);
    expect(sink.total()).toBe(0);
    expect(r.out.tunnel).toBe(Tunnel.GRE);
    expect(formatIp(r.out.src)).toBe('192.168.7.7');
    expect(r.out.srcPort).toBe(2855);
  });

  it('does nothing for a fragment or a packet without IP, and clears stale transport fields', () => {
    const r = decode(LinkType.IPV4, ipv4({ proto: 17, payload: udp(1, 2, textBytes('abc')) }));
    expect(r.out.l4).toBe(17);
    r.out.isFragment = true;
    const sink = new AnomalyCounter();
    decodeTransport(r.out, 1, sink);
    expect(r.out.l4).toBe(0);
    expect(r.out.payload.length).toBe(0);
    expect(sink.total()).toBe(0);
  });

  it('reports with the frame number it is given', () => {
    const r = decode(LinkType.IPV4, ipv4({ proto: 17, payload: udp(1, 2, new Uint8Array(0)) }));
    r.out.ipPayload = hex('0001 0002');
    const sink = new AnomalyCounter();
    decodeTransport(r.out, 42, sink);
    expect(sink.examplesOf('udp.truncated_header')[0]?.frame).toBe(42);
  });
});
