/**
 * MSRP over WebSocket (RFC 7977) end to end through the TCP table, the analyzers and the
 * correlator: the same chat is carried once over plain TCP (RFC 4975) and once over a
 * WebSocket connection (masked client frames, fragmented messages with a ping between the
 * fragments, permessage-deflate with and without context takeover, RFC 7692). The client's MSRP
 * URI has an `.invalid` host and the `ws` transport, its SDP proto is TCP/WS/MSRP (RFC 7977
 * sections 5.1 and 5.2), so the session is correlated by the `a=path` session ids alone. The
 * intercepted messages (ids, sizes, hashes, chunks, content) must be the same.
 */
import { describe, expect, it } from 'vitest';
import { ethernetLink, ipv4Addr, msrpFrame, sdpBody, sipMessage, TcpConversation, udpDatagram } from '../../../samples/gen/lib/index.js';
import { LinkType } from '../../../src/core/link-type.js';
import { parseTasksFile } from '../../../src/correlate/tasks-file.js';
import { InterceptPipeline } from '../../../src/pipeline/intercept-pipeline.js';
import type { LiRecord } from '../../../src/records/li-record.js';
import { DeflateSender, wsFrame, wsMessage } from '../../helpers/websocket-frames.js';

const TARGET = 'sip:alice@ims.example.net';
const T0 = 1_790_000_000;
const A = '10.1.0.1';
const RELAY = '10.2.0.1';

class Feed {
  private frameNo = 0;
  private readonly link = ethernetLink();
  /** @param msPerFrame capture time between frames: 1 s by default, 1 ms for long transfers (inside every timeout). */
  constructor(
    readonly p: InterceptPipeline,
    private readonly msPerFrame = 1000,
  ) {}
  put(ip: Uint8Array): void {
    const data = this.link.wrap(ip);
    this.frameNo++;
    const ms = this.frameNo * this.msPerFrame;
    this.p.frame({ frameNo: this.frameNo, tsSec: T0 + Math.floor(ms / 1000), tsNsec: (ms % 1000) * 1e6, linkType: LinkType.ETHERNET, capLen: data.length, origLen: data.length, data, interfaceId: 0, source: 0 });
  }
}

interface WsOptions {
  /** Frames per MSRP message, with a ping after the first (RFC 6455 5.4: control frames may be injected). */
  parts?: number;
  deflate?: 'none' | 'takeover' | 'no_takeover';
  /** WebSocket subprotocol in the 101 answer. */
  protocol?: string;
}

interface Chunk {
  mid: string;
  tid: string;
  range: string;
  body: string;
  flag: '$' | '+';
}

const chunks: Chunk[] = [
  { mid: 'm1', tid: 'tx1', range: '1-11/11', body: 'hello world', flag: '$' as const },
  { mid: 'm2', tid: 'tx2', range: '1-20/40', body: 'hello hello hello he', flag: '+' as const },
  { mid: 'm2', tid: 'tx3', range: '21-40/40', body: 'llo hello hello hell', flag: '$' as const },
  { mid: 'm3', tid: 'tx4', range: '1-11/11', body: 'hello world', flag: '$' as const },
];

/** The chat: SIP over UDP, then MSRP either over plain TCP or inside WebSocket messages. */
async function chat(ws: WsOptions | null, list: readonly Chunk[] = chunks): Promise<{ records: LiRecord[]; p: InterceptPipeline }> {
  const records: LiRecord[] = [];
  const tasks = parseTasksFile({ tasks: [{ xid: '0b8e6e0c-1111-4222-8333-444455556677', liid: 'LIID-WS', targetIdentifiers: [{ sipUri: TARGET }], deliveryType: 'X2andX3' }] }, 'tasks.json');
  const p = new InterceptPipeline({ tasks, onRecord: (r) => records.push(r) });
  const f = new Feed(p, list === chunks ? 1000 : 1);
  const a = ipv4Addr(A);
  const r = ipv4Addr(RELAY);
  // RFC 7977 5.2: the WebSocket client cannot listen: its URI has an .invalid host and "ws".
  const clientPath = ws !== null ? 'msrp://df7jal23ls0d.invalid:2855/sa;ws' : `msrp://${A}:30000/sa;tcp`;
  const relayPath = ws !== null ? `msrp://${RELAY}:8080/sb;ws` : `msrp://${RELAY}:2855/sb;tcp`;
  const proto = ws !== null ? 'TCP/WS/MSRP' : 'TCP/MSRP';
  const sdp = (host: string, path: string): string => sdpBody(['v=0', `o=- 1 1 IN IP4 ${host}`, 's=-', `c=IN IP4 ${host}`, 't=0 0', `m=message 9 ${proto} *`, 'a=accept-types:text/plain', `a=path:${path}`]);
  const sip = (start: string, cseq: string, body = ''): Uint8Array =>
    sipMessage(
      start,
      [
        ['Via', `SIP/2.0/UDP ${A}:5060;branch=z9hG4bKws1`],
        ['From', `<${TARGET}>;tag=f1`],
        ['To', `<sip:bob@ims.example.net>${start.startsWith('SIP/2.0') ? ';tag=t1' : ''}`],
        ['Call-ID', 'ws-1@ims.example.net'],
        ['CSeq', cseq],
        ['Content-Type', 'application/sdp'],
        ['Content-Length', String(Buffer.byteLength(body))],
      ],
      body,
    );
  f.put(udpDatagram({ src: a, dst: r, srcPort: 5060, dstPort: 5060, payload: sip('INVITE sip:bob@ims.example.net SIP/2.0', '1 INVITE', sdp(A, clientPath)) }).ip);
  f.put(udpDatagram({ src: r, dst: a, srcPort: 5060, dstPort: 5060, payload: sip('SIP/2.0 200 OK', '1 INVITE', sdp(RELAY, relayPath)) }).ip);
  f.put(udpDatagram({ src: a, dst: r, srcPort: 5060, dstPort: 5060, payload: sip('ACK sip:bob@ims.example.net SIP/2.0', '1 ACK') }).ip);
  const conn = new TcpConversation({ client: { addr: a, port: 30000, isn: 1000 }, server: { addr: r, port: ws !== null ? 8080 : 2855, isn: 9000 } });
  for (const s of conn.handshake()) f.put(s.ip);
  const clientTx = ws !== null && ws.deflate !== undefined && ws.deflate !== 'none' ? new DeflateSender(ws.deflate === 'takeover') : null;
  const serverTx = ws !== null && ws.deflate !== undefined && ws.deflate !== 'none' ? new DeflateSender(ws.deflate === 'takeover') : null;
  if (ws !== null) {
    const ext = ws.deflate === 'takeover' ? 'permessage-deflate' : ws.deflate === 'no_takeover' ? 'permessage-deflate; client_no_context_takeover; server_no_context_takeover' : null;
    const req = [
      'GET /msrp HTTP/1.1',
      `Host: ${RELAY}:8080`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Protocol: msrp',
      ...(ext !== null ? ['Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits'] : []),
    ];
    const resp = [
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
      `Sec-WebSocket-Protocol: ${ws.protocol ?? 'msrp'}`,
      ...(ext !== null ? [`Sec-WebSocket-Extensions: ${ext}`] : []),
    ];
    for (const s of conn.send('c2s', `${req.join('\r\n')}\r\n\r\n`)) f.put(s.ip);
    for (const s of conn.send('s2c', `${resp.join('\r\n')}\r\n\r\n`)) f.put(s.ip);
  } else {
    // Two unrelated packets in place of the handshake: frame numbers and times stay aligned.
    for (let i = 0; i < 2; i++) f.put(udpDatagram({ src: a, dst: r, srcPort: 40000, dstPort: 53, payload: new Uint8Array(20) }).ip);
  }
  let k = 0;
  /** One MSRP frame as the direction's transport carries it. */
  const carry = async (dir: 'c2s' | 's2c', frame: Uint8Array): Promise<void> => {
    let bytes = frame;
    if (ws !== null) {
      const tx = dir === 'c2s' ? clientTx : serverTx;
      const payload = tx !== null ? await tx.compress(frame) : frame;
      const mask = dir === 'c2s' ? new Uint8Array([0x37, 0xfa, 0x21 + k, 0x3d]) : null;
      k++;
      bytes = Buffer.concat(wsMessage(payload, { opcode: 1, parts: ws.parts ?? 1, mask, rsv1: tx !== null, pingAfter: (ws.parts ?? 1) > 1 ? 0 : -1 }));
    }
    for (const s of conn.send(dir, bytes)) f.put(s.ip);
  };
  for (const c of list) {
    await carry(
      'c2s',
      msrpFrame({
        transactionId: c.tid,
        startLine: 'SEND',
        headers: [
          ['To-Path', relayPath],
          ['From-Path', clientPath],
          ['Message-ID', c.mid],
          ['Byte-Range', c.range],
          ['Content-Type', 'text/plain'],
        ],
        body: c.body,
        flag: c.flag,
      }),
    );
    await carry(
      's2c',
      msrpFrame({
        transactionId: c.tid,
        startLine: '200 OK',
        headers: [
          ['To-Path', clientPath],
          ['From-Path', relayPath],
        ],
      }),
    );
  }
  if (ws !== null) {
    // RFC 6455 5.5.1: the client closes (masked Close with status 1000), the server answers.
    for (const s of conn.send('c2s', wsFrame({ opcode: 8, payload: new Uint8Array([0x03, 0xe8]), mask: new Uint8Array([1, 2, 3, 4]) }))) f.put(s.ip);
    for (const s of conn.send('s2c', wsFrame({ opcode: 8, payload: new Uint8Array([0x03, 0xe8]) }))) f.put(s.ip);
  }
  for (const s of conn.close()) f.put(s.ip);
  p.finish();
  return { records, p };
}

/** What the interception of the chat says, independent of transport: messages (ids, sizes, hashes, chunks) and delivered content. */
function intercepted(records: LiRecord[], p: InterceptPipeline): unknown {
  const audit = p.audit();
  const messages = audit.sessions.flatMap((s) => s.messages.map((m) => JSON.parse(JSON.stringify(m, (_k, v: unknown) => (typeof v === 'string' ? v.replace(/msrp:\/\/[^ ,\]"]*/g, 'URI') : v)))));
  const rcs = records
    .filter((r) => r.kind === 'iri' && r.event.kind === 'rCSMessage')
    .map((r) => JSON.stringify((r as { event: unknown }).event, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : typeof v === 'string' ? v.replace(/msrp:\/\/[^ ,\]"]*/g, 'URI') : v)));
  const cc = records.filter((r) => r.kind === 'cc').length;
  return { sessions: audit.sessions.length, messages, rcs, cc };
}

describe('MSRP over WebSocket (RFC 7977) is intercepted like the same chat over TCP', async () => {
  const plain = await chat(null);
  const base = intercepted(plain.records, plain.p);

  it('the plain TCP chat is intercepted (baseline)', () => {
    const b = base as { sessions: number; messages: { messageId: string }[]; cc: number };
    expect(b.sessions).toBe(1);
    expect(b.messages.map((m) => m.messageId)).toEqual(['m1', 'm2', 'm3']);
    expect(b.cc).toBeGreaterThan(0);
  });

  it('the audit says the MSRP went over WebSocket (the plain chat lists no transports)', async () => {
    const { p } = await chat({ parts: 2 });
    expect(p.audit().sessions.map((s) => s.transports)).toEqual([['sip/udp', 'msrp/ws']]);
    expect(plain.p.audit().sessions.map((s) => s.transports)).toEqual([undefined]);
  });

  const cases: [string, WsOptions][] = [
    ['one frame per message', {}],
    ['fragmented, a ping between fragments', { parts: 3 }],
    ['permessage-deflate with context takeover', { deflate: 'takeover' }],
    ['permessage-deflate without context takeover, fragmented', { deflate: 'no_takeover', parts: 2 }],
  ];
  for (const [name, o] of cases) {
    it(`${name}: same messages, records and audit, no anomaly`, async () => {
      const { records, p } = await chat(o);
      expect(intercepted(records, p)).toEqual(base);
      expect(p.anomalies.toJSON()).toEqual(plain.p.anomalies.toJSON());
    });
  }
});

describe('MSRP over WebSocket streams uncompressed payloads (nothing held per WebSocket message)', () => {
  it('a 5 MiB chunk (above the old 4 MiB per-message cap), fragmented, is intercepted as over TCP', async () => {
    const n = 5 << 20;
    const big: Chunk[] = [{ mid: 'big', tid: 'txb', range: `1-${n}/${n}`, body: 'hello world '.repeat(Math.ceil(n / 12)).slice(0, n), flag: '$' }];
    const plain = await chat(null, big);
    const base = intercepted(plain.records, plain.p) as { messages: { messageId: string; size: number }[] };
    expect(base.messages.map((m) => [m.messageId, m.size])).toEqual([['big', n]]);
    const { records, p } = await chat({ parts: 3 }, big);
    expect(intercepted(records, p)).toEqual(base);
    expect(p.anomalies.toJSON()).toEqual(plain.p.anomalies.toJSON());
  });
});
