/**
 * Flow bypass of non-target MSRP directions (issue 13, direction 3), end to end through the TCP
 * table, the analyzers and the correlator (src/flow/stream-bypass.ts, src/correlate/msrp-bypass.ts):
 * a connection that carries only a non-target session goes to sequence tracking, and a target
 * that later uses it is recorded anyway: announced by a later SDP (RFC 4975 section 8.1
 * connection reuse), made a target by a task reload, or without SIP after a re-probe.
 */
import { describe, expect, it } from 'vitest';
import { ethernetLink, ipv4Addr, msrpFrame, sdpBody, sipMessage, TcpConversation, udpDatagram } from '../../../samples/gen/lib/index.js';
import { LinkType } from '../../../src/core/link-type.js';
import { parseTasksFile } from '../../../src/correlate/tasks-file.js';
import { InterceptPipeline, type InterceptPipelineOptions } from '../../../src/pipeline/intercept-pipeline.js';
import type { LiRecord } from '../../../src/records/li-record.js';
import { containsBytes, cpim } from '../../helpers/correlate-helpers.js';

const TARGET = 'sip:target@ims.example.net';
const CAROL = 'sip:carol@other.example';
const DAVE = 'sip:dave@other.example';
const T0 = 1_790_000_000;
const A = '10.1.0.1';
const B = '10.2.0.1';
const MARK = 'NONTARGET-MARK-51c2';

/** Feeds IP packets as Ethernet frames at capture time `sec`. */
class Feed {
  private frameNo = 0;
  private readonly link = ethernetLink();
  sec = T0;
  constructor(readonly p: InterceptPipeline) {}
  put(ip: Uint8Array): void {
    const data = this.link.wrap(ip);
    this.p.frame({ frameNo: ++this.frameNo, tsSec: this.sec, tsNsec: this.frameNo * 1000, linkType: LinkType.ETHERNET, capLen: data.length, origLen: data.length, data, interfaceId: 0, source: 0 });
  }
}

const tasksFor = (uri: string) => parseTasksFile({ tasks: [{ xid: '0b8e6e0c-1111-4222-8333-444455556666', liid: 'LIID-BYPASS', targetIdentifiers: [{ sipUri: uri }], deliveryType: 'X2andX3' }] }, 'tasks.json');

const sdp = (host: string, port: number, sid: string): string =>
  sdpBody(['v=0', `o=- 1 1 IN IP4 ${host}`, 's=-', `c=IN IP4 ${host}`, 't=0 0', `m=message ${port} TCP/MSRP *`, 'a=accept-types:message/cpim text/plain', `a=path:msrp://${host}:${port}/${sid};tcp`]);

/** A SIP dialog (over UDP) whose SDPs name the one MSRP connection A:30000 → B:2855. */
function dialog(f: Feed, callId: string, from: string, to: string, offerSid: string, answerSid: string): void {
  const sip = (start: string, cseq: string, body = ''): Uint8Array =>
    sipMessage(
      start,
      [
        ['Via', `SIP/2.0/UDP ${A}:5060;branch=z9hG4bK${callId}`],
        ['From', `<${from}>;tag=f1`],
        ['To', `<${to}>${start.startsWith('SIP/2.0') ? ';tag=t1' : ''}`],
        ['Call-ID', callId],
        ['CSeq', cseq],
        ...(body !== '' ? [['Content-Type', 'application/sdp'] as [string, string]] : []),
        ['Content-Length', String(Buffer.byteLength(body))],
      ],
      body,
    );
  const a = ipv4Addr(A);
  const b = ipv4Addr(B);
  f.put(udpDatagram({ src: a, dst: b, srcPort: 5060, dstPort: 5060, payload: sip(`INVITE ${to} SIP/2.0`, '1 INVITE', sdp(A, 30000, offerSid)) }).ip);
  f.put(udpDatagram({ src: b, dst: a, srcPort: 5060, dstPort: 5060, payload: sip('SIP/2.0 200 OK', '1 INVITE', sdp(B, 2855, answerSid)) }).ip);
  f.put(udpDatagram({ src: a, dst: b, srcPort: 5060, dstPort: 5060, payload: sip(`ACK ${to} SIP/2.0`, '1 ACK') }).ip);
}

/** The MSRP connection; returns a function sending one SEND (CPIM body) from `fromSid` to `toSid`. */
function connection(f: Feed): (fromSid: string, toSid: string, mid: string, from: string, to: string, text: string) => void {
  const conn = new TcpConversation({ client: { addr: ipv4Addr(A), port: 30000, isn: 1000 }, server: { addr: ipv4Addr(B), port: 2855, isn: 9000 } });
  for (const s of conn.handshake()) f.put(s.ip);
  return (fromSid, toSid, mid, from, to, text) => {
    const body = cpim(from, to, text);
    const frame = msrpFrame({
      transactionId: `tx${mid}`,
      startLine: 'SEND',
      headers: [
        ['To-Path', `msrp://${B}:2855/${toSid};tcp`],
        ['From-Path', `msrp://${A}:30000/${fromSid};tcp`],
        ['Message-ID', mid],
        ['Byte-Range', `1-${body.length}/${body.length}`],
        ['Content-Type', 'message/cpim'],
      ],
      body,
    });
    for (const s of conn.send('c2s', frame)) f.put(s.ip);
  };
}

function pipeline(uri: string, o: Partial<InterceptPipelineOptions> = {}): { p: InterceptPipeline; f: Feed; records: LiRecord[] } {
  const records: LiRecord[] = [];
  const p = new InterceptPipeline({ tasks: tasksFor(uri), onRecord: (r) => records.push(r), auditDetails: false, ...o });
  return { p, f: new Feed(p), records };
}

const messageIds = (records: LiRecord[]): string[] => records.flatMap((r) => (r.kind === 'iri' && r.event.kind === 'rCSMessage' ? [r.event.msrpMessageId] : []));

/** The reused-connection run: a non-target session, then a target's announced by a later SDP. */
function reuseRun(bypass: boolean): { p: InterceptPipeline; records: LiRecord[] } {
  const { p, f, records } = pipeline(TARGET, { tcp: { bypass } });
  dialog(f, 'nt-1', CAROL, DAVE, 'nA', 'nB');
  const sendOn = connection(f);
  const nt = (mid: string): void => sendOn('nA', 'nB', mid, CAROL, DAVE, `${MARK} ${mid}`);
  for (let i = 1; i <= 4; i++) nt(`n${i}`);
  f.sec++;
  dialog(f, 'tg-1', TARGET, 'sip:peer@ims.example.net', 'tA', 'tB');
  nt('n5');
  sendOn('tA', 'tB', 't1', TARGET, 'sip:peer@ims.example.net', 'first target message');
  nt('n6');
  sendOn('tA', 'tB', 't2', TARGET, 'sip:peer@ims.example.net', 'second target message');
  nt('n7');
  p.finish();
  return { p, records };
}

describe('flow bypass of non-target MSRP directions', () => {
  it('a connection reused by a target announced in a later SDP: recorded exactly as without bypass', () => {
    const on = reuseRun(true);
    const off = reuseRun(false);
    // The non-target's direction was bypassed, and resumed when the target's SDP named it.
    expect(on.p.packets.tcpStats().bypassed).toBeGreaterThanOrEqual(1);
    expect(on.p.packets.tcpStats().bypassResumed).toBeGreaterThanOrEqual(1);
    expect(off.p.packets.tcpStats().bypassed).toBe(0);
    expect(messageIds(on.records)).toEqual(['t1', 't2']);
    expect(on.records).toEqual(off.records);
    for (const r of on.records) expect(containsBytes(r, Buffer.from(MARK))).toBe(false);
  });

  it('a task reload that makes the bypassed session a target: recorded from the next start line, the gap in its audit', () => {
    const { p, f, records } = pipeline(TARGET, { tcp: { bypass: true } });
    dialog(f, 'nt-2', CAROL, DAVE, 'nA', 'nB');
    const sendOn = connection(f);
    for (let i = 1; i <= 4; i++) sendOn('nA', 'nB', `n${i}`, CAROL, DAVE, `carol says ${i}`);
    expect(p.packets.tcpStats().bypassed).toBe(1);
    p.correlator.updateTasks(tasksFor(CAROL));
    sendOn('nA', 'nB', 'n5', CAROL, DAVE, 'carol says 5');
    sendOn('nA', 'nB', 'n6', CAROL, DAVE, 'carol says 6');
    p.finish();
    expect(messageIds(records)).toEqual(['n5', 'n6']);
    const carol = p.audit().sessions.find((s) => s.messages.some((m) => m.messageId === 'n5'));
    expect(carol?.anomalies?.['correlate.bypass_gap']).toBe(1);
  });

  it('a session without SIP naming the target in CPIM, on a bypassed connection after the re-probe interval: found', () => {
    const { p, f, records } = pipeline(TARGET, { tcp: { bypass: true, bypassReprobeSec: 5, bypassProbeSec: 1 } });
    dialog(f, 'nt-3', CAROL, DAVE, 'nA', 'nB');
    const sendOn = connection(f);
    for (let i = 1; i <= 6; i++) {
      sendOn('nA', 'nB', `n${i}`, CAROL, DAVE, `${MARK} ${i}`);
      f.sec++;
    }
    // Bypassed from n2 (T0 + 1); n7 at T0 + 6 is the re-probe, the SIP-less session follows it.
    sendOn('nA', 'nB', 'n7', CAROL, DAVE, `${MARK} 7`);
    sendOn('xA', 'xB', 'x1', TARGET, 'sip:someone@ims.example.net', 'no SIP for this one');
    sendOn('xA', 'xB', 'x2', TARGET, 'sip:someone@ims.example.net', 'and another');
    p.finish();
    expect(p.packets.tcpStats().bypassed).toBeGreaterThanOrEqual(1);
    expect(p.packets.tcpStats().bypassReprobes).toBeGreaterThanOrEqual(1);
    expect(messageIds(records)).toEqual(['x1', 'x2']);
    for (const r of records) expect(containsBytes(r, Buffer.from(MARK))).toBe(false);
  });
});
