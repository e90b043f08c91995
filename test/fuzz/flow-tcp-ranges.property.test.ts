/**
 * Equivalence of the TCP tracker's range path (issue 13, round 22): segments reach the
 * reassembler as `plBuf[plOff, plEnd)` and a view is made only for bytes delivered to a consumer.
 * Property: a segment given as a range inside a larger buffer (junk before and after it, the
 * junk overwritten as soon as the tracker returns, as the capture reader reuses its buffer) gives
 * exactly the same consumer calls, anomalies and counters as the same segment given as its own
 * array (the whole-array case, what the payload view was). Covers in-order delivery, held
 * segments, overlapping retransmissions with the same and with different bytes (compared with
 * the history ring in the frame's bytes, conflict cuts), keep-alives, FIN trimming, holes given
 * up by the caps and the hole timeout, and connections nobody consumes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecodedPacket } from '../../src/decode/decoded-packet.js';
import { TcpTracker, type TcpTrackerOptions } from '../../src/flow/tcp-tracker.js';
import { checkProperty, type Rand, randOf } from '../helpers/check-property.js';
import { prng, randInt, RecordingFactory, RecordingSink, shuffle, tcpPacket } from '../helpers/flow-test-helpers.js';

const A = '10.3.0.1';
const B = '10.3.0.2';

/** One connection's packets: handshake, segments (some lost, reordered, retransmitted with other bytes), FINs. */
function connection(rnd: Rand, sport: number): DecodedPacket[] {
  const isn: [number, number] = [randInt(rnd, 0, 0xffffffff) >>> 0, (0x100000000 - randInt(rnd, 1, 2000)) >>> 0];
  const ep = (dir: 0 | 1) => (dir === 0 ? { src: A, sport, dst: B, dport: 2855 } : { src: B, sport: 2855, dst: A, dport: sport });
  const seqAt = (dir: 0 | 1, off: number) => (isn[dir] + 1 + off) >>> 0;
  const out: DecodedPacket[] = [];
  if (rnd() < 0.8) out.push(tcpPacket({ ...ep(0), seq: isn[0], flags: 'S' }), tcpPacket({ ...ep(1), seq: isn[1], ack: seqAt(0, 0), flags: 'SA' }));
  const body: DecodedPacket[] = [];
  for (const dir of [0, 1] as const) {
    const s = rnd.bytes(randInt(rnd, 0, 4000));
    const ack = seqAt(dir === 0 ? 1 : 0, 0);
    for (let off = 0; off < s.length; ) {
      const n = Math.min(s.length - off, randInt(rnd, 1, 700));
      if (rnd() > 0.05) body.push(tcpPacket({ ...ep(dir), seq: seqAt(dir, off), ack, flags: 'PA', data: s.slice(off, off + n) }));
      off += n;
    }
    for (let k = randInt(rnd, 0, 5); k > 0 && s.length > 0; k--) {
      // Overlapping retransmissions: the same bytes, or some changed (first data wins).
      const a = randInt(rnd, 0, s.length - 1);
      const b = randInt(rnd, a + 1, Math.min(s.length + 3, a + 900));
      const d = new Uint8Array(b - a);
      d.set(s.subarray(a, Math.min(b, s.length)));
      if (rnd() < 0.5) d[randInt(rnd, 0, d.length - 1)]! ^= 0x5a;
      body.push(tcpPacket({ ...ep(dir), seq: seqAt(dir, a), ack, flags: 'PA', data: d }));
    }
    if (s.length > 0 && rnd() < 0.3) body.push(tcpPacket({ ...ep(dir), seq: seqAt(dir, s.length - 1), ack, flags: 'A', data: rnd.bytes(1) }));
    if (rnd() < 0.7) body.push(tcpPacket({ ...ep(dir), seq: seqAt(dir, s.length - randInt(rnd, 0, 2)), ack, flags: rnd() < 0.5 ? 'FA' : 'FPA', data: rnd.bytes(randInt(rnd, 0, 3)) }));
    body.push(tcpPacket({ ...ep(dir), seq: seqAt(dir, randInt(rnd, 0, s.length)), ack, flags: 'A' }));
  }
  return [...out, ...shuffle(rnd, body)];
}

/** The same segment with its payload as a range in a larger buffer, junk around it. */
function asRange(rnd: () => number, p: DecodedPacket, frame: Uint8Array): void {
  const data = p.payload.slice();
  const before = randInt(rnd, 0, 40);
  const end = before + data.length;
  if (end + 40 > frame.length) throw new Error('frame buffer too small');
  frame.fill(0xee);
  frame.set(data, before);
  p.setPayload(frame, before, end);
}

interface Outcome {
  events: unknown[];
  anomalies: unknown[];
  stats: unknown;
  violations: string[];
}

function run(packets: readonly DecodedPacket[], times: readonly number[], opts: Partial<TcpTrackerOptions>, ranges: (() => number) | null): Outcome {
  const sink = new RecordingSink();
  const factory = new RecordingFactory((c) => c.id % 4 !== 3);
  const tr = new TcpTracker(factory, sink, opts);
  const frame = new Uint8Array(4096);
  packets.forEach((p0, i) => {
    const p = tcpPacket({ src: '0.0.0.0', sport: 0, dst: '0.0.0.0', dport: 0, seq: 0, flags: '' });
    Object.assign(p, { src: p0.src, dst: p0.dst, srcPort: p0.srcPort, dstPort: p0.dstPort, tcpSeq: p0.tcpSeq, tcpAck: p0.tcpAck, tcpFlags: p0.tcpFlags });
    p.payload = p0.payload;
    if (ranges !== null) asRange(ranges, p, frame);
    tr.packet(p, i + 1, times[i]!, 0);
    // The reader reuses its buffer: whatever the tracker kept must have been copied.
    if (ranges !== null) frame.fill(0x11);
    if (i % 17 === 16) tr.expire(times[i]!);
  });
  tr.flush();
  return { events: factory.events, anomalies: sink.events, stats: tr.stats(), violations: factory.violations };
}

describe('fuzz: TCP payload ranges', () => {
  it('a range in a reused buffer gives what the whole array gives (200 cases)', () => {
    const opts: Partial<TcpTrackerOptions> = {
      maxHeldBytesPerDirection: 3000,
      maxHeldSegmentsPerDirection: 6,
      maxHeldBytesTotal: 9000,
      historyBytesPerDirection: 4096,
      maxHistoryBytesTotal: 12_000,
      holeTimeoutSec: 2,
    };
    let delivered = 0;
    let conflicts = 0;
    checkProperty(
      { seed: 22_13, numRuns: 200 },
      fc.property(fc.gen(), fc.integer({ min: 0, max: 0x7fffffff }), (gen, rangeSeed) => {
        const rnd = randOf(gen);
        const conns = Array.from({ length: randInt(rnd, 1, 4) }, (_, k) => connection(rnd, 43000 + k));
        const packets: DecodedPacket[] = [];
        while (conns.some((c) => c.length > 0)) {
          const c = conns[randInt(rnd, 0, conns.length - 1)]!;
          const p = c.shift();
          if (p !== undefined) packets.push(p);
        }
        let t = 100;
        const times = packets.map(() => (t += rnd() < 0.04 ? 3 : 0));
        const whole = run(packets, times, opts, null);
        const ranged = run(packets, times, opts, prng(rangeSeed));
        expect(ranged.violations).toEqual([]);
        expect(ranged).toEqual(whole);
        delivered += whole.events.filter((e) => (e as { kind: string }).kind === 'data').length;
        conflicts += whole.events.filter((e) => (e as { kind: string }).kind === 'conflict').length;
      }),
    );
    // Not vacuous: bytes were delivered and retransmissions contradicted delivered bytes.
    expect(delivered).toBeGreaterThan(1000);
    expect(conflicts).toBeGreaterThan(10);
  });
});
