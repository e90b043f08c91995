/**
 * Issue 12: per-message state of sessions in progress stays bounded under hostile load, and the
 * caps limit what the audit keeps, never the records of a target.
 */
import { describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { DEFAULT_MAX_TRANSACTIONS, MsrpSessionIndex } from '../../../src/correlate/msrp-session-index.js';
import { Harness, msrpSdp, PCSCF, send, TestCall, UE_A, uri, type TestConn } from '../../helpers/correlate-helpers.js';

const ALICE = 'sip:alice@ims.example.com';
const BOB = 'sip:bob@ims.example.com';

/** A target chat (Alice is the target) on its own addresses; returns its MSRP connection and URIs. */
function targetChat(h: Harness, n: number): { conn: TestConn; a: string; b: string } {
  const aMsrp = { ip: `10.0.0.${n}`, port: 40001 };
  const bMsrp = { ip: `10.0.1.${n}`, port: 2855 };
  const a = uri(aMsrp.ip, aMsrp.port, `sidA${n}`);
  const b = uri(bMsrp.ip, bMsrp.port, `sidB${n}`);
  const call = new TestCall({ callId: `call-${n}@x`, from: ALICE, to: BOB, pai: ALICE });
  h.sip(call.request(msrpSdp({ ...aMsrp, path: [a] })), UE_A, PCSCF);
  h.sip(call.response(200, { toTag: 'tt', sdp: msrpSdp({ ...bMsrp, path: [b] }) }), PCSCF, UE_A);
  h.sip(call.inDialog('ACK', 1, 'tt'), UE_A, PCSCF);
  return { conn: h.conn(n, aMsrp, bMsrp), a, b };
}

const TASKS = [{ ids: [{ sipUri: ALICE }] }];

function messageRecords(h: Harness): number {
  return h.iri().filter((r) => r.event.kind === 'rCSMessage').length;
}

describe('Correlator memory caps', () => {
  it('messages past the per-session audit cap are not indexed: the index stays at the cap, records go out for all', () => {
    const h = new Harness(TASKS, { maxAuditMessagesPerSession: 10, auditDetails: false });
    const { conn, a, b } = targetChat(h, 1);
    for (let i = 0; i < 50; i++) conn.push(0, send({ to: [b], from: [a], mid: `m${i}`, body: `hello ${i}`, tid: `t${i}` }));
    expect(h.correlator.tableSizes()).toEqual({ openMessages: 0, auditMessages: 10, auditIndex: 10 });
    expect(messageRecords(h)).toBe(50);
    expect(h.anomalies.toJSON()['correlate.audit_capped']).toBe(1);
    h.finish();
    const s = h.correlator.auditReport().sessions[0]!;
    expect(s.messages.length).toBe(10);
    expect(s.messagesOmitted).toBe(40);
  });

  it('live audit cap over all sessions in progress: later messages are omitted from the audit (correlate.audit_capped), records still go out, and finished sessions free their share', () => {
    const h = new Harness(TASKS, { maxLiveAuditMessages: 5, auditDetails: false });
    const one = targetChat(h, 1);
    const two = targetChat(h, 2);
    for (let i = 0; i < 4; i++) one.conn.push(0, send({ to: [one.b], from: [one.a], mid: `a${i}`, body: 'x', tid: `ta${i}` }));
    for (let i = 0; i < 4; i++) two.conn.push(0, send({ to: [two.b], from: [two.a], mid: `b${i}`, body: 'y', tid: `tb${i}` }));
    expect(h.correlator.stats().auditMessagesLive).toBe(5);
    expect(messageRecords(h)).toBe(8);
    expect(h.anomalies.toJSON()['correlate.audit_capped']).toBe(1);
    h.finish();
    expect(h.correlator.stats().auditMessagesLive).toBe(0);
    const [s1, s2] = h.correlator.auditReport().sessions;
    expect([s1!.messages.length, s1!.messagesOmitted, s2!.messages.length, s2!.messagesOmitted]).toEqual([4, 0, 1, 3]);
  });

  it('an open message of a target evicted by the assembler cap is closed and recorded as incomplete, not dropped', () => {
    const h = new Harness(TASKS, { assembler: { maxMessages: 3 }, auditDetails: false });
    const { conn, a, b } = targetChat(h, 1);
    for (let i = 0; i < 5; i++) conn.push(0, send({ to: [b], from: [a], mid: `p${i}`, body: `part ${i}`, range: '1-6/100', tid: `tp${i}`, flag: '+' }));
    expect(h.anomalies.toJSON()['msrp.message_evicted']).toBe(2);
    expect(h.correlator.tableSizes().openMessages).toBe(3);
    const recs = h.iri().filter((r) => r.event.kind === 'rCSMessage');
    expect(recs.length).toBe(2);
    h.finish();
    const s = h.correlator.auditReport().sessions[0]!;
    expect(s.messages.map((m) => [m.messageId, m.status])).toEqual([0, 1, 2, 3, 4].map((i) => [`p${i}`, 'incomplete']));
  });

  it('pending transactions: the default cap (16 384) forgets the oldest (correlate.transaction_map_full), the newest still routes', () => {
    const anomalies = new AnomalyCounter();
    const index = new MsrpSessionIndex<string>(anomalies);
    for (let i = 0; i <= DEFAULT_MAX_TRANSACTIONS; i++) index.rememberTransaction(1, `t${i}`, 'target', i + 1);
    expect(DEFAULT_MAX_TRANSACTIONS).toBe(16_384);
    expect(index.sizes.transactions).toBe(DEFAULT_MAX_TRANSACTIONS);
    expect(anomalies.toJSON()['correlate.transaction_map_full']).toBe(1);
    expect(index.takeTransaction(1, 't0')).toBeUndefined();
    expect(index.takeTransaction(1, `t${DEFAULT_MAX_TRANSACTIONS}`)).toBe('target');
  });
});
