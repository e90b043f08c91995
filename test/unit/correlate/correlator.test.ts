/**
 * Correlator scenarios: SIP + MSRP built as bytes, parsed by the real parsers, fed through the
 * AppEventSink interface; records and the audit checked against what was put on the wire.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { validateRecord } from '../../../src/records/validate-record.js';
import { formatTimestamp } from '../../../src/core/timestamp.js';
import { MsrpFramer } from '../../../src/protocols/msrp/index.js';
import { containsBytes, cpim, Harness, msrpSdp, ok, PCSCF, report, send, T0, TestCall, UE_A, UE_B, uri, XID_A, XID_B, type TaskSpec } from '../../helpers/correlate-helpers.js';

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
const sha1 = (b: Uint8Array | string): string => createHash('sha1').update(b).digest('hex');

const ALICE = 'sip:alice@ims.example.com';
const BOB = 'sip:bob@ims.example.com';
const A_MSRP = { ip: '10.0.0.1', port: 40001 };
const B_MSRP = { ip: '10.0.1.2', port: 2855 };
const A_URI = uri(A_MSRP.ip, A_MSRP.port, 'sidA');
const B_URI = uri(B_MSRP.ip, B_MSRP.port, 'sidB');

/** INVITE (offer path A) → 100 → 180 → 200 (answer path B) → ACK. Returns the To tag. */
function setUp(h: Harness, call: TestCall, o: { offer?: string; answer?: string } = {}): string {
  h.sip(call.request(o.offer ?? msrpSdp({ ...A_MSRP, path: [A_URI] })), UE_A, PCSCF);
  h.sip(call.response(100), PCSCF, UE_A);
  h.sip(call.response(180, { toTag: 'tt' }), PCSCF, UE_A);
  h.sip(call.response(200, { toTag: 'tt', sdp: o.answer ?? msrpSdp({ ...B_MSRP, path: [B_URI] }) }), PCSCF, UE_A);
  h.sip(call.inDialog('ACK', 1, 'tt'), UE_A, PCSCF);
  return 'tt';
}

function tearDown(h: Harness, call: TestCall, toTag = 'tt'): void {
  h.sip(call.inDialog('BYE', 2, toTag), UE_A, PCSCF);
  h.sip(call.inDialogResponse(200, 'BYE', 2, toTag), PCSCF, UE_A);
}

function chat(h: Harness, o: { callId?: string; tasks?: TaskSpec[] } = {}) {
  const call = new TestCall({ callId: o.callId ?? 'call-1@x', from: ALICE, to: BOB, pai: ALICE });
  setUp(h, call);
  const conn = h.conn(0, A_MSRP, B_MSRP);
  const m1 = cpim(ALICE, BOB, 'Hello Bob', 'text/plain;charset=UTF-8', 'imdn-1');
  conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm1', body: m1, tid: 't1', extra: [['Success-Report', 'yes']] }));
  conn.push(1, ok('t1', A_URI, B_URI));
  conn.push(1, report({ to: [A_URI], from: [B_URI], mid: 'm1', range: `1-${m1.length}/${m1.length}` }));
  const m2 = cpim(BOB, ALICE, 'Hi Alice', 'text/plain', 'imdn-2');
  conn.push(1, send({ to: [A_URI], from: [B_URI], mid: 'm2', body: m2, tid: 't2' }));
  conn.push(0, ok('t2', B_URI, A_URI));
  tearDown(h, call);
  return { call, m1, m2 };
}

describe('Correlator: a target chat session', () => {
  it('emits IRI for every SIP message, establishment, messages, CC per request, release last', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    const { m1, m2 } = chat(h);
    h.finish();
    expect(h.iriSummary()).toEqual([
      'begin:iMSMessage:INVITE',
      'continue:iMSMessage:100',
      'continue:iMSMessage:180',
      'continue:iMSMessage:200',
      'continue:rCSSessionEstablishment',
      'continue:iMSMessage:ACK',
      'continue:rCSMessage',
      'continue:rCSMessage',
      'continue:iMSMessage:BYE',
      'continue:iMSMessage:200',
      'end:rCSSessionRelease',
    ]);
    for (const r of h.records) expect(validateRecord(r)).toEqual([]);
    // CC: the two SENDs and the REPORT, exact bytes, directions from the target's view.
    const cc = h.cc();
    expect(cc.map((r) => [r.event.method, r.direction])).toEqual([
      ['SEND', 'fromTarget'],
      ['REPORT', 'toTarget'],
      ['SEND', 'toTarget'],
    ]);
    expect(Buffer.from(cc[0]!.event.bytes).toString('latin1')).toMatch(/^MSRP t1 SEND\r\n[\s\S]*-------t1\$\r\n$/);
    expect(cc[0]!.network.srcPort).toBe(40001);
    expect(cc[2]!.network.srcPort).toBe(2855);
    // One correlation id and CIN for the whole session.
    expect(new Set(h.records.map((r) => Buffer.from(r.correlationId).toString('hex'))).size).toBe(1);
    expect(new Set(h.records.map((r) => r.communicationIdentityNumber))).toEqual(new Set([1]));
    const msgs = h.iri().filter((r) => r.event.kind === 'rCSMessage');
    const e1 = msgs[0]!.event as Extract<(typeof msgs)[0]['event'], { kind: 'rCSMessage' }>;
    expect(Buffer.from(e1.content).toString('latin1')).toBe(Buffer.from(m1).toString('latin1'));
    expect(e1.messageType).toBe('messageWithUserContent');
    expect(e1.conversationId).toBe('conv-1');
    expect(e1.imdnMessageId).toBe('imdn-1');
    expect(e1.originating[0]!.value).toBe(ALICE);
    expect(e1.terminating[0]!.value).toBe(BOB);
    expect(msgs.map((r) => r.direction)).toEqual(['fromTarget', 'toTarget']);
    const est = h.iri().find((r) => r.event.kind === 'rCSSessionEstablishment')!;
    expect(est.event.kind === 'rCSSessionEstablishment' && est.event.msrpPath).toBe(A_URI);
    expect(est.task.targetRole).toBe('originating');

    const audit = h.correlator.auditReport();
    expect(audit.uncorrelated).toEqual([]);
    expect(audit.sessions).toHaveLength(1);
    const s = audit.sessions[0]!;
    expect(s).toMatchObject({
      callId: 'call-1@x',
      xid: XID_A,
      liid: 'LIID-1',
      matchedIdentity: ALICE,
      msrpSessionIds: ['sidA', 'sidB'],
      connections: ['10.0.0.1:40001-10.0.1.2:2855'],
      files: [],
    });
    expect(s.startTime).toMatch(/^2026-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect(s.startTime < s.endTime).toBe(true);
    expect(s.messages.map((m) => [m.messageId, m.direction, m.contentType, m.innerContentType, m.size, m.sha256, m.innerSha256, m.chunks, m.status, m.reportStatuses])).toEqual([
      ['m1', 'fromTarget', 'message/cpim', 'text/plain', m1.length, sha256(m1), sha256('Hello Bob'), 1, 'complete', ['200']],
      ['m2', 'toTarget', 'message/cpim', 'text/plain', m2.length, sha256(m2), sha256('Hi Alice'), 1, 'complete', []],
    ]);
  });

  it('a non-target session produces no record and no audit entry', () => {
    const h = new Harness([{ ids: [{ sipUri: 'sip:carol@ims.example.com' }] }]);
    chat(h);
    h.finish();
    expect(h.records).toEqual([]);
    expect(h.correlator.auditReport().sessions).toEqual([]);
    expect(h.correlator.auditReport().uncorrelated).toEqual([]);
  });

  it('a non-target dialog leaves the table at its BYE; its late MSRP frames are still recognised until the linger ends', () => {
    const h = new Harness([{ ids: [{ sipUri: 'sip:carol@ims.example.com' }] }]);
    chat(h);
    // Only session-id tombstones are left (./session-id-tombstones.ts), not the dialog.
    expect(h.correlator.stats()).toMatchObject({ dialogs: 0, sessions: 0, uncorrelated: 0 });
    const late = h.conn(7, A_MSRP, B_MSRP);
    late.push(0, send({ to: [B_URI], from: [A_URI], mid: 'late-1', body: 'still in flight' }));
    expect(h.correlator.stats().uncorrelated).toBe(0);
    // 32 s after the BYE the session-ids are forgotten: a frame then is a session without SIP
    // (proof that the check above could fail).
    h.wait(40);
    late.push(0, send({ to: [B_URI], from: [A_URI], mid: 'late-2', body: 'much later' }));
    expect(h.correlator.stats().uncorrelated).toBe(1);
    h.finish();
    expect(h.records).toEqual([]);
  });

  it('a target dialog stays in the table after its BYE, for late frames and retransmissions', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    chat(h);
    expect(h.correlator.stats().dialogs).toBe(1);
    h.wait(40);
    expect(h.correlator.stats().dialogs).toBe(0);
  });

  it("auditDetails off (run): the same audit report, without the HTML report's ladder and chunk lists", () => {
    const full = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    chat(full);
    full.finish();
    const lean = new Harness([{ ids: [{ sipUri: ALICE }] }], { auditDetails: false });
    chat(lean);
    lean.finish();
    expect(lean.correlator.auditReport()).toEqual(full.correlator.auditReport());
    expect(lean.records.length).toBe(full.records.length);
    expect(full.correlator.auditWithDetails().details.sessions[0]!.ladder.length).toBeGreaterThan(5);
    const d = lean.correlator.auditWithDetails().details.sessions[0]!;
    expect(d.ladder).toEqual([]);
    expect(d.messages.every((m) => m.chunkList.length === 0)).toBe(true);
  });

  it('a target matched by To is terminating: directions flip', () => {
    const h = new Harness([{ ids: [{ sipUri: BOB }] }]);
    chat(h);
    h.finish();
    expect(h.cc().map((r) => r.direction)).toEqual(['toTarget', 'fromTarget', 'fromTarget']);
    expect(h.iri()[0]!.direction).toBe('toTarget'); // INVITE sent to the target
    expect(h.iri()[0]!.task.targetRole).toBe('terminating');
    const s = h.correlator.auditReport().sessions[0]!;
    expect(s.messages.map((m) => m.direction)).toEqual(['toTarget', 'fromTarget']);
  });

  it('two tasks on one session get separate records and audit entries', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }, { ids: [{ sipUri: BOB }], deliveryType: 'X2Only' }]);
    chat(h);
    h.finish();
    const a = h.records.filter((r) => r.task.xid === XID_A);
    const b = h.records.filter((r) => r.task.xid === XID_B);
    expect(a.length + b.length).toBe(h.records.length);
    expect(b.some((r) => r.kind === 'cc')).toBe(false);
    expect(a.filter((r) => r.kind === 'cc')).toHaveLength(3);
    expect(Buffer.from(a[0]!.correlationId).equals(Buffer.from(b[0]!.correlationId))).toBe(false);
    expect(h.iriSummary(XID_B)[0]).toBe('begin:iMSMessage:INVITE');
    expect(h.iriSummary(XID_B).at(-1)).toBe('end:rCSSessionRelease');
    const audit = h.correlator.auditReport();
    expect(audit.sessions.map((s) => [s.xid, s.liid, s.matchedIdentity, s.messages.map((m) => m.direction).join()])).toEqual([
      [XID_A, 'LIID-1', ALICE, 'fromTarget,toTarget'],
      [XID_B, 'LIID-2', BOB, 'toTarget,fromTarget'],
    ]);
  });

  it('X3Only: CC only; X2Only: IRI only', () => {
    const h3 = new Harness([{ ids: [{ sipUri: ALICE }], deliveryType: 'X3Only' }]);
    chat(h3);
    h3.finish();
    expect(h3.iri()).toEqual([]);
    expect(h3.cc()).toHaveLength(3);
    const h2 = new Harness([{ ids: [{ sipUri: ALICE }], deliveryType: 'X2Only' }]);
    chat(h2);
    h2.finish();
    expect(h2.cc()).toEqual([]);
    expect(h2.iri().filter((r) => r.event.kind === 'rCSMessage')).toHaveLength(2);
  });

  it('includeNonTargets lists non-target sessions with null xid, still without records', () => {
    const h = new Harness([{ ids: [{ sipUri: 'sip:carol@x' }] }], { includeNonTargets: true });
    chat(h);
    h.finish();
    expect(h.records).toEqual([]);
    const s = h.correlator.auditReport().sessions;
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ xid: null, liid: null, matchedIdentity: null });
    expect(s[0]!.messages).toHaveLength(2);
  });
});

describe('Correlator: SIP dialog handling', () => {
  it('does not re-emit a retransmission on the same hop, but emits the same message seen on another hop', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    const call = new TestCall({ callId: 'rtx@x', from: ALICE, to: BOB });
    const inv = call.request(msrpSdp({ ...A_MSRP, path: [A_URI] }));
    h.sip(inv, UE_A, PCSCF);
    h.sip(inv, UE_A, PCSCF); // retransmission (Timer A)
    h.sip(inv, PCSCF, UE_B); // forwarded by the proxy: another observation
    expect(h.iriSummary()).toEqual(['begin:iMSMessage:INVITE', 'continue:iMSMessage:INVITE']);
    expect(h.iri()[1]!.network.srcAddr).toEqual(new Uint8Array([10, 0, 0, 254]));
    expect(h.anomalies.count('correlate.sip_retransmission')).toBe(1);
  });

  it('forking: the 2xx of one early dialog confirms it; its answer (from the 18x) binds the MSRP', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    const call = new TestCall({ callId: 'fork@x', from: ALICE, to: BOB });
    h.sip(call.request(msrpSdp({ ...A_MSRP, path: [A_URI] })), UE_A, PCSCF);
    const b1 = uri('10.0.1.2', 2855, 'fork1');
    const b2 = uri('10.0.1.3', 2855, 'fork2');
    h.sip(call.response(183, { toTag: 'f1', sdp: msrpSdp({ ip: '10.0.1.2', port: 2855, path: [b1] }) }), PCSCF, UE_A);
    h.sip(call.response(183, { toTag: 'f2', sdp: msrpSdp({ ip: '10.0.1.3', port: 2855, path: [b2] }) }), PCSCF, UE_A);
    h.sip(call.response(200, { toTag: 'f2' }), PCSCF, UE_A);
    h.sip(call.inDialog('ACK', 1, 'f2'), UE_A, PCSCF);
    expect(h.iriSummary()).toContain('continue:rCSSessionEstablishment');
    const conn = h.conn(3, A_MSRP, { ip: '10.0.1.3', port: 2855 });
    conn.push(0, send({ to: [b2], from: [A_URI], mid: 'fm', body: 'x', ct: 'text/plain' }));
    h.finish();
    const s = h.correlator.auditReport().sessions[0]!;
    expect(s.messages.map((m) => [m.messageId, m.direction])).toEqual([['fm', 'fromTarget']]);
    expect(s.msrpSessionIds).toEqual(['sidA', 'fork1', 'fork2']);
    expect(h.cc()).toHaveLength(1);
  });

  it('re-INVITE with a new a=path re-binds the session', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    const call = new TestCall({ callId: 'reinv@x', from: ALICE, to: BOB });
    setUp(h, call);
    const a2 = uri('10.0.0.1', 40002, 'sidA2');
    const b2 = uri('10.0.1.2', 2856, 'sidB2');
    h.sip(call.inDialog('INVITE', 2, 'tt', { sdp: msrpSdp({ ip: '10.0.0.1', port: 40002, path: [a2] }) }), UE_A, PCSCF);
    h.sip(call.inDialogResponse(200, 'INVITE', 2, 'tt', { sdp: msrpSdp({ ip: '10.0.1.2', port: 2856, path: [b2] }) }), PCSCF, UE_A);
    const conn = h.conn(1, { ip: '10.0.0.1', port: 40002 }, { ip: '10.0.1.2', port: 2856 });
    conn.push(1, send({ to: [a2], from: [b2], mid: 'after', body: 'new path', ct: 'text/plain' }));
    tearDown(h, call);
    h.finish();
    const s = h.correlator.auditReport().sessions[0]!;
    expect(s.msrpSessionIds).toEqual(['sidA', 'sidB', 'sidA2', 'sidB2']);
    expect(s.messages.map((m) => [m.messageId, m.direction, m.status])).toEqual([['after', 'toTarget', 'complete']]);
  });

  it.each([
    ['CANCEL → 487', true, 487],
    ['486 Busy', false, 486],
  ])('%s: no establishment, the final response ends the IRI', (_n, cancel, code) => {
    const h = new Harness([{ ids: [{ sipUri: BOB }] }]);
    const call = new TestCall({ callId: `fail${code}@x`, from: ALICE, to: BOB });
    h.sip(call.request(msrpSdp({ ...A_MSRP, path: [A_URI] })), UE_A, PCSCF);
    h.sip(call.response(180, { toTag: 'tt' }), PCSCF, UE_A);
    if (cancel) {
      h.sip(call.cancel(), UE_A, PCSCF);
      h.sip(call.response(200, { method: 'CANCEL' }), PCSCF, UE_A);
    }
    h.sip(call.response(code, { toTag: 'tt' }), PCSCF, UE_A);
    h.sip(call.inDialog('ACK', 1, 'tt', { branch: 'z9hG4bK-fail-1' }), UE_A, PCSCF);
    h.finish();
    const labels = h.iriSummary();
    expect(labels).not.toContain('continue:rCSSessionEstablishment');
    expect(labels.some((l) => l.includes('rCSSessionRelease'))).toBe(false);
    expect(labels.at(-2)).toBe(`end:iMSMessage:${code}`);
    expect(labels.at(-1)).toBe('report:iMSMessage:ACK');
    expect(labels).toHaveLength(cancel ? 6 : 4);
    expect(h.correlator.auditReport().sessions[0]!.messages).toEqual([]);
  });

  it('a session that never shows its MSRP gets iMSCCUnavailable before the release', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    const call = new TestCall({ callId: 'nomsrp@x', from: ALICE, to: BOB });
    setUp(h, call);
    tearDown(h, call);
    h.finish();
    expect(h.iriSummary().slice(-2)).toEqual(['continue:iMSCCUnavailable', 'end:rCSSessionRelease']);
    expect(h.anomalies.count('correlate.cc_not_observed')).toBe(1);
    expect(h.correlator.auditReport().sessions[0]!.ccUnavailable).toBe('not_observed');
  });

  it('MSRP over TLS: iMSCCUnavailable right after the establishment', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    const call = new TestCall({ callId: 'tls@x', from: ALICE, to: BOB });
    setUp(h, call, {
      offer: msrpSdp({ ...A_MSRP, path: [uri(A_MSRP.ip, A_MSRP.port, 'sidA', 'msrps')], proto: 'TCP/TLS/MSRP' }),
      answer: msrpSdp({ ...B_MSRP, path: [uri(B_MSRP.ip, B_MSRP.port, 'sidB', 'msrps')], proto: 'TCP/TLS/MSRP' }),
    });
    tearDown(h, call);
    h.finish();
    const l = h.iriSummary();
    expect(l.slice(4, 6)).toEqual(['continue:rCSSessionEstablishment', 'continue:iMSCCUnavailable']);
    expect(l.filter((x) => x.includes('iMSCCUnavailable'))).toHaveLength(1);
    const un = h.iri().find((r) => r.event.kind === 'iMSCCUnavailable')!;
    expect(un.event.kind === 'iMSCCUnavailable' && un.event.reason).toMatch(/TLS/);
    expect(h.correlator.auditReport().sessions[0]!.ccUnavailable).toBe('tls');
  });

  it('a dialog idle past its timeout is released with legRemovalRequest', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }], { dialogs: { idleTimeoutSec: 60 } });
    const call = new TestCall({ callId: 'idle@x', from: ALICE, to: BOB });
    setUp(h, call);
    h.wait(30);
    expect(h.iriSummary().at(-1)).toBe('continue:iMSMessage:ACK');
    h.wait(40);
    const last = h.iri().at(-1)!;
    expect(last.iriType).toBe('end');
    expect(last.event.kind === 'rCSSessionRelease' && last.event.result).toBe('legRemovalRequest');
    expect(h.anomalies.count('correlate.dialog_timeout')).toBe(1);
  });

  it('pager-mode MESSAGE of a target: IRI reports, one rCSMessage, an audit session with one message', () => {
    const h = new Harness([{ ids: [{ telUri: 'tel:+4915112345678' }] }]);
    const call = new TestCall({ callId: 'pager@x', from: ALICE, to: 'sip:+4915112345678@ims.example.com;user=phone', method: 'MESSAGE' });
    const body = cpim(ALICE, 'tel:+4915112345678', 'short text', 'text/plain', 'imdn-p1');
    h.sip(call.request(Buffer.from(body).toString('latin1'), 'message/cpim'), UE_A, PCSCF);
    h.sip(call.response(200, { toTag: 'pt' }), PCSCF, UE_A);
    h.finish();
    expect(h.iriSummary()).toEqual(['report:iMSMessage:MESSAGE', 'report:rCSMessage', 'report:iMSMessage:200']);
    const m = h.iri()[1]!;
    expect(m.direction).toBe('toTarget');
    expect(m.event.kind === 'rCSMessage' && Buffer.from(m.event.content).equals(Buffer.from(body))).toBe(true);
    const s = h.correlator.auditReport().sessions[0]!;
    expect(s.callId).toBe('pager@x');
    expect(s.msrpSessionIds).toEqual([]);
    expect(s.messages.map((x) => [x.messageId, x.direction, x.contentType, x.innerContentType, x.size, x.sha256, x.innerSha256, x.chunks, x.status])).toEqual([
      ['imdn-p1', 'toTarget', 'message/cpim', 'text/plain', body.length, sha256(body), sha256('short text'), 0, 'complete'],
    ]);
  });
});

describe('Correlator: excerpts of SIP messages over the stream cap', () => {
  it('a pager MESSAGE cut to an excerpt gives an rCSMessage flagged contentTruncated', () => {
    const h = new Harness([{ ids: [{ telUri: 'tel:+4915112345678' }] }]);
    const call = new TestCall({ callId: 'pager-cut@x', from: ALICE, to: 'sip:+4915112345678@ims.example.com;user=phone', method: 'MESSAGE' });
    h.sip(call.request('the first bytes of a longer text', 'text/plain'), UE_A, PCSCF, { framed: true, excerpt: true });
    h.finish();
    const m = h.iri().find((r) => r.event.kind === 'rCSMessage')!;
    expect(m.event.kind === 'rCSMessage' && m.event.contentTruncated).toBe(true);
  });
});

describe('Correlator: MSRP reassembly', () => {
  function session(h: Harness, callId = 'r@x') {
    const call = new TestCall({ callId, from: ALICE, to: BOB });
    setUp(h, call);
    return call;
  }

  it('the same message seen on two relay legs is one message; each leg frame is its own CC', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    const relay = uri('192.0.2.9', 2855, 'relaySid');
    const call = new TestCall({ callId: 'relay@x', from: ALICE, to: BOB });
    setUp(h, call, { answer: msrpSdp({ ip: '192.0.2.9', port: 2855, path: [relay, B_URI] }) });
    const leg1 = h.conn(1, A_MSRP, { ip: '192.0.2.9', port: 2855 });
    const leg2 = h.conn(2, { ip: '192.0.2.9', port: 50000 }, B_MSRP);
    const body = cpim(ALICE, BOB, 'via relay');
    // RFC 4976 7.1: the relay keeps the end URIs; leg 2's From-Path is relay then Alice.
    leg1.push(0, send({ to: [relay, B_URI], from: [A_URI], mid: 'rm', body }));
    leg2.push(0, send({ to: [B_URI], from: [relay, A_URI], mid: 'rm', body }));
    h.finish();
    const s = h.correlator.auditReport().sessions[0]!;
    expect(s.messages).toHaveLength(1);
    expect(s.messages[0]).toMatchObject({ messageId: 'rm', chunks: 1, status: 'complete', sha256: sha256(body), direction: 'fromTarget' });
    expect(s.connections).toEqual(['10.0.0.1:40001-192.0.2.9:2855', '192.0.2.9:50000-10.0.1.2:2855']);
    expect(h.cc()).toHaveLength(2);
    expect(h.cc().map((r) => r.direction)).toEqual(['fromTarget', 'fromTarget']);
    expect(h.iri().filter((r) => r.event.kind === 'rCSMessage')).toHaveLength(1);
    void call;
  });

  it('interleaved chunks of two messages reassemble separately; a large CPIM message gets its inner hash by streaming', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    session(h);
    const conn = h.conn(1, A_MSRP, B_MSRP);
    const big = cpim(ALICE, BOB, Buffer.alloc(300_000, 'abcdefghij'), 'application/octet-stream');
    const small = Buffer.from('second message body, also chunked');
    const bigChunks: [number, number][] = [];
    for (let o = 0; o < big.length; o += 70_000) bigChunks.push([o, Math.min(big.length, o + 70_000)]);
    const smallChunks: [number, number][] = [
      [0, 10],
      [10, small.length],
    ];
    const frames: Uint8Array[] = [];
    for (let i = 0; i < bigChunks.length; i++) {
      const [s0, e0] = bigChunks[i]!;
      frames.push(send({ to: [B_URI], from: [A_URI], mid: 'big', body: big.subarray(s0, e0), range: `${s0 + 1}-${e0}/${big.length}`, flag: i === bigChunks.length - 1 ? '$' : '+' }));
      const sc = smallChunks[i];
      if (sc !== undefined) frames.push(send({ to: [B_URI], from: [A_URI], mid: 'small', ct: 'text/plain', body: small.subarray(sc[0], sc[1]), range: `${sc[0] + 1}-${sc[1]}/${small.length}`, flag: i === 1 ? '$' : '+' }));
    }
    for (const f of frames) conn.push(0, f, 1400);
    h.finish();
    const s = h.correlator.auditReport().sessions[0]!;
    const bigBuf = Buffer.from(big);
    const inner = bigBuf.subarray(bigBuf.indexOf('\r\n\r\nContent-Type') + 4);
    const innerBody = inner.subarray(inner.indexOf('\r\n\r\n') + 4);
    expect(s.messages.map((m) => [m.messageId, m.size, m.sha256, m.innerSha256, m.chunks, m.status])).toEqual([
      ['big', big.length, sha256(big), sha256(innerBody), bigChunks.length, 'complete'],
      ['small', small.length, sha256(small), null, 2, 'complete'],
    ]);
    expect(h.cc()).toHaveLength(frames.length);
    const rcs = h.iri().filter((r) => r.event.kind === 'rCSMessage');
    expect(rcs.map((r) => r.event.kind === 'rCSMessage' && r.event.content.length)).toEqual([small.length, big.length]);
  });

  it('an aborted message reports the prefix it carried', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    session(h);
    const conn = h.conn(1, A_MSRP, B_MSRP);
    const body = Buffer.from('0123456789ABCDEFGHIJ');
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'ab', ct: 'text/plain', body: body.subarray(0, 8), range: '1-8/20', flag: '+' }));
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'ab', ct: 'text/plain', body: body.subarray(8, 12), range: '9-12/20', flag: '#' }));
    h.finish();
    const m = h.correlator.auditReport().sessions[0]!.messages[0]!;
    expect(m).toMatchObject({ status: 'aborted', size: 12, sha256: sha256(body.subarray(0, 12)), chunks: 2 });
    const r = h.iri().find((x) => x.event.kind === 'rCSMessage')!;
    expect(r.event.kind === 'rCSMessage' && r.event.messageStatus).toBe('aborted');
  });

  it('an incomplete message lists its missing range and has no hash', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    session(h);
    const conn = h.conn(1, A_MSRP, B_MSRP);
    const body = Buffer.from('A'.repeat(30));
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'inc', ct: 'text/plain', body: body.subarray(0, 10), range: '1-10/30', flag: '+' }));
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'inc', ct: 'text/plain', body: body.subarray(20, 30), range: '21-30/30', flag: '$' }));
    h.finish();
    const m = h.correlator.auditReport().sessions[0]!.messages[0]!;
    expect(m).toMatchObject({ status: 'incomplete', size: 20, sha256: null, innerSha256: null, chunks: 2, missing: [{ start: 11, end: 20 }] });
    const r = h.iri().find((x) => x.event.kind === 'rCSMessage')!;
    expect(r.event.kind === 'rCSMessage' && r.event.messageStatus).toBe('incomplete');
    expect(r.event.kind === 'rCSMessage' && r.event.content.length).toBe(10);
  });

  it.each([
    ['verified', true],
    ['not verified', false],
  ])('file transfer (RFC 5547): size, hashes, %s', (_n, good) => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    const file = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256));
    const adv = (good ? sha1(file) : sha1('other')).toUpperCase().match(/../g)!.join(':');
    const call = new TestCall({ callId: `ft${good}@x`, from: ALICE, to: BOB });
    setUp(h, call, { offer: msrpSdp({ ...A_MSRP, path: [A_URI], extra: [`a=file-selector:name:"photo.jpg" type:image/jpeg size:5000 hash:sha-1:${adv}`, 'a=sendonly'] }) });
    const conn = h.conn(1, A_MSRP, B_MSRP);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'file', ct: 'image/jpeg', body: file.subarray(0, 3000), range: '1-3000/5000', flag: '+' }));
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'file', ct: 'image/jpeg', body: file.subarray(3000), range: '3001-5000/5000' }));
    tearDown(h, call);
    h.finish();
    const s = h.correlator.auditReport().sessions[0]!;
    expect(s.files).toEqual([{ name: 'photo.jpg', size: 5000, sha256: sha256(file), sha1: sha1(file), hashVerified: good, messageId: 'file' }]);
    const r = h.iri().find((x) => x.event.kind === 'rCSMessage')!;
    expect(r.event.kind === 'rCSMessage' && r.event.messageType).toBe('fileTransferMessage');
    expect(r.event.kind === 'rCSMessage' && r.event.file).toEqual({ name: 'photo.jpg', size: 5000, contentType: 'image/jpeg' });
  });

  it('IMDN and isComposing are recognised', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    session(h);
    const conn = h.conn(1, A_MSRP, B_MSRP);
    const imdn = `<?xml version="1.0" encoding="UTF-8"?>\r\n<imdn xmlns="urn:ietf:params:xml:ns:imdn"><message-id>imdn-1</message-id><datetime>2026-11-28T10:00:00Z</datetime><delivery-notification><status><delivered/></status></delivery-notification></imdn>`;
    conn.push(1, send({ to: [A_URI], from: [B_URI], mid: 'n1', body: cpim(BOB, ALICE, imdn, 'message/imdn+xml', 'imdn-9') }));
    const comp = '<?xml version="1.0"?><isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing"><state>active</state></isComposing>';
    conn.push(1, send({ to: [A_URI], from: [B_URI], mid: 'c1', ct: 'application/im-iscomposing+xml', body: comp }));
    h.finish();
    const ms = h.correlator.auditReport().sessions[0]!.messages;
    expect(ms[0]!.imdn).toEqual({ messageId: 'imdn-1', notification: 'delivery', status: 'delivered' });
    expect(ms[1]!.isComposing).toBe(true);
    const types = h
      .iri()
      .filter((r) => r.event.kind === 'rCSMessage')
      .map((r) => r.event.kind === 'rCSMessage' && r.event.messageType);
    expect(types).toEqual(['iMDNNotification', 'messageWithUserContent']);
  });

  it('binds by transport address when the paths match no SDP (RFC 6714 CEMA) and learns sides from the TCP direction', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    const call = new TestCall({ callId: 'cema@x', from: ALICE, to: BOB });
    setUp(h, call, { answer: msrpSdp({ ip: '198.51.100.7', port: 3000, path: [uri('10.0.1.2', 2855, 'sidB')], extra: ['a=msrp-cema'] }) });
    const conn = h.conn(1, A_MSRP, { ip: '198.51.100.7', port: 3000 });
    conn.push(0, send({ to: [uri('198.51.100.7', 3000, 'rewritten')], from: [uri('10.0.0.1', 40001, 'natted')], mid: 'ce', ct: 'text/plain', body: 'cema' }));
    conn.push(1, send({ to: [uri('10.0.0.1', 40001, 'natted')], from: [uri('198.51.100.7', 3000, 'rewritten')], mid: 'ce2', ct: 'text/plain', body: 'back' }));
    h.finish();
    const s = h.correlator.auditReport().sessions[0]!;
    expect(s.messages.map((m) => [m.messageId, m.direction])).toEqual([
      ['ce', 'fromTarget'],
      ['ce2', 'toTarget'],
    ]);
  });
});

describe('Correlator: binding safety', () => {
  it("without a=msrp-cema, a frame with unknown session-ids on a target session's address is NOT taken for it", () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    const call = new TestCall({ callId: 'nocema@x', from: ALICE, to: BOB });
    setUp(h, call);
    const conn = h.conn(1, A_MSRP, B_MSRP);
    conn.push(0, send({ to: [uri('10.0.1.2', 2855, 'stranger1')], from: [uri('10.0.0.1', 40001, 'stranger2')], mid: 's1', ct: 'text/plain', body: 'not yours' }));
    h.finish();
    expect(h.cc()).toEqual([]);
    expect(h.correlator.auditReport().sessions[0]!.messages).toEqual([]);
  });

  it('a target voice call (no MSRP) gets iMSMessage records but no audit session', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    const call = new TestCall({ callId: 'voice@x', from: ALICE, to: BOB });
    h.sip(call.request('v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n'), UE_A, PCSCF);
    h.sip(call.response(200, { toTag: 'v' }), PCSCF, UE_A);
    h.finish();
    expect(h.iriSummary()).toEqual(['begin:iMSMessage:INVITE', 'continue:iMSMessage:200']);
    expect(h.correlator.auditReport().sessions).toEqual([]);
  });
});

describe('Correlator: MSRP without SIP', () => {
  it('is intercepted once a CPIM From names a target; held CC and earlier messages are emitted then', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    const conn = h.conn(7, A_MSRP, B_MSRP);
    const comp = '<?xml version="1.0"?><isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing"><state>active</state></isComposing>';
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'u0', ct: 'application/im-iscomposing+xml', body: comp }));
    conn.push(1, ok('tx-none', A_URI, B_URI));
    expect(h.records).toEqual([]);
    const body = cpim(ALICE, BOB, 'no SIP here');
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'u1', body }));
    h.finish();
    expect(h.cc().map((r) => r.direction)).toEqual(['fromTarget', 'fromTarget']);
    expect(h.iri().map((r) => `${r.iriType}:${r.event.kind}`)).toEqual(['begin:rCSMessage', 'continue:rCSMessage']);
    const audit = h.correlator.auditReport();
    expect(audit.sessions).toEqual([]);
    expect(audit.uncorrelated).toHaveLength(1);
    const u = audit.uncorrelated[0]!;
    expect('callId' in u).toBe(false);
    expect(u).toMatchObject({ xid: XID_A, matchedIdentity: ALICE, msrpSessionIds: ['sidB', 'sidA'], connections: ['10.0.0.1:40001-10.0.1.2:2855'] });
    expect(u.messages.map((m) => [m.messageId, m.direction, m.status])).toEqual([
      ['u0', 'fromTarget', 'complete'],
      ['u1', 'fromTarget', 'complete'],
    ]);
  });

  it("starts at the connection's first packet when the stream ref carries it (SYN), ends with its last frame", () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    const a = new Uint8Array([10, 0, 0, 1]);
    const b = new Uint8Array([10, 0, 1, 2]);
    const ref = { connId: 9, dir: 0 as const, srcAddr: a, dstAddr: b, srcPort: 40001, dstPort: 2855, sawSyn: true, firstTsSec: T0 - 5, firstTsNsec: 123 };
    const handler = h.correlator.msrpStream(ref);
    const framer = new MsrpFramer(handler, h.anomalies);
    framer.push(send({ to: [B_URI], from: [A_URI], mid: 'x1', body: cpim(ALICE, BOB, 'hi') }), 5, T0, 500);
    framer.end();
    handler.onStreamEnd?.('fin');
    h.finish();
    const u = h.correlator.auditReport().uncorrelated[0]!;
    expect([u.startTime, u.endTime]).toEqual([formatTimestamp(T0 - 5, 123), formatTimestamp(T0, 500)]);
  });

  it('a CPIM To naming the target makes the receiver the target', () => {
    const h = new Harness([{ ids: [{ sipUri: BOB }] }]);
    const conn = h.conn(7, A_MSRP, B_MSRP);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'v1', body: cpim(ALICE, BOB, 'to bob') }));
    conn.push(1, send({ to: [A_URI], from: [B_URI], mid: 'v2', body: cpim(BOB, ALICE, 'from bob') }));
    h.finish();
    expect(h.cc().map((r) => r.direction)).toEqual(['toTarget', 'fromTarget']);
    expect(h.correlator.auditReport().uncorrelated[0]!.messages.map((m) => m.direction)).toEqual(['toTarget', 'fromTarget']);
  });

  it('never names a target: nothing emitted, nothing listed, held bytes freed', () => {
    const h = new Harness([{ ids: [{ sipUri: 'sip:carol@x' }] }], { uncorrelatedIdleSec: 10 });
    const conn = h.conn(7, A_MSRP, B_MSRP);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'w1', body: cpim(ALICE, BOB, 'private') }));
    expect(h.correlator.stats().heldBytes).toBeGreaterThan(0);
    h.wait(300);
    expect(h.correlator.stats().heldBytes).toBe(0);
    expect(h.correlator.stats().uncorrelated).toBe(0);
    h.finish();
    expect(h.records).toEqual([]);
    expect(h.correlator.auditReport().uncorrelated).toEqual([]);
  });

  it('caps the bytes held before identification', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }], { maxHeldBytesPerSession: 2000 });
    const conn = h.conn(7, A_MSRP, B_MSRP);
    for (let i = 0; i < 5; i++) conn.push(0, send({ to: [B_URI], from: [A_URI], mid: `p${i}`, ct: 'text/plain', body: 'x'.repeat(600) }));
    expect(h.correlator.stats().heldBytes).toBeLessThanOrEqual(2000);
    // Dropping bytes of a session nobody intercepts is no loss: reported only once it is a target's.
    expect(h.anomalies.count('correlate.uncorrelated_held_dropped')).toBe(0);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'id', body: cpim(ALICE, BOB, 'now') }));
    expect(h.anomalies.count('correlate.uncorrelated_held_dropped')).toBe(1);
    h.finish();
    expect(h.cc().length).toBeLessThan(6);
    expect(h.cc().at(-1)!.event.method).toBe('SEND');
  });
});

describe('Correlator: no over-collection', () => {
  it('a mixed stream (shared connection) yields no byte of the non-target session in any record', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    // Target session: Alice → Bob. Non-target session: Carol → Dave, on the SAME TCP connection
    // (RFC 4975 7.3.1 connection reuse) and on a connection of its own; plus MSRP without SIP.
    const call = new TestCall({ callId: 'target@x', from: ALICE, to: BOB });
    setUp(h, call);
    const other = new TestCall({ callId: 'other@x', from: 'sip:carol@ims.example.com', to: 'sip:dave@ims.example.com', fromTag: 'cf' });
    const cUri = uri('10.0.0.1', 40001, 'sidC');
    const dUri = uri('10.0.1.2', 2855, 'sidD');
    h.sip(other.request(msrpSdp({ ...A_MSRP, path: [cUri] })), UE_A, PCSCF);
    h.sip(other.response(200, { toTag: 'dt', sdp: msrpSdp({ ...B_MSRP, path: [dUri] }) }), PCSCF, UE_A);
    const shared = h.conn(1, A_MSRP, B_MSRP);
    const MARK = 'SECRET-NON-TARGET-MARKER';
    shared.push(0, send({ to: [B_URI], from: [A_URI], mid: 't1', body: cpim(ALICE, BOB, 'target text') }));
    shared.push(0, send({ to: [dUri], from: [cUri], mid: `nt-${MARK}`, body: cpim('sip:carol@ims.example.com', 'sip:dave@ims.example.com', `${MARK} one`) }));
    shared.push(1, send({ to: [cUri], from: [dUri], mid: 'nt2', ct: 'text/plain', body: `${MARK} two`, flag: '+', range: '1-30/60' }));
    shared.push(1, send({ to: [A_URI], from: [B_URI], mid: 't2', body: cpim(BOB, ALICE, 'reply') }));
    const own = h.conn(2, { ip: '10.0.0.5', port: 1234 }, { ip: '10.0.1.6', port: 2855 });
    own.push(0, send({ to: [dUri], from: [cUri], mid: 'nt3', ct: 'text/plain', body: `${MARK} three` }));
    const nosip = h.conn(3, { ip: '10.0.0.7', port: 1 }, { ip: '10.0.1.8', port: 2 });
    nosip.push(0, send({ to: [uri('10.0.1.8', 2, 'q1')], from: [uri('10.0.0.7', 1, 'q2')], mid: 'nt4', body: cpim('sip:x@y', 'sip:z@y', `${MARK} four`) }));
    tearDown(h, call);
    h.finish();
    expect(h.records.length).toBeGreaterThan(10);
    const mark = Buffer.from(MARK);
    for (const r of h.records) expect(containsBytes(r, mark)).toBe(false);
    expect(JSON.stringify(h.correlator.auditReport())).not.toContain(MARK);
    expect(h.cc()).toHaveLength(2);
  });
});
