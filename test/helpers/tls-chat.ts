/**
 * A real TLS chat for the key-log tests (issue 16): SIP over TLS (RFC 3261 section 26.2,
 * TLS 1.3) and MSRP over TLS (RFC 4975 section 14.1: TCP/TLS/MSRP, msrps: paths; TLS 1.2
 * ECDHE-RSA-AES128-GCM-SHA256) between node:tls clients and servers on 127.0.0.1, with the
 * clients' `keylog` events giving an NSS key log. A small TCP proxy in front of each server
 * records the bytes of both directions as they pass, in the order they pass; they are then
 * written as a pcap (Ethernet/IPv4/TCP, the repo's builders) at fixed addresses: SIP
 * 10.1.0.1:40001 → 10.2.0.1:5061, MSRP 10.1.0.1:40002 → 10.2.0.1:2855.
 */
import { createHash } from 'node:crypto';
import { createServer, connect as netConnect, type AddressInfo, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { ethernetLink, ipv4Addr, msrpFrame, SampleCapture, sdpBody, sipMessage, TcpConversation, Timeline, udpDatagram } from '../../samples/gen/lib/index.js';
import { makeRsaCert, type TlsCert } from './tls-transcript.js';

export const TLS_TARGET = 'sip:alice@ims.example.net';
const A = '10.1.0.1';
const B = '10.2.0.1';
const CLIENT_PATH = `msrps://${A}:40002/sa83kd;tcp`;
const SERVER_PATH = `msrps://${B}:2855/sb92jf;tcp`;

export interface TlsChatMessage {
  readonly mid: string;
  readonly body: string;
  readonly sha256: string;
}

export interface TlsChat {
  /** The capture (pcap, Ethernet). */
  readonly pcap: Uint8Array;
  /** NSS key log lines of both connections. */
  readonly keylog: string;
  /** The key log lines of the SIP connection and of the MSRP connection. */
  readonly sipKeys: string;
  readonly msrpKeys: string;
  /** Every secret and client_random of the key log, as lower-case hex. */
  readonly secretsHex: readonly string[];
  /** The MSRP messages sent (client → server), in order. */
  readonly messages: readonly TlsChatMessage[];
}

interface Recorded {
  /** `sip-udp`: a SIP datagram in the clear (the `sip: 'udp'` variant). */
  conn: 'sip' | 'msrp' | 'sip-udp';
  dir: 'c2s' | 's2c';
  bytes: Buffer;
}

let certCache: TlsCert | undefined;

/** A self-signed RSA certificate (the TLS 1.2 suite is ECDHE-RSA), made once per process. */
function certificate(): TlsCert {
  certCache ??= makeRsaCert();
  return certCache;
}

/** Resolves when `cond()` holds (polled), or rejects after `ms`. */
async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`tls-chat: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A recording TCP proxy in front of `target`: every chunk of each direction is appended to `rec`. */
async function proxy(conn: 'sip' | 'msrp', target: number, rec: Recorded[]): Promise<Server> {
  const server = createServer((client: Socket) => {
    const up = netConnect(target, '127.0.0.1');
    client.on('data', (b: Buffer) => {
      rec.push({ conn, dir: 'c2s', bytes: Buffer.from(b) });
      up.write(b);
    });
    up.on('data', (b: Buffer) => {
      rec.push({ conn, dir: 's2c', bytes: Buffer.from(b) });
      client.write(b);
    });
    client.on('end', () => up.end());
    up.on('end', () => client.end());
    client.on('error', () => up.destroy());
    up.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

function port(s: Server): number {
  return (s.address() as AddressInfo).port;
}

function sdp(host: string, path: string): string {
  return sdpBody(['v=0', `o=- 1 1 IN IP4 ${host}`, 's=-', `c=IN IP4 ${host}`, 't=0 0', `m=message ${path.split(':')[2]!.split('/')[0]} TCP/TLS/MSRP *`, 'a=accept-types:text/plain', `a=path:${path}`]);
}

function sip(start: string, cseq: string, body = ''): Buffer {
  const resp = start.startsWith('SIP/2.0');
  return Buffer.from(
    sipMessage(
      start,
      [
        ['Via', `SIP/2.0/TLS ${A}:40001;branch=z9hG4bKtls-${cseq.replace(' ', '-')}`],
        ['From', `<${TLS_TARGET}>;tag=f1`],
        ['To', `<sips:bob@ims.example.net>${resp || cseq.endsWith('ACK') || cseq.endsWith('BYE') ? ';tag=t1' : ''}`],
        ['Call-ID', 'tls-1@ims.example.net'],
        ['CSeq', cseq],
        ['Contact', `<sips:alice@${A}:40001;transport=tls>`],
        ...(body.length > 0 ? ([['Content-Type', 'application/sdp']] as const) : []),
        ['Content-Length', String(Buffer.byteLength(body))],
      ],
      body,
    ),
  );
}

/**
 * Runs the chat over real TLS and returns its capture and key log. `bye`: the SIP dialog ends
 * with BYE/200 (default true). `sip: 'udp'`: the SIP messages are UDP datagrams in the clear
 * (only the MSRP is over TLS, as the tap met it before key logs).
 */
export async function recordTlsChat(o: { bye?: boolean; sip?: 'tls' | 'udp' } = {}): Promise<TlsChat> {
  const sipUdp = o.sip === 'udp';
  const { key, cert } = certificate();
  const rec: Recorded[] = [];
  const keyLines: Record<'sip' | 'msrp', string[]> = { sip: [], msrp: [] };
  const bodies = ['hello over TLS', 'x'.repeat(3000), 'the third message, with UTF-8: é ü'];
  const messages: TlsChatMessage[] = bodies.map((body, i) => ({ mid: `tlsmsg${i + 1}`, body, sha256: createHash('sha256').update(body, 'utf8').digest('hex') }));

  // Servers: SIP answers INVITE with 200 + SDP and BYE with 200; MSRP answers each SEND with 200 OK.
  let sipIn = '';
  const sipServer = createTlsServer({ key, cert }, (s) => {
    s.on('data', (b: Buffer) => {
      sipIn += b.toString('latin1');
      if (sipIn.includes('INVITE sip') && !sipIn.includes('#answered-invite')) {
        sipIn += '#answered-invite';
        s.write(sip('SIP/2.0 200 OK', '1 INVITE', sdp(B, SERVER_PATH)));
      }
      if (sipIn.includes('BYE sip') && !sipIn.includes('#answered-bye')) {
        sipIn += '#answered-bye';
        s.write(sip('SIP/2.0 200 OK', '2 BYE'));
      }
    });
  });
  let msrpIn = '';
  let answered = 0;
  const msrpServer = createTlsServer({ key, cert, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }, (s) => {
    s.on('data', (b: Buffer) => {
      msrpIn += b.toString('latin1');
      for (;;) {
        const m = /-------(\w+)[$+#]\r\n/.exec(msrpIn.slice(0));
        if (m === null) break;
        msrpIn = msrpIn.slice(m.index + m[0].length);
        s.write(
          Buffer.from(
            msrpFrame({
              transactionId: m[1]!,
              startLine: '200 OK',
              headers: [
                ['To-Path', CLIENT_PATH],
                ['From-Path', SERVER_PATH],
              ],
            }),
          ),
        );
        answered++;
      }
    });
  });
  await Promise.all([new Promise<void>((r) => sipServer.listen(0, '127.0.0.1', r)), new Promise<void>((r) => msrpServer.listen(0, '127.0.0.1', r))]);
  const sipProxy = await proxy('sip', port(sipServer), rec);
  const msrpProxy = await proxy('msrp', port(msrpServer), rec);

  const open = async (conn: 'sip' | 'msrp', p: number, opts: object): Promise<TLSSocket> => {
    const s = tlsConnect({ host: '127.0.0.1', port: p, rejectUnauthorized: false, ...opts });
    s.on('keylog', (line: Buffer) => keyLines[conn].push(line.toString('latin1')));
    await new Promise<void>((r, j) => {
      s.once('secureConnect', () => r());
      s.once('error', j);
    });
    return s;
  };
  try {
    let sipResp = '';
    // The SIP client: over TLS, or (udp) the messages recorded as datagrams with their answers.
    const sc = sipUdp ? null : await open('sip', port(sipProxy), {});
    sc?.on('data', (b: Buffer) => (sipResp += b.toString('latin1')));
    const sipSend = (m: Buffer, answer: Buffer | null): void => {
      if (sc !== null) sc.write(m);
      else {
        rec.push({ conn: 'sip-udp', dir: 'c2s', bytes: m });
        if (answer !== null) {
          rec.push({ conn: 'sip-udp', dir: 's2c', bytes: answer });
          sipResp += answer.toString('latin1');
        }
      }
    };
    sipSend(sip('INVITE sip:bob@ims.example.net SIP/2.0', '1 INVITE', sdp(A, CLIENT_PATH)), sip('SIP/2.0 200 OK', '1 INVITE', sdp(B, SERVER_PATH)));
    await until(() => sipResp.includes('SIP/2.0 200 OK'), 'the 200 to INVITE');
    sipSend(sip('ACK sip:bob@ims.example.net SIP/2.0', '1 ACK'), null);

    const mc = await open('msrp', port(msrpProxy), { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' });
    mc.on('data', () => undefined);
    let tid = 0;
    for (const m of messages) {
      // The second message in two chunks (RFC 4975 section 5.1), the others in one.
      const body = Buffer.from(m.body, 'utf8');
      const cuts = m.body.length > 1000 ? [0, 1000, body.length] : [0, body.length];
      for (let c = 0; c + 1 < cuts.length; c++) {
        const last = c + 2 === cuts.length;
        tid++;
        mc.write(
          Buffer.from(
            msrpFrame({
              transactionId: `t${tid}x`,
              startLine: 'SEND',
              headers: [
                ['To-Path', SERVER_PATH],
                ['From-Path', CLIENT_PATH],
                ['Message-ID', m.mid],
                ['Byte-Range', `${cuts[c]! + 1}-${cuts[c + 1]}/${body.length}`],
                ['Content-Type', 'text/plain'],
              ],
              body: body.subarray(cuts[c], cuts[c + 1]),
              flag: last ? '$' : '+',
            }),
          ),
        );
        const want = tid;
        await until(() => answered >= want, `the 200 to SEND ${want}`);
      }
    }
    await new Promise((r) => setTimeout(r, 20));
    if (o.bye !== false) {
      sipSend(sip('BYE sip:bob@ims.example.net SIP/2.0', '2 BYE'), sip('SIP/2.0 200 OK', '2 BYE'));
      await until(() => sipResp.includes('2 BYE'), 'the 200 to BYE');
    }
    mc.end();
    sc?.end();
    await until(() => mc.closed && (sc === null || sc.closed), 'the connections to close');
  } finally {
    sipProxy.close();
    msrpProxy.close();
    sipServer.close();
    msrpServer.close();
  }

  // The pcap: one TCP conversation per connection, segments in the order the proxy saw the bytes.
  const capture = new SampleCapture('tls-chat.pcap', 'test/helpers/tls-chat.ts', 'SIP and MSRP over real TLS', { kind: 'pcap', linkType: 1 });
  const link = ethernetLink();
  const clock = new Timeline({ startSec: 1_790_000_000, stepNs: 10_000_000 });
  const convs = {
    sip: new TcpConversation({ client: { addr: ipv4Addr(A), port: 40001, isn: 1000 }, server: { addr: ipv4Addr(B), port: 5061, isn: 5000 } }),
    msrp: new TcpConversation({ client: { addr: ipv4Addr(A), port: 40002, isn: 2000 }, server: { addr: ipv4Addr(B), port: 2855, isn: 7000 } }),
  };
  const started = new Set<string>();
  for (const r of rec) {
    if (r.conn === 'sip-udp') {
      const [src, dst] = r.dir === 'c2s' ? [A, B] : [B, A];
      capture.packet(clock.next(), link, udpDatagram({ src: ipv4Addr(src), dst: ipv4Addr(dst), srcPort: 5060, dstPort: 5060, payload: new Uint8Array(r.bytes) }));
      continue;
    }
    const conv = convs[r.conn];
    if (!started.has(r.conn)) {
      started.add(r.conn);
      capture.packets(clock, link, conv.handshake());
    }
    capture.packets(clock, link, conv.send(r.dir, new Uint8Array(r.bytes)));
  }
  for (const c of ['msrp', 'sip'] as const) if (started.has(c)) capture.packets(clock, link, convs[c].close());

  const text = (l: string[]): string => l.map((x) => (x.endsWith('\n') ? x : `${x}\n`)).join('');
  const all = [...keyLines.sip, ...keyLines.msrp];
  const secretsHex = all.flatMap((l) => l.trim().split(/\s+/).slice(1)).map((h) => h.toLowerCase());
  return { pcap: capture.bytes(), keylog: text(all), sipKeys: text(keyLines.sip), msrpKeys: text(keyLines.msrp), secretsHex, messages };
}
