/**
 * Adversarial review of warrant separation (issue 12: "no byte of a session that matches no task
 * reaches any output, whatever the input"). Each case is an attack on the binding of MSRP frames
 * to sessions; every one checks that a marker carried only by the non-target's bytes reaches no
 * record and no audit entry.
 */
import { describe, expect, it } from 'vitest';
import { parseTasksFile } from '../../../src/correlate/tasks-file.js';
import { containsBytes, cpim, Harness, msrpSdp, PCSCF, send, tasksJson, TestCall, UE_A, uri, type TestConn } from '../../helpers/correlate-helpers.js';

const ALICE = 'sip:alice@ims.example.com';
const BOB = 'sip:bob@ims.example.com';
const CAROL = 'sip:carol@other.example';
const DAVE = 'sip:dave@other.example';
const TASKS = [{ ids: [{ sipUri: ALICE }] }];
const MARK = 'NONTARGET-MARK-5e1b';

/** No record and no audit entry holds the non-target's marker. */
function expectNoLeak(h: Harness): void {
  const mark = Buffer.from(MARK);
  for (const r of h.records) expect(containsBytes(r, mark)).toBe(false);
  expect(JSON.stringify(h.correlator.auditReport())).not.toContain(MARK);
}

/** An MSRP chat set up to the ACK; returns its call. */
function dialog(h: Harness, o: { callId: string; from: string; to: string; offer: { ip: string; port: number; path: string }; answer: { ip: string; port: number; path: string }; cema?: boolean }): TestCall {
  const call = new TestCall({ callId: o.callId, from: o.from, to: o.to });
  const extra = o.cema === true ? ['a=msrp-cema'] : [];
  h.sip(call.request(msrpSdp({ ip: o.offer.ip, port: o.offer.port, path: [o.offer.path], extra })), UE_A, PCSCF);
  h.sip(call.response(200, { toTag: 'tt', sdp: msrpSdp({ ip: o.answer.ip, port: o.answer.port, path: [o.answer.path], extra }) }), PCSCF, UE_A);
  h.sip(call.inDialog('ACK', 1, 'tt'), UE_A, PCSCF);
  return call;
}

describe('attack: RFC 6714 (CEMA) fallback and ended or evicted non-target dialogs', () => {
  // A CEMA target session whose SBC-facing address is RELAY; a non-target dialog whose MSRP runs
  // on a connection to the same address (one SBC port serving many sessions).
  const CLIENT = { ip: '10.0.0.1', port: 40001 };
  const RELAY = { ip: '198.51.100.7', port: 3000 };
  const setUp = (h: Harness): void => {
    dialog(h, { callId: 'tgt@x', from: ALICE, to: BOB, offer: { ...CLIENT, path: uri(CLIENT.ip, CLIENT.port, 'sidAlice') }, answer: { ...RELAY, path: uri('10.0.1.2', 2855, 'sidBob') }, cema: true });
  };
  const nonTargetSend = (conn: TestConn): void => {
    conn.push(0, send({ to: [uri(RELAY.ip, RELAY.port, 'sidDave')], from: [uri(CLIENT.ip, CLIENT.port, 'sidCarol')], mid: 'nt1', ct: 'text/plain', body: `${MARK} for Dave` }));
  };

  it("a late frame of an ended non-target dialog (tombstone) is dropped, not bound to the CEMA target's session", () => {
    const h = new Harness(TASKS);
    // The non-target's dialog first: the target's, newer, holds the SBC address binding.
    const nt = dialog(h, { callId: 'nt@x', from: CAROL, to: DAVE, offer: { ...CLIENT, path: uri(CLIENT.ip, CLIENT.port, 'sidCarol') }, answer: { ...RELAY, path: uri(RELAY.ip, RELAY.port, 'sidDave') } });
    setUp(h);
    h.sip(nt.inDialog('BYE', 2, 'tt'), UE_A, PCSCF);
    h.sip(nt.inDialogResponse(200, 'BYE', 2, 'tt'), PCSCF, UE_A);
    const conn = h.conn(1, CLIENT, RELAY);
    nonTargetSend(conn);
    conn.end();
    h.finish();
    expectNoLeak(h);
    expect(h.cc()).toEqual([]);
  });

  it("a frame of an evicted non-target dialog (tombstone) is dropped, not bound to the CEMA target's session", () => {
    const h = new Harness(TASKS, { dialogs: { maxDialogs: 2 } });
    dialog(h, { callId: 'nt@x', from: CAROL, to: DAVE, offer: { ...CLIENT, path: uri(CLIENT.ip, CLIENT.port, 'sidCarol') }, answer: { ...RELAY, path: uri(RELAY.ip, RELAY.port, 'sidDave') } });
    setUp(h);
    // A flood pushes the non-target dialog out (the target's stays).
    for (let i = 0; i < 3; i++) {
      const f = new TestCall({ callId: `flood-${i}@x`, from: `sip:flood${i}@ims.example.com`, to: 'sip:someone@ims.example.com' });
      h.sip(f.request(msrpSdp({ ip: '10.9.0.1', port: 30000 + i, path: [uri('10.9.0.1', 30000 + i, `fl${i}`)] })), UE_A, PCSCF);
    }
    expect(h.anomalies.toJSON()['correlate.dialog_evicted']).toBeGreaterThan(0);
    const conn = h.conn(1, CLIENT, RELAY);
    nonTargetSend(conn);
    conn.end();
    h.finish();
    expectNoLeak(h);
    expect(h.cc()).toEqual([]);
  });
});

describe('attack: MSRP without SIP, a stranger naming the target session-id in a relay position', () => {
  const CLIENT = { ip: '10.0.0.1', port: 40001 };
  const RELAY = { ip: '10.0.1.2', port: 2855 };
  const tA = uri(CLIENT.ip, CLIENT.port, 'sidAliceX');
  const tB = uri(RELAY.ip, RELAY.port, 'sidBobX');
  const nC = uri(CLIENT.ip, CLIENT.port, 'sidCarolX');
  const nD = uri(RELAY.ip, RELAY.port, 'sidDaveX');

  it("a non-target frame whose endpoints are a known non-target session's goes to that session, not to the target's named in a middle URI", () => {
    const h = new Harness(TASKS);
    const conn = h.conn(1, CLIENT, RELAY);
    // The target's session without SIP, identified by CPIM.
    conn.push(0, send({ to: [tB], from: [tA], mid: 't1', body: cpim(ALICE, BOB, 'hello Bob') }));
    // A non-target session without SIP on the same connection.
    conn.push(0, send({ to: [nD], from: [nC], mid: 'n1', body: cpim(CAROL, DAVE, 'first') }));
    // Its next frame carries the target's endpoint URI as a relay hop before Dave's.
    conn.push(0, send({ to: [tB, nD], from: [nC], mid: 'n2', body: cpim(CAROL, DAVE, `${MARK} second`) }));
    conn.end();
    h.finish();
    expectNoLeak(h);
    expect(h.cc().length).toBe(1);
  });

  it("a new non-target session whose first frame names the target's session-id only in a middle URI is not taken for the target's", () => {
    const h = new Harness(TASKS);
    const conn = h.conn(1, CLIENT, RELAY);
    conn.push(0, send({ to: [tB], from: [tA], mid: 't1', body: cpim(ALICE, BOB, 'hello Bob') }));
    conn.push(0, send({ to: [tB, nD], from: [nC], mid: 'n1', body: cpim(CAROL, DAVE, `${MARK} first`) }));
    conn.end();
    h.finish();
    expectNoLeak(h);
    expect(h.cc().length).toBe(1);
  });
});

describe('attack: task reload in the middle of a message of a session without SIP', () => {
  it('the part of a message received before its task existed reaches no record (only the later chunks)', () => {
    const CLIENT = { ip: '10.0.0.1', port: 40001 };
    const RELAY = { ip: '10.0.1.2', port: 2855 };
    const a = uri(CLIENT.ip, CLIENT.port, 'sidRa');
    const b = uri(RELAY.ip, RELAY.port, 'sidRb');
    const h = new Harness([{ ids: [{ sipUri: 'sip:nobody@ims.example.com' }] }]);
    const conn = h.conn(1, CLIENT, RELAY);
    // A complete message names the parties (CPIM), then a second one starts before the reload.
    conn.push(0, send({ to: [b], from: [a], mid: 'r0', body: cpim(CAROL, DAVE, 'first') }));
    const body = cpim(CAROL, DAVE, `${MARK} before the task... and after it`);
    const cut = Buffer.from(body).indexOf('... and');
    conn.push(0, send({ to: [b], from: [a], mid: 'r1', body: body.subarray(0, cut), range: `1-${cut}/${body.length}`, flag: '+' }));
    h.correlator.updateTasks(parseTasksFile(tasksJson([{ ids: [{ sipUri: CAROL }] }]), 'reload.json'));
    conn.push(0, send({ to: [b], from: [a], mid: 'r1', body: body.subarray(cut), range: `${cut + 1}-${body.length}/${body.length}` }));
    conn.end();
    h.finish();
    const mark = Buffer.from(MARK);
    for (const r of h.records) expect(containsBytes(r, mark)).toBe(false);
    // The message itself is still recorded (its later part).
    expect(h.iri().filter((r) => r.event.kind === 'rCSMessage').length).toBe(1);
  });
});

describe('attack: a target session-id as a relay hop in a frame of an ended non-target session', () => {
  const CLIENT = { ip: '10.0.0.1', port: 40001 };
  const RELAY = { ip: '10.0.1.2', port: 2855 };
  const A = uri(CLIENT.ip, CLIENT.port, 'sidAliceH');
  const B = uri(RELAY.ip, RELAY.port, 'sidBobH');
  const C = uri(CLIENT.ip, CLIENT.port, 'sidCarolH');
  const D = uri(RELAY.ip, RELAY.port, 'sidDaveH');

  it("a late frame whose endpoints are an ended non-target session's is dropped even when a hop names the target's session-id", () => {
    const h = new Harness(TASKS);
    dialog(h, { callId: 'tgt@x', from: ALICE, to: BOB, offer: { ...CLIENT, path: A }, answer: { ...RELAY, path: B } });
    const nt = dialog(h, { callId: 'nt@x', from: CAROL, to: DAVE, offer: { ...CLIENT, path: C }, answer: { ...RELAY, path: D } });
    h.sip(nt.inDialog('BYE', 2, 'tt'), UE_A, PCSCF);
    h.sip(nt.inDialogResponse(200, 'BYE', 2, 'tt'), PCSCF, UE_A);
    const conn = h.conn(1, CLIENT, RELAY);
    conn.push(0, send({ to: [B, D], from: [C], mid: 'n1', body: cpim(CAROL, DAVE, `${MARK} late`) }));
    conn.end();
    h.finish();
    expectNoLeak(h);
    expect(h.cc()).toEqual([]);
  });

  // HOLE (documented, not fixed): when no SDP named either endpoint of a frame, the index binds it
  // by any other URI of its paths (msrp-session-index.ts, "only when no session knows either
  // endpoint do the other URIs count"; its unit test "Only the relay's id known"). A stranger's
  // frame (no SIP seen) that names a target's session-id as a relay hop is then taken for the
  // target's. Closing it means dropping (or holding as a session without SIP) such frames, a
  // design change to the relay fallback; flip to it() when done.
  it.fails("a stranger's frame (endpoints no SDP named) naming the target's session-id as a hop is not taken for the target's", () => {
    const h = new Harness(TASKS);
    dialog(h, { callId: 'tgt@x', from: ALICE, to: BOB, offer: { ...CLIENT, path: A }, answer: { ...RELAY, path: B } });
    const conn = h.conn(1, CLIENT, RELAY);
    conn.push(0, send({ to: [B, uri(RELAY.ip, RELAY.port, 'sidStrangerY')], from: [uri(CLIENT.ip, CLIENT.port, 'sidStrangerX')], mid: 'n1', body: cpim(CAROL, DAVE, `${MARK} hi`) }));
    conn.end();
    h.finish();
    expectNoLeak(h);
  });
});

describe('attack: a pending session without SIP and a stranger on the same connection', () => {
  const CLIENT = { ip: '10.0.0.1', port: 40001 };
  const RELAY = { ip: '10.0.1.2', port: 2855 };
  const A = uri(CLIENT.ip, CLIENT.port, 'sidAliceP');
  const B = uri(RELAY.ip, RELAY.port, 'sidBobP');
  const C = uri(CLIENT.ip, CLIENT.port, 'sidCarolP');
  const D = uri(RELAY.ip, RELAY.port, 'sidDaveP');

  it("the target's CPIM head completed in a later chunk identifies only the target's session: the stranger's held frames stay out", () => {
    const h = new Harness(TASKS);
    const conn = h.conn(1, CLIENT, RELAY);
    const t = cpim(ALICE, BOB, 'hello Bob');
    const cut = 9; // inside "From: <sip:alice...": the CPIM head is not whole yet
    conn.push(0, send({ to: [B], from: [A], mid: 't1', body: t.subarray(0, cut), range: `1-${cut}/${t.length}`, flag: '+' }));
    // The stranger: its own endpoints, and a frame claiming the target's receiver as a hop.
    conn.push(0, send({ to: [D], from: [C], mid: 'n1', body: cpim(CAROL, DAVE, `${MARK} one`) }));
    conn.push(1, send({ to: [B, C], from: [D], mid: 'n2', body: cpim(DAVE, CAROL, `${MARK} two`) }));
    conn.push(0, send({ to: [B], from: [A], mid: 't1', body: t.subarray(cut), range: `${cut + 1}-${t.length}/${t.length}` }));
    conn.push(0, send({ to: [D], from: [C], mid: 'n3', body: cpim(CAROL, DAVE, `${MARK} three`) }));
    conn.end();
    h.finish();
    expectNoLeak(h);
    expect(h.cc().length).toBe(2);
    expect(
      h
        .iri()
        .filter((r) => r.event.kind === 'rCSMessage')
        .map((r) => r.event.kind === 'rCSMessage' && r.event.msrpMessageId),
    ).toEqual(['t1']);
  });
});
