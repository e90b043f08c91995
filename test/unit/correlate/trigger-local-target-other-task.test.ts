/**
 * Review R1: a dialog this tap's SIP intercepts for task A (its SIP names A's target on this hop)
 * whose MSRP session an LI_T3 trigger for task B names (B's target not identifiable on this hop,
 * e.g. anonymised). The trigger is the authority for B (TS 33.127 clause 5.3.3): B's CC is recorded
 * under the trigger's XID and correlation ID, as two taps would record it, while A's records stay
 * exactly as without the trigger, and B gets no frame of a session the trigger does not name
 * (src/correlate/trigger-shadows.ts).
 */
import { describe, expect, it } from 'vitest';
import { Harness, msrpSdp, PCSCF, send, TestCall, UE_A, uri, XID_A, XID_B } from '../../helpers/correlate-helpers.js';
import { A_MSRP, A_URI, aTrigger, B_MSRP, B_URI } from '../../helpers/trigger-fixture.js';

/** Task XID_A: Bob (named by this hop's SIP); task XID_B: Alice (anonymised on this hop). */
const TASKS = [{ ids: [{ sipUri: 'sip:bob@ims.example.com' }] }, { ids: [{ sipUri: 'sip:alice@ims.example.com' }] }];
const C_URI = uri(A_MSRP.ip, A_MSRP.port, 'sidC');
const D_URI = uri(B_MSRP.ip, B_MSRP.port, 'sidD');

/** A call from an anonymised caller to Bob negotiating `aUri` ↔ `bUri`: intercepted here for task A. */
function bobCall(h: Harness, callId: string, aUri: string, bUri: string): void {
  const call = new TestCall({ callId, from: 'sip:anon-1@privacy.example.net', to: 'sip:bob@ims.example.com' });
  h.sip(call.request(msrpSdp({ ...A_MSRP, path: [aUri] })), UE_A, PCSCF);
  h.sip(call.response(200, { toTag: 'tt', sdp: msrpSdp({ ...B_MSRP, path: [bUri] }) }), PCSCF, UE_A);
  h.sip(call.inDialog('ACK', 1, 'tt'), UE_A, PCSCF);
}

/** Two Bob calls on one connection (sidA/sidB, which the trigger names, and sidC/sidD, which it does not); the trigger for task B applied at `when`. */
function run(when: 'none' | 'before' | 'between'): Harness {
  const h = new Harness(TASKS, { tapId: 'tap-media' });
  const trigger = aTrigger({ productId: XID_B, correlationId: '0b0b0b0b0b0b0b0b' });
  if (when === 'before') h.correlator.applyTrigger(trigger);
  bobCall(h, 'call-r1', A_URI, B_URI);
  bobCall(h, 'call-r1-other', C_URI, D_URI);
  const conn = h.conn(1, A_MSRP, B_MSRP);
  conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm1', body: 'NAMED-ONE', ct: 'text/plain', tid: 'tx0001' }));
  if (when === 'between') h.correlator.applyTrigger(trigger);
  conn.push(0, send({ to: [D_URI], from: [C_URI], mid: 'o1', body: 'OTHER-ONE', ct: 'text/plain', tid: 'tx00o1' }));
  conn.push(1, send({ to: [A_URI], from: [B_URI], mid: 'm2', body: 'NAMED-TWO', ct: 'text/plain', tid: 'tx0002' }));
  h.finish();
  return h;
}

function ccOf(h: Harness, xid: string): string[] {
  return h
    .cc()
    .filter((r) => r.task.xid === xid)
    .map((r) => /NAMED-\w+|OTHER-\w+/.exec(Buffer.from(r.event.bytes).toString('latin1'))?.[0] ?? '?');
}

/** Task A's records, as JSON (bytes as latin1). */
function recordsOfA(h: Harness): string {
  return JSON.stringify(
    h.records.filter((r) => r.task.xid === XID_A),
    (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v),
  );
}

describe('review R1: a trigger for task B on a session this tap intercepts for task A', () => {
  it('task B records the CC of exactly the named session under the trigger; task A’s records are unchanged', () => {
    const h = run('before');
    expect(ccOf(h, XID_B)).toEqual(['NAMED-ONE', 'NAMED-TWO']);
    for (const r of h.cc().filter((x) => x.task.xid === XID_B)) expect(Buffer.from(r.correlationId).toString('hex')).toBe('0b0b0b0b0b0b0b0b');
    expect(ccOf(h, XID_A)).toEqual(['NAMED-ONE', 'OTHER-ONE', 'NAMED-TWO']);
    expect(recordsOfA(h)).toBe(recordsOfA(run('none')));
    expect(h.correlator.stats().triggerClaimedSessions).toBe(1);
    expect(h.anomalies.count('correlate.trigger_local_target_prior_frames')).toBe(0);
  });

  it('a trigger after the first frames: later frames are task B’s, the earlier ones reported as not held for it', () => {
    const h = run('between');
    expect(ccOf(h, XID_B)).toEqual(['NAMED-TWO']);
    expect(h.anomalies.count('correlate.trigger_local_target_prior_frames')).toBe(1);
    expect(recordsOfA(h)).toBe(recordsOfA(run('none')));
  });

  it('without a trigger, nothing is made for task B', () => {
    const h = run('none');
    expect(ccOf(h, XID_B)).toEqual([]);
    expect(h.correlator.stats().triggerClaimedSessions).toBe(0);
  });
});
