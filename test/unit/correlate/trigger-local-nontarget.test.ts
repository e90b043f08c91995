/**
 * Issue 15, F2: a media tap that sees the session's SIP itself, but not as a target's (the caller's
 * identity rewritten on the hop it sees), records the CC of exactly the MSRP sessions an LI_T3
 * trigger names (TS 33.127 clause 5.3.3: the trigger is the authority), under the trigger's
 * productID and correlation ID; the local SIP emits no IRI and none of its metadata reaches an
 * output; other sessions on the same connection stay out (src/correlate/trigger-shadows.ts).
 */
import { describe, expect, it } from 'vitest';
import type { MsrpStreamHandler } from '../../../src/analyzers/app-event-sink.js';
import { MsrpFramer } from '../../../src/protocols/msrp/index.js';
import { ipAddr } from '../../../samples/gen/lib/addr.js';
import { parseTasksFile } from '../../../src/correlate/tasks-file.js';
import { cpim, Harness, msrpSdp, PCSCF, send, T0, TestCall, tasksJson, UE_A, uri, XID_A } from '../../helpers/correlate-helpers.js';
import { A_MSRP, A_URI, ALICE_TASK, aTrigger, B_MSRP, B_URI } from '../../helpers/trigger-fixture.js';

/** The identities and Call-ID of the hop this tap sees: a non-target's to it; must reach no output. */
const ANON_FROM = 'sip:anon-7f3a@privacy.example.net';
const ALIAS_TO = 'sip:bob-alias@hop2.example.net';
const C_URI = uri(A_MSRP.ip, A_MSRP.port, 'sidC');
const D_URI = uri(B_MSRP.ip, B_MSRP.port, 'sidD');

/** A non-target call (to this tap) negotiating `aUri` ↔ `bUri`. */
function localCall(h: Harness, callId: string, aUri = A_URI, bUri = B_URI): TestCall {
  const call = new TestCall({ callId, from: ANON_FROM, to: ALIAS_TO });
  h.sip(call.request(msrpSdp({ ...A_MSRP, path: [aUri] })), UE_A, PCSCF);
  h.sip(call.response(200, { toTag: 'tt', sdp: msrpSdp({ ...B_MSRP, path: [bUri] }) }), PCSCF, UE_A);
  h.sip(call.inDialog('ACK', 1, 'tt'), UE_A, PCSCF);
  return call;
}

function ccTexts(h: Harness): string[] {
  return h.cc().map((r) => Buffer.from(r.event.bytes).toString('latin1'));
}

/** Nothing of the local non-target SIP in any record (its parties, its Call-ID, its SIP messages). */
function expectNoLocalSip(h: Harness, callId: string): void {
  const all = JSON.stringify(h.records, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
  expect(all).not.toContain('anon-7f3a');
  expect(all).not.toContain('bob-alias');
  expect(all).not.toContain(callId);
  expect(h.iri().filter((r) => r.event.kind !== 'rCSMessage')).toEqual([]);
}

describe('trigger vs. a local non-target SIP view of the same session (issue 15, F2)', () => {
  it('a trigger applied before the frames: the X3 of exactly the named session, under the trigger’s XID and correlation ID', () => {
    const h = new Harness(ALICE_TASK, { tapId: 'tap-media' });
    h.correlator.applyTrigger(aTrigger());
    localCall(h, 'anon-call-1');
    localCall(h, 'other-call-1', C_URI, D_URI);
    const conn = h.conn(1, A_MSRP, B_MSRP);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm1', body: 'TARGET-ONE', ct: 'text/plain', tid: 'tx0001' }));
    // A second non-target session on the same connection: never the trigger's.
    conn.push(0, send({ to: [D_URI], from: [C_URI], mid: 'o1', body: cpim('sip:carol@x.example', 'sip:dave@x.example', 'OTHER-ONE'), ct: 'message/cpim', tid: 'tx00o1' }));
    conn.push(1, send({ to: [A_URI], from: [B_URI], mid: 'm2', body: 'TARGET-TWO', ct: 'text/plain', tid: 'tx0002' }));
    h.finish();
    const cc = h.cc();
    expect(ccTexts(h).map((t) => /TARGET-\w+|OTHER-\w+/.exec(t)?.[0])).toEqual(['TARGET-ONE', 'TARGET-TWO']);
    for (const r of cc) {
      expect(r.task.xid).toBe(XID_A);
      expect(Buffer.from(r.correlationId).toString('hex')).toBe('0102030405060708');
    }
    expect(cc.map((r) => r.direction)).toEqual(['fromTarget', 'toTarget']);
    expect(JSON.stringify(h.records)).not.toMatch(/carol@|dave@/);
    expectNoLocalSip(h, 'anon-call-1');
    // Counted, and no longer an anomaly that may hide a target.
    expect(h.correlator.stats()).toMatchObject({ triggerClaimedSessions: 1, triggerLocalNonTargetClaims: 1 });
  });

  it('a trigger applied after the frames claims the bytes held for the session', () => {
    const h = new Harness(ALICE_TASK, { tapId: 'tap-media' });
    localCall(h, 'anon-call-2');
    localCall(h, 'other-call-2', C_URI, D_URI);
    const conn = h.conn(1, A_MSRP, B_MSRP);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm1', body: 'TARGET-ONE', ct: 'text/plain', tid: 'tx0001' }));
    conn.push(0, send({ to: [D_URI], from: [C_URI], mid: 'o1', body: 'OTHER-ONE', ct: 'text/plain', tid: 'tx00o1' }));
    expect(h.records).toEqual([]);
    h.correlator.applyTrigger(aTrigger());
    conn.push(1, send({ to: [A_URI], from: [B_URI], mid: 'm2', body: 'TARGET-TWO', ct: 'text/plain', tid: 'tx0002' }));
    h.finish();
    expect(ccTexts(h).map((t) => /TARGET-\w+|OTHER-\w+/.exec(t)?.[0])).toEqual(['TARGET-ONE', 'TARGET-TWO']);
    expect(h.correlator.stats()).toMatchObject({ triggerClaimedHeldSessions: 1, triggerLocalNonTargetClaims: 1 });
    expectNoLocalSip(h, 'anon-call-2');
  });

  it('a deactivated trigger stops the recording at its end; the local BYE does not end it earlier', () => {
    const h = new Harness(ALICE_TASK, { tapId: 'tap-media' });
    h.correlator.applyTrigger(aTrigger());
    const call = localCall(h, 'anon-call-3');
    const conn = h.conn(1, A_MSRP, B_MSRP);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm1', body: 'TARGET-ONE', ct: 'text/plain', tid: 'tx0001' }));
    // This tap sees the release on its hop first: the trigger (the other tap's) is still open.
    h.sip(call.inDialog('BYE', 2, 'tt'), UE_A, PCSCF);
    h.sip(call.inDialogResponse(200, 'BYE', 2, 'tt'), PCSCF, UE_A);
    conn.push(1, send({ to: [A_URI], from: [B_URI], mid: 'm2', body: 'TARGET-TWO', ct: 'text/plain', tid: 'tx0002' }));
    const end = h.advance();
    h.correlator.withdrawTrigger(aTrigger().xId, end);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm3', body: 'AFTER-END', ct: 'text/plain', tid: 'tx0003' }));
    h.finish();
    expect(ccTexts(h).map((t) => /TARGET-\w+|AFTER-\w+/.exec(t)?.[0])).toEqual(['TARGET-ONE', 'TARGET-TWO']);
    expectNoLocalSip(h, 'anon-call-3');
  });

  it('without a trigger, a bus tap records nothing of a local non-target session, even when its CPIM names a target', () => {
    const h = new Harness(ALICE_TASK, { tapId: 'tap-media' });
    h.correlator.applyTrigger(aTrigger({ sessionIds: ['sidX', 'sidY'], targetSessionIds: ['sidX'] }));
    localCall(h, 'anon-call-4');
    const conn = h.conn(1, A_MSRP, B_MSRP);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm1', body: cpim('sip:alice@ims.example.com', 'sip:bob@ims.example.com', 'CPIM-NAMES-ALICE'), ct: 'message/cpim', tid: 'tx0001' }));
    h.wait(400);
    h.finish();
    // As without a bus: the local SIP said non-target and no trigger named the session.
    expect(h.records).toEqual([]);
    expect(h.correlator.stats()).toMatchObject({ triggerClaimedSessions: 0, triggerLocalNonTargetClaims: 0, cpimDeferred: 0 });
    expect(h.correlator.auditReport().sessions).toEqual([]);
    // The session was offered to the triggers (then dropped unclaimed): that is what the new rule adds.
    expect(h.correlator.stats().heldUnclaimedBytesDiscarded).toBeGreaterThan(0);
  });

  it('a triggered session on a bypassed direction resumes it (--flow-bypass)', () => {
    const h = new Harness(ALICE_TASK, { tapId: 'tap-media' });
    const call = localCall(h, 'anon-call-5');
    // The local release first: later frames of its ids are a finished non-target's (tombstones) and may be bypassed.
    h.sip(call.inDialog('BYE', 2, 'tt'), UE_A, PCSCF);
    h.sip(call.inDialogResponse(200, 'BYE', 2, 'tt'), PCSCF, UE_A);
    const calls: string[] = [];
    const c = ipAddr(A_MSRP.ip);
    const s = ipAddr(B_MSRP.ip);
    const ref = { connId: 9, dir: 0 as const, srcAddr: c, dstAddr: s, srcPort: A_MSRP.port, dstPort: B_MSRP.port, sawSyn: true, bypass: () => calls.push('bypass'), resume: () => calls.push('resume') };
    const handler: MsrpStreamHandler = h.correlator.msrpStream(ref);
    const framer = new MsrpFramer(handler, h.anomalies);
    const push = (b: Uint8Array): void => {
      const ts = h.advance();
      framer.push(b, h.nextFrame(), ts.sec, ts.nsec);
    };
    push(send({ to: [B_URI], from: [A_URI], mid: 'm1', body: 'BEFORE-TRIGGER', ct: 'text/plain', tid: 'tx0001' }));
    expect(calls).toEqual(['bypass']);
    h.correlator.applyTrigger(
      aTrigger({
        endpoints: [
          { addr: A_MSRP.ip, port: A_MSRP.port },
          { addr: B_MSRP.ip, port: B_MSRP.port },
        ],
      }),
    );
    expect(calls).toEqual(['bypass', 'resume']);
    push(send({ to: [B_URI], from: [A_URI], mid: 'm2', body: 'TARGET-TWO', ct: 'text/plain', tid: 'tx0002' }));
    framer.end();
    h.finish();
    expect(ccTexts(h).map((t) => /[A-Z]+-[A-Z]+/.exec(t)?.[0])).toEqual(['TARGET-TWO']);
    // The claimed session's frame blocks the direction for good: never passed over again.
    expect(calls.filter((c) => c === 'bypass')).toEqual(['bypass']);
  });
});

describe('the local dialog’s lifecycle and the hold of its MSRP for a trigger (issue 15, F2)', () => {
  it('a re-INVITE seen locally moves the path; the trigger’s Modify claims the new ids', () => {
    const h = new Harness(ALICE_TASK, { tapId: 'tap-media' });
    h.correlator.applyTrigger(aTrigger());
    const call = localCall(h, 'anon-call-6');
    const conn = h.conn(1, A_MSRP, B_MSRP);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm1', body: 'TARGET-ONE', ct: 'text/plain', tid: 'tx0001' }));
    const A2_URI = uri(A_MSRP.ip, A_MSRP.port, 'sidA2');
    h.sip(call.inDialog('INVITE', 2, 'tt', { sdp: msrpSdp({ ...A_MSRP, path: [A2_URI] }) }), UE_A, PCSCF);
    h.sip(call.inDialogResponse(200, 'INVITE', 2, 'tt', { sdp: msrpSdp({ ...B_MSRP, path: [B_URI] }) }), PCSCF, UE_A);
    h.correlator.applyTrigger(aTrigger({ sessionIds: ['sidA2', 'sidB'], targetSessionIds: ['sidA2'] }));
    const conn2 = h.conn(2, A_MSRP, B_MSRP);
    conn2.push(0, send({ to: [B_URI], from: [A2_URI], mid: 'm2', body: 'TARGET-TWO', ct: 'text/plain', tid: 'tx0002' }));
    h.finish();
    expect(ccTexts(h).map((t) => /TARGET-\w+/.exec(t)?.[0])).toEqual(['TARGET-ONE', 'TARGET-TWO']);
    for (const r of h.cc()) expect(Buffer.from(r.correlationId).toString('hex')).toBe('0102030405060708');
    expectNoLocalSip(h, 'anon-call-6');
  });

  it('a shadow holds for the hold timeout only, then a late trigger still claims it from its next frame', () => {
    const h = new Harness(ALICE_TASK, { tapId: 'tap-media', uncorrelatedIdleSec: 10 });
    localCall(h, 'anon-call-7');
    const conn = h.conn(1, A_MSRP, B_MSRP);
    for (let i = 0; i < 15; i++) {
      conn.push(0, send({ to: [B_URI], from: [A_URI], mid: `e${i}`, body: `EARLY-${i}`, ct: 'text/plain', tid: `txe${i}` }));
      h.wait(1);
    }
    // A chat of a local non-target dialog may last hours: its bytes are not held for all of it.
    expect(h.correlator.stats().heldBytes).toBe(0);
    h.correlator.applyTrigger(aTrigger());
    conn.push(1, send({ to: [A_URI], from: [B_URI], mid: 'm2', body: 'TARGET-LATE', ct: 'text/plain', tid: 'tx0002' }));
    h.finish();
    expect(ccTexts(h).map((t) => /[A-Z]+-[A-Z0-9]+/.exec(t)?.[0])).toEqual(['TARGET-LATE']);
    expectNoLocalSip(h, 'anon-call-7');
  });

  it('shadows hold at most half of the held budget: sessions without SIP keep the rest', () => {
    const h = new Harness(ALICE_TASK, { tapId: 'tap-media', maxHeldBytesTotal: 2000 });
    localCall(h, 'anon-call-8');
    const conn = h.conn(1, A_MSRP, B_MSRP);
    const body = 'x'.repeat(500);
    for (let i = 0; i < 3; i++) conn.push(0, send({ to: [B_URI], from: [A_URI], mid: `n${i}`, body, ct: 'text/plain', tid: `txn${i}` }));
    const shadowBytes = h.correlator.stats().heldBytes;
    expect(shadowBytes).toBeGreaterThan(0);
    expect(shadowBytes).toBeLessThanOrEqual(1000);
    // A session without SIP (its SIP on another tap): its frames are held beside the shadow's.
    const X_URI = uri('10.0.7.7', 2855, 'sidX');
    const Y_URI = uri('10.0.8.8', 2855, 'sidY');
    const conn2 = h.conn(2, { ip: '10.0.7.7', port: 2855 }, { ip: '10.0.8.8', port: 2855 });
    for (let i = 0; i < 2; i++) conn2.push(0, send({ to: [Y_URI], from: [X_URI], mid: `u${i}`, body, ct: 'text/plain', tid: `txu${i}` }));
    expect(h.correlator.stats().heldBytes).toBeGreaterThan(shadowBytes + 1000);
  });
});

describe('parties a session without SIP learnt before a trigger claimed it (issue 15, F1)', () => {
  it('a claim keeps only the parties learnt from messages the trigger names', () => {
    const h = new Harness(ALICE_TASK, { tapId: 'tap-media' });
    const Q_URI = uri(B_MSRP.ip, B_MSRP.port, 'sidQ');
    const X_URI = uri('10.0.7.7', 2855, 'sidX');
    const conn = h.conn(1, A_MSRP, B_MSRP);
    // The session's first request names Alice's id and an id the trigger does not name.
    conn.push(0, send({ to: [Q_URI], from: [A_URI], mid: 'm1', body: 'TARGET-ONE', ct: 'text/plain', tid: 'tx0001' }));
    // A stranger's frame reaching it by that other id only: its CPIM parties must not become the target's.
    conn.push(0, send({ to: [Q_URI], from: [X_URI], mid: 's1', body: cpim('sip:mallory@x.example', 'sip:eve@x.example', 'STRANGER'), ct: 'message/cpim', tid: 'tx00s1' }));
    h.correlator.applyTrigger(aTrigger({ windowStart: { sec: T0, nsec: 0 } }));
    h.finish();
    expect(ccTexts(h).map((t) => /TARGET-\w+|STRANGER/.exec(t)?.[0])).toEqual(['TARGET-ONE']);
    const msgs = h.iri().filter((r) => r.event.kind === 'rCSMessage');
    expect(msgs.length).toBe(1);
    expect(JSON.stringify(h.records)).not.toMatch(/mallory@|eve@/);
  });
});

describe('a claimed shadow whose local dialog becomes a target here later (known limit, reported)', () => {
  it('the CC split across two correlation IDs is reported once, not silent', () => {
    const h = new Harness(ALICE_TASK, { tapId: 'tap-media' });
    h.correlator.applyTrigger(aTrigger());
    localCall(h, 'anon-call-s');
    const conn = h.conn(1, A_MSRP, B_MSRP);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm1', body: 'TARGET-ONE', ct: 'text/plain', tid: 'tx0001' }));
    expect(h.anomalies.count('correlate.trigger_shadow_superseded')).toBe(0);
    // A reload makes the hop's identity one of the same task's targets: the local dialog is now
    // intercepted here, under this tap's correlation ID.
    h.correlator.updateTasks(parseTasksFile(tasksJson([{ ids: [{ sipUri: 'sip:alice@ims.example.com' }, { sipUri: ANON_FROM }] }]), 'tasks.json'));
    conn.push(1, send({ to: [A_URI], from: [B_URI], mid: 'm2', body: 'TARGET-TWO', ct: 'text/plain', tid: 'tx0002' }));
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm3', body: 'TARGET-THREE', ct: 'text/plain', tid: 'tx0003' }));
    h.finish();
    // Every frame recorded once; the later ones under another correlation ID than the trigger's.
    expect(ccTexts(h).map((t) => /TARGET-\w+/.exec(t)?.[0])).toEqual(['TARGET-ONE', 'TARGET-TWO', 'TARGET-THREE']);
    const ids = new Set(h.cc().map((r) => Buffer.from(r.correlationId).toString('hex')));
    expect(ids.size).toBe(2);
    expect(h.anomalies.count('correlate.trigger_shadow_superseded')).toBe(1);
  });
});
