/**
 * The WebSocket handshake as AppStreamConsumer sees it (RFC 6455 section 4, RFC 7118 section 4):
 * SIP over WS on any port once the 101 names `sip`; plain HTTP and other subprotocols are
 * released from reassembly; a request without its answer, and a gap after the handshake, are
 * reported; nothing is decoded from a connection whose handshake was not seen.
 */
import { describe, expect, it } from 'vitest';
import { AppStreamConsumer } from '../../../src/analyzers/app-stream-consumer.js';
import type { AppEventSink } from '../../../src/analyzers/app-event-sink.js';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import type { DirValue, TcpConnectionInfo } from '../../../src/flow/stream-consumer.js';
import { WebSocketMemoryBudget } from '../../../src/protocols/websocket/index.js';
import { wsFrame } from '../../helpers/websocket-frames.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const MASK = new Uint8Array([9, 8, 7, 6]);
const REQ = 'GET /sip HTTP/1.1\r\nHost: proxy\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sip\r\n\r\n';
const resp = (proto: string): string => `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: ${proto}\r\n\r\n`;
const OPTIONS =
  'OPTIONS sip:proxy.invalid;transport=ws SIP/2.0\r\nVia: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK56sdasks\r\nFrom: <sip:alice@example.com>;tag=1\r\nTo: <sip:proxy.invalid>\r\nCall-ID: asidkj3ss\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n\r\n';

function setup(sawSyn = true, budget?: WebSocketMemoryBudget, anomalies = new AnomalyCounter()) {
  const seen: string[] = [];
  /** The transport each SIP message was handed on with (the audit lists it). */
  const transports: (string | undefined)[] = [];
  const ignored: DirValue[] = [];
  const conn: TcpConnectionInfo = {
    id: 0,
    clientAddr: new Uint8Array([10, 0, 0, 1]),
    clientPort: 40000,
    serverAddr: new Uint8Array([10, 0, 0, 2]),
    serverPort: 10443,
    ipVersion: 4,
    sawSyn,
    resumed: false,
    startFrame: 1,
    startSec: 0,
    startNsec: 0,
    ignore: (d) => void ignored.push(d),
  };
  const app: AppEventSink = {
    sip: (m, w) => {
      transports.push(w.transport);
      seen.push(`${w.frameNo} ${w.srcPort}>${w.dstPort} ${Buffer.from(m.raw).toString('latin1').split('\r\n', 1)[0]}`);
    },
    msrpStream: () => ({ onFrameStart: () => {}, onFrameEnd: () => {} }) as never,
    tick: () => {},
    finish: () => {},
  };
  return { c: new AppStreamConsumer(conn, app, anomalies, budget), seen, transports, ignored, anomalies };
}

describe('SIP over WebSocket through AppStreamConsumer', () => {
  it('one SIP message per WebSocket message, in both directions, on any port (RFC 7118 5)', () => {
    const { c, seen, transports, ignored, anomalies } = setup();
    c.data(0, enc(REQ), 1, 0, 0);
    c.data(1, enc(resp('sip')), 2, 0, 0);
    // The request arrives masked and split across two segments; the Content-Length is optional (RFC 7118 5).
    const f = wsFrame({ opcode: 1, payload: enc(OPTIONS), mask: MASK });
    c.data(0, f.subarray(0, 9), 3, 0, 0);
    c.data(0, f.subarray(9), 4, 0, 0);
    // A CRLF keep-alive in its own message (RFC 5626 3.5.1, as SIP.js sends it) is not a SIP message.
    c.data(0, wsFrame({ opcode: 1, payload: enc('\r\n\r\n'), mask: MASK }), 4, 0, 0);
    c.data(
      1,
      wsFrame({
        opcode: 1,
        payload: enc('SIP/2.0 200 OK\r\nVia: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK56sdasks\r\nFrom: <sip:alice@example.com>;tag=1\r\nTo: <sip:proxy.invalid>;tag=2\r\nCall-ID: asidkj3ss\r\nCSeq: 1 OPTIONS\r\n\r\n'),
      }),
      5,
      0,
      0,
    );
    c.end(0, 'fin');
    c.end(1, 'fin');
    expect(seen).toEqual(['4 40000>10443 OPTIONS sip:proxy.invalid;transport=ws SIP/2.0', '5 10443>40000 SIP/2.0 200 OK']);
    expect(transports).toEqual(['ws', 'ws']);
    expect(ignored).toEqual([]);
    expect(anomalies.toJSON()).toEqual({});
  });

  it('plain HTTP, or another subprotocol, is released from reassembly without a report', () => {
    for (const [req, answer] of [
      ['GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc'],
      [REQ.replace('Protocol: sip', 'Protocol: xmpp'), resp('xmpp')],
    ]) {
      const { c, seen, ignored, anomalies } = setup();
      c.data(0, enc(req!), 1, 0, 0);
      c.data(1, enc(answer!), 2, 0, 0);
      expect(seen).toEqual([]);
      expect(ignored.sort()).toEqual([0, 1]);
      expect(anomalies.toJSON()).toEqual({});
    }
  });

  it('an Upgrade request without its 101 is reported when the connection ends', () => {
    const { c, ignored, anomalies } = setup();
    c.data(0, enc(REQ), 1, 0, 0);
    c.end(0, 'fin');
    expect(ignored).toEqual([0]);
    expect(anomalies.toJSON()).toEqual({ 'websocket.handshake_incomplete': 1 });
  });

  it('a gap after the handshake is reported; frames after it are not guessed', () => {
    const { c, seen, anomalies } = setup();
    c.data(0, enc(REQ), 1, 0, 0);
    c.data(1, enc(resp('sip')), 2, 0, 0);
    c.gap(0, 500, 3, 0, 0);
    c.data(0, wsFrame({ opcode: 1, payload: enc(OPTIONS), mask: MASK }), 4, 0, 0);
    expect(seen).toEqual([]);
    expect(anomalies.toJSON()).toEqual({ 'websocket.gap': 1 });
  });

  it('the bytes held while a handshake is undecided, and SIP messages being collected, share one budget across connections', () => {
    const budget = new WebSocketMemoryBudget(48 * 1024, 60);
    const anomalies = new AnomalyCounter();
    // Connection A: an Upgrade request followed by 30 KiB before any answer (RFC 6455 4.1 says wait).
    const a = setup(true, budget, anomalies);
    a.c.data(0, enc(REQ), 1, 0, 0);
    a.c.data(0, new Uint8Array(30 * 1024), 2, 0, 0);
    expect(budget.used).toBeGreaterThan(29 * 1024);
    // Connection B opens, and a 30 KiB SIP message without FIN needs the room: A, the earliest, is evicted.
    const b = setup(true, budget, anomalies);
    b.c.data(0, enc(REQ), 3, 0, 0);
    b.c.data(1, enc(resp('sip')), 4, 0, 0);
    b.c.data(0, wsFrame({ fin: false, opcode: 1, payload: new Uint8Array(30 * 1024), mask: MASK }), 5, 0, 0);
    expect(anomalies.toJSON()).toEqual({ 'websocket.memcap': 1 });
    expect(a.ignored).toEqual([0]);
    expect(budget.used).toBe(30 * 1024);
    // B completes its message and holds nothing any more.
    b.c.data(0, wsFrame({ fin: true, opcode: 0, payload: new Uint8Array(0), mask: MASK }), 6, 0, 0);
    expect(budget.used).toBe(0);
  });
});
