/**
 * Issue 12, end to end through the TCP table, the analyzers and the correlator: with tiny caps,
 * a flood fills the tables (evictions reported), and the target's session is still intercepted
 * afterwards (its connection is re-attached or re-created and the framer resynchronises at the
 * next start line).
 */
import { describe, expect, it } from 'vitest';
import { ethernetLink, ipv4Addr, msrpFrame, sdpBody, sipMessage, TcpConversation, udpDatagram } from '../../../samples/gen/lib/index.js';
import { LinkType } from '../../../src/core/link-type.js';
import { parseTasksFile } from '../../../src/correlate/tasks-file.js';
import { InterceptPipeline, type InterceptPipelineOptions } from '../../../src/pipeline/intercept-pipeline.js';
import type { LiRecord } from '../../../src/records/li-record.js';

const TARGET = 'sip:target@ims.example.net';
const T0 = 1_790_000_000;

/** Feeds IP packets as Ethernet frames, one capture second apart per `step`. */
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

/** A target's SIP dialog offering MSRP (RFC 4975 section 8), its connection, and a SEND function. */
function targetSession(f: Feed) {
  const aHost = '10.1.0.1';
  const bHost = '10.2.0.1';
  const a = ipv4Addr(aHost);
  const b = ipv4Addr(bHost);
  const sdp = (host: string, port: number, sid: string): string =>
    sdpBody(['v=0', `o=- 1 1 IN IP4 ${host}`, 's=-', `c=IN IP4 ${host}`, 't=0 0', `m=message ${port} TCP/MSRP *`, 'a=accept-types:text/plain', `a=path:msrp://${host}:${port}/${sid};tcp`]);
  const sip = (start: string, cseq: string, body = ''): Uint8Array =>
    sipMessage(
      start,
      [
        ['Via', `SIP/2.0/UDP ${aHost}:5060;branch=z9hG4bKcap1`],
        ['From', `<${TARGET}>;tag=f1`],
        ['To', `<sip:peer@ims.example.net>${start.startsWith('SIP/2.0') ? ';tag=t1' : ''}`],
        ['Call-ID', 'caps-1@ims.example.net'],
        ['CSeq', cseq],
        ['Content-Type', 'application/sdp'],
        ['Content-Length', String(Buffer.byteLength(body))],
      ],
      body,
    );
  f.put(udpDatagram({ src: a, dst: b, srcPort: 5060, dstPort: 5060, payload: sip('INVITE sip:peer@ims.example.net SIP/2.0', '1 INVITE', sdp(aHost, 30000, 'sa')) }).ip);
  f.put(udpDatagram({ src: b, dst: a, srcPort: 5060, dstPort: 5060, payload: sip('SIP/2.0 200 OK', '1 INVITE', sdp(bHost, 2855, 'sb')) }).ip);
  f.put(udpDatagram({ src: a, dst: b, srcPort: 5060, dstPort: 5060, payload: sip('ACK sip:peer@ims.example.net SIP/2.0', '1 ACK') }).ip);
  const conn = new TcpConversation({ client: { addr: a, port: 30000, isn: 1000 }, server: { addr: b, port: 2855, isn: 9000 } });
  for (const s of conn.handshake()) f.put(s.ip);
  return (mid: string): void => {
    const frame = msrpFrame({
      transactionId: `tx${mid}`,
      startLine: 'SEND',
      headers: [
        ['To-Path', `msrp://${bHost}:2855/sb;tcp`],
        ['From-Path', `msrp://${aHost}:30000/sa;tcp`],
        ['Message-ID', mid],
        ['Byte-Range', '1-5/5'],
        ['Content-Type', 'text/plain'],
      ],
      body: 'hello',
    });
    for (const s of conn.send('c2s', frame)) f.put(s.ip);
  };
}

function pipeline(o: Partial<InterceptPipelineOptions>): { p: InterceptPipeline; records: LiRecord[] } {
  const records: LiRecord[] = [];
  const tasks = parseTasksFile({ tasks: [{ xid: '0b8e6e0c-1111-4222-8333-444455556666', liid: 'LIID-CAPS', targetIdentifiers: [{ sipUri: TARGET }], deliveryType: 'X2andX3' }] }, 'tasks.json');
  return { p: new InterceptPipeline({ tasks, onRecord: (r) => records.push(r), auditDetails: false, ...o }), records };
}

const messageIds = (records: LiRecord[]): string[] => records.flatMap((r) => (r.kind === 'iri' && r.event.kind === 'rCSMessage' ? [r.event.msrpMessageId] : []));

describe('hostile load with tiny caps: evictions reported, the target still intercepted', () => {
  it('stream-state cap: idle connections that sent "MSRP " push the target connection out; its next SEND is still recorded', () => {
    const { p, records } = pipeline({ tcp: { maxStreamConnections: 4 } });
    const f = new Feed(p);
    const sendTarget = targetSession(f);
    sendTarget('before');
    f.sec++;
    for (let i = 0; i < 12; i++) {
      const c = new TcpConversation({ client: { addr: ipv4Addr(`10.9.0.${i + 1}`), port: 40000 + i, isn: i * 100 }, server: { addr: ipv4Addr('10.9.1.1'), port: 2855, isn: 5 } });
      for (const s of c.handshake()) f.put(s.ip);
      for (const s of c.send('c2s', Buffer.from('MSRP '))) f.put(s.ip);
    }
    f.sec++;
    sendTarget('after');
    p.finish();
    expect(p.anomalies.toJSON()['flow.stream_evicted']).toBeGreaterThanOrEqual(9);
    expect(messageIds(records)).toEqual(['before', 'after']);
    expect(p.audit().sessions[0]!.messages.map((m) => [m.messageId, m.status])).toEqual([
      ['before', 'complete'],
      ['after', 'complete'],
    ]);
  });

  it('connection cap: a SYN flood evicts the target connection; its next SEND starts a new connection and is still recorded', () => {
    const { p, records } = pipeline({ tcp: { maxConnections: 8 } });
    const f = new Feed(p);
    const sendTarget = targetSession(f);
    sendTarget('before');
    f.sec++;
    for (let i = 0; i < 50; i++) {
      const c = new TcpConversation({ client: { addr: ipv4Addr(`10.8.${i >> 8}.${i & 255}`), port: 1024 + i, isn: i }, server: { addr: ipv4Addr('10.8.9.9'), port: 2855, isn: 0 } });
      f.put(c.handshake()[0]!.ip);
    }
    f.sec++;
    sendTarget('after');
    p.finish();
    expect(p.anomalies.toJSON()['flow.evicted']).toBeGreaterThanOrEqual(42);
    expect(messageIds(records)).toEqual(['before', 'after']);
  });
});
