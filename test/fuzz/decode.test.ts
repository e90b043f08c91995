/**
 * Fuzz/property test of the decode layer: random bytes and mutated valid frames for every link
 * type. Properties: never throws, terminates, reports a bounded number of anomalies per frame,
 * every view stays inside the frame buffer, the packet is internally consistent, and decoding
 * is stateless (same frame twice, same result). fast-check runs (test/helpers/check-property.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnomalyCounter, type AnomalySink } from '../../src/core/anomaly.js';
import { LinkType } from '../../src/core/link-type.js';
import { MAX_TUNNEL_DEPTH } from '../../src/decode/cursor.js';
import { decodeFrame } from '../../src/decode/decode-frame.js';
import { decodeTransport } from '../../src/decode/decode-transport.js';
import { createDecodedPacket, type DecodedPacket } from '../../src/decode/decoded-packet.js';
import { cat, controlChunk, dataChunk, erspan2, erspan3, eth, ext6, frag6, frameOf, gre, ipv4, ipv6, sctp, tcp, textBytes, udp, vxlan } from '../helpers/packet-builders.js';
import { checkProperty, type Rand, randOf } from '../helpers/check-property.js';

const tcpSeg = tcp({ sport: 40000, dport: 2855, payload: textBytes('MSRP x SEND\r\n-------x$\r\n'), options: Uint8Array.of(1, 1, 1, 1) });
const udpDg = udp(5060, 5060, textBytes('MESSAGE sip:a SIP/2.0\r\n'));
const ip4t = ipv4({ proto: 6, payload: tcpSeg });
const ip4u = ipv4({ proto: 17, payload: udpDg });
const ip6t = ipv6({ nextHeader: 0, payload: cat(ext6(43), ext6(60), ext6(6), tcpSeg) });
const ip6f = ipv6({ nextHeader: 44, payload: cat(frag6(17, 8, true, 3), udpDg) });
const e4 = eth(0x0800, ip4t, [
  [0x88a8, 1],
  [0x8100, 2],
]);
const tunnels = [
  eth(0x0800, ipv4({ proto: 47, payload: gre({ proto: 0x0800, key: 1, seq: 2, checksum: true }, ip4u) })),
  eth(0x0800, ipv4({ proto: 47, payload: gre({ proto: 0x6558 }, e4) })),
  eth(0x0800, ipv4({ proto: 47, payload: gre({ proto: 0x88be }, e4) })),
  eth(0x0800, ipv4({ proto: 47, payload: gre({ proto: 0x88be, seq: 1 }, erspan2(e4)) })),
  eth(0x86dd, ipv6({ nextHeader: 47, payload: gre({ proto: 0x22eb, seq: 1 }, erspan3(e4, { subheader: true })) })),
  eth(0x0800, ipv4({ proto: 47, payload: gre({ proto: 0x22eb, seq: 1 }, erspan3(ip6t, { frameType: 2 })) })),
  eth(0x0800, ipv4({ proto: 17, payload: udp(1, 4789, vxlan(9, eth(0x86dd, ip6t))) })),
];

const sctpPkt = sctp({ sport: 57098, dport: 5060 }, controlChunk(3, new Uint8Array(12)), dataChunk({ tsn: 1, data: textBytes('INVITE sip:a SIP/2.0\r\n'), frag: 'B' }), dataChunk({ tsn: 2, data: textBytes('x'), frag: 'E' }));
/** IP-in-IP (protocols 4 and 41, in IPv4 and IPv6) and SCTP. */
const ipInIp = [
  ipv4({ proto: 4, payload: ip4t }),
  ipv4({ proto: 41, payload: ip6t }),
  ipv6({ nextHeader: 4, payload: ipv4({ proto: 132, payload: sctpPkt }) }),
  ipv6({ nextHeader: 41, payload: ipv6({ nextHeader: 41, payload: ip6f }) }),
  ipv4({ proto: 132, payload: sctpPkt }),
];

/** Valid seed frames per link type. */
const SEEDS: [number, Uint8Array[]][] = [
  [LinkType.ETHERNET, [e4, eth(0x86dd, ip6t), eth(0x86dd, ip6f), ...tunnels]],
  [LinkType.LINUX_SLL, [cat(Uint8Array.of(0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x81, 0x00, 0, 5, 0x08, 0), ip4t)]],
  [LinkType.LINUX_SLL2, [cat(Uint8Array.of(0x86, 0xdd, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0), ip6t)]],
  [LinkType.NULL, [cat(Uint8Array.of(2, 0, 0, 0), ip4u), cat(Uint8Array.of(0, 0, 0, 28), ip6t)]],
  [LinkType.LOOP, [cat(Uint8Array.of(0, 0, 0, 2), ip4t), cat(Uint8Array.of(0, 0, 0, 24), ip6f)]],
  [LinkType.RAW, [ip4t, ip6t, ip6f, ...ipInIp]],
  [LinkType.RAW_12, [ip4t, ...ipInIp]],
  [LinkType.RAW_14, [ip6t, ...ipInIp]],
  [LinkType.IPV4, [ip4t, ip4u, ipv4({ proto: 47, payload: gre({ proto: 0x0800 }, ip4t) })]],
  [LinkType.IPV6, [ip6t, ip6f, ipv6({ nextHeader: 47, payload: gre({ proto: 0x86dd }, ip6t) })]],
  [147, [ip4t]], // unsupported link type
];

function mutate(rnd: Rand, seed: Uint8Array): Uint8Array {
  const b = Uint8Array.from(seed);
  const edits = 1 + Math.floor(rnd() * 6);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * Math.max(1, b.length));
    switch (Math.floor(rnd() * 5)) {
      case 0: // bit flip
        if (b.length > 0) b[at] = b[at]! ^ (1 << Math.floor(rnd() * 8));
        break;
      case 1: // random byte
        if (b.length > 0) b[at] = Math.floor(rnd() * 256);
        break;
      case 2: // interesting values in length-ish places
        if (b.length > 1) {
          const v = [0, 1, 0xff, 0x7f, 0x80, 0x40, 0x45, 0x60][Math.floor(rnd() * 8)]!;
          b[at] = v;
        }
        break;
      case 3: // truncate
        return b.subarray(0, at);
      default: // append garbage
        return cat(b, rnd.bytes(Math.floor(rnd() * 32)));
    }
  }
  return b;
}

/** Counts reports so the per-frame bound can be checked. */
class CountingSink implements AnomalySink {
  n = 0;
  readonly counter = new AnomalyCounter(0);
  report(code: Parameters<AnomalySink['report']>[0], frame?: number, detail?: string): void {
    this.n++;
    this.counter.report(code, frame, detail);
  }
}

function within(view: Uint8Array, buf: Uint8Array): boolean {
  if (view.length === 0) return true;
  return view.buffer === buf.buffer && view.byteOffset >= buf.byteOffset && view.byteOffset + view.length <= buf.byteOffset + buf.length;
}

function checkInvariants(out: DecodedPacket, data: Uint8Array): void {
  expect([0, 4, 6]).toContain(out.ipVersion);
  if (out.ipVersion === 4) expect([out.src.length, out.dst.length]).toEqual([4, 4]);
  if (out.ipVersion === 6) expect([out.src.length, out.dst.length]).toEqual([16, 16]);
  if (out.ipVersion === 4) expect(out.sawIpv4).toBe(true);
  if (out.ipVersion === 6) expect(out.sawIpv6).toBe(true);
  expect(out.tunnelDepth).toBeLessThanOrEqual(MAX_TUNNEL_DEPTH);
  expect(out.tunnelDepth === 0).toBe(out.tunnel === 0);
  for (const v of [out.ipPayload, out.payload]) expect(within(v, data)).toBe(true);
  if (out.ipVersion !== 0) expect(out.src.buffer).toBe(out.addrSlots.src4.buffer);
  if (out.l4 !== 0) {
    expect(out.isFragment).toBe(false);
    expect(out.ipVersion).not.toBe(0);
    expect(out.srcPort).toBeLessThan(65536);
  }
  if (out.isFragment) expect(out.fragMore || out.fragOffset > 0).toBe(true);
  expect(out.vlanId).toBeLessThan(4096);
}

const snapshot = (p: DecodedPacket): string => JSON.stringify(p, (_k, v: unknown) => (v instanceof Uint8Array ? `${v.byteOffset}:${v.length}` : v));

/** Loose upper bound on reports per frame: a few per layer, layers bounded by the tunnel limit. */
const MAX_REPORTS_PER_FRAME = 8 * (MAX_TUNNEL_DEPTH + 1);

describe('decode fuzz', () => {
  it.each(SEEDS.map(([lt, seeds]) => [lt, seeds] as const))('link type %i: mutated valid frames and random bytes', (lt, seeds) => {
    const out = createDecodedPacket();
    const again = createDecodedPacket();
    const sink = new CountingSink();
    // A quarter random bytes, the rest mutated seeds; a fifth of the frames claim 100 bytes more
    // on the wire than captured (snap length cut).
    const frameData = fc.oneof({ weight: 1, arbitrary: fc.uint8Array({ maxLength: 159 }) }, { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...seeds), fc.gen()).map(([seed, g]) => mutate(randOf(g), seed)) });
    checkProperty(
      { seed: 0x5eed + lt, numRuns: 3000 },
      fc.property(frameData, fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 1 << 30 }), (data, cutOneInFive, i) => {
        const frame = frameOf(lt, data, cutOneInFive === 0 ? data.length + 100 : data.length, i);
        sink.n = 0;
        decodeFrame(frame, out, sink);
        expect(sink.n).toBeLessThanOrEqual(MAX_REPORTS_PER_FRAME);
        checkInvariants(out, data);
        decodeFrame(frame, again, new AnomalyCounter(0));
        expect(snapshot(again)).toBe(snapshot(out));
        // The flow layer's second entry point on whatever IP payload this frame had.
        if (out.ipVersion !== 0) {
          out.isFragment = false;
          sink.n = 0;
          decodeTransport(out, i, sink);
          expect(sink.n).toBeLessThanOrEqual(MAX_REPORTS_PER_FRAME);
          checkInvariants(out, data);
        }
      }),
    );
  });

  it('decodeTransport on random payloads of every interesting protocol', () => {
    const out = createDecodedPacket();
    const sink = new CountingSink();
    const layer = fc.record({
      payload: fc.uint8Array({ maxLength: 119 }),
      version: fc.constantFrom(4, 6),
      proto: fc.constantFrom(6, 17, 47, 1, 50, 4, 41, 132),
      truncated: fc.integer({ min: 0, max: 9 }).map((n) => n < 3),
      depth: fc.integer({ min: 0, max: MAX_TUNNEL_DEPTH }),
      frameNo: fc.nat(),
    });
    checkProperty(
      { seed: 42, numRuns: 5000 },
      fc.property(layer, ({ payload, version, proto, truncated, depth, frameNo }) => {
        out.ipVersion = version;
        out.ipProto = proto;
        out.ipPayload = payload;
        out.isFragment = false;
        out.ipTruncated = truncated;
        out.tunnelDepth = depth;
        out.tunnel = out.tunnelDepth === 0 ? 0 : 1;
        sink.n = 0;
        decodeTransport(out, frameNo, sink);
        expect(sink.n).toBeLessThanOrEqual(MAX_REPORTS_PER_FRAME);
        expect(out.tunnelDepth).toBeLessThanOrEqual(MAX_TUNNEL_DEPTH);
        expect(within(out.payload, payload)).toBe(true);
      }),
    );
  });

  it('a frame of nested tunnels as deep as the frame allows terminates with tunnel_too_deep', () => {
    let pkt = ip4t;
    for (let i = 0; i < 200; i++) pkt = ipv4({ proto: 47, payload: gre({ proto: 0x0800 }, pkt) });
    const sink = new CountingSink();
    const out = createDecodedPacket();
    decodeFrame(frameOf(LinkType.IPV4, pkt), out, sink);
    expect(sink.counter.toJSON()).toEqual({ 'decode.tunnel_too_deep': 1 });
    expect(out.tunnelDepth).toBe(MAX_TUNNEL_DEPTH);
  });

  it('a frame of nested IP-in-IP headers as deep as the frame allows terminates with tunnel_too_deep', () => {
    let pkt = ip4t;
    for (let i = 0; i < 1000; i++) pkt = ipv4({ proto: 4, payload: pkt });
    const sink = new CountingSink();
    const out = createDecodedPacket();
    decodeFrame(frameOf(LinkType.RAW_12, pkt), out, sink);
    expect(sink.counter.toJSON()).toEqual({ 'decode.tunnel_too_deep': 1 });
    expect(out.tunnelDepth).toBe(MAX_TUNNEL_DEPTH);
  });
});
