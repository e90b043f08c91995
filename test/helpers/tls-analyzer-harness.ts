/**
 * The analyzer stage (AppAnalyzers) with a recording AppEventSink, for the tests that feed it
 * TLS connections (test/unit/analyzers/tls-*.test.ts): what it saw, in order, per direction.
 */
import type { AppEventSink, MsrpStreamRef, PacketRef } from '../../src/analyzers/app-event-sink.js';
import { AppAnalyzers } from '../../src/analyzers/app-analyzers.js';
import { AnomalyCounter } from '../../src/core/anomaly.js';
import type { DirValue, TcpConnectionInfo } from '../../src/flow/stream-consumer.js';
import { TlsKeyLog } from '../../src/protocols/tls/index.js';

export interface Seen {
  streams: MsrpStreamRef[];
  /** `dir tid startLine` (with `frame=N sec=S` when asked), in order, then `dir end` at a stream end. */
  events: string[];
  sip: { line: string; where: PacketRef }[];
}

let nextConn = 0;
/** A TCP connection 10.0.0.1:40000 → 10.0.0.2:`port`; the directions it ignores go to `ignored`. */
export function conn(ignored: DirValue[], port = 2855): TcpConnectionInfo {
  return {
    id: nextConn++,
    clientAddr: new Uint8Array([10, 0, 0, 1]),
    clientPort: 40000,
    serverAddr: new Uint8Array([10, 0, 0, 2]),
    serverPort: port,
    ipVersion: 4,
    sawSyn: true,
    resumed: false,
    startFrame: 1,
    startSec: 0,
    startNsec: 0,
    ignore: (d) => void ignored.push(d),
  };
}

/** The analyzers with `keys` (undefined: no key log); `provenance` adds each frame's number and time to the events. */
export function setup(keys: TlsKeyLog | undefined, limits?: { maxWaiting?: number }, provenance = false) {
  const seen: Seen = { streams: [], events: [], sip: [] };
  const app: AppEventSink = {
    sip: (m, w) => seen.sip.push({ line: Buffer.from(m.raw).toString('latin1').split('\r\n', 1)[0]!, where: { ...w } }),
    msrpStream: (ref) => {
      seen.streams.push(ref);
      return {
        onFrameStart: (h) => seen.events.push(`${ref.dir} ${h.transactionId} ${h.kind === 'request' ? h.method : h.statusCode}${provenance ? ` frame=${h.frameNo} sec=${h.tsSec}` : ''}`),
        onFrameEnd: () => {},
        onStreamEnd: () => void seen.events.push(`${ref.dir} end`),
      };
    },
    tick: () => {},
    finish: () => {},
  };
  const anomalies = new AnomalyCounter();
  const an = new AppAnalyzers(app, anomalies, keys, limits);
  return { an, seen, anomalies };
}

/** A key log holding `text`. */
export function keyLog(text: string): TlsKeyLog {
  const k = new TlsKeyLog();
  k.ingest(text);
  return k;
}
