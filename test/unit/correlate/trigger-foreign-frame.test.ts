/**
 * Review finding: a single frame whose From-Path endpoint is a triggered session id, addressed
 * (To-Path endpoint) to a NON-target SIP-less session X<->Y, makes the trigger claim that whole
 * session (trigger-claims.ts frame() on the session byEndpoints chose by To first). The content
 * filter of record-emitter.ts keeps X<->Y's bytes out, but the identities the session learnt from
 * X<->Y's CPIM (eve, mallory) go into the target task's IRI, mallory even as targetIdentities.
 */
import { describe, expect, it } from 'vitest';
import { cpim, Harness, send, uri } from '../../helpers/correlate-helpers.js';
import { A_URI, ALICE_TASK, aTrigger } from '../../helpers/trigger-fixture.js';

const X = { ip: '10.0.7.7', port: 2855 };
const Y = { ip: '10.0.8.8', port: 2855 };
const X_URI = uri(X.ip, X.port, 'sidX');
const Y_URI = uri(Y.ip, Y.port, 'sidY');

describe('trigger claims: a frame addressed to a stranger\u2019s session (trigger review F1)', () => {
  it('a frame From=<triggered sid> To=<stranger sid> does not pull the strangers\u2019 session into the target task', () => {
    const h = new Harness(ALICE_TASK, { tapId: 'tap-media' });
    h.correlator.applyTrigger(aTrigger());
    const conn = h.conn(1, X, Y);
    conn.push(0, send({ to: [Y_URI], from: [X_URI], mid: 's1', body: cpim('sip:eve@x.example', 'sip:mallory@x.example', 'STRANGER-ONE'), ct: 'message/cpim', tid: 'tx00s1' }));
    // One crafted (or misrouted) request naming the target's endpoint as sender, the stranger X as receiver.
    conn.push(1, send({ to: [X_URI], from: [A_URI], mid: 'c1', body: 'x', ct: 'text/plain', tid: 'tx00c1' }));
    conn.push(0, send({ to: [Y_URI], from: [X_URI], mid: 's2', body: cpim('sip:eve@x.example', 'sip:mallory@x.example', 'STRANGER-TWO'), ct: 'message/cpim', tid: 'tx00s2' }));
    h.finish();
    const texts = h.records.map((r) => Buffer.from((r.event as { bytes?: Uint8Array; content?: Uint8Array }).bytes ?? (r.event as { content?: Uint8Array }).content ?? []).toString('latin1'));
    expect(texts.join('\n')).not.toContain('STRANGER');
    expect(JSON.stringify(h.records)).not.toMatch(/eve@|mallory@/);
    expect(h.anomalies.toJSON()).toMatchObject({ 'correlate.trigger_foreign_frame': 1 });
    expect(h.correlator.stats()).toMatchObject({ triggerClaimedSessions: 0, triggerForeignFrames: 1 });
  });
});
