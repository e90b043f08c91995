/**
 * The IRI sequence of a challenged call (RFC 3261 22.2): the 407 ends the first attempt's IRI
 * transaction (begin, end, then the ACK as report), and the retried INVITE, which restarts the
 * dialog's creating transaction, opens a new one (TS 102 232-1 IRIType: begin, continue..., end
 * at the release). Apart from the first attempt's INVITE/407/ACK records, the call's records
 * equal those of the same call without the challenge: same types, events, directions, one
 * correlation id and CIN.
 */
import { describe, expect, it } from 'vitest';
import { sipMessage } from '../../../samples/gen/lib/sip-message.js';
import { cpim, Harness, msrpSdp, ok, PCSCF, send, TestCall, UE_A, uri, XID_A } from '../../helpers/correlate-helpers.js';

const ALICE = 'sip:alice@ims.example.com';
const BOB = 'sip:bob@ims.example.com';
const A_URI = uri('10.0.0.1', 30000, 'sa');
const B_URI = uri('10.0.1.2', 2855, 'sb');

function invite(call: TestCall, cseq: number, branch: string, offer: string): Uint8Array {
  return sipMessage(
    `INVITE ${BOB} SIP/2.0`,
    [
      ['Via', `SIP/2.0/UDP 10.0.0.1:5060;branch=${branch}`],
      ['From', `"Caller" <${ALICE}>;tag=${call.fromTag}`],
      ['To', `<${BOB}>`],
      ['Call-ID', call.o.callId],
      ['CSeq', `${cseq} INVITE`],
      ...(cseq > 1 ? [['Proxy-Authorization', 'Digest username="alice"'] as [string, string]] : []),
      ['Content-Type', 'application/sdp'],
    ],
    offer,
  );
}

/** A chat call; `challenges` 407s (each ACKed) before the INVITE that succeeds. */
function run(challenges: number): Harness {
  const h = new Harness([{ xid: XID_A, liid: 'LIID-A', ids: [{ sipUri: ALICE }], deliveryType: 'X2andX3' }]);
  const call = new TestCall({ callId: 'challenge-iri@x', from: ALICE, to: BOB, fromTag: 'a1' });
  const offer = msrpSdp({ ip: '10.0.0.1', port: 30000, path: [A_URI] });
  let cseq = 1;
  for (let i = 0; i < challenges; i++, cseq++) {
    h.sip(invite(call, cseq, `z9hG4bK-try${cseq}`, offer), UE_A, PCSCF);
    h.sip(call.response(407, { toTag: `px${cseq}`, cseq, branch: `z9hG4bK-try${cseq}` }), PCSCF, UE_A);
    h.sip(call.inDialog('ACK', cseq, `px${cseq}`, { branch: `z9hG4bK-try${cseq}` }), UE_A, PCSCF);
  }
  h.sip(invite(call, cseq, `z9hG4bK-try${cseq}`, offer), UE_A, PCSCF);
  h.sip(call.response(180, { toTag: 'b1', cseq, branch: `z9hG4bK-try${cseq}` }), PCSCF, UE_A);
  h.sip(call.response(200, { toTag: 'b1', cseq, branch: `z9hG4bK-try${cseq}`, sdp: msrpSdp({ ip: '10.0.1.2', port: 2855, path: [B_URI] }) }), PCSCF, UE_A);
  h.sip(call.inDialog('ACK', cseq, 'b1'), UE_A, PCSCF);
  const conn = h.conn(1, { ip: '10.0.0.1', port: 30000 }, { ip: '10.0.1.2', port: 2855 });
  conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'm1', body: cpim(ALICE, BOB, 'hello'), tid: 't1' }));
  conn.push(1, ok('t1', A_URI, B_URI));
  h.sip(call.inDialog('BYE', cseq + 1, 'b1'), UE_A, PCSCF);
  h.sip(call.inDialogResponse(200, 'BYE', cseq + 1, 'b1'), PCSCF, UE_A);
  conn.end();
  h.finish();
  return h;
}

function view(h: Harness): string[] {
  const summary = h.iriSummary();
  return h.iri().map((r, i) => `${summary[i]}:${r.direction}`);
}

describe('IRI types of a challenged call', () => {
  it('the retried INVITE opens a new IRI transaction: the records equal the unchallenged call apart from INVITE/407/ACK', () => {
    const plain = run(0);
    const challenged = run(1);
    expect(view(challenged).slice(0, 3)).toEqual(['begin:iMSMessage:INVITE:fromTarget', 'end:iMSMessage:407:toTarget', 'report:iMSMessage:ACK:fromTarget']);
    expect(view(challenged).slice(3)).toEqual(view(plain));
    expect(view(plain).at(-1)).toMatch(/^end:rCSSessionRelease/);
    expect(challenged.cc().map((r) => r.direction)).toEqual(plain.cc().map((r) => r.direction));
    expect(challenged.cc().map((r) => r.event.method)).toEqual(['SEND']);
    const ids = new Set(challenged.records.map((r) => `${Buffer.from(r.correlationId).toString('hex')}/${r.communicationIdentityNumber}`));
    expect(ids.size).toBe(1);
  });

  it('a second challenge restarts it again', () => {
    const plain = run(0);
    const twice = run(2);
    expect(view(twice).slice(6)).toEqual(view(plain));
    expect(
      view(twice)
        .slice(3, 6)
        .map((x) => x.split(':')[0]),
    ).toEqual(['begin', 'end', 'report']);
  });
});
