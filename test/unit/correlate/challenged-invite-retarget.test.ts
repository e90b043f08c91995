/**
 * A challenged INVITE's retry (RFC 3261 22.2 / 22.3) is matched against the tasks again: only
 * the tasks it names restart their IRI transaction, and the session's parties are the retry's.
 * A retry that no longer names the target (another Request-URI and To) ends the interception:
 * the other party's call is not recorded under the first attempt's warrant. Only a 401/407 makes
 * the next INVITE of the dialog id a retry: after a 486 the failed call does not start again.
 */
import { describe, expect, it } from 'vitest';
import type { CorrelatorOptions } from '../../../src/correlate/correlator.js';
import { sipMessage } from '../../../samples/gen/lib/sip-message.js';
import { cpim, Harness, msrpSdp, ok, PCSCF, send, TestCall, UE_A, uri, XID_A } from '../../helpers/correlate-helpers.js';

const ALICE = 'sip:alice@ims.example.com';
const BOB = 'sip:bob@ims.example.com';
const CAROL = 'sip:carol@ims.example.com';
const A_URI = uri('10.0.0.1', 30000, 'sa');
const B_URI = uri('10.0.1.2', 2855, 'sb');

function invite(call: TestCall, cseq: number, to: string): Uint8Array {
  return sipMessage(
    `INVITE ${to} SIP/2.0`,
    [
      ['Via', `SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-try${cseq}`],
      ['From', `"Caller" <${ALICE}>;tag=${call.fromTag}`],
      ['To', `<${to}>`],
      ['Call-ID', call.o.callId],
      ['CSeq', `${cseq} INVITE`],
      ['Content-Type', 'application/sdp'],
    ],
    msrpSdp({ ip: '10.0.0.1', port: 30000, path: [A_URI] }),
  );
}

/** A first INVITE to `first` failed with `status` (ACKed), then an INVITE to `second` answered, a chat message, BYE. */
function run(target: string, status: number, first: string, second: string, options: Partial<CorrelatorOptions> = {}): Harness {
  const h = new Harness([{ xid: XID_A, liid: 'LIID-A', ids: [{ sipUri: target }], deliveryType: 'X2andX3' }], options);
  const call = new TestCall({ callId: 'retarget@x', from: ALICE, to: first, fromTag: 'a1' });
  h.sip(invite(call, 1, first), UE_A, PCSCF);
  h.sip(call.response(status, { toTag: 'px1', cseq: 1, branch: 'z9hG4bK-try1' }), PCSCF, UE_A);
  h.sip(call.inDialog('ACK', 1, 'px1', { branch: 'z9hG4bK-try1' }), UE_A, PCSCF);
  h.sip(invite(call, 2, second), UE_A, PCSCF);
  h.sip(call.response(200, { toTag: 'b1', cseq: 2, branch: 'z9hG4bK-try2', sdp: msrpSdp({ ip: '10.0.1.2', port: 2855, path: [B_URI] }) }), PCSCF, UE_A);
  h.sip(call.inDialog('ACK', 2, 'b1'), UE_A, PCSCF);
  const conn = h.conn(1, { ip: '10.0.0.1', port: 30000 }, { ip: '10.0.1.2', port: 2855 });
  conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm1', body: cpim(ALICE, second, 'hello'), tid: 't1' }));
  conn.push(1, ok('t1', A_URI, B_URI));
  conn.end();
  h.finish();
  return h;
}

describe('challenged INVITE retried to another party', () => {
  it('a retry that no longer names the target ends its interception: no record after the 407 and its ACK, no content', () => {
    const h = run(BOB, 407, BOB, CAROL);
    expect(h.iriSummary()).toEqual(['begin:iMSMessage:INVITE', 'end:iMSMessage:407', 'report:iMSMessage:ACK']);
    expect(h.cc()).toHaveLength(0);
  });

  it("a retry still naming the target restarts it, and the records name the retry's parties", () => {
    const h = run(ALICE, 407, BOB, CAROL);
    expect(h.iriSummary().slice(0, 5)).toEqual(['begin:iMSMessage:INVITE', 'end:iMSMessage:407', 'report:iMSMessage:ACK', 'begin:iMSMessage:INVITE', 'continue:iMSMessage:200']);
    const est = h.iri().find((r) => r.event.kind === 'rCSSessionEstablishment');
    const terminating = (est?.event as { terminating?: { value: string }[] } | undefined)?.terminating?.map((i) => i.value);
    expect(terminating).toEqual([CAROL]);
    expect(h.cc()).toHaveLength(1);
  });

  // RFC 3261 12.1, 13.2.2.4: after a final non-2xx (not a 401/407 challenge) the attempt's early
  // dialogs are gone; an INVITE reusing its Call-ID and From tag with a new CSeq creates a new
  // dialog, matched against the tasks afresh (Dialog.isSupersededBy, SipSide.newDialogSession).
  it('after a 486, an INVITE to the same target is a new session: a new begin under a new correlation id and CIN', () => {
    const h = run(BOB, 486, BOB, BOB);
    const summary = h.iriSummary();
    expect(summary.slice(0, 5)).toEqual(['begin:iMSMessage:INVITE', 'end:iMSMessage:486', 'report:iMSMessage:ACK', 'begin:iMSMessage:INVITE', 'continue:iMSMessage:200']);
    expect(summary.filter((x) => x.startsWith('begin'))).toHaveLength(2);
    expect(summary).toContain('continue:rCSSessionEstablishment');
    const iri = h.iri();
    const failed = iri[0]!;
    const retried = iri[3]!;
    expect(Buffer.from(retried.correlationId).equals(Buffer.from(failed.correlationId))).toBe(false);
    expect(retried.communicationIdentityNumber).not.toBe(failed.communicationIdentityNumber);
    // Every record after the failed attempt's ACK is the new session's, content included.
    for (const r of [...iri.slice(3), ...h.cc()]) expect(Buffer.from(r.correlationId).equals(Buffer.from(retried.correlationId))).toBe(true);
    expect(h.cc()).toHaveLength(1);
  });

  it("after a 486, an INVITE reusing the dialog id to another party does not reach the first attempt's target", () => {
    const h = run(BOB, 486, BOB, CAROL);
    expect(h.cc()).toHaveLength(0);
    expect(h.iriSummary()).toEqual(['begin:iMSMessage:INVITE', 'end:iMSMessage:486', 'report:iMSMessage:ACK']);
    expect(h.records).toHaveLength(3);
    // Nor the audit: only the failed attempt is listed, without the other call's session-ids or message.
    const audit = h.correlator.auditReport();
    expect(audit.sessions).toHaveLength(1);
    expect(audit.sessions[0]!.messages).toEqual([]);
    expect(audit.sessions[0]!.msrpSessionIds).not.toContain('sb');
    expect(audit.uncorrelated).toEqual([]);
  });

  it('after a 603 to a non-target (kept for --include-non-targets), an INVITE reusing the dialog id to the target is intercepted from its begin', () => {
    const h = run(CAROL, 603, BOB, CAROL, { includeNonTargets: true });
    expect(h.iriSummary().slice(0, 2)).toEqual(['begin:iMSMessage:INVITE', 'continue:iMSMessage:200']);
    expect(h.cc()).toHaveLength(1);
  });

  it("after a 486 of a call by the target, its new INVITE to a non-target is still the target's call, as a new session", () => {
    const h = run(ALICE, 486, BOB, CAROL);
    const summary = h.iriSummary();
    expect(summary.filter((x) => x.startsWith('begin'))).toHaveLength(2);
    const est = h.iri().find((r) => r.event.kind === 'rCSSessionEstablishment');
    const terminating = (est?.event as { terminating?: { value: string }[] } | undefined)?.terminating?.map((i) => i.value);
    expect(terminating).toEqual([CAROL]);
    expect(h.cc()).toHaveLength(1);
  });
});
