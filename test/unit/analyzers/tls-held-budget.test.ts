/**
 * TLS ciphertext held before the ServerHello (client records, state `handshake`) or while
 * waiting for keys counts against one budget shared by every connection of the hub: the
 * per-connection cap (1 MiB) alone let N connections hold N MiB (review finding F8: 100
 * connections held ~100 MiB). When the budget is full the connection holding longest gives
 * up with `tls.pending_overflow`; the others keep their records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEventSink } from '../../../src/analyzers/app-event-sink.js';
import { AppAnalyzers } from '../../../src/analyzers/app-analyzers.js';
import { TlsConnections, type TlsConnectionsOptions } from '../../../src/analyzers/tls-connections.js';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { type TlsDecryptor, TlsKeyLog } from '../../../src/protocols/tls/index.js';
import type { TcpConnectionInfo } from '../../../src/flow/stream-consumer.js';
import { clientHelloBody, handshakeMsg, tlsRecord } from '../../helpers/tls-records.js';
import { makeRsaCert, removeCert, type TlsCert, type Transcript, tlsTranscript } from '../../helpers/tls-transcript.js';

describe('TlsConnections: one held-ciphertext budget for all connections', () => {
  it('100 connections each holding just under 1 MiB stay within the shared 32 MiB, oldest given up first and reported', () => {
    const anomalies = new AnomalyCounter();
    const hub = new TlsConnections(new TlsKeyLog(), anomalies);
    const app = tlsRecord(23, new Uint8Array(16384 + 256));
    const perConn = Math.floor((1 << 20) / app.length) - 1; // just under the per-connection cap
    const decs: TlsDecryptor[] = [];
    for (let c = 0; c < 100; c++) {
      const dec = hub.decryptor(hub.keys!, c);
      decs.push(dec);
      const random = new Uint8Array(32).fill(c + 1);
      dec.push(0, tlsRecord(22, handshakeMsg(1, clientHelloBody({ random, suites: [0x1301] }))), 1);
      for (let i = 0; i < perConn; i++) dec.push(0, app, 2 + i);
    }
    const held = decs.reduce((n, d) => n + d.pendingBytes, 0);
    expect(held).toBeLessThanOrEqual(32 << 20);
    expect(hub.heldBudget.heldBytes).toBe(held);
    // The budget is used, not wasted: at most one connection's worth of it is free.
    expect(held).toBeGreaterThan((32 << 20) - perConn * app.length);
    // The oldest gave up (each reported once, on its connection), the newest keep what they hold.
    const k = decs.findIndex((d) => d.state !== 'failed');
    expect(k).toBeGreaterThanOrEqual(60);
    expect(decs.slice(0, k).every((d) => d.failReason === 'pending_overflow' && d.pendingBytes === 0)).toBe(true);
    expect(decs.slice(k).every((d) => d.state === 'handshake' && d.pendingBytes > 0)).toBe(true);
    expect(anomalies.toJSON()).toEqual({ 'tls.pending_overflow': k });
    expect(anomalies.examplesOf('tls.pending_overflow')[0]!.detail).toMatch(/^held_bytes=\d+ shared_cap=33554432$/);
  });

  it('a connection that alone exceeds the budget gives itself up; room given back lets others hold again', () => {
    const anomalies = new AnomalyCounter();
    const hub = new TlsConnections(new TlsKeyLog(), anomalies, { maxHeldBytes: 40_000 });
    const app = tlsRecord(23, new Uint8Array(16_000));
    const a = hub.decryptor(hub.keys!, 1);
    const b = hub.decryptor(hub.keys!, 2);
    a.push(0, tlsRecord(22, handshakeMsg(1, clientHelloBody({ random: new Uint8Array(32).fill(1), suites: [0x1301] }))), 1);
    b.push(0, tlsRecord(22, handshakeMsg(1, clientHelloBody({ random: new Uint8Array(32).fill(2), suites: [0x1301] }))), 2);
    a.push(0, app, 3);
    b.push(0, app, 4);
    expect(hub.heldBudget.heldBytes).toBe(2 * app.length);
    b.push(0, app, 5); // 3 records: a (the oldest holder) gives up for b
    expect(a.failReason).toBe('pending_overflow');
    expect(b.state).toBe('handshake');
    expect(hub.heldBudget.heldBytes).toBe(2 * app.length);
    b.push(0, app, 6); // b alone would hold 4 records: over the budget, b gives up
    expect(b.failReason).toBe('pending_overflow');
    expect(hub.heldBudget.heldBytes).toBe(0);
    expect(anomalies.count('tls.pending_overflow')).toBe(2);
  });
});

describe('TlsConnection: given up for the shared budget', () => {
  let cert: TlsCert;
  let t: Transcript;
  beforeAll(async () => {
    cert = makeRsaCert();
    t = await tlsTranscript({ cert, clientWrites: [new Uint8Array(3000).fill(0x41)], serverWrites: [new Uint8Array(3000).fill(0x42)] });
  }, 30_000);
  afterAll(() => removeCert(cert));

  const app: AppEventSink = { sip: () => {}, msrpStream: () => ({ onFrameStart: () => {}, onFrameEnd: () => {}, onStreamEnd: () => {} }), tick: () => {}, finish: () => {} };
  let nextId = 0;
  const conn = (): TcpConnectionInfo => ({
    id: nextId++,
    clientAddr: new Uint8Array([10, 0, 0, 1]),
    clientPort: 40000 + nextId,
    serverAddr: new Uint8Array([10, 0, 0, 2]),
    serverPort: 5061,
    ipVersion: 4,
    sawSyn: true,
    resumed: false,
    startFrame: 1,
    startSec: 0,
    startNsec: 0,
    ignore: () => {},
  });
  /** One ended connection whose keys never came (the key log is empty): it waits, holding ciphertext. */
  function waitingConnection(an: AppAnalyzers): void {
    const c = an.create(conn());
    for (const [i, ch] of t.chunks.entries()) c.data(ch.dir, ch.bytes, i + 1, 10, 0);
    c.end(0, 'fin');
    c.end(1, 'fin');
  }
  const analyzers = (o?: TlsConnectionsOptions) => new AppAnalyzers(app, new AnomalyCounter(), new TlsKeyLog(), o);

  it('an ended connection evicted by another leaves the waiting set and is counted pending_overflow at once', () => {
    const probe = analyzers();
    waitingConnection(probe);
    const one = probe.tls.heldBudget.heldBytes;
    expect(one).toBeGreaterThan(0);
    const an = analyzers({ maxHeldBytes: Math.floor(one * 1.5) });
    waitingConnection(an);
    expect(an.tls.stats.undecryptable).toEqual({});
    waitingConnection(an); // needs room: the first gives up
    expect(an.tls.stats.undecryptable).toEqual({ pending_overflow: 1 });
    expect(an.tls.heldBudget.heldBytes).toBe(one);
  });
});
