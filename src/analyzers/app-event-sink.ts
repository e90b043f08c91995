/**
 * What the analyzers hand on: whole SIP messages and MSRP frames, each with the network facts of
 * the packet(s) that carried them. The correlator implements this interface (structurally: the
 * pipeline wires the two, so neither module imports the other).
 */
import type { SipMessage } from '../protocols/sip/index.js';
import type { MsrpFrameSink } from '../protocols/msrp/index.js';

/**
 * Where a SIP message or MSRP frame was seen.
 * @remarks For UDP and SCTP, `srcAddr`/`dstAddr` alias the decoder's reused address slots: valid during the
 * call only; copy what you keep. For TCP streams they are owned copies.
 */
export interface PacketRef {
  readonly frameNo: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly srcAddr: Uint8Array;
  readonly dstAddr: Uint8Array;
  readonly srcPort: number;
  readonly dstPort: number;
  /** 6 = TCP, 17 = UDP, 132 = SCTP. */
  readonly ipProto: number;
  /** Carried over WebSocket (RFC 7118) or TLS (RFC 5246 / RFC 8446, decrypted) on the TCP connection; absent: directly on `ipProto`. */
  readonly transport?: StreamTransport;
  /** Set when the bytes were decrypted from TLS (`tls`, `wss`): what protected them. */
  readonly tls?: TlsTransportInfo;
}

/** A WebSocket transport (RFC 7118 / RFC 7977): `ws`, or `wss` once TLS is decrypted. */
export type WebSocketTransport = 'ws' | 'wss';
/** What carried a SIP message or MSRP stream on a TCP connection: WebSocket, TLS (decrypted), or WebSocket in TLS (`wss`). */
export type StreamTransport = WebSocketTransport | 'tls';

/** The TLS connection the plaintext was decrypted from (never key material). */
export interface TlsTransportInfo {
  readonly version: 'TLS1.2' | 'TLS1.3';
  /** IANA TLS cipher suite number (RFC 8446 B.4, RFC 5246 A.5). */
  readonly cipherSuite: number;
}

/** One direction of a TCP connection that carries MSRP. Addresses are owned copies. */
export interface MsrpStreamRef {
  /** TCP connection id (0-based, tshark's tcp.stream numbering). */
  readonly connId: number;
  /** 0 = client → server, 1 = server → client. */
  readonly dir: 0 | 1;
  readonly srcAddr: Uint8Array;
  readonly dstAddr: Uint8Array;
  readonly srcPort: number;
  readonly dstPort: number;
  /** The TCP handshake was seen (else the stream was joined mid-way). */
  readonly sawSyn: boolean;
  /** The MSRP chunks come in WebSocket messages (RFC 7977) or TLS records (decrypted); absent: directly on TCP. */
  readonly transport?: StreamTransport;
  /** Set when the bytes were decrypted from TLS (`tls`, `wss`). */
  readonly tls?: TlsTransportInfo;
  /**
   * Capture time of the connection's first packet (its SYN when seen): sessions seen without SIP
   * start there (samples/README.md truth rules).
   */
  readonly firstTsSec?: number;
  readonly firstTsNsec?: number;
  /**
   * Flow bypass (issue 13, src/flow/stream-bypass.ts), absent where the transport cannot do it
   * (WebSocket): `bypass` asks that this direction's next bytes be passed over unframed (the
   * receiver decided that it carries only sessions it does not want); `resume` frames them again.
   * What was passed over comes back as one `onGap(bytes, frameNo, true)` before the next frame.
   * A `bypass` asked inside a delivery is forwarded only if that delivery ends exactly at a frame's
   * end (./app-stream-consumer.ts), so no frame begun in it is cut.
   * Both may be called from inside the handler's callbacks and at any other time.
   */
  readonly bypass?: () => void;
  readonly resume?: () => void;
}

/** Receives the frames of one MSRP stream direction, and its end. */
export interface MsrpStreamHandler extends MsrpFrameSink {
  /**
   * `bytes` of this direction were lost (a TCP reassembly gap), before the framer is told. Lets
   * the receiver count loss on the connections it intercepts (issue 13: a live capture that
   * loses packets must never be silent).
   */
  onGap?(bytes: number, frameNo: number, bypassed?: boolean): void;
  /** No more bytes in this direction (FIN, RST, timeout, eviction, end of input). */
  onStreamEnd?(reason: 'fin' | 'rst' | 'timeout' | 'evicted' | 'shutdown'): void;
}

export interface AppEventSink {
  /**
   * A whole SIP message (a UDP datagram, an SCTP user message, or one framed from a TCP stream).
   * @remarks `msg.raw`/`msg.body` alias the datagram for UDP: copy what you keep.
   */
  sip(msg: SipMessage, where: PacketRef): void;
  /** A TCP stream direction was recognised as MSRP (RFC 4975): returns who gets its frames. */
  msrpStream(stream: MsrpStreamRef): MsrpStreamHandler;
  /** Capture time advanced (called about once per captured second): run timeouts. */
  tick(tsSec: number, tsNsec: number): void;
  /** End of input: flush everything still open. */
  finish(): void;
}
