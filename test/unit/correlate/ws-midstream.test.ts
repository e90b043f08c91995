/**
 * Review finding (small): `correlate.target_midstream` was reported only for a plain TCP
 * connection (`transport === undefined`); a WebSocket (RFC 7977) MSRP connection whose TCP
 * handshake was not captured may have lost its first bytes just as well, and nothing said so.
 * Only TLS-carried MSRP (tls, wss) is left out: TLS cannot be decrypted without its handshake
 * and reports that itself.
 */
import { describe, expect, it } from 'vitest';
import { ipAddr } from '../../../samples/gen/lib/addr.js';
import type { StreamTransport } from '../../../src/analyzers/app-event-sink.js';
import { MsrpFramer } from '../../../src/protocols/msrp/index.js';
import { parseSipMessage } from '../../../src/protocols/sip/index.js';
import { cpim, type Endpoint, Harness, msrpSdp, ok, PCSCF, send, TestCall, UE_A, uri, XID_A } from '../../helpers/correlate-helpers.js';

const ALICE = 'sip:alice@ims.example.com';
const BOB = 'sip:bob@ims.example.com';
const A_URI = uri('10.0.0.1', 30000, 'sa');
const B_URI = uri('10.0.1.2', 2855, 'sb');

/** A target chat whose MSRP connection was joined without its TCP handshake; the number of target_midstream reports. */
function midstreamReports(transport: StreamTransport | undefined): number {
  const h = new Harness([{ xid: XID_A, liid: 'LIID-A', ids: [{ sipUri: ALICE }], deliveryType: 'X2andX3' }]);
  const call = new TestCall({ callId: 'ws-midstream@x', from: ALICE, to: BOB, fromTag: 'a1' });
  const sip = (bytes: Uint8Array, src: Endpoint, dst: Endpoint): void => {
    const ts = h.advance();
    const frameNo = h.nextFrame();
    const msg = parseSipMessage(bytes, h.anomalies, frameNo)!;
    h.correlator.sip(msg, { frameNo, tsSec: ts.sec, tsNsec: ts.nsec, srcAddr: ipAddr(src.ip), dstAddr: ipAddr(dst.ip), srcPort: src.port, dstPort: dst.port, ipProto: 6 });
  };
  sip(call.request(msrpSdp({ ip: '10.0.0.1', port: 30000, path: [A_URI] })), UE_A, PCSCF);
  sip(call.response(200, { toTag: 'b1', sdp: msrpSdp({ ip: '10.0.1.2', port: 2855, path: [B_URI] }) }), PCSCF, UE_A);
  sip(call.inDialog('ACK', 1, 'b1'), UE_A, PCSCF);
  const client = { addr: ipAddr('10.0.0.1'), port: 30000 };
  const server = { addr: ipAddr('10.0.1.2'), port: 2855 };
  const via = transport !== undefined ? { transport } : {};
  const handlers = [
    h.correlator.msrpStream({ connId: 1, dir: 0, srcAddr: client.addr, dstAddr: server.addr, srcPort: client.port, dstPort: server.port, sawSyn: false, ...via }),
    h.correlator.msrpStream({ connId: 1, dir: 1, srcAddr: server.addr, dstAddr: client.addr, srcPort: server.port, dstPort: client.port, sawSyn: false, ...via }),
  ] as const;
  const framers = [new MsrpFramer(handlers[0], h.anomalies), new MsrpFramer(handlers[1], h.anomalies)] as const;
  const push = (dir: 0 | 1, bytes: Uint8Array): void => {
    const ts = h.advance();
    framers[dir].push(bytes, h.nextFrame(), ts.sec, ts.nsec);
  };
  push(0, send({ to: [B_URI], from: [A_URI], mid: 'm1', body: cpim(ALICE, BOB, 'hello'), tid: 't1' }));
  push(1, ok('t1', A_URI, B_URI));
  sip(call.inDialog('BYE', 2, 'b1'), UE_A, PCSCF);
  sip(call.inDialogResponse(200, 'BYE', 2, 'b1'), PCSCF, UE_A);
  framers[0].end();
  framers[1].end();
  h.finish();
  return h.anomalies.count('correlate.target_midstream');
}

describe('correlate.target_midstream for every cleartext transport', () => {
  it('a plain WebSocket MSRP connection joined mid-way is reported once, like plain TCP', () => {
    expect(midstreamReports(undefined)).toBe(1);
    expect(midstreamReports('ws')).toBe(1);
  });

  it('TLS-carried MSRP (tls, wss) is left to the TLS layer', () => {
    expect(midstreamReports('tls')).toBe(0);
    expect(midstreamReports('wss')).toBe(0);
  });
});
