/**
 * Issue 17: anomalies carry the connection they concern (AnomalySink.report's `conn`), and the
 * audit shows them in the entry of the sessions that connection carried: audit.json's
 * per-session `anomalies` counts, the report details' first occurrences, the HTML report's
 * session section. A target's entry never lists an anomaly of another connection.
 */
import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../../../src/audit/report-model.js';
import type { AuditDetails, AuditReport } from '../../../src/records/audit-report-schema.js';
import { cpim, Harness, msrpSdp, PCSCF, send, TestCall, UE_A, uri, XID_A } from '../../helpers/correlate-helpers.js';

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
  tc.end();
  oc.end();
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
