import { describe, expect, it } from 'vitest';
import { openCaptureBytes, openCaptureFile } from '../../../src/capture/capture-file.js';
import type { FrameReader } from '../../../src/capture/frame-reader.js';
import { mergeReaders } from '../../../src/capture/merge-readers.js';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { buildPcap, buildPcapng, payload, readAll, tempDir } from './capture-fixtures.js';

/** A pcap whose i-th frame has time times[i] and a payload tagged (tag, i). */
function pcapAt(times: [number, number][], tag: number): Uint8Array {
  return buildPcap({ linkType: 1, nanosecond: true }, (w) => {
    times.forEach(([s, n], i) => {
      w.packet(s, n, Uint8Array.of(tag, i, ...payload(20, tag + i)));
    });
  });
}

describe('mergeReaders', () => {
  it('merges two files interleaved by time and renumbers 1..N', () => {
    const t = tempDir();
    try {
      const a = pcapAt(
        [
          [10, 0],
          [12, 0],
          [14, 5],
          [20, 0],
        ],
        0xa,
      );
      const b = buildPcapng((w) => {
        w.section();
        w.addInterface({ linkType: 101, tsresol: 9 });
        [
          [11, 0],
          [13, 0],
          [14, 4],
          [15, 0],
          [16, 0],
        ].forEach(([s, n], i) => {
          w.packet(0, s!, n!, Uint8Array.of(0xb, i, ...payload(20, 0xb + i)));
        });
      });
      const ra = openCaptureFile(t.file('a.pcap', a), 0, new AnomalyCounter());
      const rb = openCaptureFile(t.file('b.pcapng', b), 1, new AnomalyCounter());
      const m = mergeReaders([ra, rb]);
      expect(m.totalBytes).toBe(a.length + b.length);
      const frames = readAll(m);
      expect(frames.map((f) => [f.frameNo, f.tsSec, f.tsNsec, f.source, f.linkType, f.data[0], f.data[1]])).toEqual([
        [1, 10, 0, 0, 1, 0xa, 0],
        [2, 11, 0, 1, 101, 0xb, 0],
        [3, 12, 0, 0, 1, 0xa, 1],
        [4, 13, 0, 1, 101, 0xb, 1],
        [5, 14, 4, 1, 101, 0xb, 2],
        [6, 14, 5, 0, 1, 0xa, 2],
        [7, 15, 0, 1, 101, 0xb, 3],
        [8, 16, 0, 1, 101, 0xb, 4],
        [9, 20, 0, 0, 1, 0xa, 3],
      ]);
      // Payload bytes belong to the right frame (each reader's buffer stayed valid).
      for (const f of frames) expect(f.data.slice(2)).toEqual(Array.from(payload(20, f.data[0]! + f.data[1]!)));
      expect(m.bytesRead).toBe(a.length + b.length);
      m.close();
    } finally {
      t.cleanup();
    }
  });

  it('breaks ties by source index, then by position; keeps each file in its own order', () => {
    const same: [number, number][] = [
      [5, 0],
      [5, 0],
    ];
    const r2 = openCaptureBytes(pcapAt(same, 2), 'two', 2, new AnomalyCounter());
    const r0 = openCaptureBytes(pcapAt(same, 0), 'zero', 0, new AnomalyCounter());
    const r1 = openCaptureBytes(
      pcapAt(
        [
          [5, 0],
          [4, 0],
        ],
        1,
      ),
      'one',
      1,
      new AnomalyCounter(),
    ); // unsorted file
    const frames = readAll(mergeReaders([r2, r0, r1]));
    expect(frames.map((f) => [f.source, f.data[1], f.tsSec])).toEqual([
      [0, 0, 5],
      [0, 1, 5],
      [1, 0, 5],
      [1, 1, 4], // not hoisted before its predecessor in the same file
      [2, 0, 5],
      [2, 1, 5],
    ]);
    expect(frames.map((f) => f.frameNo)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('breaks ties between readers of the same source index by position', () => {
    const r0 = openCaptureBytes(pcapAt([[1, 0]], 7), 'p', 0, new AnomalyCounter());
    const r1 = openCaptureBytes(pcapAt([[1, 0]], 8), 'q', 0, new AnomalyCounter());
    expect(readAll(mergeReaders([r1, r0])).map((f) => f.data[0])).toEqual([8, 7]);
  });

  it('merges many readers (heap) into a globally sorted stream', () => {
    let seed = 99;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const readers: FrameReader[] = [];
    const all: number[] = [];
    for (let k = 0; k < 9; k++) {
      const times: [number, number][] = [];
      let s = rnd(5);
      for (let i = 0; i < 50; i++) {
        s += rnd(3);
        times.push([s, rnd(1000)]);
        all.push(s * 1e9 + times[i]![1]);
      }
      times.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      readers.push(openCaptureBytes(pcapAt(times, k), `f${k}`, k, new AnomalyCounter(), { chunkSize: 256 }));
    }
    const got = readAll(mergeReaders(readers)).map((f) => f.tsSec * 1e9 + f.tsNsec);
    expect(got).toEqual(all.sort((x, y) => x - y));
  });

  it('returns a single reader itself (no overhead) and an empty merge for none', () => {
    const r = openCaptureBytes(pcapAt([[1, 0]], 1), 'x', 0, new AnomalyCounter());
    expect(mergeReaders([r])).toBe(r);
    const none = mergeReaders([]);
    expect(none.next()).toBeNull();
    expect(none.totalBytes).toBe(0);
  });

  it('propagates a corrupt input as CaptureFormatError after delivering earlier frames', () => {
    const bad = pcapAt(
      [
        [1, 0],
        [3, 0],
        [5, 0],
      ],
      1,
    );
    new DataView(bad.buffer).setUint32(24 + 2 * (16 + 22) + 8, 0x7fffffff, true);
    const r0 = openCaptureBytes(
      pcapAt(
        [
          [2, 0],
          [4, 0],
          [6, 0],
        ],
        0,
      ),
      'good',
      0,
      new AnomalyCounter(),
    );
    const r1 = openCaptureBytes(bad, 'bad.pcap', 1, new AnomalyCounter());
    const m = mergeReaders([r0, r1]);
    const seen: number[] = [];
    expect(() => {
      for (let f = m.next(); f !== null; f = m.next()) seen.push(f.tsSec);
    }).toThrow(/bad\.pcap: corrupt pcap record header at offset 100/);
    expect(seen).toEqual([1, 2, 3]);
    // The other input can still be drained.
    const rest: number[] = [];
    for (let f = m.next(); f !== null; f = m.next()) rest.push(f.tsSec);
    expect(rest).toEqual([4, 6]);
  });
});
