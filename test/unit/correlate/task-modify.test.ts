/**
 * A task kept by XID across a reload / X1 ModifyTask follows its new version on sessions in
 * progress (target identifiers, delivery type, time window), and a task's endTime ends the
 * interception of a session in progress (./src/correlate/task-reload.ts): no record of the
 * session after the change is out of warrant.
 */
import { describe, expect, it } from 'vitest';
import { parseTasksFile } from '../../../src/correlate/tasks-file.js';
import { containsBytes, cpim, Harness, msrpSdp, PCSCF, send, tasksJson, T0, TestCall, UE_A, uri, XID_A, XID_B, type TaskSpec } from '../../helpers/correlate-helpers.js';

const ALICE = 'sip:alice@ims.example.com';
const BOB = 'sip:bob@ims.example.com';
const DAVE = 'sip:dave@ims.example.com';
const A_URI = uri('10.0.0.1', 30000, 'sa');
const B_URI = uri('10.0.1.2', 2855, 'sb');
const AFTER = 'AFTER-CHANGE-MARKER';
const iso = (sec: number) => new Date(sec * 1000).toISOString();
const tasks = (specs: TaskSpec[]) => parseTasksFile(tasksJson(specs), 'modify.json');

/** alice's established chat with one SEND; `change` runs between it and a second SEND carrying AFTER. */
function chat(initial: TaskSpec | TaskSpec[], change: (h: Harness) => void): Harness {
  const h = new Harness(Array.isArray(initial) ? initial : [initial]);
  const call = new TestCall({ callId: 'mod@x', from: ALICE, to: BOB, fromTag: 'a1' });
  h.sip(call.request(msrpSdp({ ip: '10.0.0.1', port: 30000, path: [A_URI] })), UE_A, PCSCF);
  h.sip(call.response(200, { toTag: 'b1', sdp: msrpSdp({ ip: '10.0.1.2', port: 2855, path: [B_URI] }) }), PCSCF, UE_A);
  h.sip(call.inDialog('ACK', 1, 'b1'), UE_A, PCSCF);
  const conn = h.conn(1, { ip: '10.0.0.1', port: 30000 }, { ip: '10.0.1.2', port: 2855 });
  conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm1', body: cpim(ALICE, BOB, 'before'), tid: 't1' }));
  change(h);
  conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm2', body: cpim(ALICE, BOB, AFTER), tid: 't2' }));
  h.sip(call.inDialog('BYE', 2, 'b1'), UE_A, PCSCF);
  h.sip(call.inDialogResponse(200, 'BYE', 2, 'b1'), PCSCF, UE_A);
  h.finish();
  return h;
}

const SETUP = ['begin:iMSMessage:INVITE', 'continue:iMSMessage:200', 'continue:rCSSessionEstablishment', 'continue:iMSMessage:ACK', 'continue:rCSMessage'];

function expectNothingAfter(h: Harness): void {
  for (const r of h.records) if (r.task.xid === XID_A) expect(containsBytes(r, Buffer.from(AFTER))).toBe(false);
  expect(h.iri().filter((r) => r.iriType === 'end' && r.task.xid === XID_A)).toHaveLength(1);
}

describe('a task modified while its session runs', () => {
  it('target identifiers no longer naming the party: one end record (legRemovalRequest), no CC after', () => {
    const h = chat({ ids: [{ sipUri: ALICE }] }, (x) => x.correlator.updateTasks(tasks([{ ids: [{ sipUri: DAVE }] }])));
    expect(h.iriSummary()).toEqual([...SETUP, 'end:rCSSessionRelease']);
    const end = h.iri().at(-1)!;
    expect(end.event.kind === 'rCSSessionRelease' && end.event.result).toBe('legRemovalRequest');
    expect(h.cc()).toHaveLength(1);
    expectNothingAfter(h);
  });

  it('another identifier still naming the target side keeps the interception (matchedTargetId follows)', () => {
    const ALICE2 = 'sip:alice@IMS.example.com';
    const h = chat({ ids: [{ sipUri: ALICE }] }, (x) => x.correlator.updateTasks(tasks([{ ids: [{ sipUri: DAVE }, { impu: ALICE2 }] }])));
    expect(h.iriSummary()).toEqual([...SETUP, 'continue:rCSMessage', 'continue:iMSMessage:BYE', 'continue:iMSMessage:200', 'end:rCSSessionRelease']);
    expect(h.cc().map((r) => r.task.matchedTargetId)).toEqual([ALICE, ALICE2]);
  });

  it('delivery type narrowed to X2Only: later messages get IRI, no CC', () => {
    const h = chat({ ids: [{ sipUri: ALICE }], deliveryType: 'X2andX3' }, (x) => x.correlator.updateTasks(tasks([{ ids: [{ sipUri: ALICE }], deliveryType: 'X2Only' }])));
    expect(h.iriSummary()).toEqual([...SETUP, 'continue:rCSMessage', 'continue:iMSMessage:BYE', 'continue:iMSMessage:200', 'end:rCSSessionRelease']);
    expect(h.cc()).toHaveLength(1);
    for (const r of h.cc()) expect(containsBytes(r, Buffer.from(AFTER))).toBe(false);
    expect(
      h
        .iri()
        .slice(5)
        .map((r) => r.task.deliveryType),
    ).toEqual(['X2Only', 'X2Only', 'X2Only', 'X2Only']);
  });

  it('startTime moved into the future: ended as when matching a new session (not active yet)', () => {
    const h = chat({ ids: [{ sipUri: ALICE }] }, (x) => x.correlator.updateTasks(tasks([{ ids: [{ sipUri: ALICE }], startTime: iso(T0 + 3600) }])));
    expect(h.iriSummary()).toEqual([...SETUP, 'end:rCSSessionRelease']);
    expect(h.cc()).toHaveLength(1);
    expectNothingAfter(h);
  });
});

describe("a task's endTime passing while its session runs", () => {
  it('ended at the tick reaching endTime: one end record, nothing after; a task ending later goes on', () => {
    const specs: TaskSpec[] = [
      { ids: [{ sipUri: ALICE }], endTime: iso(T0 + 1) },
      { ids: [{ sipUri: ALICE }], endTime: iso(T0 + 60) },
    ];
    const h = chat(specs, (x) => {
      x.wait(5);
      expect(x.iriSummary().at(-1)).toBe('end:rCSSessionRelease');
    });
    expect(h.iriSummary()).toEqual([...SETUP, 'end:rCSSessionRelease']);
    expect(h.cc().filter((r) => r.task.xid === XID_A)).toHaveLength(1);
    expectNothingAfter(h);
    expect(h.iriSummary(XID_B)).toEqual([...SETUP, 'continue:rCSMessage', 'continue:iMSMessage:BYE', 'continue:iMSMessage:200', 'end:rCSSessionRelease']);
    expect(h.cc().filter((r) => r.task.xid === XID_B)).toHaveLength(2);
    expect(
      h.correlator
        .auditReport()
        .sessions.map((s) => s.xid)
        .sort(),
    ).toEqual([XID_A, XID_B].sort());
  });

  it('ended by the first packet at or after endTime, without a tick, before that packet is recorded', () => {
    const h = chat({ ids: [{ sipUri: ALICE }], endTime: iso(T0 + 1) }, (x) => {
      x.advance(2e9);
    });
    expect(h.iriSummary()).toEqual([...SETUP, 'end:rCSSessionRelease']);
    expect(h.cc()).toHaveLength(1);
    expectNothingAfter(h);
  });
});
