/**
 * Review finding F3: a request within a dialog carries the remote tag (RFC 3261 12.2.1.1; its
 * response keeps it, 8.2.6.2). One naming a live target dialog by Call-ID and the caller's From
 * tag only (no To tag) is rejected by the UA (481, 12.2.2) and must neither end nor change the
 * dialog: before the fix a forged BYE (or a forged 2xx to one) released the session and its later
 * MSRP went unrecorded, and a forged UPDATE bound a stranger's path. Each such message is
 * reported (`correlate.sip_in_dialog_without_tag`) and reaches no record.
 */
import { describe, expect, it } from 'vitest';
import { sipMessage } from '../../../samples/gen/lib/index.js';
import { cpim, Harness, msrpSdp, PCSCF, send, TestCall, UE_A, uri } from '../../helpers/correlate-helpers.js';

const ALICE = 'sip:alice@ims.example.com';
const BOB = 'sip:bob@ims.example.com';
const A_MSRP = { ip: '10.0.0.1', port: 40001 };
const B_MSRP = { ip: '10.0.1.2', port: 2855 };
const E_MSRP = { ip: '10.6.6.6', port: 2855 };
const A_URI = uri(A_MSRP.ip, A_MSRP.port, 'sidA');
const B_URI = uri(B_MSRP.ip, B_MSRP.port, 'sidB');
const E_URI = uri(E_MSRP.ip, E_MSRP.port, 'sidEve');

/** A message of ALICE's call with her From tag and no To tag (RFC 3261 12.2.1.1 violated). */
function tagless(call: TestCall, startLine: string, cseq: string, sdp?: string): Uint8Array {
  return sipMessage(
    startLine,
    [
      ['Via', 'SIP/2.0/UDP 10.6.6.6:5060;branch=z9hG4bK-forged'],
      ['Max-Forwards', '70'],
      ['From', `"Caller" <${ALICE}>;tag=${call.fromTag}`],
      ['To', `<${BOB}>`],
      ['Call-ID', call.o.callId],
      ['CSeq', cseq],
      ...(sdp !== undefined ? [['Content-Type', 'application/sdp'] as [string, string]] : []),
    ],
    sdp ?? '',
  );
}

/**
 * ALICE (the target) calls BOB; the call is confirmed and one message is sent. Later messages
 * are text/plain: a CPIM body names the parties, so the tap would find the target again
 * without SIP (an MSRP session without SIP), hiding the dialog's state from the test.
 */
function confirmedCall(h: Harness): { call: TestCall; conn: ReturnType<Harness['conn']> } {
  const call = new TestCall({ callId: 'call-bye-1', from: ALICE, to: BOB });
  h.sip(call.request(msrpSdp({ ...A_MSRP, path: [A_URI] })), UE_A, PCSCF);
  h.sip(call.response(200, { toTag: 'tt', sdp: msrpSdp({ ...B_MSRP, path: [B_URI] }) }), PCSCF, UE_A);
  h.sip(call.inDialog('ACK', 1, 'tt'), UE_A, PCSCF);
  const conn = h.conn(1, A_MSRP, B_MSRP);
  conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm1', body: cpim(ALICE, BOB, 'BEFORE'), tid: 'tx0001' }));
  return { call, conn };
}

function ccText(h: Harness): string {
  return h
    .cc()
    .map((r) => Buffer.from(r.event.bytes).toString('latin1'))
    .join();
}

describe('in-dialog messages without the remote tag (RFC 3261 12.2.1.1)', () => {
  it('a BYE without To tag does not end a confirmed target dialog', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    const { call, conn } = confirmedCall(h);
    h.sip(tagless(call, 'BYE sip:alice@10.0.0.1 SIP/2.0', '2 BYE'), PCSCF, UE_A);
    h.wait(40);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm2', body: 'AFTER-FORGED-BYE', ct: 'text/plain', tid: 'tx0002' }));
    h.finish();
    expect(ccText(h)).toContain('BEFORE');
    expect(ccText(h)).toContain('AFTER-FORGED-BYE');
    expect(h.anomalies.count('correlate.sip_in_dialog_without_tag')).toBe(1);
    // The forged BYE is no message of the target's dialog: no IRI carries it.
    expect(h.iriSummary().some((s) => s.endsWith(':BYE'))).toBe(false);
  });

  it('a 2xx to a BYE without To tag does not end it either', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    const { call, conn } = confirmedCall(h);
    h.sip(tagless(call, 'SIP/2.0 200 OK', '2 BYE'), UE_A, PCSCF);
    h.wait(40);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm2', body: 'AFTER-FORGED-200', ct: 'text/plain', tid: 'tx0002' }));
    h.finish();
    expect(ccText(h)).toContain('AFTER-FORGED-200');
    expect(h.anomalies.count('correlate.sip_in_dialog_without_tag')).toBe(1);
  });

  it("an UPDATE without To tag binds none of its path to the target's session", () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    const { call } = confirmedCall(h);
    h.sip(tagless(call, 'UPDATE sip:bob@10.0.1.2 SIP/2.0', '2 UPDATE', msrpSdp({ ...E_MSRP, path: [E_URI] })), UE_A, PCSCF);
    // A stranger's MSRP naming the forged path: not the target's communication.
    const other = h.conn(2, { ip: '10.7.7.7', port: 50000 }, E_MSRP);
    other.push(0, send({ to: [E_URI], from: [uri('10.7.7.7', 50000, 'sidX')], mid: 'x1', body: 'STRANGER-CONTENT', ct: 'text/plain', tid: 'tx0009' }));
    h.finish();
    expect(ccText(h)).toContain('BEFORE');
    expect(ccText(h)).not.toContain('STRANGER-CONTENT');
    expect(h.anomalies.count('correlate.sip_in_dialog_without_tag')).toBe(1);
  });

  it('a BYE without To tag in an early dialog does not keep the 2xx from confirming it', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    const call = new TestCall({ callId: 'call-bye-2', from: ALICE, to: BOB });
    h.sip(call.request(msrpSdp({ ...A_MSRP, path: [A_URI] })), UE_A, PCSCF);
    h.sip(call.response(180, { toTag: 'tt' }), PCSCF, UE_A);
    h.sip(tagless(call, 'BYE sip:bob@10.0.1.2 SIP/2.0', '2 BYE'), UE_A, PCSCF);
    h.sip(call.response(200, { toTag: 'tt', sdp: msrpSdp({ ...B_MSRP, path: [B_URI] }) }), PCSCF, UE_A);
    h.sip(call.inDialog('ACK', 1, 'tt'), UE_A, PCSCF);
    const conn = h.conn(1, A_MSRP, B_MSRP);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm1', body: 'ANSWERED', ct: 'text/plain', tid: 'tx0001' }));
    h.finish();
    expect(ccText(h)).toContain('ANSWERED');
    expect(h.iri().some((r) => r.event.kind === 'rCSSessionEstablishment')).toBe(true);
    expect(h.anomalies.count('correlate.sip_in_dialog_without_tag')).toBe(1);
  });

  it("a BYE with a To tag the dialog never showed does not take the target dialog's place", () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    const { call, conn } = confirmedCall(h);
    // Before the fix it opened a mid-dialog session under the same key, orphaning the real one.
    h.sip(call.inDialog('BYE', 2, 'zz'), UE_A, PCSCF);
    h.wait(40);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm2', body: 'AFTER-WRONG-TAG', ct: 'text/plain', tid: 'tx0002' }));
    h.sip(call.inDialog('BYE', 3, 'tt'), UE_A, PCSCF);
    h.sip(call.inDialogResponse(200, 'BYE', 3, 'tt'), PCSCF, UE_A);
    h.finish();
    expect(ccText(h)).toContain('AFTER-WRONG-TAG');
    // One transaction of records: one begin, the real BYE's release at the end.
    expect(h.iriSummary().filter((s) => s.startsWith('begin:'))).toHaveLength(1);
    expect(h.iriSummary().at(-1)).toBe('end:rCSSessionRelease');
    expect(h.anomalies.count('correlate.sip_in_dialog_unknown_tag')).toBe(1);
  });

  it("a target's request with an unknown To tag ends a non-target dialog of its key before taking its place (no orphaned session)", () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    // A non-target call offering MSRP (tracked for its media), then a request of ALICE's with
    // the same Call-ID and From tag towards a To tag that call never showed.
    const other = new TestCall({ callId: 'call-shared', from: BOB, to: 'sip:carol@ims.example.com', fromTag: 'f1' });
    h.sip(other.request(msrpSdp({ ...A_MSRP, path: [A_URI] })), UE_A, PCSCF);
    h.sip(other.response(200, { toTag: 'c1', sdp: msrpSdp({ ...B_MSRP, path: [B_URI] }) }), PCSCF, UE_A);
    const alice = new TestCall({ callId: 'call-shared', from: ALICE, to: BOB, fromTag: 'f1' });
    h.sip(alice.inDialog('BYE', 2, 'zz'), UE_A, PCSCF);
    h.sip(alice.inDialogResponse(200, 'BYE', 2, 'zz'), PCSCF, UE_A);
    h.wait(40);
    expect(h.iriSummary()).toEqual(['begin:iMSMessage:BYE', 'continue:iMSMessage:200']);
    // Every session left the table with its dialog: the replaced one was closed, not orphaned.
    expect(h.correlator.stats().dialogs).toBe(0);
    expect(h.correlator.stats().sessions).toBe(0);
  });

  it('with the remote tag, the early BYE, the CANCEL and the confirmed BYE still end the dialog (controls)', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    // Early BYE of the caller (RFC 3261 15) carries the early dialog's tag: the call ends unanswered.
    const early = new TestCall({ callId: 'call-early', from: ALICE, to: BOB });
    h.sip(early.request(msrpSdp({ ...A_MSRP, path: [A_URI] })), UE_A, PCSCF);
    h.sip(early.response(180, { toTag: 'e1' }), PCSCF, UE_A);
    h.sip(early.inDialog('BYE', 2, 'e1'), UE_A, PCSCF);
    h.sip(early.response(200, { toTag: 'e1', sdp: msrpSdp({ ...B_MSRP, path: [B_URI] }) }), PCSCF, UE_A);
    // CANCEL has no To tag (RFC 3261 9.1) and still ends the early dialog with its 487.
    const cancelled = new TestCall({ callId: 'call-cancel', from: ALICE, to: BOB });
    h.sip(cancelled.request(msrpSdp({ ...A_MSRP, path: [A_URI] })), UE_A, PCSCF);
    h.sip(cancelled.response(180, { toTag: 'c1' }), PCSCF, UE_A);
    h.sip(cancelled.cancel(), UE_A, PCSCF);
    h.sip(cancelled.response(487, { toTag: 'c1' }), PCSCF, UE_A);
    const { call } = confirmedCall(h);
    h.sip(call.inDialog('BYE', 2, 'tt'), UE_A, PCSCF);
    h.sip(call.inDialogResponse(200, 'BYE', 2, 'tt'), PCSCF, UE_A);
    h.finish();
    expect(h.anomalies.count('correlate.sip_in_dialog_without_tag')).toBe(0);
    expect(h.iri().filter((r) => r.event.kind === 'rCSSessionEstablishment')).toHaveLength(1);
    const release = h.iri().find((r) => r.event.kind === 'rCSSessionRelease');
    expect((release?.event as { result?: string } | undefined)?.result).toBe('legRemovalComplete');
  });
});
