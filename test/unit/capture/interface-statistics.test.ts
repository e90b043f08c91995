import { describe, expect, it } from 'vitest';
import { ByteSource } from '../../../src/capture/byte-source.js';
import { openCaptureBytes } from '../../../src/capture/capture-file.js';
import { parseInterfaceStatistics } from '../../../src/capture/interface-statistics.js';
import { PcapngReader } from '../../../src/capture/pcapng-reader.js';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { fromHex } from '../../../src/util/bytes.js';
import { readAll } from './capture-fixtures.js';

const hex = (s: string): Uint8Array => fromHex(s.replace(/#.*$/gm, ''));

/** A little-endian SHB and one IDB (LINKTYPE_ETHERNET, snaplen 262144), as dumpcap starts its output. */
const HEAD_LE = `
  0a0d0d0a 1c000000           # SHB, length 28
  4d3c2b1a 0100 0000          # byte-order magic, version 1.0
  ffffffff ffffffff           # section length unknown
  1c000000                    # length again
  01000000 14000000           # IDB, length 20
  0100 0000 00000400          # link type 1, reserved, snaplen 262144
  14000000                    # length again
`;

/** The Interface Statistics Block dumpcap 4.0.17 wrote when stopped after 5 packets on lo. */
const DUMPCAP_ISB_LE = `
  05000000 6c000000           # ISB, length 108
  00000000                    # interface 0
  0a620600 224ea152           # timestamp
  0100 1c00                   # opt_comment, 28 bytes
  436f756e74657273 2070726f76696465 642062792064756d 70636170  # "Counters provided by dumpcap"
  0200 0800 0a620600 67078552          # isb_starttime
  0300 0800 0a620600 d74da152          # isb_endtime
  0400 0800 0500000000000000           # isb_ifrecv = 5
  0500 0800 0000000000000000           # isb_ifdrop = 0
  0000 0000                            # opt_endofopt
  6c000000                    # length again
`;

function isbBlock(le: boolean, opts: [code: number, value: bigint | Uint8Array][]): Uint8Array {
  const body: number[] = [];
  const u16 = (v: number): void => void (le ? body.push(v & 255, v >> 8) : body.push(v >> 8, v & 255));
  const u32 = (v: number): void => {
    const b = [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
    body.push(...(le ? b.reverse() : b));
  };
  u32(5);
  u32(0); // length, patched below
  u32(3); // interface id
  u32(0);
  u32(0);
  for (const [code, v] of opts) {
    const bytes = v instanceof Uint8Array ? [...v] : Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * (le ? i : 7 - i))) & 255n));
    u16(code);
    u16(bytes.length);
    body.push(...bytes);
    while (body.length % 4 !== 0) body.push(0);
  }
  u16(0);
  u16(0);
  u32(0);
  const len = body.length;
  const out = new Uint8Array(body);
  const dv = new DataView(out.buffer);
  dv.setUint32(4, len, le);
  dv.setUint32(len - 4, len, le);
  return out;
}

describe('parseInterfaceStatistics (pcapng section 4.6)', () => {
  it("reads dumpcap's own closing block: received 5, dropped 0", () => {
    const b = hex(DUMPCAP_ISB_LE);
    const st = parseInterfaceStatistics(new DataView(b.buffer), 0, b.length, true);
    expect(st).toEqual({ interfaceId: 0, ifRecv: 5, ifDrop: 0, filterAccept: undefined, osDrop: undefined, usrDeliv: undefined, badOptions: 0 });
  });

  it('reads every counter in both byte orders, 64-bit values included', () => {
    for (const le of [true, false]) {
      const b = isbBlock(le, [
        [4, 0x1_0000_0002n],
        [5, 1234n],
        [6, 77n],
        [7, 9n],
        [8, 66n],
      ]);
      expect(parseInterfaceStatistics(new DataView(b.buffer), 0, b.length, le)).toEqual({ interfaceId: 3, ifRecv: 0x1_0000_0002, ifDrop: 1234, filterAccept: 77, osDrop: 9, usrDeliv: 66, badOptions: 0 });
    }
  });

  it('leaves absent counters unknown and counts a counter of the wrong length as a bad option', () => {
    const b = isbBlock(true, [
      [5, new Uint8Array([1, 2, 3, 4])],
      [7, 4n],
    ]);
    expect(parseInterfaceStatistics(new DataView(b.buffer), 0, b.length, true)).toMatchObject({ ifDrop: undefined, osDrop: 4, ifRecv: undefined, badOptions: 1 });
  });

  it('stops at an option that runs past the block', () => {
    const b = isbBlock(true, [[5, 8n]]);
    new DataView(b.buffer).setUint16(22, 200, true); // isb_ifdrop claims 200 bytes
    expect(parseInterfaceStatistics(new DataView(b.buffer), 0, b.length, true)).toMatchObject({ ifDrop: undefined, badOptions: 1 });
  });
});

describe('PcapngReader keeps the last statistics block per interface', () => {
  it('exposes the counters dumpcap wrote at the end of its output', () => {
    const a = new AnomalyCounter();
    const r = openCaptureBytes(hex(HEAD_LE + DUMPCAP_ISB_LE), 'dumpcap.pcapng', 0, a) as PcapngReader;
    expect(readAll(r)).toEqual([]);
    expect(r.interfaceStatistics.map((s) => [s.interfaceId, s.ifRecv, s.ifDrop])).toEqual([[0, 5, 0]]);
    expect(a.total()).toBe(0);
  });

  it('skips a statistics block too short for its fixed fields (silently, as before statistics were read)', () => {
    const a = new AnomalyCounter();
    const r = openCaptureBytes(hex(`${HEAD_LE} 05000000 10000000 00000000 10000000`), 'short.pcapng', 0, a) as PcapngReader;
    expect(readAll(r)).toEqual([]);
    expect(r.interfaceStatistics).toEqual([]);
    expect(a.total()).toBe(0);
  });
});

describe('ByteSource.pushed: the reader fed by a child process', () => {
  it('gives the same frames and statistics as the whole file, pushed in pieces of any size, reading only when readable', () => {
    const epb = `
      06000000 24000000 00000000  # EPB, length 36, interface 0
      00000000 01000000           # timestamp
      03000000 03000000           # captured 3, original 3
      45000000                    # data + padding
      24000000`;
    const whole = hex(HEAD_LE + epb + epb + DUMPCAP_ISB_LE + epb);
    for (const piece of [1, 3, 7, 36, 1000]) {
      const a = new AnomalyCounter();
      const src = ByteSource.pushed('live:test', { chunkSize: 64 });
      let reader: PcapngReader | undefined;
      let frames = 0;
      const drain = (): void => {
        if (reader === undefined && src.available >= 4) reader = new PcapngReader(src, 0, a);
        while (reader?.readable()) {
          if (reader.next() === null) break;
          frames++;
        }
      };
      for (let i = 0; i < whole.length; i += piece) {
        src.push(whole.subarray(i, i + piece));
        drain();
      }
      expect(frames).toBe(3);
      src.endPush();
      drain();
      expect(reader!.next()).toBeNull();
      expect(reader!.interfaceStatistics.map((s) => s.ifRecv)).toEqual([5]);
      expect(src.bufferSize).toBeLessThanOrEqual(1000);
      expect(a.total()).toBe(0);
    }
  });

  it('refuses to read bytes that were not pushed yet (a caller that ignores readable())', () => {
    const src = ByteSource.pushed('live:test');
    src.push(new Uint8Array(3));
    let err: unknown;
    try {
      src.ensure(8);
    } catch (e) {
      err = e;
    }
    expect((err as Error).name).toBe('InvariantError');
  });
});
