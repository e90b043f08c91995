/**
 * A minimal MSRP endpoint over a real TCP socket, to drive a real MSRP relay (Kamailio's msrp
 * module, RFC 4976) in integration tests: there is no MSRP client in Debian nor on npm
 * (../../../shared/docs/tooling-notes.md). It writes the frames the test gives it, parses what
 * arrives (with msrptap's own framer: the peer only needs frame boundaries and headers; what is
 * under test is the tap's view of the wire), and answers each SEND with a 200 (RFC 4975
 * section 7.2; hop by hop through a relay, RFC 4976 section 7.3: To-Path is the previous hop).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { MsrpFramer } from '../../src/protocols/msrp/index.js';
import type { MsrpFrameHead } from '../../src/protocols/msrp/msrp-frame.js';

export interface PeerFrame {
  readonly head: MsrpFrameHead;
  readonly body: Buffer;
  readonly flag: string | null;
}

function header(head: MsrpFrameHead, name: string): string | undefined {
  return head.headers.all.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

export class MsrpPeer {
  readonly frames: PeerFrame[] = [];
  private readonly framer: MsrpFramer;
  private closed = false;

  constructor(
    /** A TCP or TLS socket, or a WebSocket message stream (each write one message, RFC 7977). */
    readonly socket: Duplex,
    /** This endpoint's own URI (the From-Path of its responses). */
    readonly uri: string,
  ) {
    let cur: { head: MsrpFrameHead; body: Buffer[] } | null = null;
    this.framer = new MsrpFramer({
      onFrameStart: (head) => {
        cur = { head, body: [] };
      },
      onBody: (piece) => cur?.body.push(Buffer.from(piece)),
      onFrameEnd: (end) => {
        if (cur === null) return;
        const f: PeerFrame = { head: cur.head, body: Buffer.concat(cur.body), flag: end.flag };
        cur = null;
        this.frames.push(f);
        if (f.head.kind === 'request' && f.head.method === 'SEND' && !this.closed) {
          const prev = (header(f.head, 'From-Path') ?? '').split(/\s+/)[0];
          this.socket.write(`MSRP ${f.head.transactionId} 200 OK\r\nTo-Path: ${prev}\r\nFrom-Path: ${this.uri}\r\n-------${f.head.transactionId}$\r\n`);
        }
      },
    });
    let n = 0;
    socket.on('data', (b: Buffer) => this.framer.push(b, ++n, 0, 0));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  /** Connects to `port` on 127.0.0.1. */
  static async connect(port: number, uri: (localPort: number) => string): Promise<MsrpPeer> {
    const s = connect({ host: '127.0.0.1', port });
    await new Promise<void>((res, rej) => {
      s.once('connect', res);
      s.once('error', rej);
    });
    return new MsrpPeer(s, uri((s.address() as AddressInfo).port));
  }

  /**
   * Listens on 127.0.0.1 (port 0: any); each accepted connection becomes a peer with `uri`.
   * `make` builds the server (default: plain TCP; a node:tls server for MSRP over TLS).
   */
  static async listen(uri: (port: number) => string, make: (onConnection: (s: Socket) => void) => Server = createServer): Promise<{ server: Server; port: number; peers: MsrpPeer[] }> {
    const peers: MsrpPeer[] = [];
    let port = 0;
    const server = make((s) => peers.push(new MsrpPeer(s, uri(port))));
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    port = (server.address() as AddressInfo).port;
    return { server, port, peers };
  }

  send(frame: Uint8Array): void {
    this.socket.write(frame);
  }

  /** Resolves when `pred` holds for one received frame (polling), or rejects after `ms`. */
  async waitFrame(pred: (f: PeerFrame) => boolean, ms: number, what: string): Promise<PeerFrame> {
    const end = Date.now() + ms;
    for (;;) {
      const f = this.frames.find(pred);
      if (f !== undefined) return f;
      if (Date.now() > end) throw new Error(`MSRP peer ${this.uri}: timed out waiting for ${what}; got ${this.frames.map((x) => x.head.method ?? x.head.statusCode).join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  headerOf(f: PeerFrame, name: string): string | undefined {
    return header(f.head, name);
  }

  async close(): Promise<void> {
    this.closed = true;
    await new Promise<void>((res) => this.socket.end(res));
  }
}
