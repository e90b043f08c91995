/**
 * Minimal SIP user agents on lo for the relay tests: what they send is built by the test
 * (samples/gen/lib sipMessage), what they receive is kept as text. A caller sends over UDP,
 * over TLS (RFC 3261 section 26.2) or over WebSocket (RFC 7118, the `sip` subprotocol, each
 * message one WebSocket message); a callee behind the proxy listens on TCP or TLS and answers
 * on the connection a request came on (RFC 3261 section 18.2.2).
 */
import { createSocket } from 'node:dgram';
import { appendFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as tlsCreateServer, type TLSSocket } from 'node:tls';
import WebSocket from 'ws';
import { sleep } from './kamailio-relay.js';

/** How a caller reaches the proxy, and how a callee behind it is reached. */
export type SipTransport = 'udp' | 'tls' | 'ws';

export interface SipAgent {
  /** The Via of its requests (RFC 3261 section 18.1.1; `.invalid` host over WebSocket, RFC 7118 section 5.2). */
  readonly via: string;
  /** Its Contact URI. */
  readonly contact: string;
  /** Messages received, as text. */
  readonly inbox: string[];
  /** Sends one message: to `port` over UDP; over a connection, on it (the port is the proxy's). */
  send(bytes: Uint8Array, port: number): Promise<void>;
  close(): void;
}

/** TLS options that log the session keys (NSS key log format) into `keylog` (node:tls `keylog` event). */
export interface KeyLogging {
  readonly keylog: string;
}

/** Splits a SIP byte stream into messages by Content-Length (RFC 3261 section 18.3). */
export function sipStreamFramer(onMessage: (text: string) => void): (b: Buffer) => void {
  let buf = '';
  return (b) => {
    buf += b.toString('latin1');
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const len = Number(/^(?:content-length|l)[ \t]*:[ \t]*(\d+)/im.exec(buf.slice(0, end))?.[1] ?? 0);
      if (buf.length < end + 4 + len) return;
      onMessage(buf.slice(0, end + 4 + len));
      buf = buf.slice(end + 4 + len);
    }
  };
}

export async function udpSipAgent(name: string): Promise<SipAgent> {
  const sock = createSocket('udp4');
  const inbox: string[] = [];
  sock.on('message', (m) => inbox.push(m.toString('utf8')));
  await new Promise<void>((res) => sock.bind(0, '127.0.0.1', () => res()));
  const port = sock.address().port;
  return {
    via: `SIP/2.0/UDP 127.0.0.1:${port}`,
    contact: `sip:${name}@127.0.0.1:${port}`,
    inbox,
    send: (bytes, to) => new Promise((res, rej) => sock.send(bytes, to, '127.0.0.1', (e) => (e ? rej(e) : res()))),
    close: () => sock.close(),
  };
}

/**
 * A TLS connection to `port` on 127.0.0.1 whose session keys go to the key log (its `keylog`
 * event); the relay's certificate is self-signed, so it is not verified (test only).
 */
export async function connectTls(port: number, k: KeyLogging): Promise<TLSSocket> {
  const s = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false });
  s.on('keylog', (line) => appendFileSync(k.keylog, line));
  await new Promise<void>((res, rej) => {
    s.once('secureConnect', res);
    s.once('error', rej);
  });
  return s;
}

/** A caller connected to the proxy's TLS port. */
export async function tlsSipAgent(name: string, proxyPort: number, k: KeyLogging): Promise<SipAgent> {
  const s = await connectTls(proxyPort, k);
  const inbox: string[] = [];
  s.on(
    'data',
    sipStreamFramer((t) => inbox.push(t)),
  );
  s.on('error', () => undefined);
  const port = (s.address() as AddressInfo).port;
  return {
    via: `SIP/2.0/TLS 127.0.0.1:${port}`,
    contact: `sip:${name}@127.0.0.1:${port};transport=tls`,
    inbox,
    send: (bytes) => new Promise((res) => s.write(bytes, () => res())),
    close: () => s.end(),
  };
}

/** A browser-like caller: a WebSocket with the `sip` subprotocol (RFC 7118) to the proxy. */
export async function wsSipAgent(name: string, wsPort: number): Promise<SipAgent> {
  const ws = new WebSocket(`ws://127.0.0.1:${wsPort}/`, 'sip');
  await new Promise<void>((res, rej) => {
    ws.once('open', res);
    ws.once('error', rej);
  });
  if (ws.protocol !== 'sip') throw new Error(`the proxy chose subprotocol "${ws.protocol}"`);
  const inbox: string[] = [];
  ws.on('message', (d: Buffer) => inbox.push(d.toString('utf8')));
  // RFC 7118 section 5.2: the client cannot know its address; its Via and Contact hosts are made up.
  const host = `${name}-ws7118.invalid`;
  return {
    via: `SIP/2.0/WS ${host}`,
    contact: `sip:${name}@${host};transport=ws`,
    inbox,
    // A SIP message is UTF-8 text here: a text message (RFC 7118 section 5.1).
    send: (bytes) => new Promise((res, rej) => ws.send(Buffer.from(bytes).toString('utf8'), (e) => (e ? rej(e) : res()))),
    close: () => ws.close(),
  };
}

export async function waitSip(a: SipAgent, pred: (text: string) => boolean, what: string): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const k = a.inbox.findIndex(pred);
    if (k >= 0) return a.inbox.splice(k, 1)[0]!;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A callee's listening side (TCP or TLS): each message with the connection it came on. */
export interface SipServer {
  readonly server: Server;
  readonly port: number;
  readonly transport: 'tcp' | 'tls';
  readonly inbox: { text: string; conn: Socket }[];
}

export async function sipServer(transport: 'tcp' | 'tls', tls?: KeyLogging & { cert: Buffer; key: Buffer }): Promise<SipServer> {
  const inbox: SipServer['inbox'] = [];
  const onConn = (conn: Socket): void => {
    conn.on(
      'data',
      sipStreamFramer((text) => inbox.push({ text, conn })),
    );
    conn.on('error', () => undefined);
  };
  const server = transport === 'tcp' ? createServer(onConn) : tlsServer(onConn, tls!);
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  return { server, port: (server.address() as AddressInfo).port, transport, inbox };
}

/** A node:tls server whose session keys go to the key log (its `keylog` event). */
export function tlsServer(onConn: (s: TLSSocket) => void, o: KeyLogging & { cert: Buffer; key: Buffer }): Server {
  const server = tlsCreateServer({ cert: o.cert, key: o.key }, onConn);
  server.on('keylog', (line: Buffer) => appendFileSync(o.keylog, line));
  return server;
}

/** Header lines of a SIP message named `name` (long form only: Kamailio writes those), in order. */
export function headerLines(text: string, name: string): string[] {
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  return head.split('\r\n').filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
}
