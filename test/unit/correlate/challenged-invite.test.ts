/**
 * A challenged INVITE (RFC 3261 22.2, 8.1.3.5): the proxy answers 407, the caller ACKs it and
 * re-sends the INVITE with the same Call-ID and From tag and a higher CSeq. The retry creates
 * the same would-be dialog anew: its provisional and final responses, the ACK and the BYE are
 * the target's dialog (seen in a real WebRTC call, heplify-sip_tcp_websocket.pcap).
 */
import { describe, expect, it } from 'vitest';
import { sipMessage } from '../../../samples/gen/lib/sip-message.js';
import { Harness, msrpSdp, PCSCF, TestCall, UE_A, XID_A } from '../../helpers/correlate-helpers.js';

const ALICE = 'sip:alice@ims.example.com';
const BOB = 'sip:bob@ims.example.com';

function label(raw: Uint8Array): string {
  const line = Buffer.from(raw).toString('latin1').split('\r\n', 1)[0]!;
  return line.startsWith('SIP/2.0 ') ? line.split(' ')[1]! : line.split(' ')[0]!;
}

describe('challenged INVITE retried with a higher CSeq', () => {
  it("the retry's responses, ACK and BYE are records of the same dialog", () => {
    const h = new Harness([{ xid: XID_A, liid: 'LIID-A', ids: [{ sipUri: ALICE }] }]);
    const call = new TestCall({ callId: 'challenge-1@x', from: ALICE, to: BOB, fromTag: 'a1' });
    const offer = msrpSdp({ ip: '10.0.0.1', port: 30000, path: ['msrp://10.0.0.1:30000/sa;tcp'] });
    h.sip(call.request(offer, 'application/sdp', 'z9hG4bK-try1'), UE_A, PCSCF);
    h.sip(call.response(407, { toTag: 'px', branch: 'z9hG4bK-try1' }), PCSCF, UE_A);
    h.sip(call.inDialog('ACK', 1, 'px', { branch: 'z9hG4bK-try1' }), UE_A, PCSCF);
    const retry = sipMessage(
      `INVITE ${BOB} SIP/2.0`,
      [
        ['Via', 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-try2'],
        ['From', `"Caller" <${ALICE}>;tag=a1`],
        ['To', `<${BOB}>`],
        ['Call-ID', 'challenge-1@x'],
        ['CSeq', '2 INVITE'],
        ['Proxy-Authorization', 'Digest username="alice"'],
        ['Content-Type', 'application/sdp'],
      ],
      offer,
    );
    h.sip(retry, UE_A, PCSCF);
    h.sip(call.response(180, { toTag: 'b1', cseq: 2, branch: 'z9hG4bK-try2' }), PCSCF, UE_A);
    h.sip(call.response(200, { toTag: 'b1', cseq: 2, branch: 'z9hG4bK-try2', sdp: msrpSdp({ ip: '10.0.1.2', port: 2855, path: ['msrp://10.0.1.2:2855/sb;tcp'] }) }), PCSCF, UE_A);
    h.sip(call.inDialog('ACK', 2, 'b1'), UE_A, PCSCF);
    h.sip(call.inDialog('BYE', 3, 'b1'), UE_A, PCSCF);
    h.sip(call.inDialogResponse(200, 'BYE', 3, 'b1'), PCSCF, UE_A);
    h.finish();
    const sip = h
      .iri()
      .filter((r) => r.event.kind === 'iMSMessage')
      .map((r) => label((r.event as { sip: { raw: Uint8Array } }).sip.raw));
    expect(sip).toEqual(['INVITE', '407', 'ACK', 'INVITE', '180', '200', 'ACK', 'BYE', '200']);
  });
});
