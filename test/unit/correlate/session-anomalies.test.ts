/**
 * Issue 17: anomalies carry the connection they concern (AnomalySink.report's `conn`), and the
 * audit shows them in the entry of the sessions that connection carried: audit.json's
 * per-session `anomalies` counts, the report details' first occurrences, the HTML report's
 * session section. A target's entry never lists an anomaly of another connection.
 */
import { describe, expect, it } from 'vitest';
import { AppStreamConsumer } from '../../../src/analyzers/app-stream-consumer.js';
import { buildReportModel } from '../../../src/audit/report-model.js';
import type { AuditDetails, AuditReport } from '../../../src/records/audit-report-schema.js';
import { ipAddr } from '../../../samples/gen/lib/addr.js';
import { ConnectionAnomalySink } from '../../../src/core/anomaly.js';
import type { TcpConnectionInfo } from '../../../src/flow/stream-consumer.js';
import { MsrpFramer } from '../../../src/protocols/msrp/index.js';
import { cpim, Harness, msrpSdp, PCSCF, send, TestCall, UE_A, uri, XID_A } from '../../helpers/correlate-helpers.js';
import { wsFrame } from '../../helpers/websocket-frames.js';

const ALICE = 'sip:alice@ims.example.com';
const BOB = 'sip:bob@ims.example.com';
const CAROL = 'sip:carol@other.example';
const DAVE = 'sip:dave@other.example';
const A_EP = { ip: '10.0.0.1', port: 40001 };
const B_EP = { ip: '10.0.1.2', port: 2855 };
const C_EP = { ip: '10.0.0.3', port: 40003 };
const D_EP = { ip: '10.0.1.4', port: 2855 };
const A_URI = uri(A_EP.ip, A_EP.port, 'sidAlice1');
const B_URI = uri(B_EP.ip, B_EP.port, 'sidBob22');
const C_URI = uri(C_EP.ip, C_EP.port, 'sidCarol3');
const D_URI = uri(D_EP.ip, D_EP.port, 'sidDave44');
/** The target's MSRP connection and the non-target's. */
const TARGET_CONN = 7;
const OTHER_CONN = 9;

function dialog(h: Harness, callId: string, from: string, to: string, offer: { ep: typeof A_EP; path: string }, answer: { ep: typeof A_EP; path: string }): void {
  const call = new TestCall({ callId, from, to });
  h.sip(call.request(msrpSdp({ ...offer.ep, path: [offer.path] })), UE_A, PCSCF);
  h.sip(call.response(200, { toTag: 'tt', sdp: msrpSdp({ ...answer.ep, path: [answer.path] }) }), PCSCF, UE_A);
  h.sip(call.inDialog('ACK', 1, 'tt'), UE_A, PCSCF);
}

/**
 * A target chat (Alice ↔ Bob) on connection TARGET_CONN and a non-target one (Carol ↔ Dave) on
 * OTHER_CONN; each connection then reports an anomaly with its id, as the TCP tracker does.
 */
function twoChats(includeNonTargets: boolean): { h: Harness; targetFrame: number; otherFrame: number } {
  const h = new Harness([{ ids: [{ sipUri: ALICE }] }], includeNonTargets ? { includeNonTargets: true } : {});
  // The composition root's wiring (src/pipeline/intercept-pipeline.ts).
  h.anomalies.observeConnections((code, frame, detail, conn) => h.correlator.connectionAnomaly(code, frame, detail, conn));
  dialog(h, 'tgt@x', ALICE, BOB, { ep: A_EP, path: A_URI }, { ep: B_EP, path: B_URI });
  dialog(h, 'nt@x', CAROL, DAVE, { ep: C_EP, path: C_URI }, { ep: D_EP, path: D_URI });
  const tc = h.conn(TARGET_CONN, A_EP, B_EP);
  const oc = h.conn(OTHER_CONN, C_EP, D_EP);
  tc.push(0, send({ to: [B_URI], from: [A_URI], mid: 'tm1', tid: 'tgtTx1', body: cpim(ALICE, BOB, 'hello Bob') }));
  oc.push(0, send({ to: [D_URI], from: [C_URI], mid: 'om1', tid: 'othTx1', body: cpim(CAROL, DAVE, 'hello Dave') }));
  const targetFrame = h.nextFrame();
  h.anomalies.report('tcp.gap', targetFrame, `conn=${TARGET_CONN} dir=0 bytes=100`, TARGET_CONN);
  const otherFrame = h.nextFrame();
  h.anomalies.report('tcp.overlap_different_data', otherFrame, `conn=${OTHER_CONN} dir=0 offset=5 bytes=3`, OTHER_CONN);
  h.anomalies.report('tcp.overlap_different_data', otherFrame, `conn=${OTHER_CONN} dir=0 offset=9 bytes=3`, OTHER_CONN);
  tc.push(0, send({ to: [B_URI], from: [A_URI], mid: 'tm2', tid: 'tgtTx2', body: cpim(ALICE, BOB, 'again') }));
  // The connections end as the TCP tracker ends them (their framers, then their streams).
  for (const c of [tc, oc]) {
    c.end();
    for (const hd of c.handlers) hd.onStreamEnd?.('fin');
  }
  h.finish();
  return { h, targetFrame, otherFrame };
}

function reportModel(report: AuditReport, details: AuditDetails, h: Harness) {
  return buildReportModel({
    toolVersion: 'test',
    generatedAt: '2026-01-01T00:00:00.000Z',
    captures: [],
    tasks: [{ xid: XID_A, liid: 'LIID-1', deliveryType: 'X2andX3', targets: [ALICE] }],
    audit: report,
    details,
    anomalyExamples: (code) => h.anomalies.examplesOf(code as Parameters<typeof h.anomalies.examplesOf>[0]),
    contents: { get: () => undefined },
  });
}

describe('anomalies in the audit entry of the session they concern', () => {
  it("an anomaly on the target's connection is in its audit.json entry, details and report section; one on another connection is not", () => {
    const { h, targetFrame, otherFrame } = twoChats(false);
    const { report, details } = h.correlator.auditWithDetails();
    expect(report.sessions.length).toBe(1);
    const s = report.sessions[0]!;
    expect(s.callId).toBe('tgt@x');
    expect(s.anomalies).toEqual({ 'tcp.gap': 1 });
    expect(details.sessions[0]!.anomalies).toEqual([{ code: 'tcp.gap', frame: targetFrame, detail: `conn=${TARGET_CONN} dir=0 bytes=100` }]);
    // The run's counts still hold both.
    expect(report.anomalies).toMatchObject({ 'tcp.gap': 1, 'tcp.overlap_different_data': 2 });
    const view = reportModel(report, details, h).sessions[0]!;
    expect(view.anomalies.map((a) => [a.code, a.count, a.frames])).toEqual([['tcp.gap', 1, [targetFrame]]]);
    expect(view.anomalies.some((a) => a.frames.includes(otherFrame))).toBe(false);
    expect(JSON.stringify({ report, details })).not.toContain(`conn=${OTHER_CONN}`);
  });

  it('with --all, the non-target entry lists its own connection anomalies and not the target one', () => {
    const { h, targetFrame, otherFrame } = twoChats(true);
    const { report, details } = h.correlator.auditWithDetails();
    const i = report.sessions.findIndex((x) => x.callId === 'nt@x');
    const j = report.sessions.findIndex((x) => x.callId === 'tgt@x');
    expect(report.sessions[i]!.anomalies).toEqual({ 'tcp.overlap_different_data': 2 });
    expect(details.sessions[i]!.anomalies!.map((e) => e.frame)).toEqual([otherFrame, otherFrame]);
    expect(report.sessions[j]!.anomalies).toEqual({ 'tcp.gap': 1 });
    const views = reportModel(report, details, h).sessions;
    expect(views[i]!.anomalies.map((a) => [a.code, a.count])).toEqual([['tcp.overlap_different_data', 2]]);
    expect(views[j]!.anomalies.map((a) => [a.code, a.frames])).toEqual([['tcp.gap', [targetFrame]]]);
  });

  it('on a connection shared by a target and a non-target, a gap shows in both entries, a parse deviation in neither', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }], { includeNonTargets: true });
    h.anomalies.observeConnections((code, frame, detail, conn) => h.correlator.connectionAnomaly(code, frame, detail, conn));
    // Both sessions reach the relay from the same client port: one connection (RFC 4976).
    const cUri = uri(A_EP.ip, A_EP.port, 'sidCarol3');
    const dUri = uri(B_EP.ip, B_EP.port, 'sidDave44');
    dialog(h, 'tgt@x', ALICE, BOB, { ep: A_EP, path: A_URI }, { ep: B_EP, path: B_URI });
    dialog(h, 'nt@x', CAROL, DAVE, { ep: A_EP, path: cUri }, { ep: B_EP, path: dUri });
    const conn = h.conn(TARGET_CONN, A_EP, B_EP);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'tm1', tid: 'tgtTx1', body: cpim(ALICE, BOB, 'hello Bob') }));
    conn.push(0, send({ to: [dUri], from: [cUri], mid: 'om1', tid: 'othTx1', body: cpim(CAROL, DAVE, 'hello Dave') }));
    h.anomalies.report('msrp.bad_header_line', h.nextFrame(), 'length=3', TARGET_CONN);
    h.anomalies.report('tcp.gap', h.nextFrame(), `conn=${TARGET_CONN} dir=0 bytes=100`, TARGET_CONN);
    conn.end();
    h.finish();
    const { report } = h.correlator.auditWithDetails();
    expect(report.sessions.map((x) => [x.callId, x.anomalies])).toEqual([
      ['tgt@x', { 'tcp.gap': 1 }],
      ['nt@x', { 'tcp.gap': 1 }],
    ]);
  });

  it('a session without anomalies has no `anomalies` field (audit.json unchanged for it)', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    h.anomalies.observeConnections((code, frame, detail, conn) => h.correlator.connectionAnomaly(code, frame, detail, conn));
    dialog(h, 'tgt@x', ALICE, BOB, { ep: A_EP, path: A_URI }, { ep: B_EP, path: B_URI });
    const tc = h.conn(TARGET_CONN, A_EP, B_EP);
    tc.push(0, send({ to: [B_URI], from: [A_URI], mid: 'tm1', tid: 'tgtTx1', body: cpim(ALICE, BOB, 'hello Bob') }));
    // Another connection's anomaly, and one reported without a connection.
    h.anomalies.report('tcp.gap', h.nextFrame(), `conn=${OTHER_CONN} dir=0 bytes=1`, OTHER_CONN);
    h.anomalies.report('ip.fragment_truncated', h.nextFrame(), 'id=1 offset=0');
    tc.end();
    h.finish();
    const { report, details } = h.correlator.auditWithDetails();
    expect(Object.hasOwn(report.sessions[0]!, 'anomalies')).toBe(false);
    expect(Object.hasOwn(details.sessions[0]!, 'anomalies')).toBe(false);
  });
});

/**
 * An RFC 4976 relay link carries a target's and non-targets' frames on one connection: a
 * deviation of one frame belongs to that frame's sessions only (the direction's parser reports
 * it with the connection and direction, before the frame is bound); what may hide traffic goes
 * to every live audited session of the connection.
 */
describe('anomalies on a connection shared with non-target sessions', () => {
  const RELAY = 'msrp://10.0.9.9:2855/relay;tcp';
  const CLIENT = { ip: '10.0.0.1', port: 40000 };
  const SERVER = { ip: '10.0.9.9', port: 2855 };
  const TA = uri('10.0.0.1', 30000, 'sidTgtA1');
  const TB = uri('10.0.1.2', 2855, 'sidTgtB1');
  const NA = uri('10.0.0.1', 30000, 'sidNonA1');
  const NB = uri('10.0.1.2', 2855, 'sidNonB1');

  function relayCall(h: Harness, callId: string, from: string, to: string, a: string, b: string): TestCall {
    const c = new TestCall({ callId, from, to, fromTag: `f-${callId}` });
    h.sip(c.request(msrpSdp({ ip: '10.0.0.1', port: 30000, path: [RELAY, a] })), UE_A, PCSCF);
    h.sip(c.response(200, { toTag: `t-${callId}`, sdp: msrpSdp({ ip: '10.0.1.2', port: 2855, path: [b] }) }), PCSCF, UE_A);
    h.sip(c.inDialog('ACK', 1, `t-${callId}`), UE_A, PCSCF);
    return c;
  }

  /** The relay connection's client-to-relay direction, its framer reporting as the pipeline's does. */
  function relayConn(h: Harness, connId: number, withDir = true) {
    const hd = h.correlator.msrpStream({ connId, dir: 0, srcAddr: ipAddr(CLIENT.ip), dstAddr: ipAddr(SERVER.ip), srcPort: CLIENT.port, dstPort: SERVER.port, sawSyn: true });
    const fr = new MsrpFramer(hd, new ConnectionAnomalySink(h.anomalies, connId, withDir ? 0 : undefined));
    return {
      push: (b: Uint8Array): number => {
        const t = h.advance();
        const n = h.nextFrame();
        fr.push(b, n, t.sec, t.nsec);
        return n;
      },
      end: () => {
        fr.end();
        hd.onStreamEnd?.('fin');
      },
    };
  }

  function relayHarness(includeNonTargets: boolean): Harness {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }], includeNonTargets ? { includeNonTargets: true } : {});
    h.anomalies.observeConnections((code, frame, detail, conn, dir) => h.correlator.connectionAnomaly(code, frame, detail, conn, dir));
    return h;
  }

  it("a non-target frame's head deviation is not in the target's entry; a gap of the link is", () => {
    for (const all of [false, true]) {
      const h = relayHarness(all);
      relayCall(h, 'tgt@x', ALICE, BOB, TA, TB);
      relayCall(h, 'nt@x', CAROL, DAVE, NA, NB);
      const link = relayConn(h, TARGET_CONN);
      link.push(send({ to: [RELAY, TB], from: [TA], mid: 'tm1', tid: 'tgtTx1', body: cpim(ALICE, BOB, 'hi') }));
      // The non-target's SEND has a one-character transaction id (RFC 4975 section 9: 4..32).
      const ntFrame = link.push(send({ to: [RELAY, NB], from: [NA], mid: 'nm1', tid: 'x', body: cpim(CAROL, DAVE, 'not a target') }));
      // The target's own deviation is its own.
      const tFrame = link.push(send({ to: [RELAY, TB], from: [TA], mid: 'tm2', tid: 'ab', body: cpim(ALICE, BOB, 'again') }));
      const gapFrame = h.nextFrame();
      h.anomalies.report('tcp.gap', gapFrame, `conn=${TARGET_CONN} dir=0 bytes=10`, TARGET_CONN, 0);
      link.end();
      h.finish();
      const { report, details } = h.correlator.auditWithDetails();
      const t = report.sessions.findIndex((x) => x.callId === 'tgt@x');
      expect(report.sessions[t]!.anomalies).toEqual({ 'msrp.bad_transaction_id': 1, 'tcp.gap': 1 });
      expect(details.sessions[t]!.anomalies!.map((e) => [e.code, e.frame])).toEqual([
        ['msrp.bad_transaction_id', tFrame],
        ['tcp.gap', gapFrame],
      ]);
      expect(JSON.stringify(details.sessions[t])).not.toContain(`"frame":${ntFrame}`);
      expect(report.anomalies).toMatchObject({ 'msrp.bad_transaction_id': 2 });
      if (all) {
        const n = report.sessions.findIndex((x) => x.callId === 'nt@x');
        expect(details.sessions[n]!.anomalies!.map((e) => [e.code, e.frame])).toEqual([
          ['msrp.bad_transaction_id', ntFrame],
          ['tcp.gap', gapFrame],
        ]);
      } else expect(report.sessions.length).toBe(1);
    }
  });

  it('a deviation reported without its direction goes to no session of a shared connection', () => {
    const h = relayHarness(false);
    relayCall(h, 'tgt@x', ALICE, BOB, TA, TB);
    relayCall(h, 'nt@x', CAROL, DAVE, NA, NB);
    const link = relayConn(h, TARGET_CONN, false);
    link.push(send({ to: [RELAY, TB], from: [TA], mid: 'tm1', tid: 'tgtTx1', body: cpim(ALICE, BOB, 'hi') }));
    link.push(send({ to: [RELAY, NB], from: [NA], mid: 'nm1', tid: 'x', body: cpim(CAROL, DAVE, 'not a target') }));
    h.anomalies.report('tcp.gap', h.nextFrame(), `conn=${TARGET_CONN} dir=0 bytes=10`, TARGET_CONN);
    link.end();
    h.finish();
    const { report } = h.correlator.auditWithDetails();
    expect(report.sessions[0]!.anomalies).toEqual({ 'tcp.gap': 1 });
    expect(report.anomalies).toMatchObject({ 'msrp.bad_transaction_id': 1 });
  });

  it('a session that has ended gets no later gap of the connection it used', () => {
    const h = relayHarness(false);
    const call = relayCall(h, 'tgt@x', ALICE, BOB, TA, TB);
    const link = relayConn(h, TARGET_CONN);
    link.push(send({ to: [RELAY, TB], from: [TA], mid: 'tm1', tid: 'tgtTx1', body: cpim(ALICE, BOB, 'hi') }));
    // A message still in reassembly keeps the ended session in the table (and its audit open).
    link.push(send({ to: [RELAY, TB], from: [TA], mid: 'tm2', tid: 'tgtTx2', range: '1-5/50', flag: '+', ct: 'text/plain', body: 'first' }));
    h.anomalies.report('tcp.gap', h.nextFrame(), `conn=${TARGET_CONN} dir=0 bytes=10`, TARGET_CONN, 0);
    h.sip(call.inDialog('BYE', 2, 't-tgt@x'), UE_A, PCSCF);
    h.sip(call.inDialogResponse(200, 'BYE', 2, 't-tgt@x'), PCSCF, UE_A);
    // Past the BYE's linger (RFC 3261 timer J): the session has ended.
    h.wait(64);
    // The relay link lives on for other sessions: its later loss is not this session's.
    h.anomalies.report('tcp.gap', h.nextFrame(), `conn=${TARGET_CONN} dir=0 bytes=20`, TARGET_CONN, 0);
    link.end();
    h.finish();
    const { report, details } = h.correlator.auditWithDetails();
    expect(report.sessions[0]!.anomalies).toEqual({ 'tcp.gap': 1 });
    expect(details.sessions[0]!.anomalies!.map((e) => e.detail)).toEqual([`conn=${TARGET_CONN} dir=0 bytes=10`]);
  });
});

describe('anomalies of an MSRP-over-WebSocket connection (RFC 7977)', () => {
  it("a WebSocket gap on the target's connection is in its entry", () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    h.anomalies.observeConnections((code, frame, detail, conn, dir) => h.correlator.connectionAnomaly(code, frame, detail, conn, dir));
    const wsA = 'msrp://df7jal23ls0d.invalid:2855/sidWsA1;ws';
    const wsB = 'msrp://10.0.9.9:8080/sidWsB1;ws';
    dialog(h, 'ws@x', ALICE, BOB, { ep: A_EP, path: wsA }, { ep: { ip: '10.0.9.9', port: 8080 }, path: wsB });
    const info: TcpConnectionInfo = {
      id: TARGET_CONN,
      clientAddr: ipAddr(A_EP.ip),
      clientPort: 40000,
      serverAddr: ipAddr('10.0.9.9'),
      serverPort: 8080,
      ipVersion: 4,
      sawSyn: true,
      resumed: false,
      startFrame: 1,
      startSec: 0,
      startNsec: 0,
      ignore: () => {},
    };
    const c = new AppStreamConsumer(info, h.correlator, h.anomalies);
    const feed = (dir: 0 | 1, b: Uint8Array): void => {
      const t = h.advance();
      c.data(dir, b, h.nextFrame(), t.sec, t.nsec);
    };
    const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
    feed(0, enc('GET /msrp HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: msrp\r\n\r\n'));
    feed(1, enc('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: msrp\r\n\r\n'));
    const mask = new Uint8Array([1, 2, 3, 4]);
    feed(0, wsFrame({ opcode: 1, mask, payload: send({ to: [wsB], from: [wsA], mid: 'wm1', tid: 'wsTx1', body: cpim(ALICE, BOB, 'over ws') }) }));
    const t = h.advance();
    const gapFrame = h.nextFrame();
    c.gap(0, 500, gapFrame, t.sec, t.nsec);
    c.end(0, 'fin');
    c.end(1, 'fin');
    h.finish();
    const { report, details } = h.correlator.auditWithDetails();
    expect(report.sessions.map((x) => x.callId)).toEqual(['ws@x']);
    expect(h.records.some((r) => r.kind === 'cc')).toBe(true);
    expect(report.sessions[0]!.anomalies).toMatchObject({ 'websocket.gap': 1 });
    expect(details.sessions[0]!.anomalies).toContainEqual({ code: 'websocket.gap', frame: gapFrame, detail: 'gap=500' });
  });
});
