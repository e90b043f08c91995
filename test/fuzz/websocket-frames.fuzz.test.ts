/**
 * Property tests (fast-check, seeded) of the WebSocket frame decoder (RFC 6455 section 5):
 *
 * 1. Messages cut into fragments, masked or not, with control frames between fragments, pushed
 *    in arbitrary segment cuts: each message comes out once with its exact bytes, nothing is
 *    reported.
 * 2. Arbitrary bytes (mutated valid streams and random soups), with and without deflate and with
 *    a tiny cap: never throws, never hands on a message larger than the cap, reports a bounded
 *    number of anomalies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../src/core/anomaly.js';
import { WebSocketFrameDecoder } from '../../src/protocols/websocket/index.js';
import { wsFrame, wsMessage } from '../helpers/websocket-frames.js';

const msg = fc.record({
  bytes: fc.uint8Array({ minLength: 0, maxLength: 400 }),
  parts: fc.integer({ min: 1, max: 5 }),
  binary: fc.boolean(),
  ping: fc.integer({ min: -1, max: 4 }),
});

function cut(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 0;
  for (const c of cuts) {
    if (i >= bytes.length) break;
    out.push(bytes.subarray(i, i + c));
    i += c;
  }
  if (i < bytes.length) out.push(bytes.subarray(i));
  return out;
}

describe('fuzz: WebSocket frame decoder', () => {
  it('delivers each message once, exactly, whatever the fragmentation, masking and segment cuts', () => {
    fc.assert(
      fc.property(fc.array(msg, { maxLength: 8 }), fc.boolean(), fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 20 }), (msgs, fromClient, key, cuts) => {
        const got: string[] = [];
        const anomalies = new AnomalyCounter();
        const d = new WebSocketFrameDecoder({ sink: { message: (p, b) => got.push(`${b}:${Buffer.from(p).toString('hex')}`), lost: () => got.push('lost') }, anomalies, fromClient });
        const stream = Buffer.concat(msgs.flatMap((m) => wsMessage(m.bytes, { opcode: m.binary ? 2 : 1, parts: m.parts, mask: fromClient ? key : null, pingAfter: m.ping })));
        cut(stream, cuts).forEach((s, i) => {
          d.push(s, i + 1, 0, 0);
        });
        expect(got).toEqual(msgs.map((m) => `${m.binary}:${Buffer.from(m.bytes).toString('hex')}`));
        expect(anomalies.total()).toBe(0);
      }),
      { seed: 6455, numRuns: 1500 },
    );
  });

  it('never throws on arbitrary or mutated bytes; caps hold', () => {
    const valid = fc.array(msg, { maxLength: 4 }).map((msgs) => Buffer.concat(msgs.flatMap((m) => wsMessage(m.bytes, { parts: m.parts, mask: new Uint8Array([1, 2, 3, 4]), rsv1: m.binary, pingAfter: m.ping }))));
    const mutated = fc.tuple(valid, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })).map(([b, muts]) => {
      const c = new Uint8Array(b);
      for (const [at, v] of muts) if (c.length > 0) c[at % c.length] = v;
      return c;
    });
    const header = fc.constantFrom(...[0x81, 0x82, 0x01, 0x00, 0x80, 0x88, 0x89, 0x8a, 0xc1, 0xf3, 0x8b].map((b) => new Uint8Array([b])));
    const soup = fc.array(fc.oneof(header, fc.uint8Array({ maxLength: 20 }), fc.constant(wsFrame({ opcode: 1, payload: new Uint8Array(130) }))), { maxLength: 30 }).map((xs) => Buffer.concat(xs));
    fc.assert(
      fc.property(
        fc.oneof(mutated, soup),
        fc.boolean(),
        fc.constantFrom(null, { contextTakeover: true }, { contextTakeover: false }),
        fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 10 }),
        fc.boolean(),
        (bytes, fromClient, deflate, cuts, withGap) => {
          const cap = 64;
          const anomalies = new AnomalyCounter();
          let largest = 0;
          const d = new WebSocketFrameDecoder({ sink: { message: (p) => (largest = Math.max(largest, p.length)), lost: () => {} }, anomalies, fromClient, deflate, maxMessageBytes: cap });
          const pieces = cut(bytes, cuts);
          pieces.forEach((s, i) => {
            d.push(s, i + 1, 0, 0);
            if (withGap && i === 1) d.gap(10, i + 1, 0, 0);
          });
          d.end(0, 0, 0);
          expect(largest).toBeLessThanOrEqual(cap);
          expect(anomalies.total()).toBeLessThanOrEqual(bytes.length + 2);
        },
      ),
      { seed: 7692, numRuns: 2000 },
    );
  });
});
