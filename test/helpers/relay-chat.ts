/**
 * One chat through a real MSRP relay (Kamailio, test/helpers/kamailio-relay.ts), the same on
 * every transport so msrptap's audits of the runs can be compared: Alice (the target) ↔ Bob
 * through the relay and the SIP proxy, and Carol ↔ Dave (not a target) through the same relay
 * with SIP directly between them over UDP. Captured with tcpdump on lo from before the first
 * connection (the TLS and WebSocket handshakes are in the capture).
 *
 * Transports of the callers' legs (Bob and Dave are reached by the relay):
 * - `tcp`: SIP over UDP to the proxy, then TCP to Bob; MSRP over TCP (RFC 4975, 4976).
 * - `ws`: SIP (RFC 7118) and MSRP (RFC 7977) over two WebSocket connections, `sip` and `msrp`
 *   subprotocols; the callers' MSRP URIs have an `.invalid` host and the `ws` transport, SDP
 *   `TCP/WS/MSRP`; the relay reaches Bob and Dave over TCP.
 * - `tls`: SIP over TLS to the proxy and from it to Bob; MSRP over TLS (`msrps`, SDP
 *   `TCP/TLS/MSRP`) on both legs. Every TLS connection has a node:tls end, which logs its
 *   session keys (the `keylog` event) into one NSS key log file.
 */
import { readFileSync } from 'node:fs';
import { connect as netConnect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import WebSocket, { createWebSocketStream } from 'ws';
import { msrpFrame, sdpBody, sipMessage } from '../../samples/gen/lib/index.js';
import { type RelayPorts, sleep, startTcpdump } from './kamailio-relay.js';
import { MsrpPeer } from './msrp-peer.js';
import { connectTls, headerLines, type KeyLogging, type SipAgent, type SipServer, sipServer, tlsServer, tlsSipAgent, udpSipAgent, waitSip, wsSipAgent } from './sip-agents.js';

export type ChatTransport = 'tcp' | 'ws' | 'tls';

/** What the target session carried, for the checks. */
export const CHAT = {
  aliceSid: 'alice-sid-1234',
  bobSid: 'bob-sid-4711',
  bulk: Buffer.from(Array.from({ length: 12_000 }, (_, i) => String.fromCharCode(0x41 + ((i * 7) % 26))).join(''), 'latin1'),
  bulkChunk: 4000,
  fromBobText: 'Hi Alice, relayed back to you',
  fromBob: cpimText('sip:bob@ims.example.net', 'sip:alice@ims.example.net', 'Hi Alice, relayed back to you', 'imdn-bob-1'),
  secret: 'CAROL-TO-DAVE-NOT-A-TARGET-7f3a',
  /** Strings of the other session that must be in no output. */
  notTarget: ['CAROL-TO-DAVE-NOT-A-TARGET-7f3a', 'carol-sid-5678', 'dave-sid-0815', 'call-cd@relay.test', 'sip:carol@', 'sip:dave@'],
  tasks: { tasks: [{ xid: '0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f', liid: 'LIID-RELAY', targetIdentifiers: [{ sipUri: 'sip:alice@ims.example.net' }], deliveryType: 'X2andX3' }] },
} as const;

export function cpimText(from: string, to: string, text: string, imdnId: string): Buffer {
  const inner = Buffer.from(text, 'utf8');
  return Buffer.from(
    `From: <${from}>\r\nTo: <${to}>\r\nDateTime: 2026-11-28T12:00:00Z\r\nNS: imdn <urn:ietf:params:imdn>\r\nimdn.Message-ID: ${imdnId}\r\n\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: ${inner.length}\r\n\r\n${text}`,
    'utf8',
  );
}

interface Party {
  name: string;
  aor: string;
  sip: SipAgent;
  /** Reached over TCP or TLS when a proxy sits between the agents. */
  server?: SipServer;
}

interface SdpSide {
  port: number;
  path: string;
  proto: string;
}

/**
 * INVITE / 200 / ACK between `a` (caller, behind the MSRP relay) and `b`, with the a=path of
 * each; BYE / 200 by the returned function. With `proxy` `a`'s requests go through that SIP
 * proxy, which reaches `b` at `b.server`; `b` answers what it receives on that connection (the
 * proxy's Via and Record-Route copied, RFC 3261 section 8.2.6.2). Without, the two agents talk
 * directly over UDP.
 */
async function invite(callId: string, a: Party, b: Party, aSdp: SdpSide, bSdp: SdpSide, proxy?: number): Promise<() => Promise<void>> {
  const common = (cseq: string): [string, string][] => [
    ['Via', `${a.sip.via};branch=z9hG4bK-${callId.replace(/\W/g, '')}-${cseq.replace(/\W/g, '')}`],
    ['From', `<${a.aor}>;tag=fa`],
    ['To', `<${b.aor}>`],
    ['Call-ID', callId],
    ['CSeq', cseq],
  ];
  const sdp = (s: SdpSide, setup: string): string =>
    sdpBody(['v=0', `o=- 1 1 IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=message ${s.port} ${s.proto} *`, 'a=accept-types:message/cpim text/plain', `a=path:${s.path}`, `a=setup:${setup}`]);
  const toTagged = (h: [string, string][]): [string, string][] => h.map(([n, v]) => (n === 'To' ? [n, `${v};tag=tb`] : [n, v]));
  const aContact: [string, string] = ['Contact', `<${a.sip.contact}>`];
  const sdpType: [string, string] = ['Content-Type', 'application/sdp'];
  if (proxy === undefined) {
    const bPort = Number(/:(\d+)$/.exec(b.sip.contact)![1]);
    const aPort = Number(/:(\d+)$/.exec(a.sip.contact)![1]);
    await a.sip.send(sipMessage(`INVITE ${b.aor} SIP/2.0`, [...common('1 INVITE'), aContact, sdpType], sdp(aSdp, 'active')), bPort);
    await b.sip.send(sipMessage('SIP/2.0 200 OK', [...toTagged(common('1 INVITE')), ['Contact', `<${b.sip.contact}>`], sdpType], sdp(bSdp, 'passive')), aPort);
    await a.sip.send(sipMessage(`ACK ${b.aor} SIP/2.0`, toTagged(common('1 ACK'))), bPort);
    return async () => {
      await a.sip.send(sipMessage(`BYE ${b.aor} SIP/2.0`, toTagged(common('2 BYE'))), bPort);
      await b.sip.send(sipMessage('SIP/2.0 200 OK', toTagged(common('2 BYE'))), aPort);
    };
  }
  const srv = b.server!;
  const bContact = `sip:${b.name}@127.0.0.1:${srv.port};transport=${srv.transport}`;
  const received = async (method: string): Promise<{ text: string; conn: Duplex }> => {
    for (let i = 0; i < 500; i++) {
      const k = srv.inbox.findIndex((m) => m.text.startsWith(`${method} `));
      if (k >= 0) return srv.inbox.splice(k, 1)[0]!;
      await sleep(10);
    }
    throw new Error(`timed out waiting for ${method} at ${b.name} (${srv.transport})`);
  };
  /** `b` answers a request the proxy forwarded: its Vias and Record-Routes, in order. */
  const answer = async (method: string, body?: string): Promise<void> => {
    const req = await received(method);
    const copied = [...headerLines(req.text, 'Via'), ...headerLines(req.text, 'Record-Route')].map((l): [string, string] => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]);
    const rest = toTagged(common(method === 'INVITE' ? '1 INVITE' : '2 BYE')).filter(([n]) => n !== 'Via');
    const extra: [string, string][] = body !== undefined ? [['Contact', `<${bContact}>`], sdpType] : [];
    req.conn.write(sipMessage('SIP/2.0 200 OK', [...copied, ...rest, ...extra], body ?? ''));
    await waitSip(a.sip, (t) => t.startsWith('SIP/2.0 200') && t.includes(callId), `the 200 to ${method} at ${a.name}`);
  };
  const maxFwd: [string, string] = ['Max-Forwards', '70'];
  // Request-URI = the callee's address and transport: the stateless proxy forwards by it.
  await a.sip.send(sipMessage(`INVITE ${bContact} SIP/2.0`, [...common('1 INVITE'), maxFwd, aContact, sdpType], sdp(aSdp, 'active')), proxy);
  await answer('INVITE', sdp(bSdp, 'passive'));
  await a.sip.send(sipMessage(`ACK ${bContact} SIP/2.0`, [...toTagged(common('1 ACK')), maxFwd]), proxy);
  await received('ACK');
  return async () => {
    await a.sip.send(sipMessage(`BYE ${bContact} SIP/2.0`, [...toTagged(common('2 BYE')), maxFwd]), proxy);
    await answer('BYE');
  };
}

/** AUTH to the relay at `relayUri` (RFC 4976 section 5): resolves with the Use-Path it returned. */
async function auth(peer: MsrpPeer, relayUri: string, tid: string): Promise<string> {
  peer.send(
    msrpFrame({
      transactionId: tid,
      startLine: 'AUTH',
      headers: [
        ['To-Path', relayUri],
        ['From-Path', peer.uri],
      ],
    }),
  );
  const r = await peer.waitFrame((f) => f.head.transactionId === tid, 5000, 'the 200 to AUTH');
  const usePath = peer.headerOf(r, 'Use-Path');
  if (r.head.statusCode !== 200 || usePath === undefined || !/^msrps?:\/\/127\.0\.0\.1:\d+\/\S+;tcp$/.test(usePath)) throw new Error(`AUTH: ${r.head.statusCode} Use-Path ${usePath}`);
  return usePath;
}

/**
 * Sends `body` in chunks of `size` bytes (Byte-Range, + then $), each after the previous one's
 * first 200; `extra` headers on every chunk (RFC 4975 section 7.1.1: report headers repeat).
 */
async function sendChunked(peer: MsrpPeer, toPath: string, mid: string, body: Buffer, size: number, contentType: string, extra: [string, string][] = []): Promise<void> {
  for (let at = 0, n = 0; at < body.length; at += size, n++) {
    const end = Math.min(body.length, at + size);
    const tid = `${mid}c${n}`;
    peer.send(
      msrpFrame({
        transactionId: tid,
        startLine: 'SEND',
        headers: [['To-Path', toPath], ['From-Path', peer.uri], ['Message-ID', mid], ['Byte-Range', `${at + 1}-${end}/${body.length}`], ...extra, ['Content-Type', contentType]],
        body: body.subarray(at, end),
        flag: end === body.length ? '$' : '+',
      }),
    );
    await peer.waitFrame((f) => f.head.transactionId === tid && f.head.statusCode === 200, 5000, `the 200 to ${tid}`);
  }
}

/** What the checks need to know of one run. */
export interface ChatRun {
  readonly pcap: string;
  /** The port the callers' MSRP connections went to. */
  readonly relayMsrpPort: number;
  readonly bobMsrpPort: number;
  readonly daveMsrpPort: number;
  readonly bobSipPort: number;
}

/** A caller's MSRP connection to the relay, with its URI (RFC 7977 section 5.1 over WebSocket). */
async function callerMsrp(t: ChatTransport, relay: RelayPorts, name: string, sid: string, k: KeyLogging): Promise<{ peer: MsrpPeer; relayUri: string }> {
  if (t === 'ws') {
    const ws = new WebSocket(`ws://127.0.0.1:${relay.ws}/`, 'msrp');
    await new Promise<void>((res, rej) => {
      ws.once('open', res);
      ws.once('error', rej);
    });
    if (ws.protocol !== 'msrp') throw new Error(`the relay chose subprotocol "${ws.protocol}"`);
    // Each write is one WebSocket message: one MSRP chunk per message (RFC 7977 section 5.2).
    return { peer: new MsrpPeer(createWebSocketStream(ws), `msrp://${name}-ws7977.invalid:2855/${sid};ws`), relayUri: `msrp://127.0.0.1:${relay.ws};ws` };
  }
  if (t === 'tls') {
    const s = await connectTls(relay.msrpTls!, k);
    return { peer: new MsrpPeer(s, `msrps://127.0.0.1:${(s.address() as AddressInfo).port}/${sid};tcp`), relayUri: `msrps://127.0.0.1:${relay.msrpTls};tcp` };
  }
  const s = netConnect({ host: '127.0.0.1', port: relay.msrp });
  await new Promise<void>((res, rej) => {
    s.once('connect', res);
    s.once('error', rej);
  });
  return { peer: new MsrpPeer(s, `msrp://127.0.0.1:${(s.address() as AddressInfo).port}/${sid};tcp`), relayUri: `msrp://127.0.0.1:${relay.msrp};tcp` };
}

const uriPort = (uri: string): number => Number(/:(\d+)\//.exec(uri)![1]);

/**
 * Runs the chat on `t` through the relay at `relay`, captured into `pcap` in `dir`. `tls` (for
 * `tls` runs): the certificate of the callees' TLS servers and the key log file.
 */
export async function runRelayChat(t: ChatTransport, relay: RelayPorts, dir: string, name: string, tls?: { cert: string; key: string; keylog: string }): Promise<ChatRun> {
  const pcap = join(dir, `${name}.pcap`);
  const k: KeyLogging = { keylog: tls?.keylog ?? join(dir, 'unused.keys') };
  const tlsFiles = tls !== undefined ? { keylog: tls.keylog, cert: readFileSync(tls.cert), key: readFileSync(tls.key) } : undefined;
  const msrpScheme = t === 'tls' ? 'msrps' : 'msrp';
  const proto = { tcp: 'TCP/MSRP', ws: 'TCP/WS/MSRP', tls: 'TCP/TLS/MSRP' }[t];
  const calleeProto = t === 'tls' ? 'TCP/TLS/MSRP' : 'TCP/MSRP';
  const listenMsrp = (sid: string): ReturnType<typeof MsrpPeer.listen> => MsrpPeer.listen((p) => `${msrpScheme}://127.0.0.1:${p}/${sid};tcp`, t === 'tls' ? (on) => tlsServer(on, tlsFiles!) : createServer);
  const bobSide = await listenMsrp(CHAT.bobSid);
  const daveSide = await listenMsrp('dave-sid-0815');
  const bobServer = await sipServer(t === 'tls' ? 'tls' : 'tcp', tlsFiles);
  const carol: Party = { name: 'carol', aor: 'sip:carol@ims.example.net', sip: await udpSipAgent('carol') };
  const dave: Party = { name: 'dave', aor: 'sip:dave@ims.example.net', sip: await udpSipAgent('dave') };
  const udpPorts = [carol, dave].map((x) => `udp port ${uriPort(`${x.sip.contact}/`)}`);
  const relayPorts = [relay.msrp, relay.sip, relay.ws, relay.msrpTls, relay.sipTls].filter((p) => p !== undefined).map((p) => `port ${p}`);
  // Alice's own UDP socket (tcp runs) exists before the capture starts, so it can be filtered on.
  const aliceUdp = t === 'tcp' ? await udpSipAgent('alice') : undefined;
  if (aliceUdp !== undefined) udpPorts.push(`udp port ${uriPort(`${aliceUdp.contact}/`)}`);
  const stopCapture = await startTcpdump(pcap, [...relayPorts, `tcp port ${bobSide.port}`, `tcp port ${daveSide.port}`, `tcp port ${bobServer.port}`, ...udpPorts].join(' or '));
  try {
    // Connections from here on: their handshakes are captured.
    const aliceSip = aliceUdp ?? (t === 'ws' ? await wsSipAgent('alice', relay.ws!) : await tlsSipAgent('alice', relay.sipTls!, k));
    const proxyPort = t === 'tls' ? relay.sipTls! : t === 'ws' ? relay.ws! : relay.sip;
    const alice: Party = { name: 'alice', aor: 'sip:alice@ims.example.net', sip: aliceSip };
    const bob: Party = { name: 'bob', aor: 'sip:bob@ims.example.net', sip: await udpSipAgent('bob'), server: bobServer };

    // Alice (target) → relay → Bob.
    const { peer: a, relayUri } = await callerMsrp(t, relay, 'alice', CHAT.aliceSid, k);
    const relayForAlice = await auth(a, relayUri, 'auth-a');
    const bobUri = `${msrpScheme}://127.0.0.1:${bobSide.port}/${CHAT.bobSid};tcp`;
    const byeAB = await invite('call-ab@relay.test', alice, bob, { port: uriPort(a.uri), path: `${relayForAlice} ${a.uri}`, proto }, { port: bobSide.port, path: bobUri, proto: calleeProto }, proxyPort);
    await sendChunked(a, `${relayForAlice} ${bobUri}`, 'msg-bulk-1', CHAT.bulk, CHAT.bulkChunk, 'text/plain', [['Success-Report', 'yes']]);
    await sleep(200);
    if (bobSide.peers.length !== 1) throw new Error(`${bobSide.peers.length} relay connections to Bob`);
    const b = bobSide.peers[0]!;
    await b.waitFrame((f) => f.head.method === 'SEND' && f.flag === '$', 5000, 'the last chunk at Bob');
    // Success-Report: yes → Bob's REPORT for the whole message, back through the relay (RFC 4975
    // section 7.1.2; its copies on the two legs count once in the audit).
    const n = CHAT.bulk.length;
    b.send(
      msrpFrame({
        transactionId: 'rep-1',
        startLine: 'REPORT',
        headers: [
          ['To-Path', `${relayForAlice} ${a.uri}`],
          ['From-Path', b.uri],
          ['Message-ID', 'msg-bulk-1'],
          ['Byte-Range', `1-${n}/${n}`],
          ['Status', '000 200 OK'],
        ],
      }),
    );
    await a.waitFrame((f) => f.head.method === 'REPORT', 5000, "Bob's REPORT at Alice");
    // Bob answers through the relay on the connection the relay opened (RFC 4976: to the first hop).
    const m = CHAT.fromBob.length;
    b.send(
      msrpFrame({
        transactionId: 'bob-1',
        startLine: 'SEND',
        headers: [
          ['To-Path', `${relayForAlice} ${a.uri}`],
          ['From-Path', b.uri],
          ['Message-ID', 'msg-bob-1'],
          ['Byte-Range', `1-${m}/${m}`],
          ['Content-Type', 'message/cpim'],
        ],
        body: CHAT.fromBob,
      }),
    );
    await a.waitFrame((f) => f.head.method === 'SEND' && f.body.equals(CHAT.fromBob), 5000, "Bob's message at Alice");

    // Carol (not a target) → the same relay → Dave; their SIP directly over UDP.
    const { peer: c, relayUri: relayUriC } = await callerMsrp(t, relay, 'carol', 'carol-sid-5678', k);
    const relayForCarol = await auth(c, relayUriC, 'auth-c');
    const daveUri = `${msrpScheme}://127.0.0.1:${daveSide.port}/dave-sid-0815;tcp`;
    const byeCD = await invite('call-cd@relay.test', carol, dave, { port: uriPort(c.uri), path: `${relayForCarol} ${c.uri}`, proto }, { port: daveSide.port, path: daveUri, proto: calleeProto });
    const carolBody = cpimText('sip:carol@ims.example.net', 'sip:dave@ims.example.net', CHAT.secret, 'imdn-carol-1');
    await sendChunked(c, `${relayForCarol} ${daveUri}`, 'msg-carol-1', carolBody, 10_000, 'message/cpim');
    await sleep(200);
    await daveSide.peers[0]!.waitFrame((f) => f.head.method === 'SEND', 5000, "Carol's message at Dave");

    await byeAB();
    await byeCD();
    await sleep(200);
    for (const p of [a, b, c, ...daveSide.peers]) await p.close();
    for (const s of [bobSide.server, daveSide.server, bobServer.server]) s.close();
    for (const x of bobServer.inbox) x.conn.destroy();
    for (const x of [alice, bob, carol, dave]) x.sip.close();
    await sleep(500);
  } finally {
    await stopCapture();
  }
  return { pcap, relayMsrpPort: t === 'tls' ? relay.msrpTls! : t === 'ws' ? relay.ws! : relay.msrp, bobMsrpPort: bobSide.port, daveMsrpPort: daveSide.port, bobSipPort: bobServer.port };
}
