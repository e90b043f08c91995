/**
 * Issue 15 splitter, reinvite-update run with the taps started at once: the publisher coalesces
 * the queued states of a trigger (src/pipeline/trigger-bus.ts, one put in flight, only the latest
 * state queued), so a re-INVITE's Modify and the release can reach a media tap as ONE value with
 * the new session ids and the window end. The bus hands every state whole to applyTrigger; the
 * correlator applies its new ids, then closes its window. A state with an end after one with an
 * end (a put repeated after a lost acknowledgement) only withdraws: no reopen, no anomaly.
 */
import { describe, expect, it } from 'vitest';
import { Harness, send, T0, uri } from '../../helpers/correlate-helpers.js';
import { A_MSRP, A_URI, ALICE_TASK, aTrigger, B_MSRP, B_URI } from '../../helpers/trigger-fixture.js';

const A2_MSRP = { ip: '10.0.0.1', port: 40002 };
const B2_MSRP = { ip: '10.0.1.2', port: 2856 };
const A2_URI = uri(A2_MSRP.ip, A2_MSRP.port, 'sidA2');
const B2_URI = uri(B2_MSRP.ip, B2_MSRP.port, 'sidB2');

describe('trigger states coalesced by the publisher', () => {
  it("a Modify and the release in one value: the re-INVITE's new session is claimed, frames after the end are not", () => {
    const h = new Harness(ALICE_TASK, { tapId: 'tap-media' });
    const first = aTrigger();
    h.correlator.applyTrigger(first);
    h.conn(1, A_MSRP, B_MSRP).push(0, send({ to: [B_URI], from: [A_URI], mid: 'm1', body: 'FIRST-LEG', ct: 'text/plain', tid: 'tx0001' }));
    // The re-INVITE moved the session to new ids; the media tap reads the new connection's frame
    // before the coalesced state (Modify + release at T0+5 ms) arrives: the frame is held.
    const conn2 = h.conn(2, A2_MSRP, B2_MSRP);
    conn2.push(0, send({ to: [B2_URI], from: [A2_URI], mid: 'm2', body: 'SECOND-LEG', ct: 'text/plain', tid: 'tx0002' }));
    h.correlator.applyTrigger({ ...first, sessionIds: ['sidA', 'sidB', 'sidA2', 'sidB2'], targetSessionIds: ['sidA', 'sidA2'], windowEnd: { sec: T0, nsec: 5_000_000 } });
    h.advance(1_000_000_000);
    conn2.push(1, send({ to: [A2_URI], from: [B2_URI], mid: 'm3', body: 'AFTER-END', ct: 'text/plain', tid: 'tx0003' }));
    h.finish();
    const texts = h
      .cc()
      .map((r) => Buffer.from(r.event.bytes).toString('latin1'))
      .join();
    expect(texts).toContain('FIRST-LEG');
    expect(texts).toContain('SECOND-LEG');
    expect(texts).not.toContain('AFTER-END');
    expect(h.cc().every((r) => Buffer.from(r.correlationId).toString('hex') === first.correlationId)).toBe(true);
    expect(h.correlator.stats()).toMatchObject({ triggersApplied: 2, triggersWithdrawn: 1, triggerReopensRefused: 0 });
  });

  it('the released state put twice withdraws once more (an end only moves earlier), without a reopen anomaly', () => {
    const h = new Harness(ALICE_TASK, { tapId: 'tap-media' });
    const released = aTrigger({ windowEnd: { sec: T0, nsec: 5_000_000 } });
    h.correlator.applyTrigger(aTrigger());
    h.correlator.applyTrigger(released);
    h.correlator.applyTrigger(released);
    h.correlator.applyTrigger(aTrigger({ windowEnd: { sec: T0 + 60, nsec: 0 } }));
    const conn = h.conn(1, A_MSRP, B_MSRP);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm1', body: 'INSIDE', ct: 'text/plain', tid: 'tx0001' }));
    h.advance(1_000_000_000);
    conn.push(1, send({ to: [A_URI], from: [B_URI], mid: 'm2', body: 'AFTER-END', ct: 'text/plain', tid: 'tx0002' }));
    h.finish();
    const texts = h
      .cc()
      .map((r) => Buffer.from(r.event.bytes).toString('latin1'))
      .join();
    expect(texts).toContain('INSIDE');
    expect(texts).not.toContain('AFTER-END');
    expect(h.anomalies.toJSON()['correlate.trigger_reopen_refused']).toBeUndefined();
  });
});
