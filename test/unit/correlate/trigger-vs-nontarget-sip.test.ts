/**
 * Review finding: a media tap that also sees the session's SIP on a hop where the target is not
 * identifiable (privacy: From/To anonymous, no P-Asserted-Identity) binds the MSRP to that local
 * dialog as a non-target ('ignore'); a trigger naming the session ids is then never consulted
 * (msrp-binding.ts calls TriggerClaims.frame only for sessions without SIP, and
 * TriggerClaims.apply skips only SIP sessions of the SAME task): the target's CC is lost, with no
 * anomaly.
 */
import { describe, expect, it } from 'vitest';
import type { MediaTrigger } from '../../../src/correlate/media-trigger.js';
import { Harness, msrpSdp, PCSCF, send, T0, TestCall, type TaskSpec, UE_A, uri, XID_A } from '../../helpers/correlate-helpers.js';

const ALICE_TASK: TaskSpec[] = [{ ids: [{ sipUri: 'sip:alice@ims.example.com' }] }];
const A_MSRP = { ip: '10.0.0.1', port: 40001 };
const B_MSRP = { ip: '10.0.1.2', port: 2855 };
const A_URI = uri(A_MSRP.ip, A_MSRP.port, 'sidA');
const B_URI = uri(B_MSRP.ip, B_MSRP.port, 'sidB');

const trigger: MediaTrigger = {
  xId: '0a0a0a0a-0000-8000-8000-000000000001',
  originTap: 'tap-sip',
  productId: XID_A,
  correlationId: '0102030405060708',
  dids: [],
  sessionIds: ['sidA', 'sidB'],
  targetSessionIds: ['sidA'],
  endpoints: [],
  sdpOffer: '',
  sdpAnswer: '',
  windowStart: { sec: T0, nsec: 0 },
  windowEnd: null,
};

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
