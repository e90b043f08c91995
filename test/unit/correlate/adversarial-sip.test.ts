/**
 * Adversarial review of warrant separation, SIP and framing side: spoofed dialog messages and
 * crafted MSRP headers on a connection shared by a target's and a non-target's session.
 */
import { describe, expect, it } from 'vitest';
import { msrpFrame } from '../../../samples/gen/lib/msrp-frame.js';
import { containsBytes, cpim, Harness, msrpSdp, PCSCF, report, send, TestCall, UE_A, uri } from '../../helpers/correlate-helpers.js';

const ALICE = 'sip:alice@ims.example.com';
const BOB = 'sip:bob@ims.example.com';
const CAROL = 'sip:carol@other.example';
const DAVE = 'sip:dave@other.example';
const TASKS = [{ ids: [{ sipUri: ALICE }] }];
const MARK = 'NONTARGET-MARK-91c4';
const CLIENT = { ip: '10.0.0.1', port: 40001 };
const RELAY = { ip: '10.0.1.2', port: 2855 };
const A_URI = uri(CLIENT.ip, CLIENT.port, 'sidAlice1');
const B_URI = uri(RELAY.ip, RELAY.port, 'sidBob22');
const C_URI = uri(CLIENT.ip, CLIENT.port, 'sidCarol3');
const D_URI = uri(RELAY.ip, RELAY.port, 'sidDave44');

function expectNoLeak(h: Harness): void {
  const mark = Buffer.from(MARK);
  for (const r of h.records) expect(containsBytes(r, mark)).toBe(false);
  expect(JSON.stringify(h.correlator.auditReport())).not.toContain(MARK);
}

function dialog(h: Harness, callId: string, from: string, to: string, offerPath: string, answerPath: string, fromTag?: string): TestCall {
  const call = new TestCall({ callId, from, to, ...(fromTag !== undefined ? { fromTag } : {}) });
  h.sip(call.request(msrpSdp({ ...CLIENT, path: [offerPath] })), UE_A, PCSCF);
  h.sip(call.response(200, { toTag: 'tt', sdp: msrpSdp({ ...RELAY, path: [answerPath] }) }), PCSCF, UE_A);
  h.sip(call.inDialog('ACK', 1, 'tt'), UE_A, PCSCF);
  return call;
}

const both = (h: Harness): void => {
  dialog(h, 'tgt@x', ALICE, BOB, A_URI, B_URI);
  dialog(h, 'nt@x', CAROL, DAVE, C_URI, D_URI);
};

const targetMessages = (h: Harness): string[] => h.iri().flatMap((r) => (r.event.kind === 'rCSMessage' ? [r.event.msrpMessageId] : []));

describe('attack: spoofed SIP', () => {
  it("a non-target INVITE reusing the target's Call-ID with another From tag is a session of its own: its MSRP stays out", () => {
    const h = new Harness(TASKS);
    dialog(h, 'same@x', ALICE, BOB, A_URI, B_URI);
    dialog(h, 'same@x', CAROL, DAVE, C_URI, D_URI, 'otherTag');
    const conn = h.conn(0, CLIENT, RELAY);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 't1', body: cpim(ALICE, BOB, 'hello') }));
    conn.push(0, send({ to: [D_URI], from: [C_URI], mid: 'n1', body: cpim(CAROL, DAVE, `${MARK} hi`) }));
    conn.end();
    h.finish();
    expectNoLeak(h);
    expect(targetMessages(h)).toEqual(['t1']);
  });

  it("a CANCEL after the 2xx, and a BYE with a wrong To tag, do not end the target's session (no blinding)", () => {
    const h = new Harness(TASKS);
    const call = dialog(h, 'tgt@x', ALICE, BOB, A_URI, B_URI);
    h.sip(call.cancel(), UE_A, PCSCF);
    h.sip(call.inDialog('BYE', 2, 'spoofedTag'), UE_A, PCSCF);
    h.sip(call.inDialogResponse(200, 'BYE', 2, 'spoofedTag'), PCSCF, UE_A);
    h.wait(60);
    const conn = h.conn(0, CLIENT, RELAY);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 't1', body: cpim(ALICE, BOB, 'after the spoof') }));
    conn.end();
    h.finish();
    expect(targetMessages(h)).toEqual(['t1']);
    expect(h.cc().length).toBe(1);
  });

  it("a re-INVITE of the (older) target dialog naming a non-target's session-ids does not take the non-target's frames", () => {
    const h = new Harness(TASKS);
    const call = dialog(h, 'tgt@x', ALICE, BOB, A_URI, B_URI);
    dialog(h, 'nt@x', CAROL, DAVE, C_URI, D_URI);
    h.sip(call.inDialog('INVITE', 2, 'tt', { sdp: msrpSdp({ ...CLIENT, path: [C_URI] }) }), UE_A, PCSCF);
    h.sip(call.inDialogResponse(200, 'INVITE', 2, 'tt', { sdp: msrpSdp({ ...RELAY, path: [D_URI] }) }), PCSCF, UE_A);
    const conn = h.conn(0, CLIENT, RELAY);
    conn.push(0, send({ to: [D_URI], from: [C_URI], mid: 'n1', body: cpim(CAROL, DAVE, `${MARK} hi`) }));
    conn.end();
    h.finish();
    expectNoLeak(h);
  });

  // Was a hole while the newest Call-ID naming both endpoint session-ids took the frames: the
  // target's newer INVITE naming a live non-target session's ids moved its bytes into the
  // target's CC. The first live binding keeps the ids (msrp-session-index.ts).
  it("a newer target INVITE naming a live non-target session's session-ids does not take its frames", () => {
    const h = new Harness(TASKS);
    dialog(h, 'nt@x', CAROL, DAVE, C_URI, D_URI);
    const conn = h.conn(0, CLIENT, RELAY);
    conn.push(0, send({ to: [D_URI], from: [C_URI], mid: 'n0', body: cpim(CAROL, DAVE, 'before') }));
    dialog(h, 'tgt@x', ALICE, BOB, C_URI, D_URI);
    conn.push(0, send({ to: [D_URI], from: [C_URI], mid: 'n1', body: cpim(CAROL, DAVE, `${MARK} hi`) }));
    conn.end();
    h.finish();
    expectNoLeak(h);
  });
});

describe('attack: crafted MSRP headers on a shared connection', () => {
  it("a non-target SEND naming the target's session-id in From-Path only (To-Path the non-target's) stays out", () => {
    const h = new Harness(TASKS);
    dialog(h, 'nt@x', CAROL, DAVE, C_URI, D_URI);
    dialog(h, 'tgt@x', ALICE, BOB, A_URI, B_URI);
    const conn = h.conn(0, CLIENT, RELAY);
    conn.push(0, send({ to: [D_URI], from: [A_URI], mid: 'n1', body: cpim(CAROL, DAVE, `${MARK} hi`) }));
    conn.end();
    h.finish();
    expectNoLeak(h);
  });

  it('chunks of a target and a non-target message with the same Message-ID stay apart', () => {
    const h = new Harness(TASKS);
    both(h);
    const conn = h.conn(0, CLIENT, RELAY);
    const t = cpim(ALICE, BOB, 'target text, two chunks');
    const n = cpim(CAROL, DAVE, `${MARK} non-target text`);
    const half = 40;
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'same', body: t.subarray(0, half), range: `1-${half}/${t.length}`, flag: '+' }));
    conn.push(0, send({ to: [D_URI], from: [C_URI], mid: 'same', body: n, range: `${half + 1}-${half + n.length}/${t.length}` }));
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'same', body: t.subarray(half), range: `${half + 1}-${t.length}/${t.length}` }));
    conn.end();
    h.finish();
    expectNoLeak(h);
    expect(h.cc().length).toBe(2);
  });

  it.each([
    ['huge numbers', () => '1-99999999999999999999/99999999999999999999'],
    ['end below start', (n: number) => `9-3/${n}`],
    ['zero start', (n: number) => `0-${n}/${n}`],
    ['negative', (n: number) => `-5-${n}/${n}`],
    ['end past total', (n: number) => `1-${n + 1000}/${n}`],
  ] as [string, (n: number) => string][])('a target SEND with a Byte-Range of %s does not swallow the following non-target SEND', (_name, range) => {
    const h = new Harness(TASKS);
    both(h);
    const conn = h.conn(0, CLIENT, RELAY);
    const t = cpim(ALICE, BOB, 'target');
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 't1', body: t, range: range(t.length) }));
    conn.push(0, send({ to: [D_URI], from: [C_URI], mid: 'n1', body: cpim(CAROL, DAVE, `${MARK} hi`) }));
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 't2', body: cpim(ALICE, BOB, 'second') }));
    conn.end();
    h.finish();
    expectNoLeak(h);
  });

  it('an aborted (#) target chunk followed by a non-target SEND: the non-target stays out', () => {
    const h = new Harness(TASKS);
    both(h);
    const conn = h.conn(0, CLIENT, RELAY);
    const t = cpim(ALICE, BOB, 'target aborted');
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 't1', body: t, range: `1-*/${t.length + 500}`, flag: '#' }));
    conn.push(0, send({ to: [D_URI], from: [C_URI], mid: 'n1', body: cpim(CAROL, DAVE, `${MARK} hi`) }));
    conn.end();
    h.finish();
    expectNoLeak(h);
    expect(h.cc().length).toBe(1);
  });

  it("a non-target REPORT about a Message-ID of the target's stays out", () => {
    const h = new Harness(TASKS);
    both(h);
    const conn = h.conn(0, CLIENT, RELAY);
    const t = cpim(ALICE, BOB, 'target');
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 't1', body: t }));
    conn.push(1, report({ to: [C_URI], from: [D_URI], mid: 't1', range: `1-${t.length}/${t.length}`, code: '200' }));
    conn.end();
    h.finish();
    expect(h.cc().length).toBe(1);
    expect(h.correlator.auditReport().sessions[0]!.messages[0]!.reportStatuses).toEqual([]);
  });
});

describe('attack: pager mode', () => {
  it("a MESSAGE reusing a target pager exchange's Call-ID and From tag but naming the target nowhere reaches no record of it", () => {
    const h = new Harness(TASKS);
    const pager = new TestCall({ callId: 'pg@x', from: ALICE, to: BOB, fromTag: 'p1', method: 'MESSAGE' });
    const spoof = new TestCall({ callId: 'pg@x', from: CAROL, to: DAVE, fromTag: 'p1', method: 'MESSAGE' });
    h.sip(pager.request('hello Bob', 'text/plain', 'z9hG4bK-pg-1'), UE_A, PCSCF);
    h.sip(pager.response(200, { method: 'MESSAGE', branch: 'z9hG4bK-pg-1' }), PCSCF, UE_A);
    h.sip(spoof.request(`${MARK} hello Dave`, 'text/plain', 'z9hG4bK-pg-2'), UE_A, PCSCF);
    h.sip(spoof.request(`${MARK} hello Dave again`, 'text/plain', 'z9hG4bK-pg-3'), { ip: '10.7.7.7', port: 5060 }, PCSCF);
    h.finish();
    expectNoLeak(h);
    expect(h.iri().length).toBeGreaterThan(0);
  });
});

describe('attack: RFC 6714 (CEMA) fallback, known limit', () => {
  // HOLE (documented in docs/robustness.md as a known limit, not fixed): a CEMA session is bound
  // by the server address of its connection once, to the first request with unknown
  // session-ids. A stranger's request (no SIP seen for it) that comes first on a connection to
  // the CEMA target's SBC address is taken for the target's, and its session-ids stay bound
  // to it. Closing it needs another proof of ownership than the address (e.g. waiting for a
  // second frame whose sides agree with the SDP's); flip to it() when done.
  it.fails("a stranger's first request on the connection to a CEMA target's SBC address is not taken for the target's", () => {
    const h = new Harness(TASKS);
    const SBC = { ip: '198.51.100.7', port: 3000 };
    const call = new TestCall({ callId: 'cema@x', from: ALICE, to: BOB });
    h.sip(call.request(msrpSdp({ ...CLIENT, path: [A_URI], extra: ['a=msrp-cema'] })), UE_A, PCSCF);
    h.sip(call.response(200, { toTag: 'tt', sdp: msrpSdp({ ...SBC, path: [uri('10.0.1.2', 2855, 'sidB')], extra: ['a=msrp-cema'] }) }), PCSCF, UE_A);
    h.sip(call.inDialog('ACK', 1, 'tt'), UE_A, PCSCF);
    const conn = h.conn(0, CLIENT, SBC);
    conn.push(0, send({ to: [uri(SBC.ip, SBC.port, 'strangerD')], from: [uri(CLIENT.ip, CLIENT.port, 'strangerC')], mid: 'n1', body: cpim(CAROL, DAVE, `${MARK} hi`) }));
    conn.end();
    h.finish();
    expectNoLeak(h);
  });
});

describe('attack: an INVITE copying the target dialog id (Call-ID and From tag) with a stranger SDP', () => {
  // HOLE (documented, not fixed): the creating request seen again with the same dialog id
  // (RFC 3261 section 12) is taken for the same dialog on another hop (a B2BUA that keeps
  // Call-ID and From tag but anchors the MSRP writes its own a=path), so its SDP's session-ids
  // are bound to the target's session. A forged INVITE copying the target's Call-ID and From tag
  // (both visible on the wire) with a stranger's a=path thereby brings the stranger's MSRP into
  // the target's CC. Telling a forged copy from a B2BUA hop needs more than the dialog id (the
  // Via chain, the hop's addresses following the first hop's); flip to it() when done.
  it.fails("a copy of the target's INVITE naming a stranger's session-ids does not bring the stranger's MSRP in", () => {
    const h = new Harness(TASKS);
    const call = dialog(h, 'tgt@x', ALICE, BOB, A_URI, B_URI);
    const forged = new TestCall({ callId: 'tgt@x', from: CAROL, to: DAVE, fromTag: call.fromTag });
    const other = { ip: '10.3.3.3', port: 5060 };
    h.sip(forged.request(msrpSdp({ ...CLIENT, path: [C_URI] }), 'application/sdp', 'z9hG4bK-forged'), other, PCSCF);
    h.sip(forged.response(200, { toTag: 'ff', sdp: msrpSdp({ ...RELAY, path: [D_URI] }), branch: 'z9hG4bK-forged' }), PCSCF, other);
    const conn = h.conn(0, CLIENT, RELAY);
    conn.push(0, send({ to: [D_URI], from: [C_URI], mid: 'n1', body: cpim(CAROL, DAVE, `${MARK} hi`) }));
    conn.end();
    h.finish();
    expectNoLeak(h);
  });
});

describe("attack: a response reusing a target request's transaction id", () => {
  // HOLE (documented, minor, not fixed): responses are bound by transaction when their paths name
  // no known session (their To-Path/From-Path hold hop URIs, RFC 4975 section 7.2), so a
  // stranger's response on the same connection reusing the transaction id of a target's pending
  // request joins the target's session. It never makes a record (responses are not CC) nor an
  // audit.json entry, but its status comment (free text, up to 64 characters) becomes a ladder
  // label of the HTML report (`audit --html`). Fixing it changes the HTML report's labels
  // (test/golden); flip to it() when done.
  it.fails("a stranger's response text reaches no audit detail of the target's", () => {
    const h = new Harness(TASKS);
    dialog(h, 'tgt@x', ALICE, BOB, A_URI, B_URI);
    const conn = h.conn(0, CLIENT, RELAY);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 't1', body: cpim(ALICE, BOB, 'hi'), tid: 'tgtTid' }));
    conn.push(
      1,
      msrpFrame({
        transactionId: 'tgtTid',
        startLine: `200 ${MARK}`,
        headers: [
          ['To-Path', uri(CLIENT.ip, CLIENT.port, 'strangerX')],
          ['From-Path', uri(RELAY.ip, RELAY.port, 'strangerY')],
        ],
      }),
    );
    conn.end();
    h.finish();
    expectNoLeak(h);
    expect(JSON.stringify(h.correlator.auditWithDetails())).not.toContain(MARK);
  });
});

describe('attack: blinding by a forged BYE with the right tags', () => {
  // HOLE (documented, not fixed): a BYE and its 200 carrying the target dialog's Call-ID and
  // tags (visible on the wire) release the session; its session-ids are unbound, so MSRP that
  // goes on afterwards (the real endpoints never saw the BYE) becomes a session without SIP,
  // identified again only if a CPIM header names the target: a text/plain chat is lost, CC and
  // IRI alike. Closing it means keeping a released target session's session-ids bound for a
  // while (frames after the release recorded, flagged) instead of forgetting them; flip to it()
  // when done.
  it.fails('MSRP of the target session that goes on after a forged BYE/200 is still intercepted', () => {
    const h = new Harness(TASKS);
    const call = dialog(h, 'tgt@x', ALICE, BOB, A_URI, B_URI);
    const conn = h.conn(0, CLIENT, RELAY);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 't1', ct: 'text/plain', body: 'before' }));
    const forger = { ip: '10.6.6.6', port: 5060 };
    h.sip(call.inDialog('BYE', 2, 'tt'), forger, PCSCF);
    h.sip(call.inDialogResponse(200, 'BYE', 2, 'tt'), PCSCF, forger);
    h.wait(40);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 't2', ct: 'text/plain', body: 'after the forged BYE' }));
    conn.end();
    h.finish();
    expect(h.cc().length).toBe(2);
  });
});

describe('attack: a later in-dialog request naming the target in a non-target dialog', () => {
  it("an UPDATE with the non-target dialog's tags but the target's From URI does not make its MSRP the target's", () => {
    const h = new Harness(TASKS);
    dialog(h, 'nt@x', CAROL, DAVE, C_URI, D_URI);
    const spoof = new TestCall({ callId: 'nt@x', from: ALICE, to: DAVE });
    h.sip(spoof.inDialog('UPDATE', 2, 'tt', { sdp: msrpSdp({ ...CLIENT, path: [C_URI] }) }), UE_A, PCSCF);
    h.sip(spoof.inDialogResponse(200, 'UPDATE', 2, 'tt', { sdp: msrpSdp({ ...RELAY, path: [D_URI] }) }), PCSCF, UE_A);
    const conn = h.conn(0, CLIENT, RELAY);
    conn.push(0, send({ to: [D_URI], from: [C_URI], mid: 'n1', body: cpim(CAROL, DAVE, `${MARK} hi`) }));
    conn.end();
    h.finish();
    expectNoLeak(h);
  });
});

describe("attack: blinding by a newer call naming both of the target's MSRP session-ids", () => {
  // The other way round: a stranger's INVITE (another Call-ID, non-target parties) whose offer
  // and answer name the target session's two endpoint session-ids used to take every later
  // frame of the target's session. The target's live session, bound first, keeps them
  // (`correlate.msrp_session_id_conflict` is reported).
  it("the target's later frames are still intercepted after a stranger's INVITE names its session-ids", () => {
    const h = new Harness(TASKS);
    dialog(h, 'tgt@x', ALICE, BOB, A_URI, B_URI);
    const conn = h.conn(0, CLIENT, RELAY);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 't1', body: cpim(ALICE, BOB, 'before') }));
    dialog(h, 'blind@x', CAROL, DAVE, A_URI, B_URI);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 't2', body: cpim(ALICE, BOB, 'after') }));
    conn.end();
    h.finish();
    expect(h.anomalies.toJSON()['correlate.msrp_session_id_conflict']).toBeGreaterThan(0);
    expect(h.cc().length).toBe(2);
  });
});
