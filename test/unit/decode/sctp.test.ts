/** SCTP common header and chunk reading (RFC 9260 sections 3.1-3.3). */
import { describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { LinkType } from '../../../src/core/link-type.js';
import { createSctpChunk, readSctpChunk, type SctpChunk } from '../../../src/decode/sctp.js';
import { cat, controlChunk, dataChunk, decode, hex, ipv4, ipv6, sctp, textBytes } from '../../helpers/packet-builders.js';

/** Every chunk of `chunks` as [type, flags, tsn, stream, ssn, ppid, data] rows, and the anomalies. */
function chunksOf(chunks: Uint8Array, snapCut = false): { rows: (string | number)[][]; codes: Record<string, number> } {
  const a = new AnomalyCounter();
  const c: SctpChunk = createSctpChunk();
  const rows: (string | number)[][] = [];
  for (let off = readSctpChunk(chunks, 0, chunks.length, c, a, 1, snapCut); off >= 0; off = readSctpChunk(chunks, off, chunks.length, c, a, 1, snapCut)) {
    rows.push(c.type === 0 ? [c.type, c.flags, c.tsn, c.stream, c.ssn, c.ppid, new TextDecoder().decode(c.data.subarray(c.dataOff, c.dataEnd))] : [c.type, c.flags]);
  }
  return { rows, codes: a.toJSON() };
}

describe('SCTP common header', () => {
  it('ports, verification tag and the chunks as payload, over IPv4 and IPv6', () => {
    const pkt = sctp({ sport: 57098, dport: 5060, vtag: 0x138d67a4 }, dataChunk({ tsn: 1, data: textBytes('hi') }));
    for (const ip of [ipv4({ proto: 132, payload: pkt }), ipv6({ nextHeader: 132, payload: pkt })]) {
      const r = decode(LinkType.RAW, ip);
      expect(r.codes).toEqual({});
      expect(r.out.l4).toBe(132);
      expect(r.out.srcPort).toBe(57098);
      expect(r.out.dstPort).toBe(5060);
      expect(r.out.sctpVtag).toBe(0x138d67a4);
      expect(Array.from(r.out.payload)).toEqual(Array.from(pkt.subarray(12)));
    }
  });

  it('a header cut short is reported and not decoded', () => {
    const r = decode(LinkType.RAW, ipv4({ proto: 132, payload: hex('dfbe 13c4 138d67a4 // no checksum') }));
    expect(r.codes).toEqual({ 'sctp.truncated_header': 1 });
    expect(r.out.l4).toBe(0);
  });
});

describe('SCTP chunks', () => {
  it('several chunks per packet, each padded to 4 bytes: SACK, DATA, HEARTBEAT, DATA', () => {
    const chunks = cat(
      controlChunk(3, hex('00000005 0000ffff 0000 0000 // SACK: cumulative TSN 5, a_rwnd, no gaps')),
      dataChunk({ tsn: 6, data: textBytes('abc'), stream: 2, ssn: 7, ppid: 0 }),
      controlChunk(4, hex('0001 0005 ff // heartbeat info, 5 bytes: 3 bytes padding')),
      dataChunk({ tsn: 7, data: textBytes('defgh'), frag: 'B', unordered: true, ppid: 46 }),
    );
    expect(chunksOf(chunks)).toEqual({
      rows: [
        [3, 0],
        [0, 3, 6, 2, 7, 0, 'abc'],
        [4, 0],
        [0, 6, 7, 0, 0, 46, 'defgh'],
      ],
      codes: {},
    });
  });

  it('the last chunk may come without its padding', () => {
    expect(chunksOf(dataChunk({ tsn: 1, data: textBytes('abcde'), noPadding: true })).rows).toEqual([[0, 3, 1, 0, 0, 0, 'abcde']]);
  });

  it('TSNs use all 32 bits', () => {
    expect(chunksOf(dataChunk({ tsn: 0xffffffff, data: textBytes('x') })).rows[0]![2]).toBe(0xffffffff);
  });

  // The last two are at the end of the packet by nature; the first two hide the chunk after them.
  it.each([
    ['length below the chunk header', dataChunk({ tsn: 1, data: textBytes('abc'), length: 3 }), 'sctp.bad_chunk', true],
    ['a DATA chunk without user data', dataChunk({ tsn: 1, data: new Uint8Array(0) }), 'sctp.bad_chunk', true],
    ['a chunk running past the packet', dataChunk({ tsn: 1, data: textBytes('abc'), length: 40 }), 'sctp.truncated_chunk', false],
    ['a cut chunk header', hex('00 03 00'), 'sctp.truncated_chunk', false],
  ])('%s stops the walk with an anomaly', (_name, bad, code, tail) => {
    const r = chunksOf(cat(dataChunk({ tsn: 9, data: textBytes('ok') }), bad, tail ? dataChunk({ tsn: 10, data: textBytes('lost') }) : new Uint8Array(0)));
    expect(r.rows).toEqual([[0, 3, 9, 0, 0, 0, 'ok']]);
    expect(r.codes).toEqual({ [code]: 1 });
  });

  it('a chunk cut by the snap length is not reported again', () => {
    const r = chunksOf(dataChunk({ tsn: 1, data: textBytes('abcdef') }).subarray(0, 18), true);
    expect(r).toEqual({ rows: [], codes: {} });
  });
});
