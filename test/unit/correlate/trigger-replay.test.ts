/**
 * Review finding: a replayed ActivateTask value of a trigger already withdrawn (the bus keeps one
 * value per key and any bus client may put the old bytes again; trigger-bus.ts entry() hands a
 * known xId without windowEnd to applyTrigger) reopens its window: TriggerClaims.apply reuses the
 * old TriggerWindow and sets end = Infinity, so frames after the release are recorded again.
 */
import { describe, expect, it } from 'vitest';
import { Harness, send, T0 } from '../../helpers/correlate-helpers.js';
import { A_MSRP, A_URI, ALICE_TASK, aTrigger, B_MSRP, B_URI } from '../../helpers/trigger-fixture.js';

const activate = aTrigger();

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
