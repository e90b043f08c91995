/**
 * Correlator.updateTasks (SIGHUP reload): new tasks start on sessions in progress with a
 * start-of-interception IRI, removed tasks end with one final IRI and nothing more, and nothing
 * of a session from before its task existed reaches a record.
 */
import { describe, expect, it } from 'vitest';
import { createRecordEncoder } from '../../../src/encode/common/create-record-encoder.js';
import { parseTasksFile } from '../../../src/correlate/tasks-file.js';
import { validateRecord } from '../../../src/records/validate-record.js';
import { containsBytes, cpim, Harness, msrpSdp, ok, PCSCF, send, tasksJson, TestCall, UE_A, uri, XID_A, XID_B, type TaskSpec } from '../../helpers/correlate-helpers.js';

const ALICE = 'sip:alice@ims.example.com';
const BOB = 'sip:bob@ims.example.com';
const CAROL = 'sip:carol@ims.example.com';
const A_MSRP = { ip: '10.0.0.1', port: 40001 };
const B_MSRP = { ip: '10.0.1.2', port: 2855 };
const A_URI = uri(A_MSRP.ip, A_MSRP.port, 'sidA');
const B_URI = uri(B_MSRP.ip, B_MSRP.port, 'sidB');
const BEFORE = 'BEFORE-RELOAD-MARKER';

const tasks = (specs: TaskSpec[]) => parseTasksFile(tasksJson(specs), 'reload.json');

function invite(h: Harness, call: TestCall): void {
  h.sip(call.request(msrpSdp({ ...A_MSRP, path: [A_URI] })), UE_A, PCSCF);
  h.sip(call.response(180, { toTag: 'tt' }), PCSCF, UE_A);
}

function answer(h: Harness, call: TestCall): void {
  h.sip(call.response(200, { toTag: 'tt', sdp: msrpSdp({ ...B_MSRP, path: [B_URI] }) }), PCSCF, UE_A);
  h.sip(call.inDialog('ACK', 1, 'tt'), UE_A, PCSCF);
}

function bye(h: Harness, call: TestCall): void {
  h.sip(call.inDialog('BYE', 2, 'tt'), UE_A, PCSCF);
  h.sip(call.inDialogResponse(200, 'BYE', 2, 'tt'), PCSCF, UE_A);
}

function checkEncodable(h: Harness): void {
  const enc = createRecordEncoder('x2x3');
  const etsi = createRecordEncoder('etsi');
  for (const r of h.records) {
    expect(validateRecord(r)).toEqual([]);
    enc.encode(r);
    etsi.encode(r);
  }
}

describe('Correlator.updateTasks: a task added while a session runs', () => {
  it('an established chat gets startOfInterceptWithEstablisedRCSSession, then every later record; nothing from before', () => {
    const h = new Harness([{ ids: [{ sipUri: CAROL }] }]);
    const call = new TestCall({ callId: 'c1@x', from: ALICE, to: BOB, pai: ALICE });
    invite(h, call);
    answer(h, call);
    const conn = h.conn(0, A_MSRP, B_MSRP);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm0', body: cpim(ALICE, BOB, `${BEFORE} text`), tid: 't0' }));
    conn.push(1, ok('t0', A_URI, B_URI));
    expect(h.records).toEqual([]);

    h.correlator.updateTasks(tasks([{ ids: [{ sipUri: ALICE }] }]));
    expect(h.iriSummary()).toEqual(['begin:startOfInterceptWithEstablisedRCSSession']);
    const start = h.iri()[0]!;
    expect(start.event.kind === 'startOfInterceptWithEstablisedRCSSession' && start.event.targetIdentities[0]!.value).toBe(ALICE);
    expect(start.event.kind === 'startOfInterceptWithEstablisedRCSSession' && start.event.sessionInfo[0]!.content).toContain(`a=path:${A_URI}`);
    expect(start.task.targetRole).toBe('originating');

    conn.push(1, send({ to: [A_URI], from: [B_URI], mid: 'm1', body: cpim(BOB, ALICE, 'after reload'), tid: 't1' }));
    bye(h, call);
    h.finish();
    expect(h.iriSummary()).toEqual(['begin:startOfInterceptWithEstablisedRCSSession', 'continue:rCSMessage', 'continue:iMSMessage:BYE', 'continue:iMSMessage:200', 'end:rCSSessionRelease']);
    expect(h.cc().map((r) => [r.event.method, r.direction])).toEqual([['SEND', 'toTarget']]);
    // One correlation id for the whole interception; no byte of before the reload anywhere.
    expect(new Set(h.records.map((r) => Buffer.from(r.correlationId).toString('hex'))).size).toBe(1);
    for (const r of h.records) expect(containsBytes(r, Buffer.from(BEFORE))).toBe(false);
    checkEncodable(h);
    const audit = h.correlator.auditReport();
    expect(audit.sessions.map((s) => [s.callId, s.xid])).toEqual([['c1@x', XID_A]]);
    expect(JSON.stringify(audit)).not.toContain(BEFORE);
  });

  it('a dialog still being set up gets startOfInterceptionForActiveIMSSession, then the establishment', () => {
    const h = new Harness([{ xid: XID_B, ids: [{ sipUri: CAROL }] }]);
    const call = new TestCall({ callId: 'c2@x', from: ALICE, to: BOB });
    invite(h, call);
    h.correlator.updateTasks(tasks([{ xid: XID_A, ids: [{ sipUri: BOB }] }]));
    answer(h, call);
    bye(h, call);
    h.finish();
    expect(h.iriSummary()).toEqual([
      'begin:startOfInterceptionForActiveIMSSession',
      'continue:iMSMessage:200',
      'continue:rCSSessionEstablishment',
      'continue:iMSMessage:ACK',
      'continue:iMSMessage:BYE',
      'continue:iMSMessage:200',
      // No MSRP frame was seen: the existing "not observed" rule applies at the release.
      'continue:iMSCCUnavailable',
      'end:rCSSessionRelease',
    ]);
    const start = h.iri()[0]!.event;
    expect(start.kind === 'startOfInterceptionForActiveIMSSession' && start.terminating.value).toBe(BOB);
    expect(start.kind === 'startOfInterceptionForActiveIMSSession' && start.originating.map((i) => i.value)).toEqual([ALICE]);
    expect(h.iri()[0]!.task.targetRole).toBe('terminating');
    checkEncodable(h);
  });

  it('new sessions are matched against the new tasks; a session that already ended is not revisited', () => {
    const h = new Harness([{ ids: [{ sipUri: CAROL }] }]);
    const done = new TestCall({ callId: 'done@x', from: ALICE, to: BOB });
    invite(h, done);
    answer(h, done);
    bye(h, done);
    h.correlator.updateTasks(tasks([{ ids: [{ sipUri: ALICE }] }]));
    expect(h.records).toEqual([]);
    const fresh = new TestCall({ callId: 'fresh@x', from: ALICE, to: BOB });
    invite(h, fresh);
    h.finish();
    expect(h.iriSummary()[0]).toBe('begin:iMSMessage:INVITE');
  });

  it('MSRP without SIP: a pending session whose CPIM named the new target starts now; its held bytes are dropped', () => {
    const h = new Harness([{ ids: [{ sipUri: CAROL }] }]);
    const conn = h.conn(3, A_MSRP, B_MSRP);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'u0', body: cpim(ALICE, BOB, `${BEFORE} held`) }));
    expect(h.records).toEqual([]);
    h.correlator.updateTasks(tasks([{ ids: [{ sipUri: BOB }] }]));
    expect(h.iriSummary()).toEqual(['begin:startOfInterceptWithEstablisedRCSSession']);
    conn.push(1, send({ to: [A_URI], from: [B_URI], mid: 'u1', body: cpim(BOB, ALICE, 'later') }));
    h.finish();
    expect(h.iriSummary()).toEqual(['begin:startOfInterceptWithEstablisedRCSSession', 'continue:rCSMessage']);
    expect(h.cc().map((r) => r.direction)).toEqual(['fromTarget']);
    for (const r of h.records) expect(containsBytes(r, Buffer.from(BEFORE))).toBe(false);
    checkEncodable(h);
  });
});

describe('Correlator.updateTasks: a task removed while a session runs', () => {
  it('ends with one rCSSessionRelease (legRemovalRequest), then nothing; the remaining task goes on', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }, { ids: [{ sipUri: BOB }] }]);
    const call = new TestCall({ callId: 'c3@x', from: ALICE, to: BOB });
    invite(h, call);
    answer(h, call);
    const conn = h.conn(0, A_MSRP, B_MSRP);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm0', body: cpim(ALICE, BOB, 'both see this') }));
    const beforeA = h.iriSummary(XID_A).length;
    h.correlator.updateTasks(tasks([{ xid: XID_B, ids: [{ sipUri: BOB }] }]));
    const a = h.iriSummary(XID_A);
    expect(a).toHaveLength(beforeA + 1);
    expect(a.at(-1)).toBe('end:rCSSessionRelease');
    const rel = h
      .iri()
      .filter((r) => r.task.xid === XID_A)
      .at(-1)!;
    expect(rel.event.kind === 'rCSSessionRelease' && rel.event.result).toBe('legRemovalRequest');
    const ccA = h.cc().filter((r) => r.task.xid === XID_A).length;
    conn.push(1, send({ to: [A_URI], from: [B_URI], mid: 'm1', body: cpim(BOB, ALICE, 'only B sees this') }));
    bye(h, call);
    h.finish();
    expect(h.iriSummary(XID_A)).toEqual(a);
    expect(h.cc().filter((r) => r.task.xid === XID_A)).toHaveLength(ccA);
    expect(h.iriSummary(XID_B).at(-1)).toBe('end:rCSSessionRelease');
    expect(h.iriSummary(XID_B).filter((x) => x === 'continue:rCSMessage')).toHaveLength(2);
    checkEncodable(h);
    // Both tasks stay in the audit.
    expect(
      h.correlator
        .auditReport()
        .sessions.map((s) => s.xid)
        .sort(),
    ).toEqual([XID_A, XID_B].sort());
  });

  it('the last task removed: the session becomes a non-target one, its later content reaches no record', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    const call = new TestCall({ callId: 'c4@x', from: ALICE, to: BOB });
    invite(h, call);
    // Only another target's task is left (a tasks file holds at least one task).
    h.correlator.updateTasks(tasks([{ xid: XID_B, ids: [{ sipUri: CAROL }] }]));
    expect(h.iriSummary().at(-1)).toBe('end:iMSCCUnavailable');
    const n = h.records.length;
    answer(h, call);
    const conn = h.conn(0, A_MSRP, B_MSRP);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm0', body: cpim(ALICE, BOB, 'AFTER-REMOVAL') }));
    bye(h, call);
    h.finish();
    expect(h.records).toHaveLength(n);
    checkEncodable(h);
  });
});
