/**
 * Fragmenter: table cases plus a seeded property test. The fragments are parsed back here with
 * a minimal independent reader (header fields by offset) and reassembled; the facts must flag
 * exactly the fragment that completes reassembly.
 */
import { describe, expect, it } from 'vitest';
import { ipv4Fragments, ipv6Fragments, splitPayload } from '../../../../samples/gen/lib/ip-fragmenter.js';
import { ipv4Addr, ipv6Addr } from '../../../../samples/gen/lib/addr.js';
import { internetChecksum } from '../../../../samples/gen/lib/checksum.js';
import { Prng } from '../../../../samples/gen/lib/prng.js';
import type { BuiltPacket } from '../../../../samples/gen/lib/frame-facts.js';
import { u16be, u32be } from '../../../../src/util/bytes.js';

interface Parsed {
  offset: number;
  more: boolean;
  id: number;
  data: Uint8Array;
}

function parse4(ip: Uint8Array): Parsed {
  const ihl = (ip[0]! & 0x0f) * 4;
  expect(internetChecksum([ip.subarray(0, ihl)])).toBe(0);
  const ff = u16be(ip, 6);
  return { offset: (ff & 0x1fff) * 8, more: (ff & 0x2000) !== 0, id: u16be(ip, 4), data: ip.subarray(ihl, u16be(ip, 2)) };
}

function parse6(ip: Uint8Array): Parsed {
  expect(ip[6]).toBe(44); // Fragment header directly after the fixed header
  const fo = u16be(ip, 42);
  return { offset: fo & 0xfff8, more: (fo & 1) !== 0, id: u32be(ip, 44), data: ip.subarray(48, 40 + u16be(ip, 4)) };
}

/** Reassembles in arrival order; returns the payload and the arrival index completing it (-1: never). */
function reassemble(frags: Parsed[], total: number): { out: Uint8Array; at: number } {
  const out = new Uint8Array(total);
  const have = new Uint8Array(total);
  let last = false;
  let at = -1;
  frags.forEach((f, i) => {
    out.set(f.data, f.offset);
    have.fill(1, f.offset, f.offset + f.data.length);
    if (!f.more) last = true;
    if (at < 0 && last && have.every((b) => b === 1)) at = i;
  });
  return { out, at };
}

function completing(pkts: BuiltPacket[]): number[] {
  return pkts.flatMap((p, i) => (p.facts.reassembled !== undefined ? [i] : []));
}

const payloadOf = (n: number, seed: number): Uint8Array => new Prng(seed).bytes(n);

describe('splitPayload', () => {
  it.each([
    [3008, 1480, [0, 1480, 2960], [1480, 1480, 48]],
    [16, 8, [0, 8], [8, 8]],
    [17, 13, [0, 8, 16], [8, 8, 1]], // size rounded down to 8
  ])('%i bytes by %i', (n, size, offsets, lengths) => {
    const p = splitPayload(new Uint8Array(n), size);
    expect(p.map((x) => x.offset)).toEqual(offsets);
    expect(p.map((x) => x.data.length)).toEqual(lengths);
    expect(p.map((x) => x.more)).toEqual(offsets.map((_, i) => i < offsets.length - 1));
  });

  it('rejects sizes below 8', () => {
    expect(() => splitPayload(new Uint8Array(10), 7)).toThrow(RangeError);
  });
});

describe('ipv4Fragments', () => {
  const base = { src: ipv4Addr('192.0.2.1'), dst: ipv4Addr('192.0.2.2'), protocol: 17, id: 0x4242 };

  it('out of order with a duplicate: completes on the last missing piece, UDP visible there only', () => {
    const payload = payloadOf(3008, 1);
    const pkts = ipv4Fragments({ ...base, payload }, 1480, { order: [2, 0, 0, 1] });
    const parsed = pkts.map((p) => parse4(p.ip));
    expect(parsed.map((p) => p.offset)).toEqual([2960, 0, 0, 1480]);
    expect(parsed.every((p) => p.id === 0x4242)).toBe(true);
    const { out, at } = reassemble(parsed, payload.length);
    expect(out).toEqual(payload);
    expect(at).toBe(3);
    expect(completing(pkts)).toEqual([3]);
    expect(pkts[3]!.facts).toEqual({ ipv4: true, udp: true, reassembled: 4 });
    expect(pkts[0]!.facts).toEqual({ ipv4: true });
  });

  it('a lost piece: nothing completes', () => {
    const pkts = ipv4Fragments({ ...base, payload: payloadOf(100, 2) }, 40, { order: [0, 2] });
    expect(completing(pkts)).toEqual([]);
  });

  it('overlap with conflicting bytes: extra piece carries the fill', () => {
    const payload = payloadOf(64, 3);
    const pkts = ipv4Fragments({ ...base, payload }, 32, { order: [0, 2, 1], overlaps: [{ start: 8, length: 16, fill: 0xee }] });
    const p = parse4(pkts[1]!.ip);
    expect(p.offset).toBe(8);
    expect([...p.data]).toEqual(new Array(16).fill(0xee));
    expect(completing(pkts)).toEqual([2]);
  });

  it('repeats only copied options (RFC 791) in later fragments', () => {
    const options = Uint8Array.of(0x94, 4, 0, 0, 0x07, 3, 4, 0); // Router Alert (copied), Record Route (not copied)
    const pkts = ipv4Fragments({ ...base, payload: payloadOf(64, 4), options }, 32);
    expect(pkts[0]!.ip[0]! & 0x0f).toBe(7);
    expect(pkts[1]!.ip[0]! & 0x0f).toBe(6);
    expect([...pkts[1]!.ip.subarray(20, 24)]).toEqual([0x94, 4, 0, 0]);
  });

  it('property: any arrival order with duplicates reassembles to the original, completing exactly once', () => {
    const prng = new Prng(0xf4a6);
    for (let iter = 0; iter < 200; iter++) {
      const payload = payloadOf(prng.int(9, 5000), iter);
      const size = prng.int(8, 1500);
      const n = Math.ceil(payload.length / (Math.floor(size / 8) * 8));
      const order = prng.shuffle([...Array(n).keys()]);
      for (let d = prng.int(0, 2); d > 0; d--) order.splice(prng.int(0, order.length), 0, prng.int(0, n - 1));
      const drop = prng.float() < 0.2 && n > 1 ? prng.int(0, n - 1) : -1;
      const arrival = drop >= 0 ? order.filter((i) => i !== drop) : order;
      const pkts = ipv4Fragments({ ...base, payload }, size, { order: arrival });
      const parsed = pkts.map((p) => parse4(p.ip));
      const { out, at } = reassemble(parsed, payload.length);
      // Independent expectation: complete at the first arrival by which every piece was seen.
      const firstSeen = [...Array(n).keys()].map((k) => arrival.indexOf(k));
      const expectedAt = drop >= 0 ? -1 : Math.max(...firstSeen);
      expect(at).toBe(expectedAt);
      expect(completing(pkts)).toEqual(expectedAt >= 0 ? [expectedAt] : []);
      if (expectedAt >= 0) expect(out).toEqual(payload);
    }
  });
});

describe('ipv6Fragments', () => {
  it('adds a Fragment header with the 32-bit id; reassembles out of order', () => {
    const payload = payloadOf(2686, 5);
    const pkts = ipv6Fragments({ src: ipv6Addr('2001:db8::1'), dst: ipv6Addr('2001:db8::2'), nextHeader: 17, payload }, 1232, 0x60060001, { order: [1, 0, 2] });
    const parsed = pkts.map((p) => parse6(p.ip));
    expect(parsed.map((p) => [p.offset, p.more])).toEqual([
      [1232, true],
      [0, true],
      [2464, false],
    ]);
    expect(parsed.every((p) => p.id === 0x60060001)).toBe(true);
    expect(pkts.map((p) => p.ip[40])).toEqual([17, 17, 17]); // Fragment header's next header
    expect(reassemble(parsed, payload.length).out).toEqual(payload);
    expect(completing(pkts)).toEqual([2]);
    expect(pkts[2]!.facts).toEqual({ ipv6: true, udp: true, reassembled: 6 });
  });
});
