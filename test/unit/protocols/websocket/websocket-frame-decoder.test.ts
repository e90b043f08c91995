/**
 * The WebSocket frame decoder (RFC 6455 section 5) and handshake head parser (section 4) on
 * frames built field by field (test/helpers/websocket-frames.ts).
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../../../src/core/anomaly.js';
import { HeadStatus, parseHttpHead, WebSocketFrameDecoder } from '../../../../src/protocols/websocket/index.js';
import { wsFrame, wsMessage } from '../../../helpers/websocket-frames.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const MASK = new Uint8Array([0xa1, 0x02, 0xff, 0x70]);

function decoder(o: { fromClient?: boolean; deflate?: { contextTakeover: boolean } | null; maxMessageBytes?: number } = {}) {
  const out: string[] = [];
  const anomalies = new AnomalyCounter();
  const d = new WebSocketFrameDecoder({
    sink: {
      message: (p, binary, frameNo) => out.push(`${binary ? 'bin' : 'text'}@${frameNo}:${Buffer.from(p).toString('latin1')}`),
      lost: (bytes) => out.push(`lost:${bytes}`),
    },
    anomalies,
    fromClient: o.fromClient ?? true,
    deflate: o.deflate ?? null,
    ...(o.maxMessageBytes !== undefined ? { maxMessageBytes: o.maxMessageBytes } : {}),
  });
  return { d, out, anomalies };
}

/** Pushes `bytes` cut every `step` bytes (1: byte by byte). */
function pushIn(d: WebSocketFrameDecoder, bytes: Uint8Array, step: number): void {
  for (let i = 0, f = 1; i < bytes.length; i += step, f++) d.push(bytes.subarray(i, i + step), f, 0, 0);
}

describe('WebSocketFrameDecoder', () => {
  it('unmasks client frames and reads 7-, 16- and 64-bit lengths, whatever the segment cuts', () => {
    const big = 'x'.repeat(70_000);
    const bytes = Buffer.concat([
      wsFrame({ opcode: 1, payload: enc('INVITE'), mask: MASK }),
      wsFrame({ opcode: 2, payload: enc('a'.repeat(300)), mask: MASK }),
      wsFrame({ opcode: 1, payload: enc(big), mask: MASK }),
      wsFrame({ opcode: 1, payload: enc('tiny'), mask: MASK, lengthForm: 64 }),
    ]);
    for (const step of [1, 7, 1000, bytes.length]) {
      const { d, out, anomalies } = decoder();
      pushIn(d, bytes, step);
      expect(out.map((s) => s.replace(/@\d+/, '').slice(0, 12))).toEqual(['text:INVITE', `bin:${'a'.repeat(8)}`, `text:${'x'.repeat(7)}`, 'text:tiny']);
      expect(out[2]!.length).toBe(`text@${out[2]!.split('@')[1]!.split(':')[0]}:`.length + big.length);
      expect(anomalies.toJSON()).toEqual({});
    }
  });

  it('reassembles a fragmented message around interleaved ping and pong (RFC 6455 5.4), frame number of the last fragment', () => {
    const { d, out, anomalies } = decoder({ fromClient: false });
    const frames = wsMessage(enc('SIP/2.0 200 OK\r\n\r\n'), { parts: 3, pingAfter: 1 });
    frames.splice(1, 0, wsFrame({ opcode: 10, payload: enc('pong') }));
    for (const [i, f] of frames.entries()) d.push(f, i + 1, 0, 0);
    expect(out).toEqual([`text@${frames.length}:SIP/2.0 200 OK\r\n\r\n`]);
    expect(anomalies.toJSON()).toEqual({});
  });

  it('stops at Close: later bytes are reported once, not decoded', () => {
    const { d, out, anomalies } = decoder();
    d.push(Buffer.concat([wsFrame({ opcode: 1, payload: enc('a'), mask: MASK }), wsFrame({ opcode: 8, payload: new Uint8Array([3, 0xe8]), mask: MASK }), wsFrame({ opcode: 1, payload: enc('b'), mask: MASK })]), 1, 0, 0);
    expect(out).toEqual(['text@1:a']);
    expect(d.closeCode).toBe(1000);
    expect(anomalies.toJSON()).toEqual({ 'websocket.data_after_close': 1 });
  });

  it('caps a message: skipped by its length, reported as lost, the next message decoded', () => {
    const { d, out, anomalies } = decoder({ maxMessageBytes: 100 });
    d.push(Buffer.concat([...wsMessage(enc('y'.repeat(150)), { parts: 3, mask: MASK }), wsFrame({ opcode: 1, payload: enc('next'), mask: MASK })]), 1, 0, 0);
    expect(out).toEqual(['lost:150', 'text@1:next']);
    expect(anomalies.toJSON()).toEqual({ 'websocket.message_too_large': 1 });
  });

  it('protocol errors are reported and skipped: bad continuation, reserved opcode, long control frame, unmasked client frame', () => {
    const { d, out, anomalies } = decoder();
    d.push(
      Buffer.concat([
        wsFrame({ opcode: 0, payload: enc('orphan'), mask: MASK }),
        wsFrame({ opcode: 3, payload: enc('reserved'), mask: MASK }),
        wsFrame({ opcode: 9, payload: new Uint8Array(126), mask: MASK }),
        wsFrame({ opcode: 1, payload: enc('plain') }),
        wsFrame({ opcode: 1, payload: enc('ok'), mask: MASK }),
      ]),
      1,
      0,
      0,
    );
    expect(out).toEqual(['lost:6', 'text@1:plain', 'text@1:ok']);
    expect(anomalies.toJSON()).toEqual({ 'websocket.bad_fragmentation': 1, 'websocket.bad_opcode': 1, 'websocket.bad_control_frame': 1, 'websocket.mask_violation': 1 });
  });

  it('RSV1 without negotiated deflate drops the message (RFC 6455 5.2)', () => {
    const { d, out, anomalies } = decoder();
    d.push(Buffer.concat([wsFrame({ opcode: 1, rsv1: true, payload: enc('zz'), mask: MASK }), wsFrame({ opcode: 1, payload: enc('ok'), mask: MASK })]), 1, 0, 0);
    expect(out).toEqual(['lost:2', 'text@1:ok']);
    expect(anomalies.toJSON()).toEqual({ 'websocket.bad_rsv': 1 });
  });

  it('a 64-bit length with the top bit set stops the direction (RFC 6455 5.2)', () => {
    const { d, out, anomalies } = decoder({ fromClient: false });
    d.push(new Uint8Array([0x81, 127, 0x80, 0, 0, 0, 0, 0, 0, 1, 0x41]), 1, 0, 0);
    d.push(wsFrame({ opcode: 1, payload: enc('after') }), 2, 0, 0);
    expect(out).toEqual(['lost:0']);
    expect(anomalies.toJSON()).toEqual({ 'websocket.bad_length': 1 });
  });

  it('a gap loses the frame boundaries: reported once, nothing guessed after it', () => {
    const { d, out, anomalies } = decoder({ fromClient: false });
    const f = wsFrame({ opcode: 1, payload: enc('hello world') });
    d.push(f.subarray(0, 5), 1, 0, 0);
    d.gap(100, 2, 0, 0);
    d.push(wsFrame({ opcode: 1, payload: enc('SIP/2.0 200 OK') }), 3, 0, 0);
    expect(out).toEqual(['lost:3', 'lost:0']);
    expect(anomalies.toJSON()).toEqual({ 'websocket.gap': 1 });
  });

  it('deflate with context takeover: a lost compressed message makes later ones undecodable, reported not guessed', () => {
    const { d, out, anomalies } = decoder({ fromClient: false, deflate: { contextTakeover: true }, maxMessageBytes: 64 });
    const z = (s: string): Uint8Array => {
      const b = deflateRawSync(enc(s), { finishFlush: 2 /* Z_SYNC_FLUSH */ });
      return b.subarray(0, b.length - 4);
    };
    d.push(wsFrame({ opcode: 1, rsv1: true, payload: z('first') }), 1, 0, 0);
    d.push(wsFrame({ opcode: 1, rsv1: true, payload: new Uint8Array(100) }), 2, 0, 0); // over the cap
    d.push(wsFrame({ opcode: 1, rsv1: true, payload: z('third') }), 3, 0, 0);
    d.push(wsFrame({ opcode: 1, payload: enc('plain') }), 4, 0, 0); // uncompressed messages still pass (RFC 7692 6)
    expect(out).toEqual(['text@1:first', 'lost:100', 'lost:' + z('third').length, 'text@4:plain']);
    expect(anomalies.toJSON()).toEqual({ 'websocket.message_too_large': 1, 'websocket.deflate_context_lost': 1 });
  });

  it('a compressed message inflating past the cap is dropped (a deflate bomb)', () => {
    const { d, out, anomalies } = decoder({ fromClient: false, deflate: { contextTakeover: false }, maxMessageBytes: 1000 });
    const b = deflateRawSync(new Uint8Array(100_000), { finishFlush: 2 });
    d.push(wsFrame({ opcode: 2, rsv1: true, payload: b.subarray(0, b.length - 4) }), 1, 0, 0);
    expect(out).toEqual([`lost:${b.length - 4}`]);
    expect(anomalies.toJSON()).toEqual({ 'websocket.message_too_large': 1 });
  });
});

describe('parseHttpHead', () => {
  const head = (lines: string[]): Uint8Array => enc(`${lines.join('\r\n')}\r\n\r\nFRAMES`);

  it('reads the upgrade request and the 101 answer with subprotocol and permessage-deflate parameters', () => {
    const req = parseHttpHead(...withEnd(head(['GET /ws HTTP/1.1', 'Host: x', 'Upgrade: WebSocket', 'Connection: Upgrade', 'Sec-WebSocket-Protocol: sip'])));
    expect(req.status).toBe(HeadStatus.DONE);
    expect(req.head).toMatchObject({ method: 'GET', status: 0, upgradeWebSocket: true, protocol: 'sip', deflate: null });
    const bytes = head(['HTTP/1.1 101 Switching Protocols', 'upgrade: websocket', 'Sec-WebSocket-Protocol: MSRP', 'Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover']);
    const resp = parseHttpHead(bytes, bytes.length);
    expect(resp.head).toMatchObject({ method: null, status: 101, upgradeWebSocket: true, protocol: 'msrp', deflate: { serverNoContextTakeover: true, clientNoContextTakeover: false } });
    expect(Buffer.from(bytes.subarray(resp.head!.length)).toString()).toBe('FRAMES');
  });

  it('waits for the blank line, refuses what is not HTTP, caps the head', () => {
    const partial = enc('GET / HTTP/1.1\r\nUpgrade: websocket\r\n');
    expect(parseHttpHead(partial, partial.length).status).toBe(HeadStatus.NEED_MORE);
    expect(parseHttpHead(enc('GE'), 2).status).toBe(HeadStatus.NEED_MORE);
    const sip = enc('INVITE sip:a@b SIP/2.0\r\n\r\n');
    expect(parseHttpHead(sip, sip.length).status).toBe(HeadStatus.NOT_HTTP);
    const huge = enc(`GET / HTTP/1.1\r\nX: ${'a'.repeat(20_000)}\r\n`);
    expect(parseHttpHead(huge, huge.length).status).toBe(HeadStatus.TOO_LARGE);
  });
});

function withEnd(b: Uint8Array): [Uint8Array, number] {
  return [b, b.length];
}
