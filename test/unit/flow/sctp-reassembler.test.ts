/** SCTP user-message reassembly (RFC 9260 section 6.9): fragments, bundling, order, duplicates, caps, timeouts. */
import { describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { LinkType } from '../../../src/core/link-type.js';
import type { DecodedPacket } from '../../../src/decode/decoded-packet.js';
import { formatIp } from '../../../src/decode/format-ip.js';
import { SctpReassembler, type SctpReassemblerOptions } from '../../../src/flow/sctp-reassembler.js';
import { controlChunk, dataChunk, decode, hex, ipv4, sctp, textBytes, type DataChunkOpts } from '../../helpers/packet-builders.js';

interface Got {
  text: string;
  from: string;
  stream: number;
  ppid: number;
  frameNo: number;
}

function harness(opts: Partial<SctpReassemblerOptions> = {}, wants = (_ppid: number, _s: number, _d: number) => true) {
  const got: Got[] = [];
  const anomalies = new AnomalyCounter();
  const r = new SctpReassembler(
    {
      wants,
      message: (data: Uint8Array, pkt: DecodedPacket, stream: number, ppid: number, frameNo: number) => got.push({ text: new TextDecoder().decode(data), from: `${formatIp(pkt.src)}:${pkt.srcPort}`, stream, ppid, frameNo }),
    },
    anomalies,
    opts,
  );
  let frameNo = 0;
  /** One packet from `src` (vtag `vtag`) carrying the chunks, at capture second `sec`. */
  const put = (chunks: Uint8Array[], o: { src?: string; vtag?: number; sec?: number; sport?: number } = {}): void => {
    const out = decode(LinkType.RAW, ipv4({ proto: 132, src: o.src ?? '10.0.0.1', dst: '10.0.0.2', payload: sctp({ sport: o.sport ?? 57098, dport: 5060, vtag: o.vtag ?? 0x138d67a4 }, ...chunks) })).out;
    r.packet(out, ++frameNo, o.sec ?? 1000, 0);
  };
  const d = (o: Omit<DataChunkOpts, 'data'> & { text: string }): Uint8Array => dataChunk({ ...o, data: textBytes(o.text) });
  return { r, got, anomalies, put, d, texts: () => got.map((g) => g.text) };
}

describe('SctpReassembler', () => {
  it('hands on whole messages at once, several bundled in one packet with control chunks', () => {
    const h = harness();
    h.put([controlChunk(3, hex('00000000 0000ffff 0000 0000')), h.d({ tsn: 1, text: 'INVITE one' }), h.d({ tsn: 2, text: 'ACK two', stream: 3, ppid: 0 })]);
    expect(h.got).toEqual([
      { text: 'INVITE one', from: '10.0.0.1:57098', stream: 0, ppid: 0, frameNo: 1 },
      { text: 'ACK two', from: '10.0.0.1:57098', stream: 3, ppid: 0, frameNo: 1 },
    ]);
    expect(h.r.stats()).toMatchObject({ packets: 1, dataChunks: 2, messages: 2, reassembled: 0 });
  });

  it('reassembles B / middle / E fragments in TSN order, in and out of arrival order', () => {
    for (const order of [
      [0, 1, 2],
      [2, 1, 0],
      [1, 2, 0],
      [2, 0, 1],
    ]) {
      const h = harness();
      const frags = [h.d({ tsn: 100, frag: 'B', text: 'INVITE sip:x ' }), h.d({ tsn: 101, frag: '', text: 'SIP/2.0\r\n' }), h.d({ tsn: 102, frag: 'E', text: 'Via: y\r\n\r\n' })];
      for (const i of order) h.put([frags[i]!]);
      expect(h.texts(), `order ${order}`).toEqual(['INVITE sip:x SIP/2.0\r\nVia: y\r\n\r\n']);
      expect(h.got[0]!.frameNo).toBe(3); // the frame that completed it
      expect(h.r.stats()).toMatchObject({ messages: 1, reassembled: 1, bytesHeld: 0 });
    }
  });

  it('fragments of several messages with neighbouring TSNs, on different streams and orderings, stay apart', () => {
    const h = harness();
    const a1 = h.d({ tsn: 10, frag: 'B', text: 'a1', stream: 1, unordered: true });
    const a2 = h.d({ tsn: 11, frag: 'E', text: 'a2', stream: 1, unordered: true });
    const b1 = h.d({ tsn: 12, frag: 'B', text: 'b1', stream: 2 });
    const b2 = h.d({ tsn: 13, frag: 'E', text: 'b2', stream: 2 });
    h.put([a2, b2]);
    h.put([b1]);
    h.put([a1]);
    expect(h.got.map((g) => [g.text, g.stream])).toEqual([
      ['b1b2', 2],
      ['a1a2', 1],
    ]);
    // A run whose neighbours differ in stream is not one message.
    const k = harness();
    k.put([k.d({ tsn: 1, frag: 'B', text: 'x', stream: 1 }), k.d({ tsn: 2, frag: 'E', text: 'y', stream: 2 })]);
    expect(k.got).toEqual([]);
  });

  it('TSNs wrap around 2^32', () => {
    const h = harness();
    h.put([h.d({ tsn: 0, frag: 'E', text: 'end' })]);
    h.put([h.d({ tsn: 0xffffffff, frag: 'B', text: 'start-' })]);
    expect(h.texts()).toEqual(['start-end']);
  });

  it('drops retransmitted TSNs: whole messages, held fragments and fragments of a delivered message', () => {
    const h = harness();
    const whole = h.d({ tsn: 5, text: 'MESSAGE once' });
    h.put([whole]);
    h.put([whole]);
    const b = h.d({ tsn: 6, frag: 'B', text: 'BYE ' });
    const e = h.d({ tsn: 7, frag: 'E', text: 'sip:x SIP/2.0' });
    h.put([b]);
    h.put([b]); // held already
    h.put([e]);
    h.put([e]); // delivered already
    h.put([b, e]);
    expect(h.texts()).toEqual(['MESSAGE once', 'BYE sip:x SIP/2.0']);
    expect(h.r.stats()).toMatchObject({ duplicates: 5, messages: 2 });
    h.r.flush();
    expect(h.anomalies.toJSON()).toEqual({});
  });

  it('never joins fragments of different associations or different sources', () => {
    const h = harness();
    h.put([h.d({ tsn: 1, frag: 'B', text: 'mine-' })], { src: '10.0.0.1' });
    h.put([h.d({ tsn: 2, frag: 'E', text: 'theirs' })], { src: '10.0.0.9' });
    h.put([h.d({ tsn: 2, frag: 'E', text: 'other-assoc' })], { vtag: 7 });
    h.put([h.d({ tsn: 2, frag: 'E', text: 'other-port' })], { sport: 40000 });
    expect(h.got).toEqual([]);
    h.put([h.d({ tsn: 2, frag: 'E', text: 'end' })]);
    expect(h.texts()).toEqual(['mine-end']);
    h.r.flush();
    expect(h.anomalies.toJSON()).toEqual({ 'sctp.message_incomplete': 3 });
  });

  it('a message whose B is followed by another B before its E: the later one completes, the broken one is reported at the end', () => {
    const h = harness();
    h.put([h.d({ tsn: 20, frag: 'B', text: 'lost-' }), h.d({ tsn: 21, frag: 'B', text: 'new-' }), h.d({ tsn: 22, frag: 'E', text: 'end' })]);
    expect(h.texts()).toEqual(['new-end']);
    h.r.flush();
    expect(h.anomalies.toJSON()).toEqual({ 'sctp.message_incomplete': 1 });
    expect(h.r.stats()).toMatchObject({ incomplete: 1, bytesHeld: 0, directions: 0 });
  });

  it('skips data nobody wants without holding it', () => {
    const h = harness({}, (ppid) => ppid === 0);
    h.put([h.d({ tsn: 1, frag: 'B', text: 'diameter', ppid: 46 }), h.d({ tsn: 3, text: 'sip', ppid: 0 })]);
    expect(h.texts()).toEqual(['sip']);
    expect(h.r.stats()).toMatchObject({ skipped: 1, bytesHeld: 0 });
  });

  it('fragments time out after fragmentTimeoutSec of capture time; idle directions are forgotten', () => {
    const h = harness({ fragmentTimeoutSec: 30, idleTimeoutSec: 60 });
    h.put([h.d({ tsn: 1, frag: 'B', text: 'old-' })], { sec: 1000 });
    h.put([h.d({ tsn: 8, frag: 'B', text: 'young-' })], { sec: 1020 });
    h.r.expire(1031);
    expect(h.anomalies.toJSON()).toEqual({ 'sctp.message_incomplete': 1 });
    h.put([h.d({ tsn: 2, frag: 'E', text: 'end' })], { sec: 1032 });
    h.put([h.d({ tsn: 9, frag: 'E', text: 'end' })], { sec: 1033 });
    expect(h.texts()).toEqual(['young-end']);
    expect(h.r.stats().directions).toBe(1);
    h.r.expire(1200);
    expect(h.anomalies.toJSON()).toEqual({ 'sctp.message_incomplete': 2 });
    expect(h.r.stats()).toMatchObject({ directions: 0, bytesHeld: 0 });
  });

  it('per-direction caps: bytes (the largest message) and fragment count drop the oldest fragments, reported', () => {
    const h = harness({ maxMessageBytes: 10, maxFragments: 100, maxBytes: 10 });
    h.put([h.d({ tsn: 1, frag: 'B', text: '123456' })]);
    h.put([h.d({ tsn: 2, frag: '', text: '789012' })]);
    expect(h.anomalies.toJSON()).toEqual({ 'sctp.fragments_evicted': 1 });
    h.put([h.d({ tsn: 3, frag: 'E', text: 'x' })]);
    expect(h.got).toEqual([]);
    expect(h.r.stats().bytesHeld).toBeLessThanOrEqual(10);

    const n = harness({ maxFragments: 2 });
    for (let t = 1; t <= 5; t++) n.put([n.d({ tsn: t, frag: t === 1 ? 'B' : '', text: 'f' })]);
    expect(n.r.stats()).toMatchObject({ evicted: 3, bytesHeld: 2 });
  });

  it('the global byte cap and the direction table cap evict, reported', () => {
    const h = harness({ maxMessageBytes: 8, maxBytes: 10, maxDirections: 2 });
    h.put([h.d({ tsn: 1, frag: 'B', text: 'aaaaaa' })], { src: '10.0.0.1' });
    h.put([h.d({ tsn: 1, frag: 'B', text: 'bbbbbb' })], { src: '10.0.0.2' });
    expect(h.anomalies.count('sctp.fragments_evicted')).toBe(1);
    expect(h.r.stats().bytesHeld).toBe(6);
    h.put([h.d({ tsn: 1, text: 'whole' })], { src: '10.0.0.3' });
    expect(h.anomalies.count('flow.evicted')).toBe(1);
    expect(h.r.stats().directions).toBe(2);
    expect(h.texts()).toEqual(['whole']);
  });

  it('I-DATA chunks (RFC 8260) are reported, not reassembled', () => {
    const h = harness();
    h.put([dataChunk({ tsn: 1, data: textBytes('interleaved'), type: 64 })]);
    expect(h.got).toEqual([]);
    expect(h.anomalies.toJSON()).toEqual({ 'sctp.i_data_not_decoded': 1 });
  });
});
