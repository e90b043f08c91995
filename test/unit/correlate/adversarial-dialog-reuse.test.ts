/**
 * Adversarial review of warrant separation against SIP evasion (the brief's third pass): a dialog
 * id (Call-ID, From tag) reused after or during a call, forked answers by a target's and a
 * stranger's UA, CANCEL races and the BYE of one fork. Each case says what is expected and why.
 */
import { describe, expect, it } from 'vitest';
import { sipMessage } from '../../../samples/gen/lib/sip-message.js';
import { containsBytes, cpim, Harness, msrpSdp, ok, PCSCF, send, TestCall, UE_A, uri } from '../../helpers/correlate-helpers.js';

const ALICE = 'sip:alice@ims.example.com';
const BOB = 'sip:bob@ims.example.com';
const CAROL = 'sip:carol@other.example';
const MARK = 'NONTARGET-MARK-5d2e';
const CLIENT = { ip: '10.0.0.1', port: 40001 };
const RELAY = { ip: '10.0.1.2', port: 2855 };
const A_URI = uri(CLIENT.ip, CLIENT.port, 'sidAlice1');
const B_URI = uri(RELAY.ip, RELAY.port, 'sidBob22');
const A2_URI = uri(CLIENT.ip, CLIENT.port, 'sidAlice9');
const C_URI = uri(RELAY.ip, RELAY.port, 'sidCarol3');

function expectNoLeak(h: Harness): void {
  const mark = Buffer.from(MARK);
  for (const r of h.records) expect(containsBytes(r, mark)).toBe(false);
  expect(JSON.stringify(h.correlator.auditReport())).not.toContain(MARK);
}

/** An INVITE outside any dialog (no To tag) with the call's Call-ID and From tag, CSeq `cseq`, to `to`. */
function freshInvite(call: TestCall, cseq: number, from: string, to: string, path: string): Uint8Array {
  return sipMessage(
    `INVITE ${to} SIP/2.0`,
    [
      ['Via', `SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-fresh${cseq}`],
      ['From', `<${from}>;tag=${call.fromTag}`],
      ['To', `<${to}>`],
      ['Call-ID', call.o.callId],
      ['CSeq', `${cseq} INVITE`],
      ['Content-Type', 'application/sdp'],
    ],
    msrpSdp({ ...CLIENT, path: [path] }),
  );
}

/** A response to freshInvite. */
function freshResponse(call: TestCall, code: number, cseq: number, from: string, to: string, toTag: string, path?: string): Uint8Array {
  return sipMessage(
    `SIP/2.0 ${code} ${code === 200 ? 'OK' : 'Busy Here'}`,
    [
      ['Via', `SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-fresh${cseq}`],
      ['From', `<${from}>;tag=${call.fromTag}`],
      ['To', `<${to}>;tag=${toTag}`],
      ['Call-ID', call.o.callId],
      ['CSeq', `${cseq} INVITE`],
      ...(path !== undefined ? [['Content-Type', 'application/sdp'] as [string, string]] : []),
    ],
    path !== undefined ? msrpSdp({ ...RELAY, path: [path] }) : '',
  );
}

/** ALICE calls BOB (offer A_URI, answer B_URI), answered with To tag `tt`. */
function call(h: Harness): TestCall {
  const c = new TestCall({ callId: 'reuse@x', from: ALICE, to: BOB, fromTag: 'a1' });
  h.sip(c.request(msrpSdp({ ...CLIENT, path: [A_URI] })), UE_A, PCSCF);
  h.sip(c.response(200, { toTag: 'tt', sdp: msrpSdp({ ...RELAY, path: [B_URI] }) }), PCSCF, UE_A);
  h.sip(c.inDialog('ACK', 1, 'tt'), UE_A, PCSCF);
  return c;
}

/** A new dialog opened with `c`'s dialog id from `from` to CAROL (offer A2_URI, answer C_URI), then a SEND on it. */
function strangerCall(h: Harness, c: TestCall, cseq: number, from = ALICE): void {
  h.sip(freshInvite(c, cseq, from, CAROL, A2_URI), UE_A, PCSCF);
  h.sip(freshResponse(c, 200, cseq, from, CAROL, 'cc', C_URI), PCSCF, UE_A);
  const conn = h.conn(5, CLIENT, RELAY);
  conn.push(0, send({ to: [C_URI], from: [A2_URI], mid: 'n1', body: cpim(from, CAROL, `${MARK} hi`), tid: 'tn1' }));
  conn.push(1, ok('tn1', A2_URI, C_URI));
  conn.end();
}

describe('attack: a dialog id reused after the call ended', () => {
  it("after BYE, an INVITE reusing the callee target's dialog id to a stranger brings none of its content in", () => {
    const h = new Harness([{ ids: [{ sipUri: BOB }] }]);
    const c = call(h);
    h.sip(c.inDialog('BYE', 2, 'tt'), UE_A, PCSCF);
    h.sip(c.inDialogResponse(200, 'BYE', 2, 'tt'), PCSCF, UE_A);
    strangerCall(h, c, 3);
    h.finish();
    expectNoLeak(h);
    expect(h.cc()).toHaveLength(0);
    expect(h.iriSummary().filter((x) => x.startsWith('begin'))).toHaveLength(1);
  });

  it('after BYE, the caller target reusing its dialog id is intercepted again, as a new session (new correlation id)', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    const c = call(h);
    h.sip(c.inDialog('BYE', 2, 'tt'), UE_A, PCSCF);
    h.sip(c.inDialogResponse(200, 'BYE', 2, 'tt'), PCSCF, UE_A);
    strangerCall(h, c, 3);
    h.finish();
    expect(h.cc()).toHaveLength(1);
    const begins = h.iri().filter((r) => r.iriType === 'begin');
    expect(begins).toHaveLength(2);
    expect(Buffer.from(begins[0]!.correlationId).equals(Buffer.from(begins[1]!.correlationId))).toBe(false);
    // The first session was released before the second began.
    const kinds = h.iri().map((r) => r.event.kind);
    expect(kinds.indexOf('rCSSessionRelease')).toBeLessThan(h.iri().indexOf(begins[1]!));
  });
});

describe('attack: a dialog id reused while the call is up', () => {
  it("an INVITE without To tag reusing a live callee target's dialog id with a new CSeq brings none of its content in", () => {
    const h = new Harness([{ ids: [{ sipUri: BOB }] }]);
    call(h);
    strangerCall(h, new TestCall({ callId: 'reuse@x', from: ALICE, to: BOB, fromTag: 'a1' }), 2);
    h.finish();
    expectNoLeak(h);
    expect(h.cc()).toHaveLength(0);
    expect(h.anomalies.count('correlate.sip_dialog_id_reused')).toBe(1);
  });

  it("a live non-target call's dialog id reused by an INVITE to the target: the target's call is intercepted, the old call's MSRP stays out", () => {
    const h = new Harness([{ ids: [{ sipUri: CAROL }] }]);
    const c = call(h); // ALICE -> BOB: nobody's target, tracked for its MSRP offer
    strangerCall(h, c, 2);
    const old = h.conn(6, CLIENT, RELAY);
    old.push(0, send({ to: [B_URI], from: [A_URI], mid: 'o1', body: cpim(ALICE, BOB, `${MARK} old call`), tid: 'to1' }));
    old.end();
    h.finish();
    // strangerCall's SEND carries the marker too: here it is the target's content and must be there.
    expect(
      h.cc().map(
        (r) =>
          Buffer.from(r.event.bytes)
            .toString('latin1')
            .match(/Message-ID: (\S+)/)?.[1],
      ),
    ).toEqual(['n1']);
    expect(h.records.some((r) => containsBytes(r, Buffer.from('old call')))).toBe(false);
    expect(h.iriSummary().slice(0, 2)).toEqual(['begin:iMSMessage:INVITE', 'continue:iMSMessage:200']);
    expect(h.anomalies.count('correlate.sip_dialog_id_reused')).toBe(0);
  });

  it("a B2BUA's second hop keeping the dialog id with its own CSeq, naming the same target, stays the target's dialog", () => {
    const h = new Harness([{ ids: [{ sipUri: BOB }] }]);
    const c = new TestCall({ callId: 'reuse@x', from: ALICE, to: BOB, fromTag: 'a1' });
    h.sip(c.request(msrpSdp({ ...CLIENT, path: [A_URI] })), UE_A, PCSCF);
    // The B2BUA's leg towards BOB: same Call-ID and From tag, CSeq 7, its own offer.
    h.sip(freshInvite(c, 7, ALICE, BOB, A2_URI), PCSCF, { ip: '10.0.1.9', port: 5060 });
    h.sip(c.response(200, { toTag: 'tt', sdp: msrpSdp({ ...RELAY, path: [B_URI] }) }), PCSCF, UE_A);
    h.sip(c.inDialog('ACK', 1, 'tt'), UE_A, PCSCF);
    const conn = h.conn(0, CLIENT, RELAY);
    conn.push(0, send({ to: [B_URI], from: [A2_URI], mid: 'b1', body: cpim(ALICE, BOB, 'via the second leg'), tid: 'tb1' }));
    conn.end();
    h.finish();
    expect(h.cc()).toHaveLength(1);
    expect(h.anomalies.count('correlate.sip_dialog_id_reused')).toBe(0);
  });

  it("a stranger INVITE whose From tag is the live target dialog's To tag (same Call-ID) is a dialog of its own", () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    call(h);
    strangerCall(h, new TestCall({ callId: 'reuse@x', from: CAROL, to: BOB, fromTag: 'tt' }), 1, 'sip:dave@other.example');
    h.finish();
    expectNoLeak(h);
    expect(h.cc()).toHaveLength(0);
  });
});

describe('attack: forks and CANCEL races', () => {
  /** ALICE's INVITE to BOB forked: fork `b1` (BOB's UA, path B_URI) and fork `c1` (path C_URI) both answer 200. */
  function forked(h: Harness): TestCall {
    const c = new TestCall({ callId: 'fork@x', from: ALICE, to: BOB, fromTag: 'a1' });
    h.sip(c.request(msrpSdp({ ...CLIENT, path: [A_URI] })), UE_A, PCSCF);
    h.sip(c.response(200, { toTag: 'b1', pai: BOB, sdp: msrpSdp({ ...RELAY, path: [B_URI] }) }), PCSCF, UE_A);
    h.sip(c.response(200, { toTag: 'c1', pai: CAROL, sdp: msrpSdp({ ...RELAY, path: [C_URI] }) }), PCSCF, UE_A);
    h.sip(c.inDialog('ACK', 1, 'b1'), UE_A, PCSCF);
    h.sip(c.inDialog('ACK', 1, 'c1', { branch: 'z9hG4bK-ack-c1' }), UE_A, PCSCF);
    return c;
  }

  it('the BYE of the second fork (RFC 3261 13.2.2.4) does not end the interception of the confirmed one', () => {
    const h = new Harness([{ ids: [{ sipUri: BOB }] }]);
    const c = forked(h);
    h.sip(c.inDialog('BYE', 2, 'c1'), UE_A, PCSCF);
    h.sip(c.inDialogResponse(200, 'BYE', 2, 'c1'), PCSCF, UE_A);
    h.wait(60);
    const conn = h.conn(0, CLIENT, RELAY);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 't1', body: cpim(ALICE, BOB, 'still talking'), tid: 'tt1' }));
    conn.end();
    h.finish();
    expect(h.cc()).toHaveLength(1);
    expect(h.iri().filter((r) => r.event.kind === 'rCSSessionRelease')).toHaveLength(1);
    expect(h.iri().at(-1)!.event.kind).toBe('rCSSessionRelease');
  });

  it('the BYE of the confirmed fork still ends it', () => {
    const h = new Harness([{ ids: [{ sipUri: BOB }] }]);
    const c = forked(h);
    h.sip(c.inDialog('BYE', 2, 'b1'), UE_A, PCSCF);
    h.sip(c.inDialogResponse(200, 'BYE', 2, 'b1'), PCSCF, UE_A);
    h.finish();
    const release = h.iri().find((r) => r.event.kind === 'rCSSessionRelease');
    expect((release?.event as { result?: string } | undefined)?.result).toBe('legRemovalComplete');
  });

  it('a 200 that crosses the CANCEL establishes the call: its content is intercepted (no blinding)', () => {
    const h = new Harness([{ ids: [{ sipUri: BOB }] }]);
    const c = new TestCall({ callId: 'race@x', from: ALICE, to: BOB, fromTag: 'a1' });
    h.sip(c.request(msrpSdp({ ...CLIENT, path: [A_URI] })), UE_A, PCSCF);
    h.sip(c.cancel(), UE_A, PCSCF);
    h.sip(c.response(200, { toTag: 'tt', method: 'CANCEL' }), PCSCF, UE_A);
    h.sip(c.response(200, { toTag: 'tt', sdp: msrpSdp({ ...RELAY, path: [B_URI] }) }), PCSCF, UE_A);
    h.sip(c.inDialog('ACK', 1, 'tt'), UE_A, PCSCF);
    const conn = h.conn(0, CLIENT, RELAY);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 't1', body: cpim(ALICE, BOB, 'raced'), tid: 'tr1' }));
    conn.end();
    h.finish();
    expect(h.cc()).toHaveLength(1);
  });

  it('after CANCEL and 487, the same dialog id to a stranger brings none of its content in', () => {
    const h = new Harness([{ ids: [{ sipUri: BOB }] }]);
    const c = new TestCall({ callId: 'race@x', from: ALICE, to: BOB, fromTag: 'a1' });
    h.sip(c.request(msrpSdp({ ...CLIENT, path: [A_URI] })), UE_A, PCSCF);
    h.sip(c.cancel(), UE_A, PCSCF);
    h.sip(c.response(200, { toTag: 'tt', method: 'CANCEL' }), PCSCF, UE_A);
    h.sip(c.response(487, { toTag: 'tt' }), PCSCF, UE_A);
    h.sip(c.inDialog('ACK', 1, 'tt', { branch: 'z9hG4bK-reuse@-1' }), UE_A, PCSCF);
    strangerCall(h, c, 2);
    h.finish();
    expectNoLeak(h);
    expect(h.cc()).toHaveLength(0);
    expect(h.iriSummary()).toEqual(['begin:iMSMessage:INVITE', 'continue:iMSMessage:CANCEL', 'continue:iMSMessage:200', 'end:iMSMessage:487', 'report:iMSMessage:ACK']);
  });
});
