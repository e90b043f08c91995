/**
 * A TCP direction joined mid-way (no SYN) whose first MSRP start line lies past the classifier
 * window, inside a large chunk (RFC 4975 section 7.1 puts no limit on its size): it is still
 * recognised as MSRP at that line, the frames after it are framed whole, and the bytes before it
 * are counted (`msrp.late_stream_start`). A direction whose true start was seen is still let go.
 */
import { describe, expect, it } from 'vitest';
import { AppStreamConsumer } from '../../../src/analyzers/app-stream-consumer.js';
import type { AppEventSink, MsrpStreamHandler } from '../../../src/analyzers/app-event-sink.js';
import { LateMsrpScanner } from '../../../src/analyzers/late-msrp-scanner.js';
import { CLASSIFY_WINDOW } from '../../../src/analyzers/stream-classifier.js';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import type { DirValue, TcpConnectionInfo } from '../../../src/flow/stream-consumer.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Body bytes of a chunk already under way: printable, lines of 80, never a line starting "MSRP ". */
function bulk(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = i % 81 === 80 ? 0x0a : 0x61 + ((i * 7) % 26);
  return b;
}

function send(tid: string, msgId: string, text: string): string {
  return `MSRP ${tid} SEND\r\nTo-Path: msrp://b.example:2855/s2;tcp\r\nFrom-Path: msrp://a.example:2855/s1;tcp\r\nMessage-ID: ${msgId}\r\nByte-Range: 1-${text.length}/${text.length}\r\nContent-Type: text/plain\r\n\r\n${text}\r\n-------${tid}$\r\n`;
}

/** The end of the chunk in progress, then two whole SENDs: the start line at `lead`. */
function stream(lead: number): { bytes: Uint8Array; lead: number } {
  const endOfChunk = enc('\r\n-------big1+\r\n');
  const after = enc(send('t2abcd', 'm2', 'hello') + send('t3abcd', 'm3', 'world'));
  const body = bulk(lead - endOfChunk.length);
  const bytes = new Uint8Array(lead + after.length);
  bytes.set(body, 0);
  bytes.set(endOfChunk, body.length);
  bytes.set(after, lead);
  return { bytes, lead };
}

function setup(sawSyn: boolean) {
  const frames: string[] = [];
  const ignored: DirValue[] = [];
  const anomalies = new AnomalyCounter();
  const conn: TcpConnectionInfo = {
    id: 0,
    clientAddr: new Uint8Array([10, 0, 0, 1]),
    clientPort: 40000,
    serverAddr: new Uint8Array([10, 0, 0, 2]),
    serverPort: 2855,
    ipVersion: 4,
    sawSyn,
    resumed: false,
    startFrame: 1,
    startSec: 0,
    startNsec: 0,
    ignore: (d) => void ignored.push(d),
  };
  const app: AppEventSink = {
    sip: () => {},
    msrpStream: (): MsrpStreamHandler => {
      let tid = '';
      let body = '';
      return {
        onFrameStart: (h) => {
          tid = h.transactionId;
          body = '';
        },
        onBody: (p) => {
          body += Buffer.from(p).toString('latin1');
        },
        onFrameEnd: (e) => void frames.push(`${tid} ${body} ${e.flag}`),
      };
    },
    tick: () => {},
    finish: () => {},
  };
  return { c: new AppStreamConsumer(conn, app, anomalies), frames, ignored, anomalies };
}

function deliver(c: AppStreamConsumer, bytes: Uint8Array, seg: number): void {
  for (let o = 0, f = 1; o < bytes.length; o += seg, f++) c.data(0, bytes.subarray(o, o + seg), f, 0, 0);
  c.end(0, 'fin');
}

describe('a direction joined mid-way inside a large chunk', () => {
  it.each([
    [5000, 1448],
    [5000, 3],
    [5000, 7],
    [64 * 1024, 1448],
    [64 * 1024, 65536],
    [1024 * 1024, 1448],
    [1024 * 1024, 16384],
  ])('start line at %i, segments of %i bytes: MSRP from that line', (at, seg) => {
    const { bytes, lead } = stream(at);
    const { c, frames, ignored, anomalies } = setup(false);
    deliver(c, bytes, seg);
    expect(frames).toEqual(['t2abcd hello $', 't3abcd world $']);
    expect(ignored).toEqual([]);
    expect(anomalies.toJSON()['msrp.late_stream_start']).toBe(1);
    expect(anomalies.toJSON()['msrp.garbage_skipped']).toBeUndefined();
    expect(lead).toBeGreaterThan(CLASSIFY_WINDOW);
  });

  it('the line after a gap counts as a line start', () => {
    const { c, frames, anomalies } = setup(false);
    c.data(0, bulk(CLASSIFY_WINDOW + 100), 1, 0, 0);
    c.gap(0, 500, 2, 0, 0);
    c.data(0, enc(send('t9abcd', 'm9', 'after gap')), 2, 0, 0);
    c.end(0, 'fin');
    expect(frames).toEqual(['t9abcd after gap $']);
    expect(anomalies.toJSON()['msrp.late_stream_start']).toBe(1);
    // Unlike a direction whose true start was seen: it is let go after the window.
    const started = setup(true);
    started.c.data(0, bulk(CLASSIFY_WINDOW + 100), 1, 0, 0);
    expect(started.ignored).toEqual([0]);
  });
});

describe('LateMsrpScanner', () => {
  it('finds a start line split at every position, and reports what came before it', () => {
    const text = enc(`xxxxxxxxxx\r\nMSRP a1 SEND\r\n`);
    const m = 12; // index of "M"
    for (let cut = 0; cut <= text.length; cut++) {
      for (let cut2 = cut; cut2 <= text.length; cut2++) {
        const s = new LateMsrpScanner();
        const parts = [text.subarray(0, cut), text.subarray(cut, cut2), text.subarray(cut2)];
        let found = -1;
        let seen = 0;
        for (const p of parts) {
          if (s.scan(p)) {
            found = seen + s.at - s.carry.length;
            expect(Buffer.from([...s.carry, ...p.subarray(s.at)]).toString('latin1')).toBe(Buffer.from(text.subarray(found, seen + p.length)).toString('latin1'));
            break;
          }
          seen += p.length;
        }
        expect(found, `cuts ${cut} ${cut2}`).toBe(m);
      }
    }
  });

  it('ignores "MSRP " not at a line start, or followed by a non-alphanumeric id', () => {
    const s = new LateMsrpScanner();
    expect(s.scan(enc('a MSRP x SEND\r\n\nMSRP -x SEND\r\n'))).toBe(false);
    s.lineStart();
    expect(s.scan(enc('MSRP x1 SEND\r\n'))).toBe(true);
    expect(s.at).toBe(0);
  });
});
