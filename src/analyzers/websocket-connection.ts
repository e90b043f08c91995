/**
 * A TCP connection that opened with an HTTP/1.1 head (RFC 6455 section 4): collects the two
 * handshake heads, and when the client asked for `Upgrade: websocket` and the server answered
 * `101` with the `sip` (RFC 7118) or `msrp` (RFC 7977) subprotocol, decodes the frames of each
 * direction and hands the messages on: one SIP message per WebSocket message to the SIP parser
 * (RFC 7118 section 5), and the MSRP messages (RFC 7977 section 5.3: each carries MSRP chunks, text
 * or binary, so their payloads in order are the MSRP byte stream) to an MSRP framer, exactly as
 * MSRP over TCP: uncompressed payloads are streamed frame by frame and never held whole.
 *
 * Memory: the heads and the bytes after them while the handshake is undecided, and the SIP or
 * compressed messages being collected, count against one {@link WebSocketMemoryBudget} shared by
 * all connections (evicted earliest first, or after the budget's idle time, and reported).
 *
 * Anything else (plain HTTP, another subprotocol, a missing answer) releases both directions.
 * A connection whose handshake was not seen never gets here: its frames are not guessed.
 */
import { ConnectionAnomalySink, type AnomalySink } from '../core/anomaly.js';
import type { DirValue, StreamEndReason, TcpConnectionInfo } from '../flow/stream-consumer.js';
import { MsrpFramer } from '../protocols/msrp/index.js';
import { parseSipMessage } from '../protocols/sip/index.js';
import { DEFAULT_MAX_WS_MESSAGE_BYTES, HeadStatus, parseHttpHead, type HttpHead, type WebSocketBudgetHolder, WebSocketFrameDecoder, WebSocketMemoryBudget, type WebSocketMessageSink } from '../protocols/websocket/index.js';
import type { AppEventSink, MsrpStreamHandler, PacketRef, TlsTransportInfo } from './app-event-sink.js';

/** Bytes a direction may send after its head before the handshake is decided (RFC 6455 4.1: a client waits for the 101). */
const MAX_PENDING = 64 * 1024;
/**
 * Cap on one compressed MSRP WebSocket message, buffered whole to be inflated (RFC 7692 7.2.2):
 * senders chunk large messages (RFC 4975 7.1.1; browser clients use a few KiB). Uncompressed
 * messages are streamed and have no cap.
 */
const MAX_MSRP_WS_MESSAGE = 4 << 20;

const COLLECT = 0;
const OPEN = 1;
const RELEASED = 2;

/** One direction while the handshake is undecided. */
class HeadState {
  buf = new Uint8Array(512);
  len = 0;
  head: HttpHead | null = null;
  frameNo = 0;
  tsSec = 0;
  tsNsec = 0;
  failed = false;
}

/** Counts kept for stats and tests. */
export interface WebSocketConnectionStats {
  subprotocol: string;
  messages: number;
  lost: number;
}

export class WebSocketConnection implements WebSocketBudgetHolder {
  private state = COLLECT;
  private readonly heads: [HeadState, HeadState] = [new HeadState(), new HeadState()];
  private readonly decoders: [WebSocketFrameDecoder | null, WebSocketFrameDecoder | null] = [null, null];
  private readonly msrp: [MsrpFramer | null, MsrpFramer | null] = [null, null];
  private readonly msrpHandlers: [MsrpStreamHandler | null, MsrpStreamHandler | null] = [null, null];
  readonly stats: WebSocketConnectionStats = { subprotocol: '', messages: 0, lost: 0 };
  /** Head buffer bytes reserved from the budget (COLLECT only). */
  private reserved = 0;
  heldSinceSec = 0;

  /** @param release called once when the connection is not a SIP/MSRP WebSocket: both directions are dropped. */
  constructor(
    private readonly conn: TcpConnectionInfo,
    private readonly app: AppEventSink,
    private readonly anomalies: AnomalySink,
    private readonly release: () => void,
    private readonly budget: WebSocketMemoryBudget = new WebSocketMemoryBudget(),
    /** Set when the connection's bytes were decrypted from TLS: the transport is `wss` (RFC 7118 section 4, RFC 7977 section 4). */
    private readonly tls?: TlsTransportInfo,
  ) {}

  /** The connection was found not to be a SIP/MSRP WebSocket. */
  get released(): boolean {
    return this.state === RELEASED;
  }

  /** The connection is decoded as WebSocket. */
  get open(): boolean {
    return this.state === OPEN;
  }

  data(dir: DirValue, data: Uint8Array, frameNo: number, tsSec: number, tsNsec: number): void {
    this.budget.sweep(tsSec);
    if (this.state === OPEN) {
      this.decoders[dir]!.push(data, frameNo, tsSec, tsNsec);
      return;
    }
    if (this.state !== COLLECT) return;
    const h = this.heads[dir];
    if (h.len === 0) {
      h.frameNo = frameNo;
      h.tsSec = tsSec;
      h.tsNsec = tsNsec;
    }
    this.heldSinceSec = tsSec;
    if (h.len + data.length > h.buf.length) {
      const size = Math.max(h.len + data.length, h.buf.length * 2);
      // Growth past the first 512 bytes counts (RFC 6455 4.1: a client waits for the 101, so little follows a head).
      if (!this.budget.reserve(this, size - h.buf.length)) {
        this.anomalies.report('websocket.memcap', frameNo, `handshake bytes=${h.len + data.length}`);
        this.drop(false);
        return;
      }
      this.reserved += size - h.buf.length;
      const grown = new Uint8Array(size);
      grown.set(h.buf.subarray(0, h.len));
      h.buf = grown;
    }
    h.buf.set(data, h.len);
    h.len += data.length;
    if (h.head === null) {
      const r = parseHttpHead(h.buf, h.len);
      if (r.status === HeadStatus.NEED_MORE) return;
      if (r.status !== HeadStatus.DONE) {
        if (r.status === HeadStatus.TOO_LARGE) this.anomalies.report('websocket.handshake_too_large', frameNo, `dir=${dir}`);
        this.drop(false);
        return;
      }
      h.head = r.head;
    } else if (h.len - h.head.length > MAX_PENDING) {
      this.drop(this.upgradeAsked(), frameNo);
      return;
    }
    this.decide(frameNo);
  }

  gap(dir: DirValue, length: number, frameNo: number, tsSec: number, tsNsec: number): void {
    if (this.state === OPEN) this.decoders[dir]!.gap(length, frameNo, tsSec, tsNsec);
    else if (this.state === COLLECT) this.drop(this.upgradeAsked(), frameNo);
  }

  end(dir: DirValue, reason: StreamEndReason): void {
    if (this.state === COLLECT) {
      this.drop(this.upgradeAsked(), this.heads[dir].frameNo);
      return;
    }
    if (this.state !== OPEN) return;
    this.decoders[dir]!.end(0, 0, 0);
    const f = this.msrp[dir];
    if (f !== null) {
      f.end();
      this.msrpHandlers[dir]?.onStreamEnd?.(reason);
    }
  }

  private upgradeAsked(): boolean {
    const req = this.heads[0].head;
    return req !== null && req.method === 'GET' && req.upgradeWebSocket;
  }

  private drop(report: boolean, frameNo = 0): void {
    if (this.state !== COLLECT) return;
    if (report) this.anomalies.report('websocket.handshake_incomplete', frameNo);
    this.state = RELEASED;
    this.heads[0].buf = this.heads[1].buf = new Uint8Array(0);
    this.releaseBudget();
    this.release();
  }

  /** The budget takes the undecided handshake's bytes back (earliest holder, or idle too long). */
  evict(reason: 'memcap' | 'timeout'): boolean {
    if (this.state !== COLLECT) {
      this.releaseBudget();
      return false;
    }
    const frameNo = Math.max(this.heads[0].frameNo, this.heads[1].frameNo);
    if (reason === 'memcap') {
      this.anomalies.report('websocket.memcap', frameNo, 'handshake');
      this.drop(false);
    } else {
      this.drop(this.upgradeAsked(), frameNo);
    }
    return true;
  }

  private releaseBudget(): void {
    if (this.reserved === 0) return;
    this.budget.release(this, this.reserved, true);
    this.reserved = 0;
  }

  /** Both heads complete: RFC 6455 4.2.2 (101, Upgrade) and the negotiated subprotocol decide. */
  private decide(frameNo: number): void {
    const req = this.heads[0].head;
    const resp = this.heads[1].head;
    if (req === null) {
      // The answer came first (reordered capture): a request must still follow.
      if (resp !== null && resp.method !== null) this.drop(false);
      return;
    }
    if (req.method !== 'GET' || !req.upgradeWebSocket) {
      this.drop(false);
      return;
    }
    if (resp === null) return;
    const proto = resp.protocol;
    if (resp.method !== null || resp.status !== 101 || !resp.upgradeWebSocket || (proto !== 'sip' && proto !== 'msrp')) {
      this.drop(false, frameNo);
      return;
    }
    this.state = OPEN;
    this.stats.subprotocol = proto;
    this.releaseBudget();
    const d = resp.deflate;
    for (const dir of [0, 1] as const) {
      const fromClient = dir === 0;
      const deflate = d === null ? null : { contextTakeover: !(fromClient ? d.clientNoContextTakeover : d.serverNoContextTakeover) };
      const sink = proto === 'sip' ? this.sipSink(dir) : this.msrpSink(dir);
      // Its reports carry the connection (and direction), so they reach the audit of its sessions.
      this.decoders[dir] = new WebSocketFrameDecoder({
        sink,
        anomalies: new ConnectionAnomalySink(this.anomalies, this.conn.id, dir),
        fromClient,
        deflate,
        maxMessageBytes: proto === 'msrp' ? MAX_MSRP_WS_MESSAGE : DEFAULT_MAX_WS_MESSAGE_BYTES,
        budget: this.budget,
      });
    }
    // Frames that arrived with or after the heads.
    for (const dir of [0, 1] as const) {
      const h = this.heads[dir];
      const rest = h.buf.subarray(h.head!.length, h.len);
      h.buf = new Uint8Array(0);
      if (rest.length > 0) this.decoders[dir]!.push(rest, h.frameNo, h.tsSec, h.tsNsec);
    }
  }

  private where(dir: DirValue): PacketRef & { frameNo: number; tsSec: number; tsNsec: number } {
    const c = this.conn;
    const fromClient = dir === 0;
    return {
      frameNo: 0,
      tsSec: 0,
      tsNsec: 0,
      srcAddr: fromClient ? c.clientAddr : c.serverAddr,
      dstAddr: fromClient ? c.serverAddr : c.clientAddr,
      srcPort: fromClient ? c.clientPort : c.serverPort,
      dstPort: fromClient ? c.serverPort : c.clientPort,
      ipProto: 6,
      transport: this.tls !== undefined ? 'wss' : 'ws',
      ...(this.tls !== undefined ? { tls: this.tls } : {}),
    };
  }

  /** RFC 7118 section 5: each WebSocket message carries exactly one SIP message (Content-Length optional). */
  private sipSink(dir: DirValue): WebSocketMessageSink {
    const where = this.where(dir);
    const anomalies = new ConnectionAnomalySink(this.anomalies, this.conn.id, dir);
    return {
      message: (payload, _binary, frameNo, tsSec, tsNsec) => {
        this.stats.messages++;
        // CRLF keep-alives (RFC 5626 3.5.1), which SIP.js and others also send over WebSocket, carry nothing.
        if (payload.every((c) => c === 0x0d || c === 0x0a)) return;
        const msg = parseSipMessage(payload, anomalies, frameNo);
        if (msg === null) return;
        where.frameNo = frameNo;
        where.tsSec = tsSec;
        where.tsNsec = tsNsec;
        this.app.sip(msg, where);
      },
      lost: () => {
        this.stats.lost++;
      },
    };
  }

  /** RFC 7977 section 5.3: WebSocket messages carry whole MSRP chunks; their concatenation is an MSRP stream. */
  private msrpSink(dir: DirValue): WebSocketMessageSink {
    const w = this.where(dir);
    const c = this.conn;
    const handler = this.app.msrpStream({
      connId: c.id,
      dir,
      srcAddr: w.srcAddr,
      dstAddr: w.dstAddr,
      srcPort: w.srcPort,
      dstPort: w.dstPort,
      sawSyn: c.sawSyn,
      transport: w.transport ?? 'ws',
      ...(this.tls !== undefined ? { tls: this.tls } : {}),
    });
    const framer = new MsrpFramer(handler, new ConnectionAnomalySink(this.anomalies, c.id, dir), { midStream: false });
    this.msrp[dir] = framer;
    this.msrpHandlers[dir] = handler;
    return {
      // Uncompressed messages: their payloads, streamed as they arrive (nothing held per message).
      chunk: (data, frameNo, tsSec, tsNsec) => framer.push(data, frameNo, tsSec, tsNsec),
      // The end of a streamed message (empty payload), or a whole inflated one.
      message: (payload, _binary, frameNo, tsSec, tsNsec) => {
        this.stats.messages++;
        if (payload.length > 0) framer.push(payload, frameNo, tsSec, tsNsec);
      },
      // A lost message is a hole in the MSRP stream: the framer cuts the frame and resynchronises.
      lost: (bytes, frameNo, tsSec, tsNsec) => {
        this.stats.lost++;
        framer.gap(bytes, frameNo, tsSec, tsNsec);
      },
    };
  }
}
