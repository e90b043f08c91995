/**
 * Review finding: a replayed ActivateTask value of a trigger already withdrawn (the bus keeps one
 * value per key and any bus client may put the old bytes again; trigger-bus.ts entry() hands a
 * known xId without windowEnd to applyTrigger) reopens its window: TriggerClaims.apply reuses the
 * old TriggerWindow and sets end = Infinity, so frames after the release are recorded again.
 */
import { describe, expect, it } from 'vitest';
import type { MediaTrigger } from '../../../src/correlate/media-trigger.js';
import { Harness, send, T0, type TaskSpec, uri, XID_A } from '../../helpers/correlate-helpers.js';

const ALICE_TASK: TaskSpec[] = [{ ids: [{ sipUri: 'sip:alice@ims.example.com' }] }];
const A_MSRP = { ip: '10.0.0.1', port: 40001 };
const B_MSRP = { ip: '10.0.1.2', port: 2855 };
const A_URI = uri(A_MSRP.ip, A_MSRP.port, 'sidA');
const B_URI = uri(B_MSRP.ip, B_MSRP.port, 'sidB');

const activate: MediaTrigger = {
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

describe('replayed trigger (trigger review F5)', () => {
  it('a replayed Activate of a withdrawn trigger does not reopen its window', () => {
    const h = new Harness(ALICE_TASK, { tapId: 'tap-media' });
    h.correlator.applyTrigger(activate);
    const conn = h.conn(1, A_MSRP, B_MSRP);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'in', body: 'INSIDE', ct: 'text/plain', tid: 'tx0001' }));
    // Released between the two frames (T0+1 ms, T0+2 ms).
    h.correlator.withdrawTrigger(activate.xId, { sec: T0, nsec: 1_500_000 });
    h.correlator.applyTrigger(activate); // the old value, put again on the bus
    conn.push(1, send({ to: [A_URI], from: [B_URI], mid: 'late', body: 'AFTER-RELEASE', ct: 'text/plain', tid: 'tx0002' }));
    h.finish();
    const texts = h.cc().map((r) => Buffer.from(r.event.bytes).toString('latin1'));
    expect(texts.join()).toContain('INSIDE');
    expect(texts.join()).not.toContain('AFTER-RELEASE');
    expect(h.anomalies.toJSON()).toMatchObject({ 'correlate.trigger_reopen_refused': 1 });
  });
});
