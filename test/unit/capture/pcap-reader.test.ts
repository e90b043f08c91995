import { describe, expect, it } from 'vitest';
import { openCaptureBytes } from '../../../src/capture/capture-file.js';
import { PcapReader } from '../../../src/capture/pcap-reader.js';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { isCaptureFormatError } from '../../../src/core/errors.js';
import { LinkType } from '../../../src/core/link-type.js';
import { fromHex } from '../../../src/util/bytes.js';
import { buildPcap, payload, readAll } from './capture-fixtures.js';

/** A big-endian nanosecond pcap with one 4-byte record, written by hand. */
const HAND_BE_NS = fromHex(
  `
  a1b23c4d  # magic: nanosecond, big-endian
  0002 0004 # version 2.4
  00000000  # thiszone
  00000000  # sigfigs
  0000ffff  # snaplen 65535
  00000065  # link type 101 (RAW)
  6553f100  # ts seconds 1700000000
  075bcd15  # ts nanoseconds 123456789
  00000004  # captured length 4
  0000000a  # original length 10 (snaplen cut it)
  45000014  # data
`.replace(/#.*$/gm, ''),
);

/** The same as a little-endian microsecond pcap. */
const HAND_LE_US = fromHex(
  `
  d4c3b2a1  # magic: microsecond, little-endian
  0200 0400 # version 2.4
  00000000  # thiszone
  00000000  # sigfigs
  ffff0000  # snaplen 65535
  65000000  # link type 101 (RAW)
  00f15365  # ts seconds 1700000000
  40e20100  # ts microseconds 123456
  04000000  # captured length 4
  0a000000  # original length 10
  45000014  # data
`.replace(/#.*$/gm, ''),
);

describe('PcapReader', () => {
  it.each([
    ['big-endian ns', HAND_BE_NS, 123_456_789, false, true],
    ['little-endian µs', HAND_LE_US, 123_456_000, true, false],
  ] as const)('reads a hand-written %s file', (_n, bytes, nsec, le, ns) => {
    const a = new AnomalyCounter();
    const r = openCaptureBytes(bytes, 'hand.pcap', 3, a) as PcapReader;
    expect(r).toBeInstanceOf(PcapReader);
    expect(r.format).toBe('pcap');
    expect([r.littleEndian, r.nanosecond, r.versionMajor, r.versionMinor, r.snaplen, r.linkType]).toEqual([le, ns, 2, 4, 65535, 101]);
    const frames = readAll(r);
    expect(frames).toEqual([{ frameNo: 1, tsSec: 1_700_000_000, tsNsec: nsec, linkType: 101, capLen: 4, origLen: 10, data: [0x45, 0, 0, 0x14], interfaceId: 0, source: 3 }]);
    expect(r.truncatedFrames).toBe(1);
    expect(r.truncatedAt).toBeUndefined();
    expect(r.bytesRead).toBe(bytes.length);
    expect(r.totalBytes).toBe(bytes.length);
    expect(a.total()).toBe(0);
    expect(r.next()).toBeNull();
  });

  const variants = [
    { nanosecond: false, littleEndian: true },
    { nanosecond: false, littleEndian: false },
    { nanosecond: true, littleEndian: true },
    { nanosecond: true, littleEndian: false },
  ];
  it.each(variants)('round-trips writer output (ns=$nanosecond, le=$littleEndian)', (v) => {
    const times: [number, number][] = [
      [1_700_000_000, 0],
      [1_700_000_000, 999_999_999],
      [1_700_000_001, 1_234_567],
      [4_294_967_295, 500_000_001],
    ];
    const bytes = buildPcap({ linkType: LinkType.ETHERNET, ...v }, (w) => {
      times.forEach(([s, n], i) => {
        w.packet(s, n, payload(60 + i, i));
      });
    });
    const r = openCaptureBytes(bytes, 'x.pcap', 0, new AnomalyCounter());
    const frames = readAll(r);
    expect(frames.map((f) => [f.frameNo, f.tsSec, f.tsNsec, f.linkType, f.capLen])).toEqual(times.map(([s, n], i) => [i + 1, s, v.nanosecond ? n : Math.floor(n / 1000) * 1000, LinkType.ETHERNET, 60 + i]));
    frames.forEach((f, i) => {
      expect(f.data).toEqual(Array.from(payload(60 + i, i)));
    });
    expect(r.truncatedFrames).toBe(0);
  });

  it('returns snaplen-truncated records normally and counts them', () => {
    const bytes = buildPcap({ linkType: 1, snaplen: 64 }, (w) => {
      w.packet(1, 0, payload(64, 1), 1500);
      w.packet(2, 0, payload(40, 2));
      w.packet(3, 0, payload(64, 3), 9000);
    });
    const a = new AnomalyCounter();
    const r = openCaptureBytes(bytes, 's.pcap', 0, a);
    expect(readAll(r).map((f) => [f.capLen, f.origLen])).toEqual([
      [64, 1500],
      [40, 40],
      [64, 9000],
    ]);
    expect(r.truncatedFrames).toBe(2);
    expect(a.count('pcap.snaplen_truncated')).toBe(0); // counted, not reported per frame
  });

  it('reports a record cut short by the end of the file and ends normally', () => {
    const whole = buildPcap({ linkType: 1 }, (w) => {
      w.packet(1, 0, payload(100, 1));
      w.packet(2, 0, payload(100, 2));
    });
    const recordStart = 24 + 16 + 100;
    for (const cut of [1, 15, 16, 17, 115]) {
      const a = new AnomalyCounter();
      const r = openCaptureBytes(whole.subarray(0, recordStart + cut), 'cut.pcap', 0, a);
      expect(readAll(r).length, `cut ${cut}`).toBe(1);
      expect(r.truncatedAt).toBe(recordStart);
      expect(a.count('pcap.truncated_record')).toBe(1);
      expect(a.examplesOf('pcap.truncated_record')[0]!.detail).toBe(`cut.pcap at offset ${recordStart}`);
      expect(r.next()).toBeNull();
    }
  });

  it('throws CaptureFormatError with path and offset on an insane caplen; earlier frames delivered', () => {
    const bytes = buildPcap({ linkType: 1 }, (w) => {
      w.packet(1, 0, payload(10, 1));
      w.packet(2, 0, payload(10, 2));
      w.packet(3, 0, payload(10, 3));
    });
    const bad = 24 + 26 * 2; // third record
    new DataView(bytes.buffer).setUint32(bad + 8, 0x7fffffff, true);
    const a = new AnomalyCounter();
    const r = openCaptureBytes(bytes, 'corrupt.pcap', 0, a);
    expect(r.next()?.frameNo).toBe(1);
    expect(r.next()?.frameNo).toBe(2);
    let err: unknown;
    try {
      r.next();
    } catch (e) {
      err = e;
    }
    expect(isCaptureFormatError(err)).toBe(true);
    expect(err).toMatchObject({ path: 'corrupt.pcap', offset: bad });
    expect((err as Error).message).toContain('corrupt.pcap');
    expect((err as Error).message).toContain(`offset ${bad}`);
    expect(a.count('pcap.caplen_too_large')).toBe(1);
    expect(r.next()).toBeNull();
  });

  it('accepts a caplen above a small snaplen up to 256 KiB (writers understate snaplen)', () => {
    const bytes = buildPcap({ linkType: 1, snaplen: 96 }, (w) => w.packet(1, 0, payload(2000, 1)));
    expect(readAll(openCaptureBytes(bytes, 'x', 0, new AnomalyCounter()))[0]!.capLen).toBe(2000);
  });

  it('carries an out-of-range fraction into the seconds and reports it', () => {
    const bytes = buildPcap({ linkType: 1 }, (w) => w.packet(10, 0, payload(4, 1)));
    new DataView(bytes.buffer).setUint32(24 + 4, 2_500_000, true); // 2.5 s in µs
    const a = new AnomalyCounter();
    const [f] = readAll(openCaptureBytes(bytes, 'x', 0, a));
    expect([f!.tsSec, f!.tsNsec]).toEqual([12, 500_000_000]);
    expect(a.count('pcap.bad_timestamp_fraction')).toBe(1);
  });

  it('uses the captured length when the original length is smaller, and reports it', () => {
    const bytes = buildPcap({ linkType: 1 }, (w) => w.packet(10, 0, payload(8, 1), 3));
    const a = new AnomalyCounter();
    const r = openCaptureBytes(bytes, 'x', 0, a);
    expect(readAll(r).map((f) => [f.capLen, f.origLen])).toEqual([[8, 8]]);
    expect(a.count('capture.origlen_below_caplen')).toBe(1);
    expect(r.truncatedFrames).toBe(0);
  });

  it('masks the FCS bits out of the link type field', () => {
    const bytes = buildPcap({ linkType: 1 }, (w) => w.packet(1, 0, payload(4, 1)));
    new DataView(bytes.buffer).setUint32(20, 0x1000_0000 | 0x6000_0000 | 1, true); // F bit + FCS len
    expect(readAll(openCaptureBytes(bytes, 'x', 0, new AnomalyCounter()))[0]!.linkType).toBe(1);
  });

  it('rejects a file header cut short', () => {
    expect(() => openCaptureBytes(HAND_LE_US.subarray(0, 20), 'short.pcap', 0, new AnomalyCounter())).toThrow(/short\.pcap: pcap file header is cut short \(20 of 24 bytes\)/);
  });

  it('reuses one frame object and invalidates nothing until the next call', () => {
    const bytes = buildPcap({ linkType: 1 }, (w) => {
      w.packet(1, 0, payload(10, 1));
      w.packet(2, 0, payload(10, 2));
    });
    const r = openCaptureBytes(bytes, 'x', 0, new AnomalyCounter());
    const a = r.next();
    const firstData = Array.from(a!.data);
    const b = r.next();
    expect(b).toBe(a);
    expect(firstData).toEqual(Array.from(payload(10, 1)));
    expect(Array.from(b!.data)).toEqual(Array.from(payload(10, 2)));
  });
});
