/**
 * The bridge between TCP reassembly and application analyzers (Zeek's "thin bridge",
 * gopacket's `Stream`/`StreamFactory`): analyzers receive ordered bytes, explicit gaps and an
 * end per direction, and never see segments, sequence numbers or TCP flags.
 */
import type { BypassWatch } from './stream-bypass.js';

/** Direction of a stream relative to the connection's roles. */
export const Dir = {
  CLIENT_TO_SERVER: 0,
  SERVER_TO_CLIENT: 1,
} as const;
/** 0 = client to server, 1 = server to client. */
export type DirValue = (typeof Dir)[keyof typeof Dir];

/** Why a direction ends: FIN, RST, idle timeout, table/memory eviction, or end of input. */
export type StreamEndReason = 'fin' | 'rst' | 'timeout' | 'evicted' | 'shutdown';

/**
 * Receives one connection's reassembled streams. Calls for one direction arrive in stream
 * order: any number of `data`/`gap` calls, then exactly one `end`.
 *
 * @remarks Implementations must not throw (wire content never throws in msrptap) and must not
 * call back into the tracker from these callbacks.
 */
export interface StreamConsumer {
  /**
   * In-order bytes. `data` is only valid during the call (it may alias the captured frame):
   * copy what you keep. `frameNo`/`tsSec`/`tsNsec` are those of the segment that carried them.
   */
  data(dir: DirValue, data: Uint8Array, frameNo: number, tsSec: number, tsNsec: number): void;
  /**
   * `length` bytes are missing at this point of the stream (never seen). `frameNo`/time are
   * those of the first segment seen after the hole (or of the FIN that bounds it).
   * `bypassed`: the bytes were passed over at the consumer's request ({@link TcpConnectionInfo.bypass}),
   * possibly with real holes among them, and this is the first delivery since.
   */
  gap(dir: DirValue, length: number, frameNo: number, tsSec: number, tsNsec: number, bypassed?: boolean): void;
  /**
   * A retransmission contradicted bytes of this direction with different data (first data
   * wins, `tcp.overlap_different_data`): what the stream says around here is uncertain. Optional;
   * a framer may cut the message in progress rather than trust the bytes.
   */
  conflict?(dir: DirValue, frameNo: number, tsSec: number, tsNsec: number): void;
  /** No more bytes in this direction (FIN, RST, idle timeout, eviction, or end of input). */
  end(dir: DirValue, reason: StreamEndReason): void;
}

/** What a factory learns about a new connection. Addresses are owned copies. */
export interface TcpConnectionInfo {
  /** 0-based, in order of creation, like tshark's `tcp.stream`. */
  readonly id: number;
  readonly clientAddr: Uint8Array;
  readonly clientPort: number;
  readonly serverAddr: Uint8Array;
  readonly serverPort: number;
  readonly ipVersion: 4 | 6;
  /** The connection's first packet was a SYN or SYN/ACK (roles are known, not guessed). */
  readonly sawSyn: boolean;
  /**
   * An earlier consumer of this connection was let go under memory pressure (the tracker's
   * `maxStreamConnections`, `flow.stream_evicted`): this one starts mid-stream, after bytes it
   * never saw, and must resynchronise (e.g. at the next start line).
   */
  readonly resumed: boolean;
  /** Frame and capture time of the connection's first packet. */
  readonly startFrame: number;
  readonly startSec: number;
  readonly startNsec: number;
  /**
   * Stops reassembly of one direction for good (the consumer classified it as uninteresting):
   * no more data, gaps or end for it. Callable from inside a consumer callback.
   */
  ignore(dir: DirValue): void;
  /**
   * Bypass of one direction (issue 13, ./stream-bypass.ts): from its next bytes on, only
   * sequence numbers are followed until {@link resume}, a re-probe or its end; what was passed
   * over then comes as one `gap(..., bypassed = true)`. Callable from inside a consumer callback
   * and at any other time. `watch`: shown every segment before it is passed over; the bypass
   * ends at the first it refuses (./stream-bypass.ts BypassWatch).
   */
  bypass?(dir: DirValue, watch?: BypassWatch): void;
  /** The table bypasses on request (TcpTrackerOptions.bypass); false: `bypass` is ignored, so a consumer need not prepare a watch. */
  readonly bypassEnabled?: boolean;
  /** Ends a bypass of `dir` (or cancels the request): bytes are delivered again from the next one. */
  resume?(dir: DirValue): void;
}

/** Creates consumers for new connections. */
export interface StreamConsumerFactory {
  /**
   * Called once per connection, at its first segment that carries payload or FIN (segments
   * before it carry no stream bytes), and once more each time bytes come again after its
   * consumer was evicted (see {@link TcpConnectionInfo.resumed}). Return null when not
   * interested: the connection is still tracked (ids, counts, lifecycle) but no byte is
   * buffered or delivered.
   */
  create(conn: TcpConnectionInfo): StreamConsumer | null;
}
