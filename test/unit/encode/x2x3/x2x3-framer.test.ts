import { describe, expect, it } from 'vitest';
import { encodeKeepalive, encodeX2X3Pdu } from '../../../../src/encode/x2x3/encode-x2x3-pdu.js';
import { X2X3Framer } from '../../../../src/encode/x2x3/x2x3-framer.js';
import { concatBytes, toHex } from '../../../../src/util/bytes.js';

const XID = '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901';
const x3 = (n: number): Uint8Array =>
  encodeX2X3Pdu({
    pduType: 2,
    payloadFormat: 13,
    payloadDirection: 3,
    xid: XID,
    correlationId: new Uint8Array(8),
    attributes: [{ kind: 'sequenceNumber', value: n }],
    payload: new Uint8Array(n * 7).fill(n),
  });

const STREAM = concatBytes([encodeKeepalive(1), x3(1), x3(2), x3(30), encodeKeepalive(2)]);
const LENGTHS = [48, x3(1).length, x3(2).length, x3(30).length, 48];

describe('X2X3Framer', () => {
  it.each([1, 2, 3, 7, 40, 47, 48, 49, 100, STREAM.length])('frames a stream fed in chunks of %i bytes', (size) => {
    const f = new X2X3Framer();
    const got: string[] = [];
    const offsets: number[] = [];
    for (let i = 0; i < STREAM.length; i += size) {
      const r = f.push(STREAM.subarray(i, i + size));
      expect(r.error).toBeUndefined();
      for (const p of r.pdus) got.push(toHex(p.payload));
      offsets.push(...r.offsets);
      expect(f.buffered).toBeLessThanOrEqual(Math.max(...LENGTHS) + size);
    }
    expect(f.end()).toBeUndefined();
    expect(got).toEqual(['', toHex(x3(1).subarray(48)), toHex(x3(2).subarray(48)), toHex(x3(30).subarray(48)), '']);
    // Each record starts where the previous ones end: the running sum before it.
    expect(offsets).toEqual(LENGTHS.map((_l, i) => LENGTHS.slice(0, i).reduce((a, b) => a + b, 0)));
    expect(f.buffered).toBe(0);
  });

  it('returned PDUs own their bytes (feeding more input does not change them)', () => {
    const f = new X2X3Framer();
    const chunk = x3(3).slice();
    const [p] = f.push(chunk).pdus;
    chunk.fill(0);
    f.push(x3(4));
    expect(toHex(p!.payload)).toBe(toHex(new Uint8Array(21).fill(3)));
  });

  it('reports a cut-off last PDU at end()', () => {
    const f = new X2X3Framer();
    f.push(STREAM.subarray(0, STREAM.length - 5));
    expect(f.end()).toMatchObject({ code: 'truncated', offset: STREAM.length - 5 });
  });

  it('fails permanently on a framing error, with the stream offset, and drops further input', () => {
    const f = new X2X3Framer();
    const bad = encodeKeepalive(3).slice();
    bad[0] = 9;
    const r = f.push(concatBytes([x3(1), bad]));
    expect(r.pdus).toHaveLength(1);
    expect(r.error).toMatchObject({ code: 'bad_version', offset: x3(1).length });
    const again = f.push(x3(2));
    expect(again.pdus).toHaveLength(0);
    expect(again.error).toBe(r.error);
    expect(f.buffered).toBe(0);
    expect(f.end()).toBe(r.error);
  });

  it('rejects an oversized declared PDU before buffering it (bounded memory)', () => {
    const f = new X2X3Framer({ maxPayloadLength: 1000 });
    const head = x3(1).slice(0, 12);
    head.set([0, 1, 0, 0], 8); // payload length 65536
    const r = f.push(head);
    expect(r.error).toMatchObject({ code: 'too_large', offset: 8 });
    expect(f.buffered).toBe(0);
  });

  it('rejects a wrong version after 4 bytes, without waiting for the declared PDU', () => {
    const f = new X2X3Framer();
    const r = f.push(Uint8Array.of(0x05, 0x00, 0x00, 0x02));
    expect(r.error).toMatchObject({ code: 'bad_version', offset: 0 });
    const g = new X2X3Framer();
    expect(g.push(Uint8Array.of(0x00, 0x05, 0x00, 0x09)).error).toMatchObject({ code: 'bad_pdu_type', offset: 2 });
  });
});
