/**
 * Review finding: a media tap that also sees the session's SIP on a hop where the target is not
 * identifiable (privacy: From/To anonymous, no P-Asserted-Identity) binds the MSRP to that local
 * dialog as a non-target ('ignore'); a trigger naming the session ids is then never consulted
 * (msrp-binding.ts calls TriggerClaims.frame only for sessions without SIP, and
 * TriggerClaims.apply skips only SIP sessions of the SAME task): the target's CC is lost, with no
 * anomaly.
 */
import { describe, expect, it } from 'vitest';
import { Harness, msrpSdp, PCSCF, send, TestCall, UE_A } from '../../helpers/correlate-helpers.js';
import { A_MSRP, A_URI, ALICE_TASK, aTrigger, B_MSRP, B_URI } from '../../helpers/trigger-fixture.js';

const trigger = aTrigger();

describe('trigger vs. a local non-target SIP view of the same session (trigger review F2)', () => {
  it('the target CC the trigger names is recorded (or the conflict reported) when this tap saw the SIP anonymised', () => {
    const h = new Harness(ALICE_TASK, { tapId: 'tap-media' });
    h.correlator.applyTrigger(trigger);
    // The same call on another hop: the caller's identity is withheld (RFC 3323 privacy).
    const call = new TestCall({ callId: 'anon-call-1', from: 'sip:anonymous@anonymous.invalid', to: 'sip:bob@ims.example.com' });
    h.sip(call.request(msrpSdp({ ...A_MSRP, path: [A_URI] })), UE_A, PCSCF);
    h.sip(call.response(200, { toTag: 'tt', sdp: msrpSdp({ ...B_MSRP, path: [B_URI] }) }), PCSCF, UE_A);
    h.sip(call.inDialog('ACK', 1, 'tt'), UE_A, PCSCF);
    const conn = h.conn(1, A_MSRP, B_MSRP);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm1', body: 'TARGET-CONTENT', ct: 'text/plain', tid: 'tx0001' }));
    h.finish();
    const recorded = h.cc().some((r) => Buffer.from(r.event.bytes).toString('latin1').includes('TARGET-CONTENT'));
    expect(recorded || Object.keys(h.anomalies.toJSON()).length > 0).toBe(true);
    expect(h.anomalies.toJSON()).toMatchObject({ 'correlate.trigger_local_nontarget_sip': 1 });
  });

  it('a trigger arriving after the anonymised SIP bound its ids here is reported once', () => {
    const h = new Harness(ALICE_TASK, { tapId: 'tap-media' });
    const call = new TestCall({ callId: 'anon-call-2', from: 'sip:anonymous@anonymous.invalid', to: 'sip:bob@ims.example.com' });
    h.sip(call.request(msrpSdp({ ...A_MSRP, path: [A_URI] })), UE_A, PCSCF);
    h.sip(call.response(200, { toTag: 'tt', sdp: msrpSdp({ ...B_MSRP, path: [B_URI] }) }), PCSCF, UE_A);
    h.sip(call.inDialog('ACK', 1, 'tt'), UE_A, PCSCF);
    h.correlator.applyTrigger(trigger);
    const conn = h.conn(1, A_MSRP, B_MSRP);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm1', body: 'TARGET-CONTENT', ct: 'text/plain', tid: 'tx0001' }));
    h.finish();
    expect(h.anomalies.toJSON()).toMatchObject({ 'correlate.trigger_local_nontarget_sip': 1 });
  });
});
