import { describe, expect, it } from 'vitest';
import { openCaptureBytes } from '../../../src/capture/capture-file.js';
import { PcapngReader } from '../../../src/capture/pcapng-reader.js';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { isCaptureFormatError } from '../../../src/core/errors.js';
import { LinkType } from '../../../src/core/link-type.js';
import { ByteWriter, fromHex } from '../../../src/util/bytes.js';
import { buildPcapng, payload, readAll } from './capture-fixtures.js';

/** A minimal big-endian pcapng written by hand: SHB, IDB (if_tsresol 9, if_tsoffset 100), EPB. */
const HAND_BE = fromHex(
  `
  0a0d0d0a                    # SHB type
  0000001c                    # block length 28
  1a2b3c4d                    # byte-order magic (big-endian file)
  0001 0000                   # version 1.0
  ffffffff ffffffff           # section length unknown
  0000001c                    # block length again
  00000001                    # IDB type
  00000028                    # block length 40
  0065 0000                   # link type 101 (RAW), reserved
  00000000                    # snaplen 0 (no limit)
  0009 0001 09000000          # if_tsresol = 9 (ns), padded
  000e 0008 0000000000000064  # if_tsoffset = 100 s (no opt_endofopt: the block ends here)
  00000028                    # block length again
  00000006                    # EPB type
  00000024                    # block length 36
  00000000                    # interface 0
  00000000 3b9aca07           # timestamp: 1 000 000 007 ns
  00000003 00000005           # captured 3, original 5
  450000 00                   # data + 1 byte padding
  00000024                    # block length again
`.replace(/#.*$/gm, ''),
);

describe('PcapngReader', () => {
  it('reads a hand-written big-endian file with if_tsresol and if_tsoffset', () => {
    const a = new AnomalyCounter();
    const r = openCaptureBytes(HAND_BE, 'hand.pcapng', 2, a) as PcapngReader;
    expect(r).toBeInstanceOf(PcapngReader);
    expect(readAll(r)).toEqual([{ frameNo: 1, tsSec: 101, tsNsec: 7, linkType: 101, capLen: 3, origLen: 5, data: [0x45, 0, 0], interfaceId: 0, source: 2 }]);
    expect(r.littleEndian).toBe(false);
    expect(r.interfaces.map((i) => [i.linkType, i.snaplen, i.tsresol, i.tsoffset])).toEqual([[101, 0, 9, 100]]);
    expect(r.truncatedFrames).toBe(1);
    expect(r.bytesRead).toBe(HAND_BE.length);
    expect(a.total()).toBe(0);
  });

  it('reads two sections of different byte order, interfaces with different link types and resolutions, EPB/SPB/OPB', () => {
    const bytes = buildPcapng((w1, other) => {
      // Section 1, little-endian: Ethernet µs (no if_tsresol) and RAW ns.
      w1.section();
      w1.addInterface({ linkType: LinkType.ETHERNET });
      w1.addInterface({ linkType: LinkType.RAW, tsresol: 9 });
      w1.packet(0, 1_700_000_000, 123_456_000, payload(60, 1));
      w1.packet(1, 1_700_000_000, 123_456_789, payload(61, 2), 200);
      w1.packet(1, 1_700_000_001, 5, payload(62, 3), 62, 'opb');
      w1.rawBlock(0x0000_0777, payload(5, 9)); // unknown block type
      w1.packet(0, 0, 0, payload(63, 4), 63, 'spb');
      // Section 2, big-endian: Linux SLL with binary 2^-20 resolution, snaplen 32, µs.
      const w2 = other(false);
      w2.section();
      w2.addInterface({ linkType: LinkType.LINUX_SLL, tsresol: 0x80 | 20, snaplen: 32 });
      w2.addInterface({ linkType: LinkType.ETHERNET, tsresol: 6 });
      w2.packet(0, 1_700_000_002, 500_000_000, payload(20, 5));
      w2.packet(1, 1_700_000_003, 7_000, payload(64, 6), 64, 'opb');
      w2.packet(0, 0, 0, payload(32, 7), 100, 'spb'); // SPB: caplen = min(origLen, snaplen 32)
    });
    const a = new AnomalyCounter();
    const r = openCaptureBytes(bytes, 'two.pcapng', 0, a) as PcapngReader;
    const frames = readAll(r);
    expect(frames.map((f) => [f.frameNo, f.interfaceId, f.linkType, f.tsSec, f.tsNsec, f.capLen, f.origLen])).toEqual([
      [1, 0, LinkType.ETHERNET, 1_700_000_000, 123_456_000, 60, 60],
      [2, 1, LinkType.RAW, 1_700_000_000, 123_456_789, 61, 200],
      [3, 1, LinkType.RAW, 1_700_000_001, 5, 62, 62],
      [4, 0, LinkType.ETHERNET, 0, 0, 63, 63],
      [5, 0, LinkType.LINUX_SLL, 1_700_000_002, 500_000_000, 20, 20],
      [6, 1, LinkType.ETHERNET, 1_700_000_003, 7_000, 64, 64],
      [7, 0, LinkType.LINUX_SLL, 0, 0, 32, 100],
    ]);
    const seeds = [1, 2, 3, 4, 5, 6, 7];
    frames.forEach((f, i) => {
      expect(f.data).toEqual(Array.from(payload(f.capLen, seeds[i]!)));
    });
    expect(r.sections).toBe(2);
    expect(r.littleEndian).toBe(false);
    expect(r.truncatedFrames).toBe(2);
    expect(a.count('pcapng.unknown_block')).toBe(1);
    expect(a.total()).toBe(1);
    expect(r.bytesRead).toBe(bytes.length);
  });

  it('truncates binary-resolution timestamps toward zero, as Wireshark does', () => {
    // 2^-20 s ticks: 123 456 789 ns is 129453.1... ticks → written as 129453 → read 123 456 459 ns.
    const bytes = buildPcapng((w) => {
      w.section();
      w.addInterface({ linkType: 1, tsresol: 0x80 | 20 });
      w.packet(0, 10, 123_456_789, payload(4, 1));
    });
    const [f] = readAll(openCaptureBytes(bytes, 'x', 0, new AnomalyCounter()));
    expect([f!.tsSec, f!.tsNsec]).toEqual([10, Math.floor((129_453 * 1e9) / 2 ** 20)]);
  });

  it('forgets the interfaces of an earlier section', () => {
    const bytes = buildPcapng((w) => {
      w.section();
      w.addInterface({ linkType: 1 });
      w.addInterface({ linkType: 101 });
      w.packet(1, 1, 0, payload(4, 1));
      w.section();
      w.addInterface({ linkType: 113 });
      w.packet(0, 2, 0, payload(4, 2));
    });
    // Make the last EPB name interface 1, which the second section does not have.
    const dv = new DataView(bytes.buffer);
    const lastEpb = bytes.length - (32 + 4);
    expect(dv.getUint32(lastEpb, true)).toBe(6);
    dv.setUint32(lastEpb + 8, 1, true);
    const a = new AnomalyCounter();
    const frames = readAll(openCaptureBytes(bytes, 'x', 0, a));
    expect(frames.map((f) => f.linkType)).toEqual([101]);
    expect(a.count('pcapng.unknown_interface')).toBe(1);
  });

  it('skips a packet on an undeclared interface (and an SPB with no interface 0)', () => {
    const body = new ByteWriter().u32(4, true).bytes(payload(4, 1)).finish();
    const bytes = buildPcapng((w) => {
      w.section();
      w.rawBlock(3, body); // SPB before any IDB
      w.addInterface({ linkType: 1 });
      w.packet(0, 1, 0, payload(4, 2));
    });
    const a = new AnomalyCounter();
    expect(readAll(openCaptureBytes(bytes, 'x', 0, a)).map((f) => f.frameNo)).toEqual([1]);
    expect(a.count('pcapng.unknown_interface')).toBe(1);
  });

  it('skips known non-packet blocks silently', () => {
    const bytes = buildPcapng((w) => {
      w.section();
      w.addInterface({ linkType: 1 });
      for (const t of [4, 5, 9, 10, 0xbad, 0x40000bad]) w.rawBlock(t, payload(8, t & 0xff));
      w.packet(0, 1, 0, payload(4, 2));
    });
    const a = new AnomalyCounter();
    expect(readAll(openCaptureBytes(bytes, 'x', 0, a)).length).toBe(1);
    expect(a.total()).toBe(0);
  });

  it('reports malformed IDB options and keeps the defaults', () => {
    // IDB body: link type 1, snaplen 0, if_tsresol with length 2 (must be 1), then an option
    // whose length runs past the block.
    const idb = new ByteWriter().u16(1, true).u16(0, true).u32(0, true).u16(9, true).u16(2, true).u16(0x0909, true).u16(0, true).u16(2, true).u16(200, true).finish();
    const bytes = buildPcapng((w) => {
      w.section();
      w.rawBlock(1, idb);
    });
    const epb = new ByteWriter().u32(6, true).u32(36, true).u32(0, true).u32(0, true).u32(2_000_001, true).u32(4, true).u32(4, true).bytes(payload(4, 1)).u32(36, true).finish();
    const all = new Uint8Array(bytes.length + epb.length);
    all.set(bytes);
    all.set(epb, bytes.length);
    const a = new AnomalyCounter();
    const frames = readAll(openCaptureBytes(all, 'x', 0, a));
    expect(frames.map((f) => [f.tsSec, f.tsNsec])).toEqual([[2, 1000]]); // default µs
    expect(a.count('pcapng.bad_option')).toBe(2);
  });

  describe('block length sanity', () => {
    function twoPackets(): Uint8Array {
      return buildPcapng((w) => {
        w.section();
        w.addInterface({ linkType: 1 });
        w.packet(0, 1, 0, payload(10, 1));
        w.packet(0, 2, 0, payload(10, 2));
      });
    }
    const secondEpb = 28 + 20 + 44; // SHB 28, IDB 20, first EPB 44
    it.each([
      ['not a multiple of 4', (dv: DataView) => dv.setUint32(secondEpb + 4, 46, true)],
      ['below 12', (dv: DataView) => dv.setUint32(secondEpb + 4, 8, true)],
      ['absurdly large', (dv: DataView) => dv.setUint32(secondEpb + 4, 0xfffffff0, true)],
      ['trailing copy differs', (dv: DataView) => dv.setUint32(secondEpb + 40, 48, true)],
      [
        'EPB shorter than its fixed fields',
        (dv: DataView) => {
          dv.setUint32(secondEpb + 4, 28, true);
          dv.setUint32(secondEpb + 24, 28, true);
        },
      ],
      ['captured length beyond the block', (dv: DataView) => dv.setUint32(secondEpb + 20, 400, true)],
    ])('%s → pcapng.bad_block_length and CaptureFormatError naming file and offset', (_n, damage) => {
      const bytes = twoPackets();
      expect(new DataView(bytes.buffer).getUint32(secondEpb, true)).toBe(6);
      damage(new DataView(bytes.buffer));
      const a = new AnomalyCounter();
      const r = openCaptureBytes(bytes, 'bad.pcapng', 0, a);
      expect(r.next()?.tsSec).toBe(1);
      let err: unknown;
      try {
        r.next();
      } catch (e) {
        err = e;
      }
      expect(isCaptureFormatError(err)).toBe(true);
      expect(err).toMatchObject({ path: 'bad.pcapng', offset: secondEpb });
      expect((err as Error).message).toMatch(new RegExp(`^bad\\.pcapng: corrupt pcapng block at offset ${secondEpb}`));
      expect(a.count('pcapng.bad_block_length')).toBe(1);
      expect(r.next()).toBeNull();
    });
  });

  it('rejects a Section Header Block with a bad byte-order magic', () => {
    const bytes = HAND_BE.slice();
    bytes[8] = 0x99;
    const r = openCaptureBytes(bytes, 'bom.pcapng', 0, new AnomalyCounter());
    expect(() => r.next()).toThrow(/bom\.pcapng: corrupt pcapng block at offset 0: bad byte-order magic 0x992b3c4d/);
  });

  it('rejects a section of an unknown major version', () => {
    const bytes = HAND_BE.slice();
    bytes[13] = 2; // version 2.0
    expect(() => openCaptureBytes(bytes, 'v2.pcapng', 0, new AnomalyCounter()).next()).toThrow(/unsupported pcapng major version 2/);
  });

  it('reports a block cut short by the end of the file and ends normally', () => {
    const whole = buildPcapng((w) => {
      w.section();
      w.addInterface({ linkType: 1 });
      w.packet(0, 1, 0, payload(10, 1));
      w.packet(0, 2, 0, payload(10, 2));
    });
    const secondEpb = 28 + 20 + 44;
    for (const cut of [1, 11, 12, 43]) {
      const a = new AnomalyCounter();
      const r = openCaptureBytes(whole.subarray(0, secondEpb + cut), 'cut.pcapng', 0, a);
      expect(readAll(r).length).toBe(1);
      expect(r.truncatedAt).toBe(secondEpb);
      expect(a.examplesOf('pcap.truncated_record')).toEqual([{ frame: undefined, detail: `cut.pcapng at offset ${secondEpb}` }]);
    }
  });
});
