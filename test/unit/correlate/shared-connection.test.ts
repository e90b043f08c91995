/**
 * Issue 12: one TCP connection carries a target's and a non-target's MSRP session (an RFC 4976
 * relay link, or a connection reused by two sessions, RFC 4975 section 8.1). A target SEND whose
 * end-line is damaged must not swallow the requests that follow it on the connection: no byte of
 * the non-target's SEND may reach a record, and the target's later requests are still intercepted.
 */
import { describe, expect, it } from 'vitest';
import { containsBytes, cpim, Harness, msrpSdp, PCSCF, send, TestCall, UE_A, uri } from '../../helpers/correlate-helpers.js';

const ALICE = 'sip:alice@ims.example.com';
const BOB = 'sip:bob@ims.example.com';
const CAROL = 'sip:carol@other.example';
const DAVE = 'sip:dave@other.example';
/** Both sessions reach the relay's port from the same client port: one connection. */
const CLIENT = { ip: '10.0.0.1', port: 40001 };
const RELAY = { ip: '10.0.1.2', port: 2855 };
const A_URI = uri(CLIENT.ip, CLIENT.port, 'sidAlice1');
const B_URI = uri(RELAY.ip, RELAY.port, 'sidBob22');
const C_URI = uri(CLIENT.ip, CLIENT.port, 'zzqCarolSid');
const D_URI = uri(RELAY.ip, RELAY.port, 'zzqDaveSid');
const MARK = 'NONTARGET-MARK-7f3a';

function dialog(h: Harness, callId: string, from: string, to: string, offerPath: string, answerPath: string): void {
  const call = new TestCall({ callId, from, to });
  h.sip(call.request(msrpSdp({ ...CLIENT, path: [offerPath] })), UE_A, PCSCF);
  h.sip(call.response(200, { toTag: 'tt', sdp: msrpSdp({ ...RELAY, path: [answerPath] }) }), PCSCF, UE_A);
  h.sip(call.inDialog('ACK', 1, 'tt'), UE_A, PCSCF);
}

/** Flips one bit of the byte at `at` counted from the end (1 = last byte). */
function flipFromEnd(frame: Uint8Array, at: number): Uint8Array {
  const b = Uint8Array.from(frame);
  b[b.length - at]! ^= 0x01;
  return b;
}

describe('shared MSRP connection: a damaged target end-line', () => {
  it.each([
    // "-------t1$\r\n": the flag is the 3rd byte from the end, the last tid character the 4th.
    ['flag bit flipped, numeric Byte-Range', 3, (n: number) => `1-${n}/${n}`],
    ['tid bit flipped, numeric Byte-Range', 4, (n: number) => `1-${n}/${n}`],
    ['flag bit flipped, Byte-Range end "*"', 3, (n: number) => `1-*/${n}`],
    ['tid bit flipped, Byte-Range end "*"', 4, (n: number) => `1-*/${n}`],
  ])('%s: the following non-target SEND never reaches a record', (_name, at, range) => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    dialog(h, 'tgt@x', ALICE, BOB, A_URI, B_URI);
    dialog(h, 'nt@x', CAROL, DAVE, C_URI, D_URI);
    const conn = h.conn(0, CLIENT, RELAY);
    const t1 = cpim(ALICE, BOB, 'first target message');
    const nt = cpim(CAROL, DAVE, `${MARK} hello Dave`);
    const t2 = cpim(ALICE, BOB, 'second target message');
    const damaged = flipFromEnd(send({ to: [B_URI], from: [A_URI], mid: 'tm1', body: t1, range: range(t1.length), tid: 'tgt1' }), at);
    conn.push(0, damaged);
    conn.push(0, send({ to: [D_URI], from: [C_URI], mid: 'zzqMid1', body: nt, tid: 'zzq1' }));
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'tm2', body: t2, tid: 'tgt2' }));
    conn.end();
    h.finish();
    const mark = Buffer.from(MARK);
    for (const r of h.records) expect(containsBytes(r, mark)).toBe(false);
    for (const r of h.records) expect(containsBytes(r, Buffer.from('zzqCarolSid'))).toBe(false);
    expect(JSON.stringify(h.correlator.auditReport())).not.toContain(MARK);
    // The damaged frame is still the target's (cut, incomplete) and the later one is intact.
    const cc = h.cc();
    expect(cc.length).toBe(2);
    expect(cc[0]!.event.truncated).toBe(true);
    // The cut CC holds the damaged request up to the end of its body: not a byte more.
    const text = Buffer.from(damaged).toString('latin1');
    expect(Buffer.from(cc[0]!.event.bytes).toString('latin1')).toBe(text.slice(0, text.lastIndexOf('\r\n-------')));
    // Its message holds the chunk's own bytes, never padded with what followed on the wire.
    const m = h.correlator.auditReport().sessions[0]!.messages.find((x) => x.messageId === 'tm1')!;
    expect(m.size).toBe(t1.length);
    expect(Buffer.from(cc[1]!.event.bytes).toString('latin1')).toContain('second target message');
  });
});
