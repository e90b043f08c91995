/**
 * TcpTracker + TcpStreamReassembler: segments in → (data | gap | end) events out.
 *
 * Every scenario is one client 10.0.0.1:40000 and one server 10.0.0.2:2855 unless it says
 * otherwise. Client ISN 1000 (data from 1001), server ISN 5000 (data from 5001). Frame numbers
 * are step index + 1; capture time is `t` (default 1000 s). Event lines read
 * `<conn><C|S> data '<bytes>' f<frame>` / `gap <n> f<frame>` / `end <reason>`.
 */
import { describe, expect, it } from 'vitest';
import type { AnomalyCode } from '../../../src/core/anomaly.js';
import { ConfigError } from '../../../src/core/errors.js';
import { HELD_SEGMENT_OVERHEAD, looksLikeServerPort, TcpTracker, type TcpTrackerOptions } from '../../../src/flow/tcp-tracker.js';
import type { TcpConnectionInfo } from '../../../src/flow/stream-consumer.js';
import { RecordingFactory, RecordingSink, tcpPacket, ascii } from '../../helpers/flow-test-helpers.js';

const C = { src: '10.0.0.1', sport: 40000, dst: '10.0.0.2', dport: 2855 };
const S = { src: '10.0.0.2', sport: 2855, dst: '10.0.0.1', dport: 40000 };

interface Step {
  d: 'C' | 'S';
  seq: number;
  ack?: number;
  f: string;
  data?: string;
  t?: number;
}

interface RunOptions {
  tracker?: Partial<TcpTrackerOptions>;
  flush?: boolean;
  interested?: (c: TcpConnectionInfo) => boolean;
}

function run(steps: Step[], o: RunOptions = {}) {
  const sink = new RecordingSink();
  const factory = new RecordingFactory(o.interested);
  const tracker = new TcpTracker(factory, sink, o.tracker);
  steps.forEach((s, i) => {
    const e = s.d === 'C' ? C : S;
    tracker.packet(tcpPacket({ ...e, seq: s.seq, ack: s.ack, flags: s.f, data: s.data }), i + 1, s.t ?? 1000, 0);
  });
  if (o.flush !== false) tracker.flush();
  expect(factory.violations).toEqual([]);
  return { sink, factory, tracker };
}

const HANDSHAKE: Step[] = [
  { d: 'C', seq: 1000, f: 'S' },
  { d: 'S', seq: 5000, ack: 1001, f: 'SA' },
  { d: 'C', seq: 1001, ack: 5001, f: 'A' },
];

interface Case {
  name: string;
  steps: Step[];
  opts?: RunOptions;
  lines: string[];
  anomalies?: AnomalyCode[];
  stats?: Partial<ReturnType<TcpTracker['stats']>>;
}

const cases: Case[] = [
  {
    name: 'in order, both directions, FIN both ways (SYN and FIN each take one sequence number)',
    steps: [
      ...HANDSHAKE,
      { d: 'C', seq: 1001, ack: 5001, f: 'PA', data: 'hello ' },
      { d: 'C', seq: 1007, ack: 5001, f: 'PA', data: 'world' },
      { d: 'S', seq: 5001, ack: 1012, f: 'PA', data: 'ok' },
      { d: 'C', seq: 1012, ack: 5003, f: 'FA' },
      { d: 'S', seq: 5003, ack: 1013, f: 'FA' },
      { d: 'C', seq: 1013, ack: 5004, f: 'A' },
    ],
    lines: ["0C data 'hello ' f4", "0C data 'world' f5", "0S data 'ok' f6", '0C end fin', '0S end fin'],
    stats: { connections: 1, retransmissions: 0, outOfOrder: 0, gaps: 0 },
  },
  {
    name: 'out of order: held until the hole is filled, each piece keeps its own frame',
    steps: [...HANDSHAKE, { d: 'C', seq: 1011, f: 'PA', data: 'third' }, { d: 'C', seq: 1006, f: 'PA', data: 'secnd' }, { d: 'C', seq: 1001, f: 'PA', data: 'first' }],
    lines: ["0C data 'first' f6", "0C data 'secnd' f5", "0C data 'third' f4", '0C end shutdown', '0S end shutdown'],
    stats: { outOfOrder: 2, retransmissions: 0, heldBytes: 0 },
  },
  {
    name: 'exact duplicate: dropped and counted',
    steps: [...HANDSHAKE, { d: 'C', seq: 1001, f: 'PA', data: 'hello' }, { d: 'C', seq: 1001, f: 'PA', data: 'hello' }],
    lines: ["0C data 'hello' f4", '0C end shutdown', '0S end shutdown'],
    stats: { retransmissions: 1, overlapsDifferent: 0 },
  },
  {
    name: 'duplicate of a held segment: dropped and counted',
    steps: [...HANDSHAKE, { d: 'C', seq: 1006, f: 'PA', data: 'world' }, { d: 'C', seq: 1006, f: 'PA', data: 'world' }, { d: 'C', seq: 1001, f: 'PA', data: 'hello' }],
    lines: ["0C data 'hello' f6", "0C data 'world' f4", '0C end shutdown', '0S end shutdown'],
    stats: { retransmissions: 1, outOfOrder: 1 },
  },
  {
    name: 'overlap with the same data and new boundaries: only the new bytes are kept',
    steps: [...HANDSHAKE, { d: 'C', seq: 1006, f: 'PA', data: 'world' }, { d: 'C', seq: 1004, f: 'PA', data: 'lowor' }, { d: 'C', seq: 1001, f: 'PA', data: 'hel' }],
    lines: ["0C data 'hel' f6", "0C data 'lo' f5", "0C data 'world' f4", '0C end shutdown', '0S end shutdown'],
    anomalies: [],
  },
  {
    name: 'overlap with different data on held bytes: first data wins, reported',
    steps: [...HANDSHAKE, { d: 'C', seq: 1006, f: 'PA', data: 'world' }, { d: 'C', seq: 1006, f: 'PA', data: 'WORLD' }, { d: 'C', seq: 1001, f: 'PA', data: 'hello' }],
    // The consumer hears of the conflict right before the contradicted bytes (issue 12: a framer
    // cuts there).
    lines: ["0C data 'hello' f6", '0C conflict f4', "0C data 'world' f4", '0C end shutdown', '0S end shutdown'],
    anomalies: ['tcp.overlap_different_data'],
    stats: { overlapsDifferent: 1 },
  },
  {
    name: 'in-order segment running into held data with different bytes: prefix direct, held bytes win',
    steps: [...HANDSHAKE, { d: 'C', seq: 1006, f: 'PA', data: 'world' }, { d: 'C', seq: 1001, f: 'PA', data: 'helloWORLD!' }],
    lines: ["0C data 'hello' f5", '0C conflict f4', "0C data 'world' f4", "0C data '!' f5", '0C end shutdown', '0S end shutdown'],
    anomalies: ['tcp.overlap_different_data'],
  },
  {
    name: 'partial overlap with an already delivered prefix, same bytes: only the tail is new',
    steps: [...HANDSHAKE, { d: 'C', seq: 1001, f: 'PA', data: 'hello' }, { d: 'C', seq: 1004, f: 'PA', data: 'loxyz' }],
    lines: ["0C data 'hello' f4", "0C data 'xyz' f5", '0C end shutdown', '0S end shutdown'],
    anomalies: [],
    stats: { retransmissions: 1 },
  },
  {
    name: 'partial overlap with an already delivered prefix, different bytes: reported, tail delivered',
    steps: [...HANDSHAKE, { d: 'C', seq: 1001, f: 'PA', data: 'hello' }, { d: 'C', seq: 1004, f: 'PA', data: 'LOxyz' }],
    lines: ["0C data 'hello' f4", '0C conflict f5', "0C data 'xyz' f5", '0C end shutdown', '0S end shutdown'],
    anomalies: ['tcp.overlap_different_data'],
  },
  {
    name: 'retransmission of delivered data with different bytes: reported, nothing delivered',
    steps: [...HANDSHAKE, { d: 'C', seq: 1001, f: 'PA', data: 'hello' }, { d: 'C', seq: 1001, f: 'PA', data: 'jello' }],
    lines: ["0C data 'hello' f4", '0C conflict f5', '0C end shutdown', '0S end shutdown'],
    anomalies: ['tcp.overlap_different_data'],
  },
  {
    name: 'keep-alive probe (1 garbage byte at next-1): not data, not a different-data overlap',
    steps: [...HANDSHAKE, { d: 'C', seq: 1001, f: 'PA', data: 'hello' }, { d: 'C', seq: 1005, f: 'A', data: '\0' }],
    lines: ["0C data 'hello' f4", '0C end shutdown', '0S end shutdown'],
    anomalies: [],
    stats: { keepAlives: 1, retransmissions: 0 },
  },
  {
    name: 'sequence wrap-around at 2^32 (ISN 0xFFFFFFF0), out of order across the wrap',
    steps: [
      { d: 'C', seq: 0xfffffff0, f: 'S' },
      { d: 'S', seq: 5000, ack: 0xfffffff1, f: 'SA' },
      { d: 'C', seq: 0xfffffff1, f: 'PA', data: 'abcdefghijklmno' }, // 15 bytes: ..FFFFFFFF
      { d: 'C', seq: 3, f: 'PA', data: 'stu' },
      { d: 'C', seq: 0, f: 'PA', data: 'pqr' },
      { d: 'C', seq: 6, f: 'FA' },
    ],
    lines: ["0C data 'abcdefghijklmno' f3", "0C data 'pqr' f5", "0C data 'stu' f4", '0C end fin', '0S end shutdown'],
  },
  {
    name: 'SYN carrying data (TCP Fast Open): data starts after the SYN',
    steps: [
      { d: 'C', seq: 1000, f: 'S', data: 'early' },
      { d: 'S', seq: 5000, ack: 1006, f: 'SA' },
      { d: 'C', seq: 1006, f: 'PA', data: '+more' },
    ],
    lines: ["0C data 'early' f1", "0C data '+more' f3", '0C end shutdown', '0S end shutdown'],
  },
  {
    // The consumer is asked for at the first segment with payload or FIN: none here.
    name: 'zero-length segments and pure ACKs deliver nothing (and create no consumer)',
    steps: [...HANDSHAKE, { d: 'S', seq: 5001, ack: 1001, f: 'A' }, { d: 'C', seq: 1001, ack: 5001, f: 'PA' }],
    lines: [],
  },
  {
    name: 'FIN arriving before the hole is filled: the direction ends once the data is complete',
    steps: [...HANDSHAKE, { d: 'C', seq: 1006, f: 'FPA', data: 'world' }, { d: 'C', seq: 1001, f: 'PA', data: 'hello' }, { d: 'S', seq: 5001, f: 'FA' }],
    lines: ["0C data 'hello' f5", "0C data 'world' f4", '0C end fin', '0S end fin'],
    opts: { flush: false },
  },
  {
    name: 'data beyond the FIN is not part of the stream',
    steps: [...HANDSHAKE, { d: 'C', seq: 1001, f: 'FPA', data: 'abc' }, { d: 'C', seq: 1004, f: 'PA', data: 'zzz' }],
    lines: ["0C data 'abc' f4", '0C end fin', '0S end shutdown'],
  },
  {
    name: 'RST ends both directions; held data is delivered after a gap',
    steps: [...HANDSHAKE, { d: 'C', seq: 1006, f: 'PA', data: 'world' }, { d: 'S', seq: 5001, f: 'R' }, { d: 'C', seq: 1011, f: 'PA', data: 'late' }],
    lines: ['0C gap 5 f4', "0C data 'world' f4", '0C end rst', '0S end rst'],
    anomalies: ['tcp.gap'],
    opts: { flush: false },
    stats: { gaps: 1, gapBytes: 5, heldBytes: 0 },
  },
  {
    name: 'never-filled hole delivered at flush (end of input)',
    steps: [...HANDSHAKE, { d: 'C', seq: 1001, f: 'PA', data: 'ab' }, { d: 'C', seq: 1010, f: 'PA', data: 'xy' }],
    lines: ["0C data 'ab' f4", '0C gap 7 f5', "0C data 'xy' f5", '0C end shutdown', '0S end shutdown'],
    anomalies: ['tcp.gap'],
  },
  {
    name: 'hole before a FIN, never filled: gap at flush, then the FIN ends the direction',
    steps: [...HANDSHAKE, { d: 'C', seq: 1004, f: 'FA' }],
    lines: ['0C gap 3 f4', '0C end fin', '0S end shutdown'],
    anomalies: ['tcp.gap'],
  },
  {
    name: 'hole older than holeTimeoutSec is given up when a later packet of the connection arrives',
    steps: [...HANDSHAKE, { d: 'C', seq: 1006, f: 'PA', data: 'world', t: 1000 }, { d: 'S', seq: 5001, ack: 1001, f: 'A', t: 1009 }, { d: 'S', seq: 5001, ack: 1001, f: 'A', t: 1010 }],
    opts: { tracker: { holeTimeoutSec: 10 }, flush: false },
    lines: ['0C gap 5 f4', "0C data 'world' f4"],
    anomalies: ['tcp.gap'],
  },
  {
    name: 'too many held segments: holes become gaps (per-direction cap)',
    steps: [...HANDSHAKE, { d: 'C', seq: 1003, f: 'PA', data: 'c' }, { d: 'C', seq: 1005, f: 'PA', data: 'e' }, { d: 'C', seq: 1007, f: 'PA', data: 'g' }],
    opts: { tracker: { maxHeldSegmentsPerDirection: 2 }, flush: false },
    // Three held segments > 2: the first hole goes, 'c' is delivered, two remain (= the cap).
    lines: ['0C gap 2 f4', "0C data 'c' f4"],
    anomalies: ['tcp.reassembly_limit', 'tcp.gap'],
    stats: { heldBytes: 2 },
  },
  {
    name: 'too many held bytes: holes become gaps until under the cap',
    steps: [...HANDSHAKE, { d: 'C', seq: 1003, f: 'PA', data: 'cccc' }, { d: 'C', seq: 1009, f: 'PA', data: 'iiiii' }],
    opts: { tracker: { maxHeldBytesPerDirection: 8 }, flush: false },
    lines: ['0C gap 2 f4', "0C data 'cccc' f4"],
    anomalies: ['tcp.reassembly_limit', 'tcp.gap'],
    stats: { heldBytes: 5 },
  },
  {
    name: 'port reuse after close: a SYN with a new ISN starts a new connection (new id)',
    steps: [
      ...HANDSHAKE,
      { d: 'C', seq: 1001, f: 'PA', data: 'one' },
      { d: 'C', seq: 1004, f: 'FA' },
      { d: 'S', seq: 5001, f: 'FA' },
      { d: 'C', seq: 1005, ack: 5002, f: 'A' },
      { d: 'C', seq: 9000, f: 'S' },
      { d: 'S', seq: 7000, ack: 9001, f: 'SA' },
      { d: 'C', seq: 9001, f: 'PA', data: 'two' },
    ],
    lines: ["0C data 'one' f4", '0C end fin', '0S end fin', "1C data 'two' f10", '1C end shutdown', '1S end shutdown'],
    anomalies: [],
    stats: { connections: 2, reused: 1 },
  },
  {
    name: 'retransmitted SYN (same ISN) stays on the connection',
    steps: [
      { d: 'C', seq: 1000, f: 'S' },
      { d: 'C', seq: 1000, f: 'S' },
      { d: 'S', seq: 5000, ack: 1001, f: 'SA' },
      { d: 'C', seq: 1001, f: 'PA', data: 'x' },
    ],
    lines: ["0C data 'x' f4", '0C end shutdown', '0S end shutdown'],
    stats: { connections: 1 },
  },
  {
    name: 'new ISN on an open connection: old one ends (evicted), reported, new connection',
    steps: [...HANDSHAKE, { d: 'C', seq: 1001, f: 'PA', data: 'one' }, { d: 'C', seq: 3000, f: 'S' }, { d: 'C', seq: 3001, f: 'PA', data: 'two' }],
    lines: ["0C data 'one' f4", '0C end evicted', '0S end evicted', "1C data 'two' f6", '1C end shutdown', '1S end shutdown'],
    anomalies: ['tcp.port_reuse_open'],
    stats: { connections: 2 },
  },
  {
    name: 'mid-stream start, server speaks first (dst port ephemeral): roles from ports, data flows',
    steps: [
      { d: 'S', seq: 7000, ack: 3000, f: 'PA', data: 'ok' },
      { d: 'C', seq: 3000, ack: 7002, f: 'PA', data: 'hi' },
      { d: 'S', seq: 7002, ack: 3002, f: 'PA', data: '!' },
    ],
    lines: ["0S data 'ok' f1", "0C data 'hi' f2", "0S data '!' f3", '0C end shutdown', '0S end shutdown'],
  },
];

describe('TcpTracker: segments in, events out', () => {
  it.each(cases)('$name', (c) => {
    const { factory, sink, tracker } = run(c.steps, c.opts);
    expect(factory.lines()).toEqual(c.lines);
    if (c.anomalies !== undefined) expect(sink.codes()).toEqual(c.anomalies);
    if (c.stats !== undefined) expect(tracker.stats()).toMatchObject(c.stats);
  });
});

describe('TcpTracker: roles and connection info', () => {
  it('SYN sender is the client; info carries copied addresses and the start frame/time', () => {
    const { factory } = run([...HANDSHAKE, { d: 'C', seq: 1001, f: 'PA', data: 'x' }]);
    const info = factory.conns[0]!;
    expect(info).toMatchObject({ id: 0, clientPort: 40000, serverPort: 2855, ipVersion: 4, sawSyn: true, startFrame: 1, startSec: 1000 });
    expect([...info.clientAddr]).toEqual([10, 0, 0, 1]);
    expect([...info.serverAddr]).toEqual([10, 0, 0, 2]);
  });

  it('SYN/ACK seen first: its sender is the server', () => {
    const { factory } = run([
      { d: 'S', seq: 5000, ack: 1001, f: 'SA' },
      { d: 'C', seq: 1001, f: 'PA', data: 'q' },
    ]);
    expect(factory.conns[0]).toMatchObject({ clientPort: 40000, serverPort: 2855, sawSyn: true });
    expect(factory.lines()).toContain("0C data 'q' f2");
  });

  it('mid-stream: the first sender is the client unless its port looks like a server port', () => {
    const { factory } = run([{ d: 'C', seq: 3000, f: 'PA', data: 'hi' }]);
    expect(factory.conns[0]).toMatchObject({ clientPort: 40000, serverPort: 2855, sawSyn: false });
    const second = run([{ d: 'S', seq: 7000, f: 'PA', data: 'ok' }]);
    expect(second.factory.conns[0]).toMatchObject({ clientPort: 40000, serverPort: 2855, sawSyn: false });
  });

  it.each([
    { src: 5060, dst: 40000, server: true }, // dst ephemeral, src not
    { src: 443, dst: 2000, server: true }, // well-known vs registered
    { src: 40000, dst: 5060, server: false },
    { src: 50000, dst: 40000, server: false }, // both ephemeral: the sender is the client
    { src: 22, dst: 514, server: false }, // both well-known: the sender is the client
    { src: 2855, dst: 2855, server: false },
  ])('looksLikeServerPort($src, $dst) = $server', ({ src, dst, server }) => {
    expect(looksLikeServerPort(src, dst)).toBe(server);
  });

  it('IPv6 connections are keyed and oriented like IPv4, and distinct from IPv4 ones', () => {
    const sink = new RecordingSink();
    const factory = new RecordingFactory();
    const tr = new TcpTracker(factory, sink);
    const c6 = { src: '2001:db8::1', sport: 40000, dst: '2001:db8::2', dport: 2855 };
    const s6 = { src: '2001:db8::2', sport: 2855, dst: '2001:db8::1', dport: 40000 };
    tr.packet(tcpPacket({ ...c6, seq: 10, flags: 'S' }), 1, 1, 0);
    tr.packet(tcpPacket({ ...s6, seq: 20, ack: 11, flags: 'SA' }), 2, 1, 0);
    tr.packet(tcpPacket({ ...C, seq: 1000, flags: 'S' }), 3, 1, 0);
    tr.packet(tcpPacket({ ...s6, seq: 21, ack: 11, flags: 'PA', data: 'v6' }), 4, 1, 0);
    tr.packet(tcpPacket({ ...c6, seq: 11, ack: 23, flags: 'PA', data: 'six' }), 5, 1, 0);
    tr.packet(tcpPacket({ ...C, seq: 1001, flags: 'PA', data: 'four' }), 6, 1, 0);
    tr.flush();
    expect(factory.conns.map((c) => c.ipVersion)).toEqual([6, 4]);
    expect(factory.conns[0]!.clientAddr.length).toBe(16);
    expect(factory.lines().slice(0, 2)).toEqual(["0S data 'v6' f4", "0C data 'six' f5"]);
  });
});

describe('TcpTracker: timeouts, caps and eviction', () => {
  it('idle timeout through expire(): end timeout on both directions, connection forgotten', () => {
    const { factory, tracker } = run([...HANDSHAKE, { d: 'C', seq: 1001, f: 'PA', data: 'x' }], {
      flush: false,
      tracker: { idleTimeoutSec: 300 },
    });
    tracker.expire(1299);
    expect(tracker.stats().active).toBe(1);
    tracker.expire(1300);
    expect(factory.lines()).toEqual(["0C data 'x' f4", '0C end timeout', '0S end timeout']);
    expect(tracker.stats()).toMatchObject({ active: 0, timedOut: 1 });
  });

  it('idle connection met again before expire(): ended as timeout, the packet starts a new connection', () => {
    const { factory, tracker } = run([...HANDSHAKE, { d: 'C', seq: 1001, f: 'PA', data: 'x', t: 1000 }, { d: 'C', seq: 1002, f: 'PA', data: 'y', t: 1400 }], { flush: false });
    expect(factory.lines()).toEqual(["0C data 'x' f4", '0C end timeout', '0S end timeout', "1C data 'y' f5"]);
    expect(tracker.stats().connections).toBe(2);
  });

  it('expire() gives up holes older than holeTimeoutSec, and only those', () => {
    const { factory, tracker } = run([...HANDSHAKE, { d: 'C', seq: 1006, f: 'PA', data: 'world', t: 1000 }], {
      flush: false,
      tracker: { holeTimeoutSec: 10 },
    });
    tracker.expire(1009.5);
    expect(factory.lines()).toEqual([]);
    tracker.expire(1010);
    expect(factory.lines()).toEqual(['0C gap 5 f4', "0C data 'world' f4"]);
    expect(tracker.stats().heldBytes).toBe(0);
  });

  it('global held-bytes cap (payload + per-segment overhead): the direction waiting longest gives up its holes', () => {
    const sink = new RecordingSink();
    const factory = new RecordingFactory();
    const one = 6 + HELD_SEGMENT_OVERHEAD; // one held 6-byte segment
    const tr = new TcpTracker(factory, sink, { maxHeldBytesTotal: one + one / 2 });
    const other = { src: '10.0.0.3', sport: 40001, dst: '10.0.0.2', dport: 2855 };
    tr.packet(tcpPacket({ ...C, seq: 1000, flags: 'S' }), 1, 1000, 0);
    tr.packet(tcpPacket({ ...other, seq: 1000, flags: 'S' }), 2, 1000, 0);
    tr.packet(tcpPacket({ ...C, seq: 1003, flags: 'PA', data: 'aaaaaa' }), 3, 1000, 0);
    expect(tr.stats()).toMatchObject({ heldBytes: 6, heldCost: one });
    expect(sink.codes()).toEqual([]);
    tr.packet(tcpPacket({ ...other, seq: 1003, flags: 'PA', data: 'bbbbbb' }), 4, 1000, 0);
    expect(sink.codes()).toEqual(['tcp.reassembly_memcap', 'tcp.gap']);
    expect(factory.lines()).toEqual(['0C gap 2 f3', "0C data 'aaaaaa' f3"]);
    expect(tr.stats()).toMatchObject({ heldBytes: 6, heldCost: one });
  });

  it('connection cap: the least recently active connection is evicted (flow.evicted)', () => {
    const sink = new RecordingSink();
    const factory = new RecordingFactory();
    const tr = new TcpTracker(factory, sink, { maxConnections: 2 });
    const ep = (n: number) => ({ src: `10.0.0.${n}`, sport: 40000, dst: '10.0.0.2', dport: 2855 });
    tr.packet(tcpPacket({ ...ep(10), seq: 1, flags: 'S' }), 1, 100, 0);
    tr.packet(tcpPacket({ ...ep(11), seq: 1, flags: 'PA', data: 'b' }), 2, 100, 0);
    tr.packet(tcpPacket({ ...ep(10), seq: 2, flags: 'PA', data: 'a' }), 3, 101, 0); // conn 0 now most recent
    tr.packet(tcpPacket({ ...ep(12), seq: 1, flags: 'S' }), 4, 102, 0);
    expect(sink.codes()).toEqual(['flow.evicted']);
    expect(sink.events[0]!.frame).toBe(4);
    expect(factory.lines()).toEqual(["1C data 'b' f2", "0C data 'a' f3", '1C end evicted', '1S end evicted']);
    expect(tr.stats()).toMatchObject({ connections: 3, active: 2, evicted: 1 });
  });

  it('stream-state cap: the least recently active connection lets its state go (flow.stream_evicted), stays tracked, and resumes mid-stream on new bytes', () => {
    const sink = new RecordingSink();
    const factory = new RecordingFactory();
    const tr = new TcpTracker(factory, sink, { maxStreamConnections: 2 });
    const ep = (n: number) => ({ src: `10.0.0.${n}`, sport: 40000, dst: '10.0.0.2', dport: 2855 });
    tr.packet(tcpPacket({ ...ep(10), seq: 1, flags: 'S' }), 1, 100, 0);
    tr.packet(tcpPacket({ ...ep(10), seq: 2, flags: 'PA', data: 'a1' }), 2, 100, 0);
    tr.packet(tcpPacket({ ...ep(11), seq: 1, flags: 'PA', data: 'b1' }), 3, 101, 0);
    // Bare connections (no payload yet) hold no stream state and do not count.
    for (let i = 0; i < 5; i++) tr.packet(tcpPacket({ ...ep(20 + i), seq: 1, flags: 'S' }), 4 + i, 101, 0);
    expect(sink.codes()).toEqual([]);
    tr.packet(tcpPacket({ ...ep(12), seq: 1, flags: 'PA', data: 'c1' }), 9, 102, 0);
    expect(sink.codes()).toEqual(['flow.stream_evicted']);
    expect(sink.events[0]!.frame).toBe(9);
    // Connection 0 comes back after 10 bytes it never showed: same id, a fresh consumer that
    // starts at this segment (resumed, so it resynchronises) and no gap; connection 1 goes.
    tr.packet(tcpPacket({ ...ep(10), seq: 14, flags: 'PA', data: 'a2' }), 10, 103, 0);
    expect(factory.lines()).toEqual(["0C data 'a1' f2", "1C data 'b1' f3", '0C end evicted', '0S end evicted', "7C data 'c1' f9", '1C end evicted', '1S end evicted', "0C data 'a2' f10"]);
    expect(factory.conns.map((c) => c.id)).toEqual([0, 1, 7, 0]);
    expect(factory.conns[3]!.resumed).toBe(true);
    expect(factory.conns[2]!.resumed).toBe(false);
    expect(tr.stats()).toMatchObject({ connections: 8, active: 8, evicted: 0, streamEvicted: 2, streamActive: 2 });
    expect(factory.violations).toEqual([]);
  });

  const CLOSE_BOTH: Step[] = [...HANDSHAKE, { d: 'C', seq: 1001, ack: 5001, f: 'FA' }, { d: 'S', seq: 5001, ack: 1002, f: 'FA' }];

  it('closed both ways: forgotten after closedLingerSec of silence, not before (closedExpired)', () => {
    const { factory, tracker } = run(CLOSE_BOTH, { flush: false, tracker: { closedLingerSec: 30, holeTimeoutSec: 10 } });
    expect(factory.lines()).toEqual(['0C end fin', '0S end fin']);
    tracker.expire(1029);
    expect(tracker.stats()).toMatchObject({ active: 1, closedExpired: 0 });
    tracker.expire(1030);
    expect(tracker.stats()).toMatchObject({ active: 0, closedExpired: 1, timedOut: 0 });
    // Nothing more for the consumer: both directions had ended.
    expect(factory.lines()).toEqual(['0C end fin', '0S end fin']);
  });

  it('a packet within the linger stays on the closed connection; after it, it starts a new one', () => {
    const within = run([...CLOSE_BOTH, { d: 'C', seq: 1002, ack: 5002, f: 'A', t: 1020 }], {
      flush: false,
      tracker: { closedLingerSec: 30 },
    });
    within.tracker.expire(1045);
    expect(within.tracker.stats()).toMatchObject({ connections: 1, active: 1 });
    within.tracker.expire(1050);
    expect(within.tracker.stats()).toMatchObject({ connections: 1, active: 0, closedExpired: 1 });

    const sink = new RecordingSink();
    const tr = new TcpTracker(new RecordingFactory(), sink, { closedLingerSec: 30 });
    CLOSE_BOTH.forEach((s, i) => {
      tr.packet(tcpPacket({ ...(s.d === 'C' ? C : S), seq: s.seq, ack: s.ack, flags: s.f }), i + 1, 1000, 0);
    });
    tr.expire(1031);
    tr.packet(tcpPacket({ ...C, seq: 1002, ack: 5002, flags: 'A' }), 9, 1031, 0);
    expect(tr.stats()).toMatchObject({ connections: 2, active: 1, closedExpired: 1 });
  });

  it('RST: the connection lingers like a FIN/FIN one; the linger is at least holeTimeoutSec + 1', () => {
    const { tracker } = run([...HANDSHAKE, { d: 'C', seq: 1001, f: 'R' }], {
      flush: false,
      tracker: { closedLingerSec: 1, holeTimeoutSec: 10 },
    });
    tracker.expire(1010);
    expect(tracker.stats().active).toBe(1);
    tracker.expire(1011);
    expect(tracker.stats()).toMatchObject({ active: 0, closedExpired: 1 });
  });

  it('the connection cap evicts a lingering (closed) connection before an open one', () => {
    const sink = new RecordingSink();
    const factory = new RecordingFactory();
    const tr = new TcpTracker(factory, sink, { maxConnections: 2 });
    const ep = (n: number) => ({ src: `10.0.0.${n}`, sport: 40000, dst: '10.0.0.2', dport: 2855 });
    tr.packet(tcpPacket({ ...ep(10), seq: 1, flags: 'S' }), 1, 100, 0);
    tr.packet(tcpPacket({ ...ep(11), seq: 1, flags: 'S' }), 2, 101, 0);
    tr.packet(tcpPacket({ ...ep(11), seq: 2, flags: 'R' }), 3, 101, 0);
    tr.packet(tcpPacket({ ...ep(12), seq: 1, flags: 'S' }), 4, 102, 0);
    expect(sink.codes()).toEqual(['flow.evicted']);
    expect(sink.events[0]!.detail).toContain('conn=1 ');
    expect(tr.stats()).toMatchObject({ connections: 3, active: 2, evicted: 1 });
  });

  it('rejects nonsensical options with ConfigError', () => {
    const f = new RecordingFactory();
    expect(() => new TcpTracker(f, new RecordingSink(), { maxConnections: 0 })).toThrow(ConfigError);
    expect(() => new TcpTracker(f, new RecordingSink(), { holeTimeoutSec: Number.NaN })).toThrow(ConfigError);
    expect(() => new TcpTracker(f, new RecordingSink(), { closedLingerSec: 0 })).toThrow(ConfigError);
  });
});

describe('TcpTracker: consumers', () => {
  it('null consumer: tracked and counted, nothing buffered or delivered', () => {
    const { factory, tracker } = run(
      [
        ...HANDSHAKE,
        { d: 'C', seq: 1006, f: 'PA', data: 'world' }, // out of order: would be held
        { d: 'C', seq: 1011, f: 'FA' },
        { d: 'S', seq: 5001, f: 'FA' },
        { d: 'C', seq: 9000, f: 'S' }, // port reuse still recognised
      ],
      { interested: () => false, flush: false },
    );
    expect(tracker.stats()).toMatchObject({ connections: 2, heldBytes: 0, outOfOrder: 0, historyBytes: 0 });
    tracker.flush();
    expect(factory.events).toEqual([]);
    // Connection 1 (a lone SYN) carried no payload: the factory was never asked.
    expect(factory.conns.map((c) => c.id)).toEqual([0]);
  });

  it('only interested connections get events', () => {
    const sink = new RecordingSink();
    const factory = new RecordingFactory((c) => c.serverPort === 2855);
    const tr = new TcpTracker(factory, sink);
    tr.packet(tcpPacket({ src: '10.0.0.1', sport: 40000, dst: '10.0.0.9', dport: 80, seq: 1, flags: 'PA', data: 'GET' }), 1, 1, 0);
    tr.packet(tcpPacket({ ...C, seq: 1, flags: 'PA', data: 'MSRP' }), 2, 1, 0);
    tr.flush();
    expect(factory.lines()).toEqual(["1C data 'MSRP' f2", '1C end shutdown', '1S end shutdown']);
  });

  it('in-order data is delivered as a view of the packet payload (no copy)', () => {
    const seen: Uint8Array[] = [];
    const tr = new TcpTracker({ create: () => ({ data: (_d, b) => void seen.push(b), gap: () => undefined, end: () => undefined }) }, new RecordingSink());
    const pkt = tcpPacket({ ...C, seq: 1, flags: 'PA', data: 'zero-copy' });
    tr.packet(pkt, 1, 1, 0);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.buffer).toBe(pkt.payload.buffer);
    expect(seen[0]!.byteOffset).toBe(pkt.payload.byteOffset);
  });

  it('held data is copied: overwriting the frame buffer after packet() changes nothing', () => {
    const sink = new RecordingSink();
    const factory = new RecordingFactory();
    const tr = new TcpTracker(factory, sink);
    const frame = ascii('world');
    tr.packet(tcpPacket({ ...C, seq: 1000, flags: 'S' }), 1, 1, 0);
    tr.packet(tcpPacket({ ...C, seq: 1006, flags: 'PA', data: frame }), 2, 1, 0);
    frame.fill(0x21);
    tr.packet(tcpPacket({ ...C, seq: 1001, flags: 'PA', data: 'hello' }), 3, 1, 0);
    expect(factory.streamText(0, 0)).toBe('helloworld');
  });

  it('flush() ends everything once and empties the table; a second flush is a no-op', () => {
    const { factory, tracker } = run([...HANDSHAKE, { d: 'C', seq: 1001, f: 'PA', data: 'x' }]);
    const n = factory.events.length;
    tracker.flush();
    expect(factory.events.length).toBe(n);
    expect(tracker.stats().active).toBe(0);
  });

  it('ignores packets without decoded TCP', () => {
    const factory = new RecordingFactory();
    const tr = new TcpTracker(factory, new RecordingSink());
    const p = tcpPacket({ ...C, seq: 1, flags: 'PA', data: 'x' });
    p.l4 = 17;
    tr.packet(p, 1, 1, 0);
    expect(tr.stats()).toMatchObject({ packets: 0, connections: 0 });
  });
});
