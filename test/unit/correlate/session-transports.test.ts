/**
 * The audit lists what carried a session when it is not SIP over UDP/TCP and MSRP over TCP: SIP
 * over SCTP (RFC 4168), SIP and MSRP in WebSocket messages (RFC 7118, RFC 7977). The records keep
 * the IP protocol of the packets (X2/X3 attribute 16: 132 for SCTP, 6 for WebSocket over TCP):
 * neither TS 103 221-2 nor the 33.128 SIPMessage has a field for WebSocket. The HTML report
 * shows the same list.
 */
import { describe, expect, it } from 'vitest';
import { ipAddr } from '../../../samples/gen/lib/addr.js';
import { buildReportModel } from '../../../src/audit/report-model.js';
import { renderHtmlReport } from '../../../src/audit/render-html-report.js';
import type { WebSocketTransport } from '../../../src/analyzers/app-event-sink.js';
import { MsrpFramer } from '../../../src/protocols/msrp/index.js';
import { parseSipMessage } from '../../../src/protocols/sip/index.js';
import { cpim, type Endpoint, Harness, msrpSdp, ok, PCSCF, send, TestCall, UE_A, uri, XID_A } from '../../helpers/correlate-helpers.js';

const ALICE = 'sip:alice@ims.example.com';
const BOB = 'sip:bob@ims.example.com';
const A_URI = uri('10.0.0.1', 30000, 'sa');
const B_URI = uri('10.0.1.2', 2855, 'sb');

interface Carriers {
  sipProto: number;
  sipWs?: WebSocketTransport;
  msrpWs?: WebSocketTransport;
}

function chat(c: Carriers): Harness {
  const h = new Harness([{ xid: XID_A, liid: 'LIID-A', ids: [{ sipUri: ALICE }], deliveryType: 'X2andX3' }]);
  const call = new TestCall({ callId: 'transports@x', from: ALICE, to: BOB, fromTag: 'a1' });
  const sip = (bytes: Uint8Array, src: Endpoint, dst: Endpoint): void => {
    const ts = h.advance();
    const frameNo = h.nextFrame();
    const msg = parseSipMessage(bytes, h.anomalies, frameNo)!;
    h.correlator.sip(msg, {
      frameNo,
      tsSec: ts.sec,
      tsNsec: ts.nsec,
      srcAddr: ipAddr(src.ip),
      dstAddr: ipAddr(dst.ip),
      srcPort: src.port,
      dstPort: dst.port,
      ipProto: c.sipProto,
      ...(c.sipWs !== undefined ? { transport: c.sipWs } : {}),
    });
  };
  sip(call.request(msrpSdp({ ip: '10.0.0.1', port: 30000, path: [A_URI] })), UE_A, PCSCF);
  sip(call.response(200, { toTag: 'b1', sdp: msrpSdp({ ip: '10.0.1.2', port: 2855, path: [B_URI] }) }), PCSCF, UE_A);
  sip(call.inDialog('ACK', 1, 'b1'), UE_A, PCSCF);
  const client = { addr: ipAddr('10.0.0.1'), port: 30000 };
  const server = { addr: ipAddr('10.0.1.2'), port: 2855 };
  const ws = c.msrpWs !== undefined ? { transport: c.msrpWs } : {};
  const handlers = [
    h.correlator.msrpStream({ connId: 1, dir: 0, srcAddr: client.addr, dstAddr: server.addr, srcPort: client.port, dstPort: server.port, sawSyn: true, ...ws }),
    h.correlator.msrpStream({ connId: 1, dir: 1, srcAddr: server.addr, dstAddr: client.addr, srcPort: server.port, dstPort: client.port, sawSyn: true, ...ws }),
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
  return h;
}

function html(h: Harness): string {
  const { report: audit, details } = h.correlator.auditWithDetails();
  return renderHtmlReport(
    buildReportModel({
      toolVersion: 'test',
      generatedAt: '2026-01-01T00:00:00Z',
      captures: [],
      tasks: [],
      audit,
      details,
      anomalyExamples: () => [],
      contents: { get: () => undefined },
    }),
  );
}

describe('transports of a session in the audit and the report', () => {
  it('SIP over SCTP: listed (not for the same call over UDP), and the SIP records carry IP protocol 132', () => {
    const h = chat({ sipProto: 132 });
    expect(h.correlator.auditReport().sessions[0]!.transports).toEqual(['sip/sctp', 'msrp/tcp']);
    const sipRecords = h.iri().filter((r) => r.event.kind === 'iMSMessage');
    expect(sipRecords.length).toBe(5);
    expect(new Set(sipRecords.map((r) => r.network.ipProto))).toEqual(new Set([132]));
    expect(html(h)).toContain('<dt>transports</dt><dd class="mono">sip/sctp, msrp/tcp</dd>');
    // The same call over UDP: no field, no row (the audit and report of such calls keep their shape).
    const plain = chat({ sipProto: 17 });
    expect(Object.keys(plain.correlator.auditReport().sessions[0]!)).toEqual(Object.keys(h.correlator.auditReport().sessions[0]!).filter((k) => k !== 'transports'));
    expect(html(plain)).not.toContain('<dt>transports</dt>');
  });

  it('SIP and MSRP over WebSocket: listed in the audit and the report; records say TCP', () => {
    const h = chat({ sipProto: 6, sipWs: 'ws', msrpWs: 'ws' });
    const report = h.correlator.auditReport();
    expect(report.sessions[0]!.transports).toEqual(['sip/ws', 'msrp/ws']);
    expect(report.sessions[0]!.messages.map((m) => m.messageId)).toEqual(['m1']);
    expect(new Set(h.records.map((r) => r.network.ipProto))).toEqual(new Set([6]));
    expect(html(h)).toContain('<dt>transports</dt><dd class="mono">sip/ws, msrp/ws</dd>');
  });
});
