/**
 * Issue 12, the SIP side: the dialog table's cap under a flood of non-target INVITEs offering
 * MSRP. Caps limit what is kept, never whether a target is seen: non-target dialogs are evicted
 * first (reported), a target's dialog stays, a target INVITE arriving in the flood is
 * intercepted, and an evicted non-target dialog's MSRP is never attributed to a target.
 */
import { describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { SessionIdTombstones } from '../../../src/correlate/session-id-tombstones.js';
import { cpim, Harness, msrpSdp, PCSCF, send, TestCall, UE_A, uri, type TestConn } from '../../helpers/correlate-helpers.js';

const ALICE = 'sip:alice@ims.example.com';
const BOB = 'sip:bob@ims.example.com';
const TASKS = [{ ids: [{ sipUri: ALICE }] }];
const CAP = 4;

/** A chat from `from` to `to` set up to the ACK, on addresses of its own; returns its MSRP connection and URIs. */
function chat(h: Harness, n: number, from: string, to: string): { conn: TestConn; a: string; b: string; call: TestCall } {
  const aMsrp = { ip: `10.0.0.${n}`, port: 40001 };
  const bMsrp = { ip: `10.0.1.${n}`, port: 2855 };
  const a = uri(aMsrp.ip, aMsrp.port, `sidA${n}`);
  const b = uri(bMsrp.ip, bMsrp.port, `sidB${n}`);
  const call = new TestCall({ callId: `chat-${n}@x`, from, to, pai: from });
  h.sip(call.request(msrpSdp({ ...aMsrp, path: [a] })), UE_A, PCSCF);
  h.sip(call.response(200, { toTag: 'tt', sdp: msrpSdp({ ...bMsrp, path: [b] }) }), PCSCF, UE_A);
  h.sip(call.inDialog('ACK', 1, 'tt'), UE_A, PCSCF);
  return { conn: h.conn(n, aMsrp, bMsrp), a, b, call };
}

/** `count` unanswered non-target INVITEs offering MSRP (each a dialog followed until Timer C). */
function flood(h: Harness, start: number, count: number): void {
  for (let i = start; i < start + count; i++) {
    const call = new TestCall({ callId: `flood-${i}@x`, from: `sip:flood${i}@ims.example.com`, to: 'sip:someone@ims.example.com' });
    h.sip(call.request(msrpSdp({ ip: '10.9.0.1', port: 30000 + i, path: [uri('10.9.0.1', 30000 + i, `fl${i}`)] })), UE_A, PCSCF);
  }
}

const messageIds = (h: Harness): string[] => h.iri().flatMap((r) => (r.event.kind === 'rCSMessage' ? [r.event.msrpMessageId] : []));

describe('dialog table cap under an INVITE flood', () => {
  it("a flood of non-target dialogs evicts them, never the target's dialog: its MSRP and release are still recorded", () => {
    const h = new Harness(TASKS, { dialogs: { maxDialogs: CAP } });
    const t = chat(h, 1, ALICE, BOB);
    t.conn.push(0, send({ to: [t.b], from: [t.a], mid: 'before', body: 'hello' }));
    flood(h, 0, 20);
    t.conn.push(0, send({ to: [t.b], from: [t.a], mid: 'after', body: 'still here', tid: 't2' }));
    h.sip(t.call.inDialog('BYE', 2, 'tt'), UE_A, PCSCF);
    h.sip(t.call.inDialogResponse(200, 'BYE', 2, 'tt'), PCSCF, UE_A);
    expect(h.anomalies.toJSON()['correlate.dialog_evicted']).toBe(20 + 1 - CAP);
    expect(h.anomalies.toJSON()['correlate.target_dialog_evicted']).toBeUndefined();
    expect(messageIds(h)).toEqual(['before', 'after']);
    expect(h.iriSummary().at(-1)).toBe('end:rCSSessionRelease');
  });

  it('a target INVITE arriving while the table is full of non-target dialogs is intercepted, and stays through the rest of the flood', () => {
    const h = new Harness(TASKS, { dialogs: { maxDialogs: CAP } });
    flood(h, 0, 10);
    const t = chat(h, 1, BOB, ALICE);
    flood(h, 10, 10);
    t.conn.push(1, send({ to: [t.a], from: [t.b], mid: 'from-alice', body: 'hi bob' }));
    h.finish();
    expect(h.anomalies.toJSON()['correlate.dialog_evicted']).toBe(21 - CAP);
    expect(h.iriSummary().slice(0, 4)).toEqual(['begin:iMSMessage:INVITE', 'continue:iMSMessage:200', 'continue:rCSSessionEstablishment', 'continue:iMSMessage:ACK']);
    expect(messageIds(h)).toEqual(['from-alice']);
    expect(h.cc().length).toBe(1);
  });

  it("an evicted non-target dialog's MSRP is dropped (tombstone), not taken for a session without SIP, even when its CPIM names a target", () => {
    const h = new Harness(TASKS, { dialogs: { maxDialogs: CAP } });
    const other = chat(h, 2, BOB, 'sip:carol@ims.example.com');
    flood(h, 0, 10);
    // The non-target session goes on after its dialog left the table; its CPIM From names Alice.
    other.conn.push(0, send({ to: [other.b], from: [other.a], mid: 'stranger', ct: 'message/cpim', body: cpim(ALICE, 'sip:carol@ims.example.com', 'not a target session') }));
    h.finish();
    expect(h.anomalies.toJSON()['correlate.dialog_evicted']).toBe(11 - CAP);
    expect(h.records).toEqual([]);
    expect(h.correlator.stats().uncorrelated).toBe(0);
    expect(h.correlator.auditReport().sessions).toEqual([]);
  });

  it('a table full of target dialogs evicts the oldest target dialog (correlate.target_dialog_evicted) and records its release', () => {
    const h = new Harness(TASKS, { dialogs: { maxDialogs: 2 } });
    chat(h, 1, ALICE, BOB);
    chat(h, 2, ALICE, BOB);
    chat(h, 3, ALICE, BOB);
    expect(h.anomalies.toJSON()['correlate.target_dialog_evicted']).toBe(1);
    expect(h.anomalies.toJSON()['correlate.dialog_evicted']).toBeUndefined();
    const releases = h.iri().filter((r) => r.event.kind === 'rCSSessionRelease');
    expect(releases.length).toBe(1);
    expect(h.correlator.stats().dialogs).toBe(2);
  });
});

describe('tombstones of evicted dialogs', () => {
  it('are capped on their own (correlate.tombstone_evicted) and expire at their time, apart from ended sessions', () => {
    const anomalies = new AnomalyCounter();
    const t = new SessionIdTombstones(anomalies, { maxEvicted: 2 });
    t.add(['ended1'], 10);
    t.addEvicted(['ev1'], 100);
    t.addEvicted(['ev2'], 100);
    t.addEvicted(['ev3'], 101);
    expect(anomalies.toJSON()['correlate.tombstone_evicted']).toBe(1);
    expect([t.coversAny('ev1', null), t.coversAny(null, 'ev2'), t.coversAny('ev3', null)]).toEqual([false, true, true]);
    t.sweep(50);
    expect([t.coversAny('ended1', null), t.coversAny('ev2', null)]).toEqual([false, true]);
    t.sweep(101);
    expect(t.size).toBe(0);
  });
});
