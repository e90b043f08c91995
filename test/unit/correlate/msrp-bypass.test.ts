/** MsrpBypass (issue 13, direction 3): which MSRP directions the flow layer may pass over, and when they resume. */
import { describe, expect, it } from 'vitest';
import type { MsrpStreamRef } from '../../../src/analyzers/app-event-sink.js';
import { BypassDirection, MsrpBypass } from '../../../src/correlate/msrp-bypass.js';
import { Session } from '../../../src/correlate/session.js';
import { RecordingSink } from '../../helpers/flow-test-helpers.js';

/** A direction client 10.1.0.1:30000 → server 10.2.0.1:2855 whose bypass/resume calls are logged. */
function direction(calls: string[], client = '10.1.0.1', server = '10.2.0.1'): BypassDirection {
  const stream: MsrpStreamRef = {
    connId: 0,
    dir: 0,
    srcAddr: new Uint8Array(4),
    dstAddr: new Uint8Array(4),
    srcPort: 30000,
    dstPort: 2855,
    sawSyn: true,
    bypass: () => calls.push('bypass'),
    resume: () => calls.push('resume'),
  };
  return new BypassDirection(stream, `${client}|30000`, `${server}|2855`, 30000, 2855);
}

const session = (name: string): Session => new Session(name, name, 0, null, new Map());

describe('MsrpBypass', () => {
  it('bypasses a direction of non-targets; an SDP of a target naming its server resumes it, for as long as that session lives', () => {
    const calls: string[] = [];
    const b = new MsrpBypass(new RecordingSink());
    const d = direction(calls);
    const nt = session('nt');
    d.saw(nt);
    b.request(d, 1, 100);
    expect(calls).toEqual(['bypass']);
    const t = session('t');
    t.mode = 'intercept';
    b.claim(t, ['10.2.0.1|2855']);
    expect(calls).toEqual(['bypass', 'resume']);
    b.request(d, 2, 101);
    expect(calls).toEqual(['bypass', 'resume']); // claimed: stays framed
    expect(b.size).toBe(0);
  });

  it('an SDP naming a host name (or an IPv6 address) claims by port', () => {
    const calls: string[] = [];
    const b = new MsrpBypass(new RecordingSink());
    const d = direction(calls);
    b.request(d, 1, 100);
    const t = session('t');
    t.mode = 'intercept';
    b.claim(t, ['relay.example.net|9999']);
    expect(calls).toEqual(['bypass']);
    b.claim(t, ['relay.example.net|2855']);
    expect(calls).toEqual(['bypass', 'resume']);
  });

  it('a session seen here as a non-target that becomes a target resumes the direction, whatever its SDP names (NAT)', () => {
    const calls: string[] = [];
    const b = new MsrpBypass(new RecordingSink());
    const d = direction(calls);
    const s = session('s');
    d.saw(s);
    b.request(d, 1, 100);
    s.mode = 'intercept'; // e.g. its creating request seen again on another hop names a target
    b.claim(s, ['192.168.1.5|40000']);
    expect(calls).toEqual(['bypass', 'resume']);
    s.mode = 'ignore';
    b.request(d, 2, 101);
    expect(calls).toEqual(['bypass', 'resume']); // blocked for good
  });

  it('a task change resumes every bypassed direction', () => {
    const calls: string[] = [];
    const b = new MsrpBypass(new RecordingSink());
    b.request(direction(calls), 1, 100);
    b.request(direction(calls, '10.1.0.2'), 1, 100);
    b.tasksChanged([]);
    expect(calls).toEqual(['bypass', 'bypass', 'resume', 'resume']);
    expect(b.stats.resumedByTasks).toBe(2);
  });

  it('a full table refuses the bypass and says so', () => {
    const calls: string[] = [];
    const sink = new RecordingSink();
    const b = new MsrpBypass(sink, 1);
    b.request(direction(calls), 1, 100);
    b.request(direction(calls, '10.1.0.2'), 2, 100);
    expect(calls).toEqual(['bypass']);
    expect(sink.codes()).toEqual(['correlate.bypass_table_full']);
  });
});
