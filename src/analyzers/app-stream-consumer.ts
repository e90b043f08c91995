/**
 * Per-TCP-connection glue: classifies each direction (./stream-classifier.ts), then feeds its
 * ordered bytes, gaps and end to an MSRP framer (RFC 4975) or a SIP stream framer (RFC 3261
 * section 18.3) whose output goes to the AppEventSink. Directions that are neither are
 * released from reassembly at once (TcpConnectionInfo.ignore), so bulk traffic costs almost
 * nothing past its first bytes.
 *
 * A connection that opens with a TLS ClientHello goes, both directions, to a TlsConnection
 * (./tls-connection.ts), which feeds its plaintext to an inner AppStreamConsumer: the same
 * classification and framers, with what they hand on marked as carried by TLS.
 */
import { ConnectionAnomalySink, type AnomalySink } from '../core/anomaly.js';
import type { DirValue, StreamConsumer, StreamEndReason, TcpConnectionInfo } from '../flow/stream-consumer.js';
import { MsrpFramer, MsrpStartWatch } from '../protocols/msrp/index.js';
import { SipStreamFramer } from '../protocols/sip/index.js';
import type { AppEventSink, MsrpStreamHandler, PacketRef, StreamTransport, TlsTransportInfo } from './app-event-sink.js';
import { classifyStream, StreamKind, type StreamKindValue } from './stream-classifier.js';
import { LateMsrpScanner } from './late-msrp-scanner.js';
import type { WebSocketMemoryBudget } from '../protocols/websocket/index.js';
import { WebSocketConnection } from './websocket-connection.js';
import { TlsConnection, type TlsCarrier } from './tls-connection.js';
import type { TlsConnections } from './tls-connections.js';

/** State of one direction. */
class Direction {
  kind: StreamKindValue = StreamKind.UNDECIDED;
  /** Bytes seen before the decision (copied: stream data views are transient). */
  head: Uint8Array | null = null;
  headLen = 0;
  /** True until a gap: the head bytes are the true start of the stream. */
  atStart: boolean;
  headFrame = 0;
  headSec = 0;
  headNsec = 0;
  msrp: MsrpFramer | null = null;
  msrpHandler: MsrpStreamHandler | null = null;
  /** The MSRP receiver asked for bypass during the current push (see AppStreamConsumer.feed). */
  bypassAsked = false;
  /** The sessions let go on this direction, shown every bypassed segment (see askBypass). */
  watch: MsrpStartWatch | null = null;
  /** A frame let go named no session the watch can hold: no bypass until a resume. */
  unwatchable = false;
  sip: SipStreamFramer | null = null;
  /** Set while the direction is StreamKind.LATE. */
  late: LateMsrpScanner | null = null;

  constructor(atStart: boolean) {
    this.atStart = atStart;
  }
}

export class AppStreamConsumer implements StreamConsumer {
  private readonly dirs: [Direction, Direction];
  /** Set when a direction starts with an HTTP head: a possible WebSocket (RFC 6455) connection. */
  private ws: WebSocketConnection | null = null;
  /** Set when a direction starts with a TLS handshake record and a key log is configured. */
  private tls: TlsConnection | null = null;
  /** The connection was counted as TLS without a key log (once per connection). */
  private tlsCounted = false;

  constructor(
    private readonly conn: TcpConnectionInfo,
    private readonly app: AppEventSink,
    private readonly anomalies: AnomalySink,
    private readonly wsBudget?: WebSocketMemoryBudget,
    /** The run's TLS connections; absent: TLS is not recognised (the inner consumer of a TLS connection). */
    private readonly tlsHub?: TlsConnections,
    /** Set for the inner consumer of a TLS connection: its bytes are plaintext decrypted from TLS. */
    private readonly carrier?: TlsCarrier,
  ) {
    // A consumer that replaces an evicted one joins the stream in the middle, like a capture
    // that started after the handshake: the classifier and framers resynchronise.
    const atStart = conn.sawSyn && !conn.resumed;
    this.dirs = [new Direction(atStart), new Direction(atStart)];
  }

  data(dir: DirValue, data: Uint8Array, frameNo: number, tsSec: number, tsNsec: number): void {
    const d = this.dirs[dir];
    if (d.kind === StreamKind.UNDECIDED) {
      if (d.headLen === 0) {
        // Most directions are decided by their first segment: classify the transient view and
        // copy nothing unless the window is still undecided.
        d.headFrame = frameNo;
        d.headSec = tsSec;
        d.headNsec = tsNsec;
        d.head = data;
        d.headLen = data.length;
        this.decide(dir, d);
        if (d.kind !== StreamKind.UNDECIDED) return;
        d.head = null;
        d.headLen = 0;
      }
      this.collect(d, data, frameNo, tsSec, tsNsec);
      this.decide(dir, d);
      return;
    }
    if (d.kind === StreamKind.LATE) this.scanLate(dir, d, data, frameNo, tsSec, tsNsec);
    else if (d.kind === StreamKind.HTTP) this.ws!.data(dir, data, frameNo, tsSec, tsNsec);
    else if (d.kind === StreamKind.TLS) this.tls!.data(dir, data, frameNo, tsSec, tsNsec);
    else this.feed(dir, d, data, frameNo, tsSec, tsNsec);
  }

  gap(dir: DirValue, length: number, frameNo: number, tsSec: number, tsNsec: number, bypassed?: boolean): void {
    const d = this.dirs[dir];
    if (d.kind === StreamKind.UNDECIDED) {
      // What was collected is no longer followed by the next bytes: start again, mid-stream.
      d.head = null;
      d.headLen = 0;
      d.atStart = false;
      return;
    }
    // The byte after a hole starts a line for the start-line search, as in the framer.
    if (d.kind === StreamKind.LATE) d.late!.lineStart();
    else if (d.kind === StreamKind.HTTP) this.ws!.gap(dir, length, frameNo, tsSec, tsNsec);
    else if (d.kind === StreamKind.TLS) this.tls!.gap(dir, length, frameNo, tsSec, tsNsec);
    else if (d.msrp !== null) {
      d.msrpHandler?.onGap?.(length, frameNo, bypassed);
      d.msrp.gap(length, frameNo, tsSec, tsNsec);
    } else if (d.sip !== null) d.sip.gap(length, frameNo);
  }

  /**
   * Two versions of some bytes were seen (issue 12): an MSRP frame in progress may have been
   * delimited by bytes the wire did not really carry (a damaged end-line, a lost start line), so
   * it is cut here like at a gap and the framer resynchronises; SIP keeps its own checks.
   */
  conflict(dir: DirValue, frameNo: number, tsSec: number, tsNsec: number): void {
    const d = this.dirs[dir];
    if (d.msrp !== null) d.msrp.gap(0, frameNo, tsSec, tsNsec);
  }

  end(dir: DirValue, reason: StreamEndReason): void {
    const d = this.dirs[dir];
    if (d.kind === StreamKind.UNDECIDED && d.headLen > 0) {
      // A short stream that ended before the window filled: decide on what there is.
      d.kind = classifyStream(d.head!, d.headLen, d.atStart, this.tlsHub !== undefined);
      if (d.kind === StreamKind.MSRP || d.kind === StreamKind.SIP || d.kind === StreamKind.HTTP || d.kind === StreamKind.TLS) this.start(dir, d);
      else if (d.kind === StreamKind.UNDECIDED && this.tls !== null) {
        // The other direction opened TLS: this one's few bytes are TLS too (e.g. a lone alert).
        d.kind = StreamKind.TLS;
        this.start(dir, d);
      }
    } else if (d.kind === StreamKind.UNDECIDED && this.tls !== null) {
      // A direction of a TLS connection that carried nothing: its end still settles the connection.
      d.kind = StreamKind.TLS;
    }
    if (d.kind === StreamKind.HTTP) {
      this.ws!.end(dir, reason);
    } else if (d.kind === StreamKind.TLS) {
      this.tls!.end(dir, reason);
    } else if (d.msrp !== null) {
      d.msrp.end();
      d.msrpHandler?.onStreamEnd?.(reason);
    } else if (d.sip !== null) {
      d.sip.end();
    }
    d.head = null;
  }

  private collect(d: Direction, data: Uint8Array, frameNo: number, tsSec: number, tsNsec: number): void {
    if (d.headLen === 0) {
      d.headFrame = frameNo;
      d.headSec = tsSec;
      d.headNsec = tsNsec;
    }
    const need = d.headLen + data.length;
    if (d.head === null || d.head.length < need) {
      const grown = new Uint8Array(Math.max(need, 512));
      if (d.head !== null) grown.set(d.head.subarray(0, d.headLen));
      d.head = grown;
    }
    d.head.set(data, d.headLen);
    d.headLen = need;
  }

  private decide(dir: DirValue, d: Direction): void {
    d.kind = classifyStream(d.head!, d.headLen, d.atStart, this.tlsHub !== undefined);
    // The other direction opened TLS: whatever this one starts with (an alert) is TLS too.
    if (d.kind === StreamKind.OTHER && this.tls !== null) d.kind = StreamKind.TLS;
    if (d.kind === StreamKind.UNDECIDED) return;
    if (d.kind === StreamKind.OTHER && !d.atStart) {
      // Joined mid-way, maybe inside a large chunk: keep searching for an MSRP start line.
      const head = d.head!.subarray(0, d.headLen);
      d.head = null;
      d.headLen = 0;
      d.kind = StreamKind.LATE;
      d.late = new LateMsrpScanner();
      d.late.lineStart();
      this.scanLate(dir, d, head, d.headFrame, d.headSec, d.headNsec);
      return;
    }
    if (d.kind === StreamKind.OTHER) {
      d.head = null;
      this.conn.ignore(dir);
      return;
    }
    this.start(dir, d);
  }

  /**
   * A LATE direction's bytes: searched in place; at the first MSRP start line the direction
   * becomes MSRP there, and what came before it is counted (`msrp.late_stream_start`).
   */
  private scanLate(dir: DirValue, d: Direction, data: Uint8Array, frameNo: number, tsSec: number, tsNsec: number): void {
    const s = d.late!;
    if (!s.scan(data)) return;
    const skipped = s.scanned - s.carry.length + s.at;
    this.anomalies.report('msrp.late_stream_start', frameNo, `skipped=${skipped}`, this.conn.id, dir);
    d.late = null;
    d.kind = StreamKind.MSRP;
    d.head = s.carry;
    d.headLen = s.carry.length;
    d.headFrame = frameNo;
    d.headSec = tsSec;
    d.headNsec = tsNsec;
    this.start(dir, d);
    this.feed(dir, d, data.subarray(s.at), frameNo, tsSec, tsNsec);
  }

  /** Creates the framer and replays the collected head into it. */
  private start(dir: DirValue, d: Direction): void {
    const c = this.conn;
    const fromClient = dir === 0;
    if (d.kind === StreamKind.TLS) {
      this.startTls(dir, d);
      return;
    }
    const tlsInfo = this.carrier?.tlsInfo;
    if (d.kind === StreamKind.HTTP) {
      this.ws ??= new WebSocketConnection(c, this.app, this.anomalies, () => this.releaseHttp(), this.wsBudget, tlsInfo);
      if (this.ws.released) {
        d.kind = StreamKind.OTHER;
        d.head = null;
        this.conn.ignore(dir);
        return;
      }
      const head = d.head!.subarray(0, d.headLen);
      d.head = null;
      d.headLen = 0;
      this.ws.data(dir, head, d.headFrame, d.headSec, d.headNsec);
      return;
    }
    if (d.kind === StreamKind.MSRP) {
      d.msrpHandler = this.app.msrpStream({
        connId: c.id,
        dir,
        srcAddr: fromClient ? c.clientAddr : c.serverAddr,
        dstAddr: fromClient ? c.serverAddr : c.clientAddr,
        srcPort: fromClient ? c.clientPort : c.serverPort,
        dstPort: fromClient ? c.serverPort : c.clientPort,
        sawSyn: c.sawSyn,
        ...(c.bypass !== undefined && c.resume !== undefined ? { bypass: () => this.askBypass(d), resume: () => this.resumeBypass(dir, d) } : {}),
        // A session without SIP starts with its connection's first packet (samples/README.md truth rules).
        firstTsSec: c.startSec,
        firstTsNsec: c.startNsec,
        ...this.via(tlsInfo),
      });
      d.msrp = new MsrpFramer(d.msrpHandler, new ConnectionAnomalySink(this.anomalies, c.id, dir), { midStream: !d.atStart });
    } else {
      const where: PacketRef & { frameNo: number; tsSec: number; tsNsec: number } = {
        frameNo: 0,
        tsSec: 0,
        tsNsec: 0,
        srcAddr: fromClient ? c.clientAddr : c.serverAddr,
        dstAddr: fromClient ? c.serverAddr : c.clientAddr,
        srcPort: fromClient ? c.clientPort : c.serverPort,
        dstPort: fromClient ? c.serverPort : c.clientPort,
        ipProto: 6,
        ...this.via(tlsInfo),
      };
      d.sip = new SipStreamFramer({
        sink: this.anomalies,
        onMessage: (m) => {
          where.frameNo = m.frameNo;
          where.tsSec = m.tsSec;
          where.tsNsec = m.tsNsec;
          this.app.sip(m.message, where);
        },
      });
    }
    const head = d.head!.subarray(0, d.headLen);
    d.head = null;
    d.headLen = 0;
    if (head.length > 0) this.feed(dir, d, head, d.headFrame, d.headSec, d.headNsec);
  }

  /** Plaintext decrypted from TLS is marked as such (transport `tls`, version and suite). */
  private via(tlsInfo: TlsTransportInfo | undefined): { transport?: StreamTransport; tls?: TlsTransportInfo } {
    if (this.carrier === undefined) return {};
    return tlsInfo !== undefined ? { transport: 'tls', tls: tlsInfo } : { transport: 'tls' };
  }

  /**
   * A direction opened with a TLS handshake record: with a key log, both directions go to one
   * TlsConnection; without, the connection is counted (`no_keylog`) and released, as before.
   */
  private startTls(dir: DirValue, d: Direction): void {
    const hub = this.tlsHub!;
    const head = d.head!.subarray(0, d.headLen);
    d.head = null;
    d.headLen = 0;
    if (hub.keys === null) {
      if (!this.tlsCounted) hub.countUnkeyed();
      this.tlsCounted = true;
      d.kind = StreamKind.OTHER;
      this.conn.ignore(dir);
      return;
    }
    this.tls ??= new TlsConnection(this.conn, this.app, this.anomalies, hub, hub.keys, this.wsBudget);
    if (head.length > 0) this.tls.data(dir, head, d.headFrame, d.headSec, d.headNsec);
  }

  /** Not a SIP/MSRP WebSocket: the HTTP directions are released from reassembly like other traffic. */
  private releaseHttp(): void {
    for (const dir of [0, 1] as const) {
      const d = this.dirs[dir];
      if (d.kind !== StreamKind.HTTP) continue;
      d.kind = StreamKind.OTHER;
      this.conn.ignore(dir);
    }
  }

  private feed(dir: DirValue, d: Direction, data: Uint8Array, frameNo: number, tsSec: number, tsNsec: number): void {
    if (d.msrp !== null) {
      // A request made outside a push (a frame cut by a gap or a conflict) is dropped: these
      // bytes come after it. The receiver asks again at the end of its next frame.
      d.bypassAsked = false;
      d.msrp.push(data, frameNo, tsSec, tsNsec);
      if (d.bypassAsked) this.settleBypass(dir, d);
    } else if (d.sip !== null) d.sip.push(data, frameNo, tsSec, tsNsec);
  }

  /**
   * The MSRP receiver asks for bypass at the end of a frame it does not want, usually inside a
   * push. The flow layer passes over bytes from its NEXT delivery, so the request is forwarded
   * only at the end of the push, and only when the framer is between frames with nothing after
   * that end (MsrpFramer.atFrameBoundary): MSRP frames coalesced
   * in one TCP segment (RFC 4975 section 8.1, several sessions on one connection) would
   * otherwise have the frame that starts after the allowing one cut, a target's included.
   * Frames that begin and end later in the same push give their own verdict (a frame that does
   * not allow bypass cancels the request through resume).
   */
  private askBypass(d: Direction): void {
    d.bypassAsked = true;
    // Asked at the end of the frame let go (MsrpStreamRef.bypass): its To-Path and From-Path
    // are what the watch lets pass while bypassed; any other frame start ends the bypass, so a
    // session that no SDP announced is framed from its first frame, not from a re-probe.
    if (this.conn.bypassEnabled !== true || d.msrp === null) return;
    d.watch ??= new MsrpStartWatch();
    if (!d.watch.allow(d.msrp.frameHeaderLines)) d.unwatchable = true;
  }

  private resumeBypass(dir: DirValue, d: Direction): void {
    d.bypassAsked = false;
    // The receiver changed its mind (a claim, a task change, a frame it wants): what it let go
    // before is not let go any more; the next request starts a new watch.
    d.watch = null;
    d.unwatchable = false;
    this.conn.resume!(dir);
  }

  private settleBypass(dir: DirValue, d: Direction): void {
    d.bypassAsked = false;
    if (!d.msrp!.atFrameBoundary) return;
    if (this.conn.bypassEnabled !== true) this.conn.bypass!(dir);
    else if (!d.unwatchable && d.watch !== null) {
      // Bypass starts at a frame boundary: offset 0 of the next bytes is a line start, whatever
      // the watch saw before a re-probe (review R2).
      d.watch.reset();
      this.conn.bypass!(dir, d.watch);
    }
  }
}
