/**
 * TcpConnectionInfo.bypass/resume (issue 13, direction 3; src/flow/stream-bypass.ts): a bypassed
 * direction follows sequence numbers only, comes back with one gap flagged as bypassed, and is
 * re-probed after `bypassReprobeSec` of capture time.
 */
import { describe, expect, it } from 'vitest';
import { TcpTracker, type TcpTrackerOptions } from '../../../src/flow/tcp-tracker.js';
import type { StreamConsumer, TcpConnectionInfo } from '../../../src/flow/stream-consumer.js';
import { RecordingSink, tcpPacket, text } from '../../helpers/flow-test-helpers.js';

const C = { src: '10.0.0.1', sport: 40000, dst: '10.0.0.2', dport: 2855 };
const S = { src: '10.0.0.2', sport: 2855, dst: '10.0.0.1', dport: 40000 };

/** A tracker whose consumer records events and bypasses direction 0 after data containing "BYPASS". */
function setup(options: Partial<TcpTrackerOptions> = {}) {
  const events: string[] = [];
  let info: TcpConnectionInfo | undefined;
  const consumer: StreamConsumer = {
    data(dir, d) {
      events.push(`${dir} data ${text(d)}`);
      if (dir === 0 && text(d).includes('BYPASS')) info!.bypass!(0); // inside the callback
    },
    gap(dir, n, _f, _s, _ns, bypassed) {
      events.push(`${dir} gap ${n}${bypassed === true ? ' bypassed' : ''}`);
    },
    end(dir, reason) {
      events.push(`${dir} end ${reason}`);
    },
  };
  const sink = new RecordingSink();
  const tracker = new TcpTracker(
    {
      create: (c) => {
        info = c;
        return consumer;
      },
    },
    sink,
    // Bypass is opt-in (run --flow-bypass); these tests exercise it switched on.
    { bypass: true, ...options },
  );
  let frame = 0;
  let seq0 = 1001;
  const put = (data: string, sec: number, seq = seq0): void => {
    tracker.packet(tcpPacket({ ...C, seq, ack: 5001, flags: 'A', data }), ++frame, sec, 0);
    if (seq === seq0) seq0 += data.length;
  };
  tracker.packet(tcpPacket({ ...C, seq: 1000, flags: 'S' }), ++frame, 100, 0);
  tracker.packet(tcpPacket({ ...S, seq: 5000, ack: 1001, flags: 'SA' }), ++frame, 100, 0);
  return { events, sink, tracker, put, info: () => info!, next: () => seq0 };
}

describe('TcpTracker: bypass of a direction', () => {
  it('passes bytes over after the request, then resumes with one bypassed gap', () => {
    const t = setup();
    t.put('first BYPASS', 100);
    t.put('skipped-1', 100);
    t.put('skipped-22', 101);
    expect(t.tracker.stats()).toMatchObject({ bypassed: 1, bypassActive: 1, bypassedBytes: 19 });
    t.info().resume!(0);
    t.put('after', 101);
    t.tracker.flush();
    expect(t.events).toEqual(['0 data first BYPASS', '0 gap 19 bypassed', '0 data after', '0 end shutdown', '1 end shutdown']);
    expect(t.tracker.stats()).toMatchObject({ bypassed: 1, bypassResumed: 1, bypassReprobes: 0, bypassActive: 0, gaps: 0 });
    expect(t.sink.codes()).toEqual([]); // counted in the stats, not anomalies: the audit stays the traffic's
  });

  it('a real hole while bypassed joins the bypassed gap (still reported as tcp.gap)', () => {
    const t = setup({ holeTimeoutSec: 1 });
    t.put('x BYPASS', 100);
    t.put('skip', 100); // bypass active from here
    const at = t.next();
    t.put('later', 100, at + 10); // 10 bytes never seen
    t.put('later2', 103, at + 15); // the hole times out
    t.info().resume!(0);
    t.tracker.packet(tcpPacket({ ...C, seq: at + 21, ack: 5001, flags: 'A', data: 'back' }), 99, 103, 0);
    t.tracker.flush();
    expect(t.events).toEqual(['0 data x BYPASS', '0 gap 25 bypassed', '0 data back', '0 end shutdown', '1 end shutdown']);
    expect(t.sink.count('tcp.gap')).toBe(1);
  });

  it('re-probes after bypassReprobeSec: the next bytes are delivered, and bypass is refused for bypassProbeSec', () => {
    const t = setup({ bypassReprobeSec: 5, bypassProbeSec: 1 });
    t.put('a BYPASS', 100);
    t.put('hidden', 102); // the bypass begins with the next bytes
    t.put('probe', 107); // 5 s later: delivered
    t.put('in window BYPASS', 107); // asks again inside the window: refused
    t.put('seen', 107);
    t.put('window over BYPASS', 108); // asks again after the window: granted
    t.put('hidden again', 108);
    t.tracker.flush();
    expect(t.events).toEqual(['0 data a BYPASS', '0 gap 6 bypassed', '0 data probe', '0 data in window BYPASS', '0 data seen', '0 data window over BYPASS', '0 end shutdown', '1 end shutdown']);
    expect(t.tracker.stats()).toMatchObject({ bypassed: 2, bypassResumed: 1, bypassReprobes: 1, bypassedBytes: 6 + 12 });
  });

  it('option bypass=false: requests are ignored', () => {
    const t = setup({ bypass: false });
    t.put('a BYPASS', 100);
    t.put('b', 100);
    t.tracker.flush();
    expect(t.events).toEqual(['0 data a BYPASS', '0 data b', '0 end shutdown', '1 end shutdown']);
    expect(t.tracker.stats().bypassed).toBe(0);
  });
});
