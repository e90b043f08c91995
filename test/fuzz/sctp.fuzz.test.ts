/**
 * Property tests (fast-check, seeded) of the SCTP decoder and user-message reassembly:
 *
 * 1. Messages cut into DATA fragments with consecutive TSNs (from any base, across the 2^32
 *    wrap), on several streams, bundled at random into packets with control chunks, shuffled and
 *    partly retransmitted: each message is delivered exactly once with its exact bytes, nothing
 *    is reported, nothing stays held.
 * 2. Arbitrary packets (mutated valid ones and random chunk soups) from a few associations with
 *    tiny caps: never throws, reports a bounded number of anomalies per packet, and every cap
 *    holds after every packet (bytes held per direction and in all, directions tracked).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnomalyCounter, type AnomalySink } from '../../src/core/anomaly.js';
import { LinkType } from '../../src/core/link-type.js';
import { SctpReassembler, type SctpReassemblerOptions } from '../../src/flow/sctp-reassembler.js';
import { cat, controlChunk, dataChunk, decode, ipv4, sctp } from '../helpers/packet-builders.js';

/** One packet of `chunks` from `src`, decoded as the pipeline would. */
const packetOf = (chunks: Uint8Array[], src = '10.0.0.1', vtag = 7) => decode(LinkType.RAW, ipv4({ proto: 132, src, dst: '10.0.0.2', payload: sctp({ sport: 5060, dport: 5060, vtag }, ...chunks) })).out;

const message = fc.record({
  bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }),
  /** Fragment sizes: the message is cut into pieces of these lengths (the last takes the rest). */
  cuts: fc.array(fc.integer({ min: 1, max: 120 }), { maxLength: 6 }),
  stream: fc.integer({ min: 0, max: 3 }),
  unordered: fc.boolean(),
});

describe('fuzz: SCTP reassembly delivers each message once, exactly', () => {
  it('fragmented, bundled, shuffled, retransmitted', () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 6 }),
        fc.oneof(fc.constant(0xfffffff0), fc.nat()),
        fc.array(fc.nat(), { minLength: 64, maxLength: 64 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 40, maxLength: 40 }),
        fc.integer({ min: 0, max: 5 }),
        (msgs, tsnBase, order, bundle, retransmits) => {
          // TSNs run across messages without gaps, as one sender assigns them (RFC 9260 6.9).
          const chunks: Uint8Array[] = [];
          let tsn = tsnBase;
          for (const m of msgs) {
            const pieces: Uint8Array[] = [];
            let off = 0;
            for (const n of m.cuts) {
              if (off + n >= m.bytes.length) break;
              pieces.push(m.bytes.subarray(off, off + n));
              off += n;
            }
            pieces.push(m.bytes.subarray(off));
            pieces.forEach((p, i) => {
              const frag = pieces.length === 1 ? 'BE' : i === 0 ? 'B' : i === pieces.length - 1 ? 'E' : '';
              chunks.push(dataChunk({ tsn, data: p, frag, stream: m.stream, unordered: m.unordered }));
              tsn = (tsn + 1) >>> 0;
            });
          }
          for (let k = 0; k < retransmits; k++) chunks.push(chunks[order[k]! % chunks.length]!);
          const shuffled = chunks
            .map((c, i) => [order[i % order.length]! + i / 1000, c] as const)
            .sort((a, b) => a[0] - b[0])
            .map(([, c]) => c);
          const got: string[] = [];
          const anomalies = new AnomalyCounter();
          const r = new SctpReassembler({ wants: () => true, message: (d) => got.push(Buffer.from(d).toString('hex')) }, anomalies);
          for (let i = 0, b = 0; i < shuffled.length; b++) {
            const n = bundle[b % bundle.length]!;
            r.packet(packetOf([controlChunk(3, new Uint8Array(12)), ...shuffled.slice(i, i + n)]), b + 1, 1000, 0);
            i += n;
          }
          expect(got.sort()).toEqual(msgs.map((m) => Buffer.from(m.bytes).toString('hex')).sort());
          expect(r.stats().bytesHeld).toBe(0);
          r.flush();
          expect(anomalies.toJSON()).toEqual({});
        },
      ),
      { seed: 4168, numRuns: 400 },
    );
  });
});

class CountingSink implements AnomalySink {
  n = 0;
  report(): void {
    this.n++;
  }
}

describe('fuzz: SCTP decoding and reassembly on hostile input', () => {
  const caps: Partial<SctpReassemblerOptions> = { maxMessageBytes: 64, maxFragments: 4, maxBytes: 128, maxDirections: 3, fragmentTimeoutSec: 5, idleTimeoutSec: 10 };
  const chunk = fc.oneof(
    fc
      .record({ tsn: fc.integer({ min: 0, max: 12 }), data: fc.uint8Array({ minLength: 1, maxLength: 40 }), frag: fc.constantFrom('BE', 'B', 'E', '') as fc.Arbitrary<'BE' | 'B' | 'E' | ''>, stream: fc.integer({ min: 0, max: 1 }) })
      .map((o) => dataChunk(o)),
    fc.record({ type: fc.integer({ min: 0, max: 255 }), value: fc.uint8Array({ maxLength: 20 }) }).map((o) => controlChunk(o.type, o.value)),
    fc.uint8Array({ maxLength: 24 }), // soup: lengths that lie, cut headers, zero padding
  );
  const packet = fc.record({ chunks: fc.array(chunk, { maxLength: 5 }), src: fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'), vtag: fc.integer({ min: 0, max: 2 }), dt: fc.integer({ min: 0, max: 4 }), cut: fc.nat() });

  it('never throws, bounded reports, caps hold after every packet', () => {
    fc.assert(
      fc.property(fc.array(packet, { minLength: 1, maxLength: 40 }), (packets) => {
        const sink = new CountingSink();
        let delivered = 0;
        const r = new SctpReassembler(
          {
            wants: () => true,
            message: (d) => {
              delivered++;
              expect(d.length).toBeLessThanOrEqual(caps.maxMessageBytes! + 1500);
            },
          },
          sink,
          caps,
        );
        let sec = 1000;
        packets.forEach((p, i) => {
          let bytes = cat(...p.chunks);
          if (p.cut % 3 === 0) bytes = bytes.subarray(0, p.cut % (bytes.length + 1));
          sink.n = 0;
          sec += p.dt;
          r.packet(packetOf([bytes], p.src, p.vtag), i + 1, sec, 0);
          // One report per chunk at most, plus one table eviction.
          expect(sink.n).toBeLessThanOrEqual(bytes.length / 4 + 2);
          if (i % 5 === 4) {
            sink.n = 0;
            r.expire(sec);
            expect(sink.n).toBeLessThanOrEqual(caps.maxDirections!); // one per direction
          }
          const s = r.stats();
          expect(s.bytesHeld).toBeLessThanOrEqual(caps.maxBytes!);
          expect(s.bytesHeld).toBeGreaterThanOrEqual(0);
          expect(s.directions).toBeLessThanOrEqual(caps.maxDirections!);
        });
        r.flush();
        expect(r.stats()).toMatchObject({ bytesHeld: 0, directions: 0 });
        expect(delivered).toBe(r.stats().messages);
      }),
      { seed: 9260, numRuns: 300 },
    );
  });
});
