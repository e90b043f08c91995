/**
 * The byte budget shared by all WebSocket directions (review: 50 directions each holding a ~4 MiB
 * fragment without FIN held 200 MiB for ever): messages being collected count against one budget,
 * the earliest are evicted past it (`websocket.memcap`), an idle one is dropped after the budget's
 * idle time (`websocket.message_timeout`), each direction stays in step, and uncompressed messages
 * streamed to a `chunk` sink (MSRP, RFC 7977 5.3) hold nothing at all.
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../../../src/core/anomaly.js';
import { WebSocketFrameDecoder } from '../../../../src/protocols/websocket/websocket-frame-decoder.js';
import type { WebSocketMessageSink } from '../../../../src/protocols/websocket/websocket-message-collector.js';
import { WebSocketMemoryBudget } from '../../../../src/protocols/websocket/websocket-memory-budget.js';
import { wsFrame } from '../../../helpers/websocket-frames.js';

const MiB = 1 << 20;
const MASK = new Uint8Array([0x11, 0x22, 0x33, 0x44]);
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The head of a masked client frame with a 64-bit length (RFC 6455 5.2), FIN as given. */
function head(len: number, fin: boolean, opcode = 2): Uint8Array {
  const h = new Uint8Array(14);
  h[0] = (fin ? 0x80 : 0) | opcode;
  h[1] = 0x80 | 127;
  new DataView(h.buffer).setUint32(6, len);
  h.set(MASK, 10);
  return h;
}

/** Feeds `len` payload bytes in 64 KiB segments (content irrelevant here). */
function payload(d: WebSocketFrameDecoder, len: number, tsSec: number): void {
  const seg = new Uint8Array(64 * 1024);
  for (let o = 0; o < len; o += seg.length) d.push(seg.subarray(0, Math.min(seg.length, len - o)), 1, tsSec, 0);
}

function recorder(): { sink: WebSocketMessageSink; out: string[] } {
  const out: string[] = [];
  return { out, sink: { message: (p) => out.push(`msg:${Buffer.from(p).toString('latin1')}`), lost: (bytes) => out.push(`lost:${bytes}`) } };
}

describe('WebSocket memory budget', () => {
  it("the reviewer's 50 directions with a ~4 MiB fragment without FIN hold no more than the budget, evictions reported", () => {
    const budget = new WebSocketMemoryBudget(32 * MiB, 60);
    const anomalies = new AnomalyCounter();
    const len = 4 * MiB - 1024;
    const decs: { d: WebSocketFrameDecoder; out: string[] }[] = [];
    for (let k = 0; k < 50; k++) {
      const { sink, out } = recorder();
      const d = new WebSocketFrameDecoder({ sink, anomalies, fromClient: true, maxMessageBytes: 4 * MiB, budget });
      d.push(head(len, false), 1, 0, 0);
      payload(d, len, 0);
      decs.push({ d, out });
      expect(budget.used).toBeLessThanOrEqual(32 * MiB);
    }
    expect(budget.peak).toBeLessThanOrEqual(32 * MiB);
    // 8 whole fragments fit; each new one evicts the earliest.
    expect(budget.used).toBe(8 * len);
    expect(anomalies.toJSON()['websocket.memcap']).toBe(42);
    // An evicted direction stays in step: its message ends as lost, the next one is decoded.
    const first = decs[0]!;
    first.d.push(wsFrame({ fin: true, opcode: 0, payload: enc('end'), mask: MASK }), 2, 1, 0);
    first.d.push(wsFrame({ opcode: 1, payload: enc('next'), mask: MASK }), 3, 1, 0);
    expect(first.out).toEqual([`lost:${len + 3}`, 'msg:next']);
    // A direction still holding its fragment completes it and gives the bytes back.
    const last = decs[49]!;
    last.d.push(wsFrame({ fin: true, opcode: 0, payload: enc('!'), mask: MASK }), 4, 1, 0);
    expect(last.out.length).toBe(1);
    expect(last.out[0]!.length).toBe(4 + len + 1);
    expect(budget.used).toBe(7 * len);
  });

  it('a message that gets no byte for the idle time is dropped and reported; the direction stays in step', () => {
    const budget = new WebSocketMemoryBudget(32 * MiB, 60);
    const anomalies = new AnomalyCounter();
    const { sink, out } = recorder();
    const d = new WebSocketFrameDecoder({ sink, anomalies, fromClient: true, budget });
    d.push(wsFrame({ fin: false, opcode: 1, payload: enc('half'), mask: MASK }), 1, 100, 0);
    expect(budget.used).toBe(4);
    budget.sweep(160);
    expect(budget.used).toBe(4);
    budget.sweep(161);
    expect(budget.used).toBe(0);
    expect(anomalies.toJSON()).toEqual({ 'websocket.message_timeout': 1 });
    d.push(wsFrame({ fin: true, opcode: 0, payload: enc('rest'), mask: MASK }), 2, 170, 0);
    d.push(wsFrame({ opcode: 1, payload: enc('next'), mask: MASK }), 3, 171, 0);
    expect(out).toEqual(['lost:8', 'msg:next']);
    expect(budget.used).toBe(0);
  });

  it('uncompressed messages streamed to a chunk sink (MSRP) hold nothing, however large', () => {
    const budget = new WebSocketMemoryBudget(1 * MiB, 60);
    const anomalies = new AnomalyCounter();
    let streamed = 0;
    let ends = 0;
    const sink: WebSocketMessageSink = {
      chunk: (c) => {
        streamed += c.length;
      },
      message: () => {
        ends++;
      },
      lost: () => {},
    };
    const d = new WebSocketFrameDecoder({ sink, anomalies, fromClient: true, maxMessageBytes: 4 * MiB, budget });
    const len = 6 * MiB;
    d.push(head(len, false), 1, 0, 0);
    payload(d, len, 0);
    expect(budget.peak).toBe(0);
    d.push(wsFrame({ fin: true, opcode: 0, payload: enc('x'), mask: MASK }), 2, 0, 0);
    expect([streamed, ends, d.lostMessages]).toEqual([len + 1, 1, 0]);
    expect(anomalies.toJSON()).toEqual({});
  });

  it('streamed payloads are unmasked exactly, whatever the segment cuts', () => {
    const text = 'MSRP a786hjs2 SEND\r\nTo-Path: msrp://x.invalid:2855/s;ws\r\n\r\nhello\r\n-------a786hjs2$\r\n';
    const parts: Uint8Array[] = [];
    const sink: WebSocketMessageSink = { chunk: (c) => void parts.push(c.slice()), message: () => {}, lost: () => {} };
    const d = new WebSocketFrameDecoder({ sink, fromClient: true });
    const f = wsFrame({ opcode: 1, payload: enc(text), mask: MASK });
    for (let i = 0; i < f.length; i += 7) d.push(f.subarray(i, i + 7), 1, 0, 0);
    expect(Buffer.concat(parts).toString('latin1')).toBe(text);
  });

  it('a deflate window kept for context takeover counts too: evicted for the budget (reported), never for idleness', () => {
    const budget = new WebSocketMemoryBudget(48 * 1024, 60);
    const anomalies = new AnomalyCounter();
    // RFC 7692 7.2.1: a sync-flushed deflate stream without its 00 00 ff ff tail.
    const z = (t: string): Uint8Array => {
      const b = deflateRawSync(enc(t), { finishFlush: 2 });
      return b.subarray(0, b.length - 4);
    };
    const a = recorder();
    const b = recorder();
    const da = new WebSocketFrameDecoder({ sink: a.sink, anomalies, fromClient: false, deflate: { contextTakeover: true }, budget });
    const db = new WebSocketFrameDecoder({ sink: b.sink, anomalies, fromClient: false, deflate: { contextTakeover: true }, budget });
    da.push(wsFrame({ opcode: 1, rsv1: true, payload: z('first') }), 1, 0, 0);
    expect(budget.used).toBe(32 * 1024);
    // Idle for long: the window stays (an idle chat keeps its context).
    budget.sweep(1000);
    expect(budget.used).toBe(32 * 1024);
    // Another direction's window does not fit beside it: the earliest goes, reported.
    db.push(wsFrame({ opcode: 1, rsv1: true, payload: z('other') }), 2, 1000, 0);
    expect(budget.used).toBe(32 * 1024);
    expect(anomalies.toJSON()).toEqual({ 'websocket.memcap': 1 });
    // Its later compressed messages are lost as after any lost context, never guessed.
    da.push(wsFrame({ opcode: 1, rsv1: true, payload: z('again') }), 3, 1000, 0);
    expect(a.out).toEqual(['msg:first', `lost:${z('again').length}`]);
    expect(b.out).toEqual(['msg:other']);
    expect(anomalies.toJSON()).toEqual({ 'websocket.memcap': 1, 'websocket.deflate_context_lost': 1 });
    db.end(0, 0, 0);
    expect(budget.used).toBe(0);
  });
});
