/**
 * Fuzzing the capture readers (fast-check): mutations of valid pcap/pcapng files and random bytes.
 * Properties: next() only returns well-formed frames or throws CaptureFormatError/IoError (never
 * another exception), every read terminates, and the read buffer stays bounded by the chunk size
 * or the input actually present.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openCaptureBytes } from '../../src/capture/capture-file.js';
import { PcapngWriter, PcapWriter } from '../../src/capture/pcap-writer.js';
import { AnomalyCounter } from '../../src/core/anomaly.js';
import { isIoError } from '../../src/core/errors.js';
import { concatBytes } from '../../src/util/bytes.js';
import { checkProperty, type Rand, randOf } from '../helpers/check-property.js';

function seeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const pkt = (n: number, s: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 13 + s) & 0xff);
  for (const nanosecond of [false, true]) {
    for (const littleEndian of [false, true]) {
      const parts: Uint8Array[] = [];
      const w = new PcapWriter((c) => parts.push(c), { linkType: 1, nanosecond, littleEndian, snaplen: 128 });
      for (let i = 0; i < 12; i++) w.packet(1_700_000_000 + i, i * 1_000_003, pkt(20 + i * 9, i), i % 3 === 0 ? 1500 : 20 + i * 9);
      out.push(concatBytes(parts));
    }
  }
  for (const littleEndian of [true, false]) {
    const parts: Uint8Array[] = [];
    const sink = (c: Uint8Array): void => {
      parts.push(c);
    };
    const w = new PcapngWriter(sink, { littleEndian });
    w.section();
    w.addInterface({ linkType: 1, name: 'eth0' });
    w.addInterface({ linkType: 101, tsresol: 9, snaplen: 64 });
    w.addInterface({ linkType: 113, tsresol: 0x80 | 20 });
    for (let i = 0; i < 10; i++) w.packet(i % 3, 1_700_000_000 + i, i * 999, pkt(30 + i * 5, i), 200, (['epb', 'opb', 'spb'] as const)[i % 3]);
    w.rawBlock(0x1234, pkt(7, 1));
    const w2 = new PcapngWriter(sink, { littleEndian: !littleEndian });
    w2.section();
    w2.addInterface({ linkType: 1, tsresol: 3 });
    for (let i = 0; i < 5; i++) w2.packet(0, 1_800_000_000 + i, i * 1_000_000, pkt(40, i));
    out.push(concatBytes(parts));
  }
  return out;
}

const INTERESTING = [0, 1, 3, 4, 11, 12, 16, 27, 28, 31, 32, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff, 0x0a0d0d0a, 0x1a2b3c4d, 0x4d3c2b1a, 262144, 262145, 64 * 1024 * 1024];

function mutate(input: Uint8Array, rnd: Rand): Uint8Array {
  let b: Uint8Array = input.slice();
  const ops = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < ops; k++) {
    const at = Math.floor(rnd() * b.length);
    switch (Math.floor(rnd() * 6)) {
      case 0: // flip bits
        b[at] = b[at]! ^ (1 << Math.floor(rnd() * 8));
        break;
      case 1: // random byte
        b[at] = Math.floor(rnd() * 256);
        break;
      case 2: {
        // interesting 32-bit value, either byte order, aligned (length/id fields are)
        const v = INTERESTING[Math.floor(rnd() * INTERESTING.length)]!;
        const pos = at & ~3;
        if (pos + 4 <= b.length) new DataView(b.buffer).setUint32(pos, v, rnd() < 0.5);
        break;
      }
      case 3: // truncate
        b = b.slice(0, at);
        break;
      case 4: {
        // duplicate a slice (repeated blocks/records)
        const len = Math.floor(rnd() * 64);
        b = concatBytes([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)]);
        break;
      }
      default: {
        // insert random bytes (desynchronises the record walk)
        const ins = rnd.bytes(1 + Math.floor(rnd() * 9));
        b = concatBytes([b.subarray(0, at), ins, b.subarray(at)]);
      }
    }
    if (b.length === 0) break;
  }
  return b;
}

/** Reads everything; returns what happened. Fails the test on any property violation. */
function exercise(bytes: Uint8Array, rnd: Rand, label: string): 'ok' | 'error' {
  const chunkSize = [16, 64, 1000, 65536][Math.floor(rnd() * 4)]!;
  const maxReadSize = rnd() < 0.5 ? undefined : 1 + Math.floor(rnd() * 100);
  const opts = maxReadSize === undefined ? { chunkSize } : { chunkSize, maxReadSize };
  const anomalies = new AnomalyCounter();
  // Every frame consumes at least 12 input bytes, so more frames than this means a loop.
  const maxFrames = Math.ceil(bytes.length / 12) + 1;
  let frames = 0;
  try {
    const r = openCaptureBytes(bytes, label, 0, anomalies, opts);
    for (let f = r.next(); f !== null; f = r.next()) {
      frames++;
      if (frames > maxFrames) throw new Error(`${label}: no termination (${frames} frames from ${bytes.length} bytes)`);
      if (f.frameNo !== frames || f.capLen !== f.data.length || f.origLen < f.capLen || !(f.tsNsec >= 0 && f.tsNsec < 1e9) || !Number.isInteger(f.tsSec)) {
        throw new Error(`${label}: malformed frame ${JSON.stringify({ ...f, data: f.data.length })}`);
      }
      if (r.bufferSize > Math.max(chunkSize, 2 * bytes.length + 16)) throw new Error(`${label}: buffer ${r.bufferSize} for ${bytes.length} input bytes`);
    }
    expect(r.next()).toBeNull();
    expect(r.bytesRead).toBeLessThanOrEqual(bytes.length);
    return 'ok';
  } catch (e) {
    if (isIoError(e)) return 'error';
    throw e;
  }
}

describe('capture readers under fuzzing', () => {
  it('survive seeded mutations of valid pcap and pcapng files', () => {
    const base = seeds();
    // Sanity: the unmutated seeds read cleanly (every chunking), so the properties below are not vacuous.
    checkProperty(
      { seed: 0x5eed, numRuns: 40 },
      fc.property(fc.constantFrom(...base), fc.gen(), (s, g) => {
        expect(exercise(s, randOf(g), 'seed')).toBe('ok');
      }),
    );
    const outcome = { ok: 0, error: 0 };
    checkProperty(
      { seed: 0x5eed, numRuns: 3000 },
      fc.property(fc.constantFrom(...base), fc.gen(), (s, g) => {
        const rnd = randOf(g);
        outcome[exercise(mutate(s, rnd), rnd, 'mutation')]++;
      }),
    );
    // Both outcomes occur: the mutations reach the damage paths and the happy paths.
    expect(outcome.ok).toBeGreaterThan(300);
    expect(outcome.error).toBeGreaterThan(100);
  });

  it('survive random bytes behind each valid magic', () => {
    const magics = [
      [0xd4, 0xc3, 0xb2, 0xa1],
      [0xa1, 0xb2, 0xc3, 0xd4],
      [0x4d, 0x3c, 0xb2, 0xa1],
      [0xa1, 0xb2, 0x3c, 0x4d],
      [0x0a, 0x0d, 0x0d, 0x0a],
    ];
    checkProperty(
      { seed: 42, numRuns: 2000 },
      fc.property(fc.uint8Array({ maxLength: 299 }), fc.integer({ min: 0, max: magics.length - 1 }), fc.boolean(), fc.gen(), (drawn, m, bom, g) => {
        const b = drawn.slice();
        const len = b.length;
        b.set(magics[m]!.slice(0, len));
        // A plausible pcapng byte-order magic half of the time, so blocks get parsed at all.
        if (m === 4 && len >= 12 && bom) b.set([0x4d, 0x3c, 0x2b, 0x1a], 8);
        exercise(b, randOf(g), 'random');
      }),
    );
  });
});
