/**
 * Against a real MSRP relay (RFC 4976): Kamailio's msrp module on 127.0.0.1, captured with
 * tcpdump on lo, then `msrptap run` on the capture. The relay is an independent implementation:
 * it chooses its own session ids (Use-Path), rewrites To-Path/From-Path on the second leg,
 * opens its own connection to the callee, answers 200 itself and forwards the callee's 200
 * (or forwards the callee's). The endpoints are test code (test/helpers/msrp-peer.ts: there is no
 * MSRP client in Debian nor on npm). The target call's SIP goes through the same Kamailio as a
 * stateless proxy (its own Via, Record-Route), so the capture holds every SIP message twice, once
 * per hop; the other call's SIP goes directly between the agents. SIP is UDP on lo.
 *
 * Two sessions share the relay: Alice (the target) ↔ Bob, and Carol ↔ Dave (not a target).
 * Checked: the target session's audit (both legs, each message once, hashes of what was sent),
 * its X3 PDUs (every chunk on both legs), and that no byte of the other session is in any output.
 *
 * Needs kamailio (Debian package `kamailio`: .ci/run installs it) and tcpdump; root for tcpdump.
 * MSRPTAP_KEEP_TEST_DIR=1 keeps the capture, the relay's config and msrptap's output (the path
 * is in the temp folder, msrptap-kamailio-*).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRecordFile, PayloadFormat, PduType } from '../../src/encode/index.js';
import { msrpFrame, sdpBody, sipMessage } from '../../samples/gen/lib/index.js';
import { MsrpPeer } from '../helpers/msrp-peer.js';
import { runCli } from '../helpers/run-cli.js';

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const canRun = has('kamailio') && has('tcpdump') && process.getuid?.() === 0;

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((res) => srv.close(() => res()));
  return port;
}

/**
 * The relay configuration of ../shared/docs/tooling-notes.md on TCP `port`, plus a stateless
 * SIP proxy on UDP `sipPort` (Record-Route on the INVITE, forward by Request-URI; replies
 * follow the Via headers, RFC 3261 section 16.7).
 */
function relayConfig(port: number, sipPort: number): string {
  return `#!KAMAILIO
debug=2
log_stderror=yes
children=2
auto_aliases=no
tcp_accept_no_cl=yes
tcp_connection_lifetime=120
disable_sctp=yes
listen=tcp:127.0.0.1:${port}
listen=udp:127.0.0.1:${sipPort}
listen=tcp:127.0.0.1:${sipPort}
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "xlog.so"
loadmodule "msrp.so"
loadmodule "htable.so"
modparam("msrp", "cmap_size", 8)
modparam("msrp", "use_path_addr", "127.0.0.1:${port}")
modparam("htable", "htable", "authed=>size=8;autoexpire=3600;")
request_route {
    if ($rm == "INVITE") record_route();
    if ($rm == "INVITE" || $rm == "ACK" || $rm == "BYE") {
        # To the callee over TCP (its URI says ;transport=tcp), from the SIP port, not the MSRP one.
        force_send_socket(tcp:127.0.0.1:${sipPort});
        forward();
        exit;
    }
    sl_send_reply("403", "Not here");
    exit;
}
event_route[msrp:frame-in] {
    msrp_reply_flags("1");
    if (msrp_is_reply()) { msrp_relay(); exit; }
    if ($msrp(method)=="AUTH") {
        if ($msrp(nexthops)>0) { msrp_relay(); exit; }
        $sht(authed=>$msrp(srcaddr)) = 1;
        msrp_cmap_save();
        exit;
    }
    if ($msrp(method)=="SEND" || $msrp(method)=="REPORT") {
        if ($msrp(nexthops)<1) { msrp_reply("481", "Session-does-not-exist"); exit; }
        if ($msrp(method)!="REPORT") { msrp_reply("200", "OK"); }
        if ($sht(authed=>$msrp(srcaddr)) == $null && msrp_cmap_lookup()) { msrp_relay_flags("1"); }
        msrp_relay();
        exit;
    }
    msrp_reply("501", "Request-method-not-understood");
}
`;
}

interface UdpAgent {
  sock: UdpSocket;
  port: number;
  /** Datagrams received, as text, with their source port. */
  inbox: { text: string; from: number }[];
}

/** One SIP user agent: a UDP socket on lo. */
async function udpAgent(): Promise<UdpAgent> {
  const sock = createSocket('udp4');
  const inbox: UdpAgent['inbox'] = [];
  sock.on('message', (m, rinfo) => inbox.push({ text: m.toString('utf8'), from: rinfo.port }));
  await new Promise<void>((res) => sock.bind(0, '127.0.0.1', () => res()));
  return { sock, port: sock.address().port, inbox };
}

async function waitDatagram(a: UdpAgent, pred: (text: string) => boolean, what: string): Promise<{ text: string; from: number }> {
  for (let i = 0; i < 500; i++) {
    const d = a.inbox.find((x) => pred(x.text));
    if (d !== undefined) {
      a.inbox.splice(a.inbox.indexOf(d), 1);
      return d;
    }
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A SIP user agent's TCP side (RFC 3261 section 18.3): messages framed by Content-Length, each
 * answered on the connection it came on.
 */
interface TcpSipAgent {
  server: Server;
  port: number;
  inbox: { text: string; conn: Socket }[];
}

async function tcpSipAgent(): Promise<TcpSipAgent> {
  const inbox: TcpSipAgent['inbox'] = [];
  const server = createServer((conn) => {
    let buf = '';
    conn.on('data', (b: Buffer) => {
      buf += b.toString('latin1');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const len = Number(/^(?:content-length|l)[ \t]*:[ \t]*(\d+)/im.exec(buf.slice(0, end))?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        inbox.push({ text: buf.slice(0, end + 4 + len), conn });
        buf = buf.slice(end + 4 + len);
      }
    });
    conn.on('error', () => undefined);
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  return { server, port: (server.address() as AddressInfo).port, inbox };
}

/** Header lines of a SIP message named `name` (long form only: Kamailio writes those), in order. */
function headerLines(text: string, name: string): string[] {
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  return head.split('\r\n').filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
}

function sendUdp(from: UdpSocket, toPort: number, bytes: Uint8Array): Promise<void> {
  return new Promise((res, rej) => from.send(bytes, toPort, '127.0.0.1', (e) => (e ? rej(e) : res())));
}

interface Party {
  name: string;
  aor: string;
  sip: UdpAgent;
  /** Reached over TCP when a proxy sits between the agents. */
  tcp?: TcpSipAgent;
}

/**
 * INVITE / 200 / ACK between `a` (caller, behind the MSRP relay) and `b`, with the a=path of
 * each; BYE / 200 by the returned function. With `proxy` (a UDP port) `a`'s requests go through
 * that SIP proxy, which reaches `b` over TCP (`b.tcp`); `b` answers what it receives on that
 * connection (the proxy's Via and Record-Route copied, RFC 3261 section 8.2.6.2). Without, the
 * two agents talk directly over UDP.
 */
async function invite(callId: string, a: Party, b: Party, aPath: string, bPath: string, msrpPortA: number, msrpPortB: number, proxy?: number): Promise<() => Promise<void>> {
  const common = (cseq: string): [string, string][] => [
    ['Via', `SIP/2.0/UDP 127.0.0.1:${a.sip.port};branch=z9hG4bK-${callId.replace(/\W/g, '')}-${cseq.replace(/\W/g, '')}`],
    ['From', `<${a.aor}>;tag=fa`],
    ['To', `<${b.aor}>`],
    ['Call-ID', callId],
    ['CSeq', cseq],
  ];
  const sdp = (port: number, path: string, setup: string): string =>
    sdpBody(['v=0', `o=- 1 1 IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=message ${port} TCP/MSRP *`, 'a=accept-types:message/cpim text/plain', `a=path:${path}`, `a=setup:${setup}`]);
  const toTagged = (h: [string, string][]): [string, string][] => h.map(([n, v]) => (n === 'To' ? [n, `${v};tag=tb`] : [n, v]));
  const bContact = `sip:${b.name}@127.0.0.1:${b.sip.port}`;
  const answerSdp = sdp(msrpPortB, bPath, 'passive');
  if (proxy === undefined) {
    await sendUdp(a.sip.sock, b.sip.port, sipMessage(`INVITE ${b.aor} SIP/2.0`, [...common('1 INVITE'), ['Contact', `<sip:${a.name}@127.0.0.1:${a.sip.port}>`], ['Content-Type', 'application/sdp']], sdp(msrpPortA, aPath, 'active')));
    await sendUdp(b.sip.sock, a.sip.port, sipMessage('SIP/2.0 200 OK', [...toTagged(common('1 INVITE')), ['Contact', `<${bContact}>`], ['Content-Type', 'application/sdp']], answerSdp));
    await sendUdp(a.sip.sock, b.sip.port, sipMessage(`ACK ${b.aor} SIP/2.0`, toTagged(common('1 ACK'))));
    return async () => {
      await sendUdp(a.sip.sock, b.sip.port, sipMessage(`BYE ${b.aor} SIP/2.0`, toTagged(common('2 BYE'))));
      await sendUdp(b.sip.sock, a.sip.port, sipMessage('SIP/2.0 200 OK', toTagged(common('2 BYE'))));
    };
  }
  const bTcp = b.tcp!;
  const bTcpContact = `sip:${b.name}@127.0.0.1:${bTcp.port};transport=tcp`;
  const received = async (method: string): Promise<{ text: string; conn: Socket }> => {
    for (let i = 0; i < 500; i++) {
      const k = bTcp.inbox.findIndex((m) => m.text.startsWith(`${method} `));
      if (k >= 0) return bTcp.inbox.splice(k, 1)[0]!;
      await sleep(10);
    }
    throw new Error(`timed out waiting for ${method} at ${b.name} (TCP)`);
  };
  /** `b` answers a request the proxy forwarded: its Vias and Record-Routes, in order. */
  const answer = async (method: string, body?: string): Promise<void> => {
    const req = await received(method);
    const copied = [...headerLines(req.text, 'Via'), ...headerLines(req.text, 'Record-Route')].map((l): [string, string] => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]);
    const rest = toTagged(common(method === 'INVITE' ? '1 INVITE' : '2 BYE')).filter(([n]) => n !== 'Via');
    const extra: [string, string][] =
      body !== undefined
        ? [
            ['Contact', `<${bTcpContact}>`],
            ['Content-Type', 'application/sdp'],
          ]
        : [];
    req.conn.write(sipMessage('SIP/2.0 200 OK', [...copied, ...rest, ...extra], body ?? ''));
    await waitDatagram(a.sip, (t) => t.startsWith('SIP/2.0 200') && t.includes(callId), `the 200 to ${method} at ${a.name}`);
  };
  const maxFwd: [string, string] = ['Max-Forwards', '70'];
  // Request-URI = the callee's TCP address: the stateless proxy forwards by it.
  await sendUdp(a.sip.sock, proxy, sipMessage(`INVITE ${bTcpContact} SIP/2.0`, [...common('1 INVITE'), maxFwd, ['Contact', `<sip:${a.name}@127.0.0.1:${a.sip.port}>`], ['Content-Type', 'application/sdp']], sdp(msrpPortA, aPath, 'active')));
  await answer('INVITE', answerSdp);
  await sendUdp(a.sip.sock, proxy, sipMessage(`ACK ${bTcpContact} SIP/2.0`, [...toTagged(common('1 ACK')), maxFwd]));
  await received('ACK');
  return async () => {
    await sendUdp(a.sip.sock, proxy, sipMessage(`BYE ${bTcpContact} SIP/2.0`, [...toTagged(common('2 BYE')), maxFwd]));
    await answer('BYE');
  };
}

/** AUTH to the relay (RFC 4976 section 5): resolves with the Use-Path it returned. */
async function auth(peer: MsrpPeer, relayPort: number, tid: string): Promise<string> {
  peer.send(
    msrpFrame({
      transactionId: tid,
      startLine: 'AUTH',
      headers: [
        ['To-Path', `msrp://127.0.0.1:${relayPort};tcp`],
        ['From-Path', peer.uri],
      ],
    }),
  );
  const r = await peer.waitFrame((f) => f.head.transactionId === tid, 5000, 'the 200 to AUTH');
  expect(r.head.statusCode).toBe(200);
  const usePath = peer.headerOf(r, 'Use-Path');
  expect(usePath).toMatch(/^msrp:\/\/127\.0\.0\.1:\d+\/\S+;tcp$/);
  return usePath!;
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

function cpimText(from: string, to: string, text: string, imdnId: string): Buffer {
  const inner = Buffer.from(text, 'utf8');
  return Buffer.from(
    `From: <${from}>\r\nTo: <${to}>\r\nDateTime: 2026-11-28T12:00:00Z\r\nNS: imdn <urn:ietf:params:imdn>\r\nimdn.Message-ID: ${imdnId}\r\n\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: ${inner.length}\r\n\r\n${text}`,
    'utf8',
  );
}

describe.skipIf(!canRun)('through a real MSRP relay (Kamailio msrp module)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'msrptap-kamailio-'));
  const pcap = join(dir, 'relay.pcap');
  const out = join(dir, 'out');
  let kamailio: ChildProcess | undefined;
  let tcpdump: ChildProcess | undefined;
  let kamailioLog = '';
  // What the target session carried, for the checks.
  const bulk = Buffer.from(Array.from({ length: 12_000 }, (_, i) => String.fromCharCode(0x41 + ((i * 7) % 26))).join(''), 'latin1');
  const fromBob = cpimText('sip:bob@ims.example.net', 'sip:alice@ims.example.net', 'Hi Alice, relayed back to you', 'imdn-bob-1');
  const secret = 'CAROL-TO-DAVE-NOT-A-TARGET-7f3a';
  const carolBody = cpimText('sip:carol@ims.example.net', 'sip:dave@ims.example.net', secret, 'imdn-carol-1');
  let aliceSid = '';
  let bobSid = '';
  let relayPort = 0;
  let sipProxyPort = 0;
  let bobSipTcpPort = 0;
  let bobPort = 0;

  beforeAll(async () => {
    relayPort = await freePort();
    sipProxyPort = await freePort();
    writeFileSync(join(dir, 'msrp.cfg'), relayConfig(relayPort, sipProxyPort));
    kamailio = spawn('kamailio', ['-f', join(dir, 'msrp.cfg'), '-DD', '-E', '-P', join(dir, 'kamailio.pid'), '-Y', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    kamailio.stderr!.on('data', (b: Buffer) => (kamailioLog += b.toString('utf8')));
    // Ready when it accepts connections (before tcpdump starts: the probe is not captured).
    for (let i = 0; ; i++) {
      const ok = await new Promise<boolean>((res) => {
        const s = connect({ host: '127.0.0.1', port: relayPort }, () => {
          s.destroy();
          res(true);
        });
        s.on('error', () => res(false));
      });
      if (ok) break;
      if (i > 100 || kamailio.exitCode !== null) throw new Error(`kamailio did not start:\n${kamailioLog}`);
      await sleep(100);
    }

    const alice: Party = { name: 'alice', aor: 'sip:alice@ims.example.net', sip: await udpAgent() };
    const bob: Party = { name: 'bob', aor: 'sip:bob@ims.example.net', sip: await udpAgent(), tcp: await tcpSipAgent() };
    bobSipTcpPort = bob.tcp!.port;
    const carol: Party = { name: 'carol', aor: 'sip:carol@ims.example.net', sip: await udpAgent() };
    const dave: Party = { name: 'dave', aor: 'sip:dave@ims.example.net', sip: await udpAgent() };
    const bobSide = await MsrpPeer.listen((p) => `msrp://127.0.0.1:${p}/bob-sid-4711;tcp`);
    const daveSide = await MsrpPeer.listen((p) => `msrp://127.0.0.1:${p}/dave-sid-0815;tcp`);
    bobPort = bobSide.port;
    const ports = [relayPort, bobSide.port, daveSide.port].map((p) => `tcp port ${p}`);
    const sipPorts = [alice, bob, carol, dave].map((x) => `udp port ${x.sip.port}`).concat(`port ${sipProxyPort}`, `tcp port ${bob.tcp!.port}`);
    tcpdump = spawn('tcpdump', ['-i', 'lo', '-U', '-s', '0', '-w', pcap, [...ports, ...sipPorts].join(' or ')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let tdErr = '';
    tcpdump.stderr!.on('data', (b: Buffer) => (tdErr += b.toString('utf8')));
    for (let i = 0; !/listening on/.test(tdErr); i++) {
      if (i > 100 || tcpdump.exitCode !== null) throw new Error(`tcpdump did not start:\n${tdErr}`);
      await sleep(50);
    }

    // Alice (target) → relay → Bob.
    const a = await MsrpPeer.connect(relayPort, (lp) => `msrp://127.0.0.1:${lp}/alice-sid-1234;tcp`);
    aliceSid = 'alice-sid-1234';
    bobSid = 'bob-sid-4711';
    const relayForAlice = await auth(a, relayPort, 'auth-a');
    const byeAB = await invite('call-ab@relay.test', alice, bob, `${relayForAlice} ${a.uri}`, `msrp://127.0.0.1:${bobSide.port}/${bobSid};tcp`, Number(/:(\d+)\//.exec(a.uri)![1]), bobSide.port, sipProxyPort);
    await sendChunked(a, `${relayForAlice} msrp://127.0.0.1:${bobSide.port}/${bobSid};tcp`, 'msg-bulk-1', bulk, 4000, 'text/plain', [['Success-Report', 'yes']]);
    await sleep(200);
    expect(bobSide.peers.length).toBe(1); // the relay's own connection to Bob
    const b = bobSide.peers[0]!;
    await b.waitFrame((f) => f.head.method === 'SEND' && f.flag === '$', 5000, 'the last chunk at Bob');
    // Success-Report: yes → Bob's REPORT for the whole message, back through the relay (RFC 4975
    // section 7.1.2; its copies on the two legs count once in the audit).
    b.send(
      msrpFrame({
        transactionId: 'rep-1',
        startLine: 'REPORT',
        headers: [
          ['To-Path', `${relayForAlice} ${a.uri}`],
          ['From-Path', b.uri],
          ['Message-ID', 'msg-bulk-1'],
          ['Byte-Range', `1-${bulk.length}/${bulk.length}`],
          ['Status', '000 200 OK'],
        ],
      }),
    );
    await a.waitFrame((f) => f.head.method === 'REPORT', 5000, "Bob's REPORT at Alice");
    // Bob answers through the relay on the connection the relay opened (RFC 4976: to the first hop).
    b.send(
      msrpFrame({
        transactionId: 'bob-1',
        startLine: 'SEND',
        headers: [
          ['To-Path', `${relayForAlice} ${a.uri}`],
          ['From-Path', b.uri],
          ['Message-ID', 'msg-bob-1'],
          ['Byte-Range', `1-${fromBob.length}/${fromBob.length}`],
          ['Content-Type', 'message/cpim'],
        ],
        body: fromBob,
      }),
    );
    await a.waitFrame((f) => f.head.method === 'SEND' && f.body.equals(fromBob), 5000, "Bob's message at Alice");

    // Carol (not a target) → the same relay → Dave.
    const c = await MsrpPeer.connect(relayPort, (lp) => `msrp://127.0.0.1:${lp}/carol-sid-5678;tcp`);
    const relayForCarol = await auth(c, relayPort, 'auth-c');
    const byeCD = await invite('call-cd@relay.test', carol, dave, `${relayForCarol} ${c.uri}`, `msrp://127.0.0.1:${daveSide.port}/dave-sid-0815;tcp`, Number(/:(\d+)\//.exec(c.uri)![1]), daveSide.port);
    await sendChunked(c, `${relayForCarol} msrp://127.0.0.1:${daveSide.port}/dave-sid-0815;tcp`, 'msg-carol-1', carolBody, 10_000, 'message/cpim');
    await sleep(200);
    await daveSide.peers[0]!.waitFrame((f) => f.head.method === 'SEND', 5000, "Carol's message at Dave");

    await byeAB();
    await byeCD();
    await sleep(200);
    for (const p of [a, b, c, ...daveSide.peers]) await p.close();
    for (const s of [bobSide.server, daveSide.server, bob.tcp!.server]) s.close();
    for (const m of bob.tcp!.inbox) m.conn.destroy();
    for (const x of [alice, bob, carol, dave]) x.sip.sock.close();
    await sleep(500);
    tcpdump.kill('SIGINT');
    await new Promise((r) => tcpdump!.once('exit', r));
    tcpdump = undefined;

    writeFileSync(join(dir, 'tasks.json'), JSON.stringify({ tasks: [{ xid: '0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f', liid: 'LIID-RELAY', targetIdentifiers: [{ sipUri: 'sip:alice@ims.example.net' }], deliveryType: 'X2andX3' }] }));
  }, 60_000);

  afterAll(async () => {
    tcpdump?.kill('SIGINT');
    if (kamailio !== undefined && kamailio.exitCode === null) {
      kamailio.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      if (kamailio.exitCode === null) kamailio.kill('SIGKILL');
    }
    if (process.env.MSRPTAP_KEEP_TEST_DIR === undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('tshark decodes every MSRP frame of the capture (the relay legs included)', () => {
    const r = spawnSync('tshark', ['-r', pcap, '-Y', 'msrp', '-T', 'fields', '-e', 'msrp.request.line', '-e', 'msrp.response.line', '-e', '_ws.malformed'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l !== '');
    // Each leg: AUTH + 200 (2 clients), 3 bulk chunks + Bob's SEND + Carol's SEND, each answered.
    expect(rows.length).toBeGreaterThanOrEqual(20);
    expect(rows.filter((l) => l.split('\t')[2] !== '')).toEqual([]);
  });

  it('msrptap: one target session, both legs, each message once with the hash of what was sent', () => {
    const r = runCli(['run', '-r', pcap, '--tasks', join(dir, 'tasks.json'), '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const audit = JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')) as { sessions: Record<string, unknown>[]; uncorrelated: unknown[]; anomalies: Record<string, number> };
    // Well-formed traffic from both implementations: nothing to report.
    expect(audit.anomalies).toEqual({});
    expect(audit.uncorrelated).toEqual([]);
    expect(audit.sessions).toHaveLength(1);
    const s = audit.sessions[0] as {
      callId: string;
      liid: string;
      msrpSessionIds: string[];
      connections: string[];
      messages: { messageId: string; direction: string; size: number; sha256: string; innerSha256: string | null; chunks: number; status: string; reportStatuses: string[] }[];
    };
    expect(s.callId).toBe('call-ab@relay.test');
    expect(s.liid).toBe('LIID-RELAY');
    expect(s.msrpSessionIds).toEqual([aliceSid, bobSid]);
    // Alice ↔ relay, and the relay's own connection to Bob.
    expect(s.connections).toHaveLength(2);
    expect(s.connections.some((c) => c.endsWith(`-127.0.0.1:${relayPort}`))).toBe(true);
    expect(s.connections.some((c) => c.endsWith(`-127.0.0.1:${bobPort}`))).toBe(true);
    const bulkMsg = s.messages.find((m) => m.messageId === 'msg-bulk-1')!;
    expect(bulkMsg).toMatchObject({ direction: 'fromTarget', size: bulk.length, sha256: sha256(bulk), chunks: 3, status: 'complete', reportStatuses: ['200'] });
    const bobMsg = s.messages.find((m) => m.messageId === 'msg-bob-1')!;
    expect(bobMsg).toMatchObject({ direction: 'toTarget', size: fromBob.length, sha256: sha256(fromBob), innerSha256: sha256('Hi Alice, relayed back to you'), status: 'complete' });
    expect(s.messages.map((m) => m.messageId).sort()).toEqual(['msg-bob-1', 'msg-bulk-1']);
  });

  it('SIP through the proxy (UDP one side, TCP the other): one dialog; an iMSMessage per SIP message and hop, establishment and release once', () => {
    const r = spawnSync('tshark', ['-r', pcap, '-Y', 'sip.Call-ID == "call-ab@relay.test"', '-T', 'fields', '-e', 'udp.srcport', '-e', 'udp.dstport', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'sip.CSeq'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const hops = r.stdout.split('\n').filter((l) => l !== '');
    // INVITE, 200, ACK, BYE, 200: each on the caller's side of the proxy (UDP) and on the
    // callee's (TCP, written by Kamailio one way and by the callee the other).
    expect(hops).toHaveLength(10);
    const udp = hops.filter((l) => l.split('\t')[0] !== '');
    const tcp = hops.filter((l) => l.split('\t')[2] !== '');
    expect(udp.filter((l) => l.split('\t').includes(String(sipProxyPort)))).toHaveLength(5);
    // Kamailio connects to the callee from a port of its own choosing.
    expect(tcp.filter((l) => l.split('\t').includes(String(bobSipTcpPort)))).toHaveLength(5);
    const pb = readdirSync(out)
      .filter((d) => statSync(join(out, d)).isDirectory())
      .map((d) => join(out, d, 'records.pb'));
    expect(pb).toHaveLength(1);
    const d = decodeRecordFile(readFileSync(pb[0]!));
    if (d.kind !== 'protobuf') throw new Error('not protobuf');
    const bodies = d.items.map((it) => it.record.body as string);
    expect(bodies.filter((b) => b === 'sipMessage')).toHaveLength(10);
    // rCSSessionEstablishment and rCSSessionRelease, once each although the SIP was seen twice.
    expect(bodies.filter((b) => b === 'session')).toHaveLength(2);
    expect(new Set(d.items.map((it) => Buffer.from(it.record.correlationId as Uint8Array).toString('hex'))).size).toBe(1);
  });

  it('X3: every chunk of the target session on both legs; no byte of the other session anywhere', () => {
    const files: string[] = [join(out, 'audit.json')];
    for (const d of readdirSync(out)) if (statSync(join(out, d)).isDirectory()) for (const f of readdirSync(join(out, d))) files.push(join(out, d, f));
    const x2x3 = files.filter((f) => f.endsWith('x2x3.pdu'));
    expect(x2x3).toHaveLength(1);
    const d = decodeRecordFile(readFileSync(x2x3[0]!));
    if (d.kind !== 'x2x3') throw new Error('not x2x3');
    expect(d.error).toBeUndefined();
    const x3 = d.items.filter((it) => it.pdu.pduType === PduType.X3);
    for (const it of x3) expect(it.pdu.payloadFormat).toBe(PayloadFormat.MSRP_MESSAGE);
    const payloads = x3.map((it) => Buffer.from(it.pdu.payload));
    // The 3 bulk chunks, each on the Alice → relay leg and again on the relay → Bob leg.
    for (let at = 0; at < bulk.length; at += 4000) {
      const chunk = bulk.subarray(at, at + 4000);
      expect(payloads.filter((p) => p.includes(chunk)).length, `chunk at ${at}`).toBe(2);
    }
    expect(payloads.filter((p) => p.includes(fromBob)).length).toBe(2);
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const m of [secret, 'carol-sid-5678', 'dave-sid-0815', 'call-cd@relay.test', 'sip:carol@', 'sip:dave@']) expect(bytes.includes(Buffer.from(m)), `${m} in ${f}`).toBe(false);
    }
  });
});
