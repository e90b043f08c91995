/**
 * Builders of flow bypass scenarios (issue 13, src/flow/stream-bypass.ts) run through the whole
 * InterceptPipeline: SIP dialogs over UDP whose SDPs name one MSRP connection A:30000 → B:2855,
 * and SEND frames (CPIM bodies) on that connection. Shared by test/unit/pipeline and test/fuzz.
 */
import { ethernetLink, ipv4Addr, msrpFrame, sdpBody, sipMessage, TcpConversation, udpDatagram } from '../../samples/gen/lib/index.js';
import { LinkType } from '../../src/core/link-type.js';
import { parseTasksFile } from '../../src/correlate/tasks-file.js';
import { InterceptPipeline, type InterceptPipelineOptions } from '../../src/pipeline/intercept-pipeline.js';
import type { LiRecord } from '../../src/records/li-record.js';
import { cpim } from './correlate-helpers.js';

export const TARGET = 'sip:target@ims.example.net';
export const CAROL = 'sip:carol@other.example';
export const DAVE = 'sip:dave@other.example';
export const T0 = 1_790_000_000;
export const A = '10.1.0.1';
export const B = '10.2.0.1';
/** Text in every non-target message: must never reach a target's record. */
export const MARK = 'NONTARGET-MARK-51c2';

/** Feeds IP packets as Ethernet frames at capture time `sec` (+ `nsec`). */
export class Feed {
  private frameNo = 0;
  private readonly link = ethernetLink();
  sec = T0;
  /** Added to each frame's own nanoseconds (frameNo * 1000), for times within a second. */
  nsec = 0;
  constructor(readonly p: InterceptPipeline) {}
  put(ip: Uint8Array): void {
    const data = this.link.wrap(ip);
    this.p.frame({ frameNo: ++this.frameNo, tsSec: this.sec, tsNsec: this.nsec + this.frameNo * 1000, linkType: LinkType.ETHERNET, capLen: data.length, origLen: data.length, data, interfaceId: 0, source: 0 });
  }
}

export const tasksFor = (uri: string) => parseTasksFile({ tasks: [{ xid: '0b8e6e0c-1111-4222-8333-444455556666', liid: 'LIID-BYPASS', targetIdentifiers: [{ sipUri: uri }], deliveryType: 'X2andX3' }] }, 'tasks.json');

const sdp = (host: string, port: number, sid: string): string =>
  sdpBody(['v=0', `o=- 1 1 IN IP4 ${host}`, 's=-', `c=IN IP4 ${host}`, 't=0 0', `m=message ${port} TCP/MSRP *`, 'a=accept-types:message/cpim text/plain', `a=path:msrp://${host}:${port}/${sid};tcp`]);

/** A SIP dialog (over UDP) whose SDPs name the one MSRP connection A:30000 → B:2855. */
export function dialog(f: Feed, callId: string, from: string, to: string, offerSid: string, answerSid: string): void {
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

/** One SEND on the connection (A → B) from session `fromSid` to `toSid`, its body a CPIM message. */
export function sendFrame(fromSid: string, toSid: string, mid: string, from: string, to: string, text: string): Uint8Array {
  const body = cpim(from, to, text);
  return msrpFrame({
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
}

/** The MSRP connection A:30000 → B:2855, its handshake fed. */
export function msrpConnection(f: Feed): TcpConversation {
  const conn = new TcpConversation({ client: { addr: ipv4Addr(A), port: 30000, isn: 1000 }, server: { addr: ipv4Addr(B), port: 2855, isn: 9000 } });
  for (const s of conn.handshake()) f.put(s.ip);
  return conn;
}

/** A pipeline intercepting `uri`, its records collected. */
export function bypassPipeline(uri: string, o: Partial<InterceptPipelineOptions> = {}): { p: InterceptPipeline; f: Feed; records: LiRecord[] } {
  const records: LiRecord[] = [];
  const p = new InterceptPipeline({ tasks: tasksFor(uri), onRecord: (r) => records.push(r), auditDetails: false, ...o });
  return { p, f: new Feed(p), records };
}

/** The MSRP Message-IDs of the rCSMessage IRIs, in record order. */
export const messageIds = (records: LiRecord[]): string[] => records.flatMap((r) => (r.kind === 'iri' && r.event.kind === 'rCSMessage' ? [r.event.msrpMessageId] : []));
