/**
 * Tunables, defaults (with the issue-12 memory arithmetic) and counters of {@link TcpTracker}
 * (./tcp-tracker.ts), apart so the tracker file holds the per-packet logic only.
 */
import { ConfigError } from '../core/errors.js';
import type { TcpConnectionInfo } from './stream-consumer.js';
import type { HELD_SEGMENT_OVERHEAD, ReassemblyCounters } from './reassembly-context.js';
import type { TcpTracker } from './tcp-tracker.js';

export interface TcpTrackerOptions {
  /** A connection silent this long is ended with 'timeout' and forgotten. Default 300 s. */
  idleTimeoutSec: number;
  /**
   * Connections tracked at once; the least recently active is evicted beyond (`flow.evicted`).
   * Default {@link DEFAULT_MAX_CONNECTIONS} (see there for the memory arithmetic).
   */
  maxConnections: number;
  /**
   * Connections holding stream state (reassemblers and the consumer's parser state) at once.
   * Beyond it the least recently active one lets its stream state go (`flow.stream_evicted`,
   * its directions end with 'evicted') but stays in the table; bytes that come again get a
   * fresh consumer that starts mid-stream ({@link TcpConnectionInfo.resumed}), so a target's
   * connection is never lost for good, only resynchronised. Default
   * {@link DEFAULT_MAX_STREAM_CONNECTIONS}.
   */
  maxStreamConnections: number;
  /**
   * A hole not filled after this long is delivered as a gap. Default 10 s: several RTOs
   * (RFC 6298 minimum RTO 1 s, doubling), yet short enough for live delivery.
   */
  holeTimeoutSec: number;
  /** Out-of-order bytes one direction may hold before its holes become gaps. Default 256 KiB. */
  maxHeldBytesPerDirection: number;
  /** Out-of-order segments one direction may hold before its holes become gaps. Default 1024. */
  maxHeldSegmentsPerDirection: number;
  /**
   * Out-of-order bytes all connections may hold together, counting
   * {@link HELD_SEGMENT_OVERHEAD} bytes per held segment on top of its payload. Default 128 MiB.
   */
  maxHeldBytesTotal: number;
  /**
   * Delivered bytes kept per direction (consumer connections only) to check retransmissions of
   * delivered data for different bytes; 0 turns the check off (overlaps with held data are
   * still checked). Every delivered byte is copied once into this ring, and the rings of all
   * active directions make up the working set: 16 KiB covers a dozen full-size segments, the
   * usual reach of a retransmission. Default 16 KiB.
   */
  historyBytesPerDirection: number;
  /**
   * Memory all history rings may use together. Default 16 MiB: 512 directions with full 16 KiB
   * rings, or 2048 with the 4 KiB ring every direction starts with; beyond it a direction keeps
   * no history (overlaps with held data are still checked). At 64 MiB the rings alone were
   * two thirds of the live heap under a flood of connections (issue 12).
   */
  maxHistoryBytesTotal: number;
  /**
   * A connection closed in both directions (FIN both ways, or RST) is forgotten after this much
   * silence (at least `holeTimeoutSec` + 1, so its holes have been given up by then). Default
   * 30 s: longer than the usual retransmission of a lost last ACK/FIN (RFC 6298 RTO backoff from
   * 1 s), far shorter than `idleTimeoutSec`, and a packet after it is what tshark would also see
   * as stray (a new SYN starts a new stream there too).
   */
  closedLingerSec: number;
  /**
   * A bypassed direction (TcpConnectionInfo.bypass: its consumer said it carries only sessions
   * it does not want) is framed again after this much capture time without bypass (issue 13
   * direction 3, re-probe): a session that SIP never announced and that started on the
   * connection meanwhile is seen there (compare Suricata's bypass timeout). Default 5 s.
   */
  bypassReprobeSec: number;
  /**
   * Honour consumers' bypass requests at all (false: every direction is always framed). Default
   * false: the bypass saved only ~2 % CPU on the bench mix, and while a direction is bypassed a
   * session without SIP starting on it is not seen until the next re-probe, so it is opt-in
   * (`run --flow-bypass`).
   */
  bypass: boolean;
  /**
   * A re-probe frames the direction for at least this much capture time before a bypass takes
   * effect again (the consumer asks again at the end of its next uninteresting frame). Default 1 s.
   */
  bypassProbeSec: number;
}

/**
 * Memory budget (issue 12): `run` must stay within 256 MiB of RSS whatever the traffic. Node,
 * the code and the two worker threads take ~100 MiB; V8 keeps the heap at up to ~1.5× its live
 * data (src/cli/heap-policy.ts), so ~100 MiB of live data is what all tables may hold together,
 * and the TCP table gets ~60 MiB of it (heap snapshots of the hostile loads, bench/hostile-load.ts):
 *
 * - a bare connection (no payload yet, or its stream state let go) is a 272-byte Connection
 *   plus ~56 bytes of hash-map entry: 131 072 × 328 B = 41 MiB;
 * - a connection with stream state adds two reassemblers (with their segment stores and
 *   history objects), the consumer and its two directions, and the first bytes it classifies:
 *   ~1.1 KiB live beside the history rings (capped together by `maxHistoryBytesTotal`, 16 MiB)
 *   and up to 512 bytes of classifier buffer: 8 192 × 1.6 KiB = 13 MiB + 16 MiB of rings.
 *   (With 16 384 the flood of idle connections peaked at 256 MiB: no margin.)
 *
 * The bench mix (~230 calls per second of capture) holds ~15 000 connections, most of them
 * closed and lingering, which release their stream state when both directions end.
 */
export const DEFAULT_MAX_CONNECTIONS = 131_072;
/** See {@link DEFAULT_MAX_CONNECTIONS}. */
export const DEFAULT_MAX_STREAM_CONNECTIONS = 8_192;

/** The defaults of {@link TcpTrackerOptions} (reasons next to each option). */
export const DEFAULT_TCP_TRACKER_OPTIONS: Readonly<TcpTrackerOptions> = {
  idleTimeoutSec: 300,
  maxConnections: DEFAULT_MAX_CONNECTIONS,
  maxStreamConnections: DEFAULT_MAX_STREAM_CONNECTIONS,
  holeTimeoutSec: 10,
  maxHeldBytesPerDirection: 256 * 1024,
  maxHeldSegmentsPerDirection: 1024,
  maxHeldBytesTotal: 128 * 1024 * 1024,
  historyBytesPerDirection: 16 * 1024,
  maxHistoryBytesTotal: 16 * 1024 * 1024,
  closedLingerSec: 30,
  bypassReprobeSec: 5,
  bypass: false,
  bypassProbeSec: 1,
};

/**
 * Counters of {@link TcpTracker.stats}. The reassembly counters (gaps, retransmissions, …, and the
 * bypass counters: times a direction went into bypass or was framed again, re-probes, bytes
 * passed over, directions in bypass now) cover consumer connections only.
 */
export interface TcpTrackerStats extends ReassemblyCounters {
  /** TCP packets seen. */
  packets: number;
  /** Connections created (= the number of tshark `tcp.stream` values when nothing expired). */
  connections: number;
  /** Connections in the table now. */
  active: number;
  /** Connections evicted by the connection cap. */
  evicted: number;
  /** Connections that let their stream state go because of `maxStreamConnections`. */
  streamEvicted: number;
  /** Connections holding stream state now. */
  streamActive: number;
  /** Connections ended by the idle timeout. */
  timedOut: number;
  /** Connections replaced by a new SYN (port reuse). */
  reused: number;
  /** Connections closed in both directions and forgotten after `closedLingerSec` of silence. */
  closedExpired: number;
  /** Out-of-order payload bytes held now, all connections. */
  heldBytes: number;
  /** The same plus per-segment overhead: what `maxHeldBytesTotal` limits. */
  heldCost: number;
  /** History ring memory now, all connections. */
  historyBytes: number;
}

function positive(name: string, v: number, allowZero = false): void {
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new ConfigError(`TcpTracker option ${name} must be a ${allowZero ? 'non-negative' : 'positive'} number (got ${v})`);
  }
}

/** The defaults with `options` applied, checked (a bad value is a {@link ConfigError}). */
export function resolveTcpTrackerOptions(options?: Partial<TcpTrackerOptions>): TcpTrackerOptions {
  const o: TcpTrackerOptions = { ...DEFAULT_TCP_TRACKER_OPTIONS, ...options };
  positive('idleTimeoutSec', o.idleTimeoutSec);
  positive('maxConnections', o.maxConnections);
  positive('maxStreamConnections', o.maxStreamConnections);
  positive('holeTimeoutSec', o.holeTimeoutSec);
  positive('maxHeldBytesPerDirection', o.maxHeldBytesPerDirection);
  positive('maxHeldSegmentsPerDirection', o.maxHeldSegmentsPerDirection);
  positive('maxHeldBytesTotal', o.maxHeldBytesTotal);
  positive('historyBytesPerDirection', o.historyBytesPerDirection, true);
  positive('maxHistoryBytesTotal', o.maxHistoryBytesTotal, true);
  positive('closedLingerSec', o.closedLingerSec);
  positive('bypassReprobeSec', o.bypassReprobeSec);
  positive('bypassProbeSec', o.bypassProbeSec, true);
  return o;
}
