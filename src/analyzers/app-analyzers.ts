/**
 * The analyzer stage: turns TCP streams, UDP datagrams and SCTP user messages into SIP messages
 * and MSRP frames for the AppEventSink. SIP over UDP (RFC 3261 section 18) is recognised by
 * content on any port, after reassembly of IP fragments (large INVITEs are often fragmented);
 * SIP over SCTP (RFC 4168) likewise, one SIP message per user message.
 */
import type { AnomalySink } from '../core/anomaly.js';
import type { DecodedPacket } from '../decode/decoded-packet.js';
import type { SctpMessageConsumer } from '../flow/sctp-reassembler.js';
import type { StreamConsumer, StreamConsumerFactory, TcpConnectionInfo } from '../flow/stream-consumer.js';
import { parseSipMessage } from '../protocols/sip/index.js';
import { WebSocketMemoryBudget } from '../protocols/websocket/index.js';
import type { AppEventSink, PacketRef } from './app-event-sink.js';
import { AppStreamConsumer } from './app-stream-consumer.js';
import type { TlsKeyLog } from '../protocols/tls/index.js';
import { TlsConnections, type TlsConnectionsOptions } from './tls-connections.js';

const CR = 0x0d;
const LF = 0x0a;

/** RFC 4168 section 5 gives SIP no payload protocol identifier: senders use 0 ("unspecified"). */
const SCTP_PPID_UNSPECIFIED = 0;
/** The SIP ports (RFC 3261 section 19.1.2; 5061 is SIP over TLS, RFC 4168 section 4). */
const SIP_PORT = 5060;
const SIPS_PORT = 5061;

/** Reused per datagram; the AppEventSink contract says these views are valid during the call. */
class MutablePacketRef implements PacketRef {
  frameNo = 0;
  tsSec = 0;
  tsNsec = 0;
  srcAddr: Uint8Array = new Uint8Array(0);
  dstAddr: Uint8Array = new Uint8Array(0);
  srcPort = 0;
  dstPort = 0;
  ipProto = 17;
}

export class AppAnalyzers implements StreamConsumerFactory, SctpMessageConsumer {
  private readonly where = new MutablePacketRef();
  /** UDP datagrams and SCTP user messages handed to the SIP parser. */
  sipDatagrams = 0;
  /** One byte budget for the messages and handshakes all WebSocket connections hold. */
  readonly wsBudget = new WebSocketMemoryBudget();
  /** TLS connections (decrypted with `tlsKeys`, or only counted without), and their counts. */
  readonly tls: TlsConnections;

  /** @param tlsKeys the run's key log (`--tls-keylog`); absent: TLS connections are counted, not decrypted. */
  constructor(
    private readonly app: AppEventSink,
    private readonly anomalies: AnomalySink,
    tlsKeys?: TlsKeyLog,
    tlsLimits?: TlsConnectionsOptions,
  ) {
    this.tls = new TlsConnections(tlsKeys ?? null, anomalies, tlsLimits);
  }

  /** StreamConsumerFactory: every TCP connection gets a classifying consumer. */
  create(conn: TcpConnectionInfo): StreamConsumer {
    return new AppStreamConsumer(conn, this.app, this.anomalies, this.wsBudget, this.tls);
  }

  /** The key log grew: connections waiting for keys decrypt what they hold (`frameNo`: the last frame read). */
  tlsKeysAdded(frameNo: number): void {
    this.tls.retry(frameNo);
  }

  /** One UDP datagram (after IP reassembly). */
  udp(pkt: DecodedPacket, frameNo: number, tsSec: number, tsNsec: number): void {
    this.sipMessage(pkt.payload, pkt, 17, frameNo, tsSec, tsNsec);
  }

  /**
   * SctpMessageConsumer: SIP user messages have PPID 0 (RFC 4168 gives SIP none) on any port, or
   * any PPID on the SIP ports, as Wireshark's heuristic SIP-over-SCTP dissector sees them; others
   * (Diameter, S1AP, M3UA...) are not held at all.
   */
  wants(ppid: number, srcPort: number, dstPort: number): boolean {
    return ppid === SCTP_PPID_UNSPECIFIED || srcPort === SIP_PORT || dstPort === SIP_PORT || srcPort === SIPS_PORT || dstPort === SIPS_PORT;
  }

  /** SctpMessageConsumer: one complete SCTP user message, recognised as SIP by content. */
  message(data: Uint8Array, pkt: DecodedPacket, _stream: number, _ppid: number, frameNo: number, tsSec: number, tsNsec: number): void {
    this.sipMessage(data, pkt, 132, frameNo, tsSec, tsNsec);
  }

  /** A whole SIP message from a message transport (UDP 17, SCTP 132) whose addresses are in `pkt`. */
  private sipMessage(b: Uint8Array, pkt: DecodedPacket, ipProto: number, frameNo: number, tsSec: number, tsNsec: number): void {
    if (b.length < 12) return;
    const c0 = b[0]! | 0x20;
    // Cheap pre-check before parsing: a SIP message starts with a letter (method or "SIP/2.0");
    // CRLF keep-alives (RFC 5626) carry nothing to intercept.
    if (c0 < 0x61 || c0 > 0x7a) return;
    if (!looksLikeSipDatagram(b)) return;
    this.sipDatagrams++;
    const msg = parseSipMessage(b, this.anomalies, frameNo);
    if (msg === null) return;
    const w = this.where;
    w.frameNo = frameNo;
    w.tsSec = tsSec;
    w.tsNsec = tsNsec;
    w.srcAddr = pkt.src;
    w.dstAddr = pkt.dst;
    w.srcPort = pkt.srcPort;
    w.dstPort = pkt.dstPort;
    w.ipProto = ipProto;
    this.app.sip(msg, w);
  }

  tick(tsSec: number, tsNsec: number): void {
    this.tls.tick(tsSec);
    this.app.tick(tsSec, tsNsec);
  }

  finish(): void {
    this.tls.finish();
    this.app.finish();
  }
}

/** The first line ends with " SIP/2.0" (request) or starts with "SIP/2.0 " (response). */
function looksLikeSipDatagram(b: Uint8Array): boolean {
  const n = Math.min(b.length, 8192);
  let e = 0;
  while (e < n && b[e] !== LF) e++;
  if (e >= n) return false;
  let end = e;
  if (end > 0 && b[end - 1] === CR) end--;
  // "SIP/2.0 " at the start …
  if (b[0] === 0x53 && b[1] === 0x49 && b[2] === 0x50 && b[3] === 0x2f) return true;
  // … or " SIP/2.0" ending a request line (letters compared case-insensitively, as the parser
  // does); the parser decides the rest.
  return end >= 8 && b[end - 8] === 0x20 && (b[end - 7]! | 0x20) === 0x73 && (b[end - 6]! | 0x20) === 0x69 && (b[end - 5]! | 0x20) === 0x70 && b[end - 4] === 0x2f;
}
