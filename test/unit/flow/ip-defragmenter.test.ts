/**
 * IpDefragmenter: fragments in → whole datagram (or nothing) out.
 *
 * The payload is a 40-byte pattern (byte i = i + 1) split as RFC 791 requires: every fragment
 * but the last a multiple of 8 bytes. Offsets are in bytes (the decoder converts the 13-bit
 * field, counted in 8-byte units).
 */
import { describe, expect, it } from 'vitest';
import { IpProto } from '../../../src/decode/decoded-packet.js';
import { ConfigError } from '../../../src/core/errors.js';
import { IpDefragmenter } from '../../../src/flow/ip-defragmenter.js';
import { fragPacket, RecordingSink, type FragSpec } from '../../helpers/flow-test-helpers.js';

const PAYLOAD = Uint8Array.from({ length: 40 }, (_, i) => i + 1);
const V4 = { src: '192.0.2.1', dst: '192.0.2.2' };
const V6 = { src: '2001:db8::1', dst: '2001:db8::2' };

/** Fragment [offset, end) of PAYLOAD; `more` unless it ends the payload. */
function piece(offset: number, end: number, extra: Partial<FragSpec> = {}): FragSpec {
  return { ...V4, id: 0x1234, offset, more: end < PAYLOAD.length, data: PAYLOAD.slice(offset, end), ...extra };
}

interface Case {
  name: string;
  frags: FragSpec[];
  /** Index of the push that completes (returns true), or -1. */
  completesAt: number;
  payload?: Uint8Array;
  anomalies?: string[];
  stats?: Record<string, number>;
}

const cases: Case[] = [
  { name: 'in order', frags: [piece(0, 16), piece(16, 32), piece(32, 40)], completesAt: 2, payload: PAYLOAD, anomalies: [] },
  { name: 'reverse order', frags: [piece(32, 40), piece(16, 32), piece(0, 16)], completesAt: 2, payload: PAYLOAD, anomalies: [] },
  { name: 'shuffled', frags: [piece(16, 32), piece(32, 40), piece(0, 16)], completesAt: 2, payload: PAYLOAD },
  {
    name: 'exact duplicates are ignored silently',
    frags: [piece(0, 16), piece(0, 16), piece(32, 40), piece(32, 40), piece(16, 32)],
    completesAt: 4,
    payload: PAYLOAD,
    anomalies: [],
    stats: { duplicates: 2, overlaps: 0 },
  },
  {
    name: 'overlap with different bytes: reported, first data wins',
    frags: [piece(0, 16), { ...piece(8, 24), data: new Uint8Array(16).fill(0xee) }, piece(24, 40)],
    completesAt: 2,
    payload: (() => {
      const p = PAYLOAD.slice();
      p.fill(0xee, 16, 24);
      return p;
    })(),
    anomalies: ['ip.fragment_overlap'],
    stats: { overlaps: 1 },
  },
  {
    name: 'overlap with equal bytes but new boundaries: reported (RFC 5722 calls it overlap)',
    frags: [piece(0, 16), piece(8, 24), piece(24, 40)],
    completesAt: 2,
    payload: PAYLOAD,
    anomalies: ['ip.fragment_overlap'],
  },
  {
    name: 'missing middle fragment: never completes',
    frags: [piece(0, 16), piece(32, 40)],
    completesAt: -1,
    stats: { inFlight: 1, bytesHeld: 24 },
  },
  {
    name: 'fragment ending beyond 65535 bytes is dropped',
    frags: [{ ...V4, id: 1, offset: 65528, more: false, data: new Uint8Array(16) }],
    completesAt: -1,
    anomalies: ['ip.fragment_too_large'],
    stats: { dropped: 1, inFlight: 0 },
  },
  {
    name: 'two last fragments disagreeing on the end: the later one is dropped',
    frags: [piece(32, 40), { ...piece(32, 40), data: new Uint8Array(16) }, piece(0, 16), piece(16, 32)],
    completesAt: 3,
    payload: PAYLOAD,
    anomalies: ['ip.fragment_inconsistent'],
  },
  {
    name: 'a last fragment ending before stored data, and data past a known end: dropped',
    frags: [piece(16, 32), { ...piece(8, 16), more: false }, piece(32, 40), { ...piece(40, 48), more: true, data: new Uint8Array(8) }, piece(0, 16)],
    completesAt: 4,
    payload: PAYLOAD,
    anomalies: ['ip.fragment_inconsistent', 'ip.fragment_inconsistent'],
  },
  {
    name: 'non-last fragment not a multiple of 8 bytes: reported, still used',
    frags: [piece(0, 10), piece(10, 40)],
    completesAt: 1,
    payload: PAYLOAD,
    anomalies: ['ip.fragment_inconsistent'],
  },
  {
    name: 'truncated fragment (snaplen) cannot be placed: dropped',
    frags: [{ ...piece(0, 16), truncated: true }, piece(16, 40)],
    completesAt: -1,
    anomalies: ['ip.fragment_truncated'],
  },
  {
    name: 'IPv6 (32-bit identification)',
    frags: [
      { ...V6, id: 0x89abcdef, offset: 24, more: false, data: PAYLOAD.slice(24) },
      { ...V6, id: 0x89abcdef, offset: 0, more: true, data: PAYLOAD.slice(0, 24) },
    ],
    completesAt: 1,
    payload: PAYLOAD,
  },
  {
    name: 'same id but different source, protocol or version: separate datagrams',
    frags: [piece(0, 16), piece(16, 40, { src: '192.0.2.9' }), piece(16, 40, { proto: IpProto.TCP }), { ...V6, id: 0x1234, offset: 16, more: false, data: PAYLOAD.slice(16) }],
    completesAt: -1,
    stats: { inFlight: 4 },
  },
];

describe('IpDefragmenter: fragments in, datagram out', () => {
  it.each(cases)('$name', (c) => {
    const sink = new RecordingSink();
    const d = new IpDefragmenter(sink);
    let completedAt = -1;
    let payload: Uint8Array | undefined;
    c.frags.forEach((f, i) => {
      const pkt = fragPacket(f);
      const view = pkt.ipPayload;
      const done = d.push(pkt, i + 1, 100, 0);
      // The frame buffer is temporary: scribble over it after every push.
      view.fill(0x55);
      if (done) {
        expect(completedAt).toBe(-1);
        completedAt = i;
        expect(pkt.isFragment).toBe(false);
        expect(pkt.fragOffset).toBe(0);
        expect(pkt.fragMore).toBe(false);
        payload = pkt.ipPayload;
      }
    });
    expect(completedAt).toBe(c.completesAt);
    if (c.payload !== undefined) expect(payload).toEqual(c.payload);
    if (c.anomalies !== undefined) expect(sink.codes()).toEqual(c.anomalies);
    if (c.stats !== undefined) expect(d.stats()).toMatchObject(c.stats);
    if (c.completesAt >= 0) expect(d.stats()).toMatchObject({ reassembled: 1, inFlight: 0, bytesHeld: 0 });
  });

  it('a packet that is not a fragment, or an atomic fragment (RFC 6946), is whole as it is', () => {
    const d = new IpDefragmenter(new RecordingSink());
    const plain = fragPacket(piece(0, 40));
    plain.isFragment = false;
    expect(d.push(plain, 1, 1, 0)).toBe(true);
    const atomic = fragPacket({ ...V6, id: 7, offset: 0, more: false, data: PAYLOAD });
    const view = atomic.ipPayload;
    expect(d.push(atomic, 2, 1, 0)).toBe(true);
    expect(atomic.isFragment).toBe(false);
    expect(atomic.ipPayload).toBe(view);
    expect(d.stats()).toMatchObject({ atomic: 1, reassembled: 0, inFlight: 0 });
  });
});

describe('IpDefragmenter: timeouts and caps', () => {
  it('expire() drops datagrams timeoutSec after their first fragment', () => {
    const sink = new RecordingSink();
    const d = new IpDefragmenter(sink, { timeoutSec: 30 });
    d.push(fragPacket(piece(0, 16)), 1, 100, 0);
    d.push(fragPacket(piece(16, 32)), 2, 125, 0);
    d.expire(129.9);
    expect(d.stats().inFlight).toBe(1);
    d.expire(130);
    expect(sink.codes()).toEqual(['ip.fragment_timeout']);
    expect(d.stats()).toMatchObject({ inFlight: 0, bytesHeld: 0, timedOut: 1 });
  });

  it('a fragment for a datagram past its timeout starts over (old one reported)', () => {
    const sink = new RecordingSink();
    const d = new IpDefragmenter(sink, { timeoutSec: 30 });
    d.push(fragPacket(piece(0, 16)), 1, 100, 0);
    expect(d.push(fragPacket(piece(16, 40)), 2, 131, 0)).toBe(false);
    expect(sink.codes()).toEqual(['ip.fragment_timeout']);
    expect(d.stats()).toMatchObject({ inFlight: 1, bytesHeld: 24 });
  });

  it('datagram cap: the least recently updated datagram is evicted', () => {
    const sink = new RecordingSink();
    const d = new IpDefragmenter(sink, { maxDatagrams: 2 });
    d.push(fragPacket(piece(0, 16, { id: 1 })), 1, 1, 0);
    d.push(fragPacket(piece(0, 16, { id: 2 })), 2, 1, 0);
    d.push(fragPacket(piece(16, 32, { id: 1 })), 3, 1, 0); // id 1 is now the most recent
    d.push(fragPacket(piece(0, 16, { id: 3 })), 4, 1, 0);
    expect(sink.codes()).toEqual(['ip.fragment_evicted']);
    expect(sink.events[0]!.frame).toBe(4);
    // id 1 survived: it completes.
    const last = fragPacket(piece(32, 40, { id: 1 }));
    expect(d.push(last, 5, 1, 0)).toBe(true);
    expect(last.ipPayload).toEqual(PAYLOAD);
    expect(d.stats()).toMatchObject({ evicted: 1, inFlight: 1 });
  });

  it('byte cap: oldest datagrams are evicted until the held bytes fit', () => {
    const sink = new RecordingSink();
    const d = new IpDefragmenter(sink, { maxBytes: 65535 });
    const big = new Uint8Array(30000);
    for (let id = 1; id <= 3; id++) d.push(fragPacket({ ...V4, id, offset: 0, more: true, data: big }), id, 1, 0);
    expect(sink.codes()).toEqual(['ip.fragment_evicted']);
    expect(d.stats()).toMatchObject({ inFlight: 2, bytesHeld: 60000 });
  });

  it('rejects caps that could not hold one datagram', () => {
    expect(() => new IpDefragmenter(new RecordingSink(), { maxBytes: 1000 })).toThrow(ConfigError);
    expect(() => new IpDefragmenter(new RecordingSink(), { maxDatagrams: 0 })).toThrow(ConfigError);
    expect(() => new IpDefragmenter(new RecordingSink(), { timeoutSec: 0 })).toThrow(ConfigError);
  });
});
