/**
 * Flow bypass of non-target MSRP directions (issue 13, direction 3), end to end through the TCP
 * table, the analyzers and the correlator (src/flow/stream-bypass.ts, src/correlate/msrp-bypass.ts):
 * a connection that carries only a non-target session goes to sequence tracking, and a target
 * that later uses it is recorded anyway: announced by a later SDP (RFC 4975 section 8.1
 * connection reuse), made a target by a task reload, or without SIP (the start-line watch, and
 * after a re-probe).
 */
import { describe, expect, it } from 'vitest';
import { containsBytes } from '../../helpers/correlate-helpers.js';
import { bypassPipeline as pipeline, CAROL, DAVE, dialog, type Feed, MARK, messageIds, msrpConnection, sendFrame, TARGET, tasksFor } from '../../helpers/flow-bypass-scenario.js';
import type { InterceptPipeline } from '../../../src/pipeline/intercept-pipeline.js';
import type { LiRecord } from '../../../src/records/li-record.js';

/** The MSRP connection; returns a function sending one SEND (CPIM body) from `fromSid` to `toSid`. */
function connection(f: Feed): (fromSid: string, toSid: string, mid: string, from: string, to: string, text: string) => void {
  const conn = msrpConnection(f);
  return (fromSid, toSid, mid, from, to, text) => {
    for (const s of conn.send('c2s', sendFrame(fromSid, toSid, mid, from, to, text))) f.put(s.ip);
  };
}

/** The reused-connection run: a non-target session, then a target's announced by a later SDP. */
function reuseRun(bypass: boolean): { p: InterceptPipeline; records: LiRecord[] } {
  const { p, f, records } = pipeline(TARGET, { tcp: { bypass } });
  dialog(f, 'nt-1', CAROL, DAVE, 'nA', 'nB');
  const sendOn = connection(f);
  const nt = (mid: string): void => sendOn('nA', 'nB', mid, CAROL, DAVE, `${MARK} ${mid}`);
  for (let i = 1; i <= 4; i++) nt(`n${i}`);
  f.sec++;
  dialog(f, 'tg-1', TARGET, 'sip:peer@ims.example.net', 'tA', 'tB');
  nt('n5');
  sendOn('tA', 'tB', 't1', TARGET, 'sip:peer@ims.example.net', 'first target message');
  nt('n6');
  sendOn('tA', 'tB', 't2', TARGET, 'sip:peer@ims.example.net', 'second target message');
  nt('n7');
  p.finish();
  return { p, records };
}

describe('flow bypass of non-target MSRP directions', () => {
  it('a connection reused by a target announced in a later SDP: recorded exactly as without bypass', () => {
    const on = reuseRun(true);
    const off = reuseRun(false);
    // The non-target's direction was bypassed, and resumed when the target's SDP named it.
    expect(on.p.packets.tcpStats().bypassed).toBeGreaterThanOrEqual(1);
    expect(on.p.packets.tcpStats().bypassResumed).toBeGreaterThanOrEqual(1);
    expect(off.p.packets.tcpStats().bypassed).toBe(0);
    expect(messageIds(on.records)).toEqual(['t1', 't2']);
    expect(on.records).toEqual(off.records);
    for (const r of on.records) expect(containsBytes(r, Buffer.from(MARK))).toBe(false);
  });

  it('a task reload that makes the bypassed session a target: recorded from the next start line, the gap in its audit', () => {
    const { p, f, records } = pipeline(TARGET, { tcp: { bypass: true } });
    dialog(f, 'nt-2', CAROL, DAVE, 'nA', 'nB');
    const sendOn = connection(f);
    for (let i = 1; i <= 4; i++) sendOn('nA', 'nB', `n${i}`, CAROL, DAVE, `carol says ${i}`);
    expect(p.packets.tcpStats().bypassed).toBe(1);
    p.correlator.updateTasks(tasksFor(CAROL));
    sendOn('nA', 'nB', 'n5', CAROL, DAVE, 'carol says 5');
    sendOn('nA', 'nB', 'n6', CAROL, DAVE, 'carol says 6');
    p.finish();
    expect(messageIds(records)).toEqual(['n5', 'n6']);
    const carol = p.audit().sessions.find((s) => s.messages.some((m) => m.messageId === 'n5'));
    expect(carol?.anomalies?.['correlate.bypass_gap']).toBe(1);
  });

  it('a session without SIP starting on a bypassed connection long before any re-probe: found at its first frame (start-line watch)', () => {
    const { p, f, records } = pipeline(TARGET, { tcp: { bypass: true, bypassReprobeSec: 600, bypassProbeSec: 1 } });
    dialog(f, 'nt-4', CAROL, DAVE, 'nA', 'nB');
    const sendOn = connection(f);
    for (let i = 1; i <= 3; i++) sendOn('nA', 'nB', `n${i}`, CAROL, DAVE, `${MARK} ${i}`);
    // Bypassed from n2 on: the watch lets the frames of the session let go pass.
    expect(p.packets.tcpStats().bypassed).toBe(1);
    expect(p.packets.tcpStats().bypassedBytes).toBeGreaterThan(0);
    sendOn('xA', 'xB', 'x1', TARGET, 'sip:someone@ims.example.net', 'no SIP for this one');
    sendOn('nA', 'nB', 'n4', CAROL, DAVE, `${MARK} 4`);
    sendOn('xA', 'xB', 'x2', TARGET, 'sip:someone@ims.example.net', 'and another');
    p.finish();
    expect(p.packets.tcpStats().bypassReprobes).toBe(0);
    expect(messageIds(records)).toEqual(['x1', 'x2']);
    for (const r of records) expect(containsBytes(r, Buffer.from(MARK))).toBe(false);
  });

  it('a session without SIP naming the target in CPIM, on a bypassed connection after the re-probe interval: found', () => {
    const { p, f, records } = pipeline(TARGET, { tcp: { bypass: true, bypassReprobeSec: 5, bypassProbeSec: 1 } });
    dialog(f, 'nt-3', CAROL, DAVE, 'nA', 'nB');
    const sendOn = connection(f);
    for (let i = 1; i <= 6; i++) {
      sendOn('nA', 'nB', `n${i}`, CAROL, DAVE, `${MARK} ${i}`);
      f.sec++;
    }
    // Bypassed from n2 (T0 + 1); n7 at T0 + 6 is the re-probe, the SIP-less session follows it.
    sendOn('nA', 'nB', 'n7', CAROL, DAVE, `${MARK} 7`);
    sendOn('xA', 'xB', 'x1', TARGET, 'sip:someone@ims.example.net', 'no SIP for this one');
    sendOn('xA', 'xB', 'x2', TARGET, 'sip:someone@ims.example.net', 'and another');
    p.finish();
    expect(p.packets.tcpStats().bypassed).toBeGreaterThanOrEqual(1);
    expect(p.packets.tcpStats().bypassReprobes).toBeGreaterThanOrEqual(1);
    expect(messageIds(records)).toEqual(['x1', 'x2']);
    for (const r of records) expect(containsBytes(r, Buffer.from(MARK))).toBe(false);
  });
});
