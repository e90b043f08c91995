/**
 * Review suspicions (a) and (b) on the parties an LI_T3 trigger brings (issue 15,
 * src/correlate/applied-trigger.ts takeParties):
 * (a) one MSRP session claimed by two triggers of two tasks: each task's records name the parties
 *     its own triggering tap named, never those only the other task's tap saw;
 * (b) a trigger without target session ids: the target's side is unknown here, so its parties
 *     are not placed on a guessed side (the target would be named as the other party's sender).
 */
import { describe, expect, it } from 'vitest';
import type { MediaTrigger } from '../../../src/correlate/media-trigger.js';
import { Harness, send, XID_A, XID_B } from '../../helpers/correlate-helpers.js';
import { A_MSRP, A_URI, aTrigger, B_MSRP, B_URI } from '../../helpers/trigger-fixture.js';

/** XID_A: Alice; XID_B: Bob. */
const TASKS = [{ ids: [{ sipUri: 'sip:alice@ims.example.com' }] }, { ids: [{ sipUri: 'sip:bob@ims.example.com' }] }];

/** The identities the rCSMessage records of task `xid` name. */
function partiesOf(h: Harness, xid: string): string {
  const names = h
    .iri()
    .filter((r) => r.task.xid === xid)
    .flatMap((r) => (r.event.kind === 'rCSMessage' ? [r.event.targetIdentities, r.event.originating, r.event.terminating] : []));
  return JSON.stringify(names);
}

/** A session without SIP here (sidA ↔ sidB); `triggers` applied first, then one message from `sender`. */
function run(triggers: MediaTrigger[], sender: 'A' | 'B'): Harness {
  const h = new Harness(TASKS, { tapId: 'tap-media' });
  for (const t of triggers) h.correlator.applyTrigger(t);
  const conn = h.conn(1, A_MSRP, B_MSRP);
  if (sender === 'A') conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm1', body: 'HELLO', ct: 'text/plain', tid: 'tx0001' }));
  else conn.push(1, send({ to: [A_URI], from: [B_URI], mid: 'm1', body: 'HELLO', ct: 'text/plain', tid: 'tx0001' }));
  h.finish();
  return h;
}

describe('review (a): a session claimed by triggers of two tasks', () => {
  it('each task’s records name its own triggering tap’s parties only', () => {
    const forA = aTrigger({ parties: { target: ['sip:alice@ims.example.com'], other: ['sip:bob-as-a-tap-saw@hop-a.example'] } });
    const forB = aTrigger({
      xId: '0a0a0a0a-0000-8000-8000-000000000002',
      productId: XID_B,
      correlationId: '0b0b0b0b0b0b0b0b',
      targetSessionIds: ['sidB'],
      parties: { target: ['sip:bob@ims.example.com'], other: ['sip:alice-as-b-tap-saw@hop-b.example'] },
    });
    for (const order of [
      [forA, forB],
      [forB, forA],
    ]) {
      const h = run(order, 'A');
      const a = partiesOf(h, XID_A);
      const b = partiesOf(h, XID_B);
      expect(a).toContain('bob-as-a-tap-saw');
      expect(a).not.toContain('alice-as-b-tap-saw');
      expect(b).toContain('alice-as-b-tap-saw');
      expect(b).not.toContain('bob-as-a-tap-saw');
    }
  });
});

describe('review (b): a trigger without target session ids', () => {
  it('its parties are not put on a guessed side', () => {
    // Bob sends first: side 0, where a trigger without target ids would put the target (Alice).
    const h = run([aTrigger({ targetSessionIds: [], parties: { target: ['sip:alice@ims.example.com'], other: ['sip:bob@ims.example.com'] } })], 'B');
    expect(h.correlator.stats().triggerClaimedSessions).toBe(1);
    const msgs = h.iri().flatMap((r) => (r.event.kind === 'rCSMessage' ? [r.event] : []));
    expect(msgs).toHaveLength(1);
    expect(JSON.stringify(msgs[0]!.originating)).not.toContain('alice');
  });
});
