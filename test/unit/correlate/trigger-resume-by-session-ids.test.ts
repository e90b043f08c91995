/**
 * Review R3 (--flow-bypass with --bus): a local non-target dialog released on this hop, its MSRP
 * direction bypassed (its late frames are tombstones), then an LI_T3 trigger naming its session ids
 * whose endpoints do not name this connection's addresses (a NAT, FQDN a=path hosts, a relay's):
 * the direction is resumed by the session ids its frames named (src/correlate/msrp-bypass.ts,
 * resumeBySids), so the frames the trigger names are recorded; a trigger naming other ids does not
 * resume it.
 */
import { describe, expect, it } from 'vitest';
import type { MsrpStreamHandler } from '../../../src/analyzers/app-event-sink.js';
import { MsrpFramer } from '../../../src/protocols/msrp/index.js';
import { ipAddr } from '../../../samples/gen/lib/addr.js';
import { Harness, msrpSdp, PCSCF, send, TestCall, UE_A } from '../../helpers/correlate-helpers.js';
import { A_MSRP, A_URI, ALICE_TASK, aTrigger, B_MSRP, B_URI } from '../../helpers/trigger-fixture.js';

function releasedDirection(sessionIds: string[]): string[] {
  const h = new Harness(ALICE_TASK, { tapId: 'tap-media' });
  const call = new TestCall({ callId: 'anon-r3', from: 'sip:anon-7f3a@privacy.example.net', to: 'sip:bob-alias@hop2.example.net' });
  h.sip(call.request(msrpSdp({ ...A_MSRP, path: [A_URI] })), UE_A, PCSCF);
  h.sip(call.response(200, { toTag: 'tt', sdp: msrpSdp({ ...B_MSRP, path: [B_URI] }) }), PCSCF, UE_A);
  h.sip(call.inDialog('ACK', 1, 'tt'), UE_A, PCSCF);
  h.sip(call.inDialog('BYE', 2, 'tt'), UE_A, PCSCF);
  h.sip(call.inDialogResponse(200, 'BYE', 2, 'tt'), PCSCF, UE_A);
  const calls: string[] = [];
  const ref = { connId: 9, dir: 0 as const, srcAddr: ipAddr(A_MSRP.ip), dstAddr: ipAddr(B_MSRP.ip), srcPort: A_MSRP.port, dstPort: B_MSRP.port, sawSyn: true, bypass: () => calls.push('bypass'), resume: () => calls.push('resume') };
  const handler: MsrpStreamHandler = h.correlator.msrpStream(ref);
  const framer = new MsrpFramer(handler, h.anomalies);
  const push = (b: Uint8Array): void => {
    const ts = h.advance();
    framer.push(b, h.nextFrame(), ts.sec, ts.nsec);
  };
  push(send({ to: [B_URI], from: [A_URI], mid: 'm1', body: 'BEFORE-TRIGGER', ct: 'text/plain', tid: 'tx0001' }));
  expect(calls).toEqual(['bypass']);
  h.correlator.applyTrigger(aTrigger({ sessionIds, targetSessionIds: sessionIds.slice(0, 1), endpoints: [{ addr: '192.0.2.99', port: 2855 }] }));
  return calls;
}

describe('review R3: bypassed direction of a released local non-target dialog, trigger endpoints naming other addresses', () => {
  it('a trigger naming its session ids resumes the direction', () => {
    expect(releasedDirection(['sidA', 'sidB'])).toEqual(['bypass', 'resume']);
  });
  it('a trigger naming one endpoint id of it resumes the direction', () => {
    expect(releasedDirection(['sidB'])).toEqual(['bypass', 'resume']);
  });
  it('a trigger naming other session ids leaves it bypassed', () => {
    expect(releasedDirection(['sidX', 'sidY'])).toEqual(['bypass']);
  });
});

import { ipv4Addr, sipMessage, udpDatagram } from '../../../samples/gen/lib/index.js';
import { A, B, bypassPipeline, CAROL, DAVE, dialog, MARK, msrpConnection, sendFrame, T0 } from '../../helpers/flow-bypass-scenario.js';

describe('review R3 end to end (flow bypass, a pipeline)', () => {
  it.each([
    ['control: endpoints name the connection', '10.2.0.1'],
    ['endpoints name other addresses', '192.0.2.99'],
  ])('%s: frames a trigger names, on a bypassed direction of a locally released non-target dialog, are recorded', (_n, addr) => {
    const { p, f, records } = bypassPipeline('sip:nobody@ims.example.net', { tcp: { bypass: true }, trigger: { tapId: 'tap-media' } });
    dialog(f, 'nt-r3', CAROL, DAVE, 'nA', 'nB');
    const bye = (start: string) =>
      sipMessage(
        start,
        [
          ['Via', `SIP/2.0/UDP ${A}:5060;branch=z9hG4bKbye`],
          ['From', `<${CAROL}>;tag=f1`],
          ['To', `<${DAVE}>;tag=t1`],
          ['Call-ID', 'nt-r3'],
          ['CSeq', '2 BYE'],
          ['Content-Length', '0'],
        ],
        '',
      );
    f.put(udpDatagram({ src: ipv4Addr(A), dst: ipv4Addr(B), srcPort: 5060, dstPort: 5060, payload: bye(`BYE ${DAVE} SIP/2.0`) }).ip);
    f.put(udpDatagram({ src: ipv4Addr(B), dst: ipv4Addr(A), srcPort: 5060, dstPort: 5060, payload: bye('SIP/2.0 200 OK') }).ip);
    const conn = msrpConnection(f);
    const sendOn = (mid: string, text: string) => {
      for (const s of conn.send('c2s', sendFrame('nA', 'nB', mid, CAROL, DAVE, text))) f.put(s.ip);
    };
    sendOn('n1', `${MARK} before trigger`);
    sendOn('n2', `${MARK} before trigger`);
    // The SIP tap (another hop, FQDN/other addresses in its a=path) publishes the trigger.
    p.correlator.applyTrigger({
      xId: '0a0a0a0a-0000-8000-8000-0000000000r3',
      originTap: 'tap-sip',
      productId: '0b8e6e0c-1111-4222-8333-444455556666',
      correlationId: '0102030405060708',
      dids: [],
      sessionIds: ['nA', 'nB'],
      targetSessionIds: ['nA'],
      endpoints: [{ addr, port: 2855 }],
      sdpOffer: '',
      sdpAnswer: '',
      windowStart: { sec: T0, nsec: 0 },
      windowEnd: null,
    });
    sendOn('t3', 'TARGET THREE after the trigger');
    sendOn('t4', 'TARGET FOUR after the trigger');
    p.finish();
    expect(p.correlator.stats().triggerClaimedSessions).toBe(1);
    const cc = records.flatMap((r) => (r.kind === 'cc' ? [Buffer.from(r.event.bytes).toString('latin1')] : []));
    expect(cc.filter((t) => t.includes('TARGET'))).toHaveLength(2);
  });
});
