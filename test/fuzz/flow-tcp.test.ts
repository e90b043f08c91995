/**
 * Property tests of TCP reassembly (fast-check: a failure prints its seed and shrunk path).
 *
 * 1. Any arrival order of the data segments, with duplicates and overlapping retransmissions
 *    of the same bytes, across the 2^32 wrap: the delivered streams equal the originals.
 * 2. With lost segments, reordering, several connections and small caps: never throws, held
 *    memory stays within the caps after every packet, and every delivered byte is the original
 *    byte at its stream offset (gaps advance the offset).
 * 3. Mutated valid packets and random packets: never throws, memory bounded, consumer
 *    contract kept (nothing after end, one end per direction).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecodedPacket } from '../../src/decode/decoded-packet.js';
import { TcpTracker, type TcpTrackerOptions } from '../../src/flow/tcp-tracker.js';
import { checkProperty, type Rand, randOf } from '../helpers/check-property.js';
import { randInt, RecordingFactory, RecordingSink, shuffle, tcpPacket, type StreamEvent } from '../helpers/flow-test-helpers.js';

const CLIENT = { src: '10.1.0.1', dst: '10.1.0.2', dport: 2855 };

interface Generated {
  packets: DecodedPacket[];
  streams: [Uint8Array, Uint8Array];
}

/**
 * One connection: SYN and SYN/ACK first, then the data segments of both directions (and the
 * FINs) in random order with duplicates and same-data overlapping retransmissions.
 */
function generate(rnd: Rand, sport: number, maxLen: number, maxSeg: number, withFin: boolean): Generated {
  const nearWrap = () => (rnd() < 0.5 ? (0x100000000 - randInt(rnd, 1, 3000)) >>> 0 : randInt(rnd, 0, 0xffffffff) >>> 0);
  const isn: [number, number] = [nearWrap(), nearWrap()];
  const streams: [Uint8Array, Uint8Array] = [rnd.bytes(randInt(rnd, 0, maxLen)), rnd.bytes(randInt(rnd, 0, maxLen))];
  const ep = (dir: 0 | 1) => (dir === 0 ? { src: CLIENT.src, sport, dst: CLIENT.dst, dport: CLIENT.dport } : { src: CLIENT.dst, sport: CLIENT.dport, dst: CLIENT.src, dport: sport });
  const seqAt = (dir: 0 | 1, off: number) => (isn[dir] + 1 + off) >>> 0;
  const head: DecodedPacket[] = [tcpPacket({ ...ep(0), seq: isn[0], flags: 'S' }), tcpPacket({ ...ep(1), seq: isn[1], ack: seqAt(0, 0), flags: 'SA' })];
  const body: DecodedPacket[] = [];
  for (const dir of [0, 1] as const) {
    const s = streams[dir];
    const ack = seqAt(dir === 0 ? 1 : 0, 0);
    for (let off = 0; off < s.length; ) {
      const n = Math.min(s.length - off, randInt(rnd, 1, maxSeg));
      const fin = withFin && off + n === s.length && rnd() < 0.5;
      body.push(tcpPacket({ ...ep(dir), seq: seqAt(dir, off), ack, flags: fin ? 'FPA' : 'PA', data: s.slice(off, off + n) }));
      off += n;
    }
    // Retransmissions of the same bytes with new boundaries, and exact duplicates.
    const extra = randInt(rnd, 0, 6);
    for (let k = 0; k < extra && s.length > 0; k++) {
      const a = randInt(rnd, 0, s.length - 1);
      const b = randInt(rnd, a + 1, Math.min(s.length, a + maxSeg * 2));
      body.push(tcpPacket({ ...ep(dir), seq: seqAt(dir, a), ack, flags: 'PA', data: s.slice(a, b) }));
    }
    if (withFin) body.push(tcpPacket({ ...ep(dir), seq: seqAt(dir, s.length), ack, flags: 'FA' }));
  }
  const dups = randInt(rnd, 0, 4);
  for (let k = 0; k < dups && body.length > 0; k++) body.push(body[randInt(rnd, 0, body.length - 1)]!);
  return { packets: [...head, ...shuffle(rnd, body)], streams };
}

/** Checks each data event against the original bytes at its offset; returns bytes covered. */
function checkAgainstOriginal(events: StreamEvent[], conn: number, dir: 0 | 1, original: Uint8Array): number {
  let off = 0;
  for (const e of events) {
    if (e.conn !== conn || e.dir !== dir) continue;
    if (e.kind === 'data') {
      expect(off + e.bytes.length).toBeLessThanOrEqual(original.length);
      expect(Buffer.from(e.bytes).equals(Buffer.from(original.subarray(off, off + e.bytes.length)))).toBe(true);
      off += e.bytes.length;
    } else if (e.kind === 'gap') {
      off += e.length;
    }
  }
  expect(off).toBeLessThanOrEqual(original.length);
  return off;
}

describe('fuzz: TCP reassembly, every segment eventually arrives', () => {
  it('delivers exactly the original streams (400 connections)', () => {
    checkProperty(
      { seed: 1, numRuns: 400 },
      fc.property(fc.gen(), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 2 }), (gen, smallOneInFour, port, noFinOneInThree) => {
        const rnd = randOf(gen);
        const small = smallOneInFour === 0;
        const g = generate(rnd, 40000 + port, small ? 300 : 20000, small ? 7 : 1460, noFinOneInThree !== 0);
        const sink = new RecordingSink();
        const factory = new RecordingFactory();
        const tr = new TcpTracker(factory, sink, { maxHeldSegmentsPerDirection: 100_000 });
        g.packets.forEach((p, i) => {
          tr.packet(p, i + 1, 1000, 0);
        });
        tr.flush();
        expect(factory.violations).toEqual([]);
        expect(sink.codes().filter((c) => c !== 'tcp.port_reuse_open')).toEqual([]);
        for (const dir of [0, 1] as const) {
          const got = factory.events.filter((e) => e.conn === 0 && e.dir === dir && e.kind === 'data');
          const bytes = Buffer.concat(got.map((e) => (e.kind === 'data' ? e.bytes : new Uint8Array(0))));
          expect(bytes.equals(Buffer.from(g.streams[dir])), `dir ${dir}`).toBe(true);
        }
        expect(tr.stats()).toMatchObject({ connections: 1, gaps: 0, overlapsDifferent: 0, heldBytes: 0 });
      }),
    );
  });
});

describe('fuzz: TCP reassembly with loss, several connections, small caps', () => {
  it('stays within its caps and never delivers a wrong byte (150 cases)', () => {
    const opts: Partial<TcpTrackerOptions> = {
      maxHeldBytesPerDirection: 4096,
      maxHeldSegmentsPerDirection: 16,
      maxHeldBytesTotal: 12_000,
      historyBytesPerDirection: 8192,
      maxHistoryBytesTotal: 20_000,
      holeTimeoutSec: 2,
      maxConnections: 3,
    };
    checkProperty(
      { seed: 7919, numRuns: 150 },
      fc.property(fc.gen(), (gen) => {
        const rnd = randOf(gen);
        const conns = Array.from({ length: randInt(rnd, 1, 5) }, (_, k) => generate(rnd, 41000 + k, 12000, 1400, true));
        // Interleave connections (each keeps its own SYN, SYN/ACK first), drop ~10%.
        const queues = conns.map((c) => c.packets.filter((_, i) => i < 2 || rnd() > 0.1));
        const sink = new RecordingSink();
        const factory = new RecordingFactory();
        const tr = new TcpTracker(factory, sink, opts);
        let frame = 0;
        let t = 1000;
        while (queues.some((q) => q.length > 0)) {
          const q = queues[randInt(rnd, 0, queues.length - 1)]!;
          const p = q.shift();
          if (p === undefined) continue;
          t += rnd() < 0.05 ? 3 : 0;
          tr.packet(p, ++frame, t, 0);
          if (rnd() < 0.05) tr.expire(t);
          const st = tr.stats();
          expect(st.heldCost).toBeLessThanOrEqual(opts.maxHeldBytesTotal!);
          expect(st.historyBytes).toBeLessThanOrEqual(opts.maxHistoryBytesTotal!);
          expect(st.active).toBeLessThanOrEqual(opts.maxConnections!);
        }
        tr.flush();
        expect(factory.violations).toEqual([]);
        expect(tr.stats().heldBytes).toBe(0);
        // Map each connection back to its generator by port. Only connections that started with
        // their SYN have stream offsets that match the original (an evicted connection met again
        // restarts mid-stream, at a later offset).
        factory.conns.forEach((info) => {
          if (!info.sawSyn) return;
          const g = conns[info.clientPort - 41000]!;
          for (const dir of [0, 1] as const) checkAgainstOriginal(factory.events, info.id, dir, g.streams[dir]);
        });
      }),
    );
  });
});

describe('fuzz: TCP tracker on mutated and random packets', () => {
  it('never throws, keeps memory bounded and the consumer contract (300 cases)', () => {
    const opts: Partial<TcpTrackerOptions> = {
      maxHeldBytesPerDirection: 2048,
      maxHeldSegmentsPerDirection: 8,
      maxHeldBytesTotal: 6000,
      maxConnections: 8,
      idleTimeoutSec: 20,
      holeTimeoutSec: 3,
    };
    checkProperty(
      { seed: 104729, numRuns: 300 },
      fc.property(fc.gen(), (gen) => {
        const rnd = randOf(gen);
        const g = generate(rnd, 42000, 3000, 600, true);
        const packets = g.packets.map((p) => {
          if (rnd() < 0.3) p.tcpFlags = randInt(rnd, 0, 0xff);
          if (rnd() < 0.2) p.tcpSeq = (p.tcpSeq + randInt(rnd, -3000, 3000)) >>> 0;
          if (rnd() < 0.1) p.tcpSeq = randInt(rnd, 0, 0xffffffff);
          if (rnd() < 0.1) p.tcpAck = randInt(rnd, 0, 0xffffffff);
          if (rnd() < 0.1 && p.payload.length > 0) {
            const b = p.payload.slice();
            b[randInt(rnd, 0, b.length - 1)] = randInt(rnd, 0, 255);
            p.payload = b;
          }
          if (rnd() < 0.1) p.srcPort = randInt(rnd, 0, 65535);
          return p;
        });
        // Plus entirely random packets between a few endpoints.
        for (let k = 0; k < 40; k++) {
          const a = randInt(rnd, 1, 3);
          const junk = tcpPacket({
            src: `10.2.0.${a}`,
            sport: randInt(rnd, 1, 3) * 1000,
            dst: `10.2.0.${4 - a}`,
            dport: randInt(rnd, 1, 3) * 1000,
            seq: randInt(rnd, 0, 0xffffffff),
            ack: randInt(rnd, 0, 0xffffffff),
            flags: '',
            data: rnd.bytes(randInt(rnd, 0, 1500)),
          });
          junk.tcpFlags = randInt(rnd, 0, 0xff);
          packets.splice(randInt(rnd, 0, packets.length), 0, junk);
        }
        const sink = new RecordingSink();
        const factory = new RecordingFactory((c) => c.id % 5 !== 4);
        const tr = new TcpTracker(factory, sink, opts);
        let t = 500;
        packets.forEach((p, i) => {
          t += randInt(rnd, -1, 4); // capture time may step back a little (merged inputs)
          tr.packet(p, i + 1, t, randInt(rnd, 0, 999_999_999));
          if (rnd() < 0.1) tr.expire(t);
          const st = tr.stats();
          expect(st.heldCost).toBeLessThanOrEqual(opts.maxHeldBytesTotal!);
          expect(st.active).toBeLessThanOrEqual(opts.maxConnections!);
        });
        tr.flush();
        expect(factory.violations).toEqual([]);
        expect(tr.stats()).toMatchObject({ heldBytes: 0, active: 0 });
        // Every interested connection ended both directions exactly once.
        const ends = factory.events.filter((e) => e.kind === 'end').length;
        expect(ends).toBe(factory.conns.filter((c) => c.id % 5 !== 4).length * 2);
      }),
    );
  });
});
