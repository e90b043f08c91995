/**
 * The shapes of the analyzers' events as the correlator consumes them. They mirror
 * src/analyzers/app-event-sink.ts (PacketRef, MsrpStreamRef, MsrpStreamHandler) structurally:
 * the pipeline wires the two modules, neither imports the other (DEVELOPERS.md layering).
 */
import type { MsrpFrameSink } from '../protocols/msrp/index.js';

/** Where a SIP message was seen. UDP addresses are valid during the call only: copy to keep. */
export interface SipPacketRef {
  readonly frameNo: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly srcAddr: Uint8Array;
  readonly dstAddr: Uint8Array;
  readonly srcPort: number;
  readonly dstPort: number;
  /** 6 = TCP, 17 = UDP. */
  readonly ipProto: number;
}

/** One direction of an MSRP TCP connection (owned address copies). */
export interface MsrpStreamInfo {
  readonly connId: number;
  /** 0 = client → server (the SYN sender is the client), 1 = server → client. */
  readonly dir: 0 | 1;
  readonly srcAddr: Uint8Array;
  readonly dstAddr: Uint8Array;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly sawSyn: boolean;
  /**
   * Optional: capture time of the connection's first packet (its SYN). Sessions without SIP
   * start there (samples/README.md truth rules); without it they start at their first frame.
   */
  readonly firstTsSec?: number;
  readonly firstTsNsec?: number;
}

/** Receives the frames of one stream direction, and its end. */
export interface MsrpStreamSink extends MsrpFrameSink {
  /**
   * No more bytes in this direction. `lastTsSec`/`lastTsNsec` (optional): capture time of the
   * connection's last packet, where sessions without SIP end (truth rules).
   */
  onStreamEnd?(reason: 'fin' | 'rst' | 'timeout' | 'evicted' | 'shutdown', lastTsSec?: number, lastTsNsec?: number): void;
}
