/**
 * IPv4 and IPv6 fragment reassembly (RFC 791 section 3.2 "Fragmentation and Reassembly",
 * RFC 8200 section 4.5; hole bookkeeping as in RFC 815, done here with the sorted, first-wins
 * {@link SegmentStore}; table, timeout and caps as in Zeek `Frag.cc` and gopacket `ip4defrag`).
 *
 * A datagram is identified by (IP version, source, destination, protocol, identification)
 * (RFC 791: "source, destination, protocol, and identification"; RFC 8200 keys on source,
 * destination and Fragment Identification, and all its fragments carry the same Next Header).
 *
 * ```
 *   fragment:      [offset, offset + payload)      MF=0 fixes the end (total length)
 *   datagram:  0 [frag][frag]....hole....[frag] end
 *   complete when the end is known and the stored bytes cover [0, end)
 * ```
 *
 * Policies (a passive tap cannot know what the receiver did, so it keeps the most data and
 * says what was odd):
 * - overlaps: first data wins, `ip.fragment_overlap`. RFC 5722 and RFC 8200 make a host drop
 *   an IPv6 datagram with overlapping fragments; we keep it and report instead.
 * - exact duplicates (no new byte, same bytes): ignored silently (mirror ports duplicate).
 * - a fragment ending beyond 65535 bytes: dropped, `ip.fragment_too_large` (ping of death).
 * - contradicting ends (two last fragments, data past the end): the later fragment is dropped,
 *   `ip.fragment_inconsistent`; a non-last fragment not a multiple of 8 bytes (RFC 791,
 *   RFC 8200) is reported the same way but kept.
 * - incomplete datagrams expire after `timeoutSec` of capture time from their first fragment
 *   (RFC 791 suggests a 15 s timer; Linux ipfrag_time is 30 s; RFC 8200 says 60 s).
 * - caps on datagrams in flight and bytes held; the least recently updated datagram is dropped
 *   first, `ip.fragment_evicted`.
 */
import type { AnomalySink } from '../core/anomaly.js';
import { ConfigError } from '../core/errors.js';
import type { DecodedPacket } from '../decode/decoded-packet.js';
import { DUE_SLACK_SEC, IdleTable } from '../util/idle-table.js';
import { SegmentStore } from '../util/segment-store.js';

/** Tunables of {@link IpDefragmenter}. */
export interface IpDefragmenterOptions {
  /** Capture seconds after its first fragment at which an incomplete datagram is dropped. Default 30. */
  timeoutSec: number;
  /** Incomplete datagrams held at once. Default 4096. */
  maxDatagrams: number;
  /** Fragment bytes held at once, all datagrams. Default 64 MiB; at least 65535. */
  maxBytes: number;
}

/** The defaults of {@link IpDefragmenterOptions}. */
export const DEFAULT_IP_DEFRAGMENTER_OPTIONS: Readonly<IpDefragmenterOptions> = {
  timeoutSec: 30,
  maxDatagrams: 4096,
  maxBytes: 64 * 1024 * 1024,
};

/** Counters of {@link IpDefragmenter.stats}. */
export interface IpDefragmenterStats {
  /** Fragments pushed. */
  fragments: number;
  /** Datagrams completed from two or more fragments. */
  reassembled: number;
  /** Atomic fragments (offset 0, no more fragments; RFC 6946) passed through. */
  atomic: number;
  /** Fragments that added nothing (exact duplicates). */
  duplicates: number;
  /** Fragments that overlapped stored data with new boundaries or bytes. */
  overlaps: number;
  /** Fragments dropped (too large, truncated, inconsistent end). */
  dropped: number;
  /** Datagrams dropped by the timeout / by a cap. */
  timedOut: number;
  evicted: number;
  /** Incomplete datagrams held now, and their bytes. */
  inFlight: number;
  bytesHeld: number;
}

/** Largest datagram payload expressible (16-bit length fields of IPv4 and IPv6). */
const MAX_DATAGRAM = 65535;

interface Datagram {
  readonly key: string;
  readonly store: SegmentStore;
  /** Payload length once the last fragment (MF=0) was seen, else -1. */
  totalLen: number;
  /** Capture time (fractional seconds) of the first fragment. */
  readonly firstSeen: number;
  /** Rank in update order (a counter taken at every fragment): the order expiry reports in. */
  updated: number;
}

/**
 * Reassembles fragmented IP datagrams from {@link DecodedPacket}s with `isFragment` set.
 * Pipeline use:
 * ```ts
 * if (pkt.isFragment && !defrag.push(pkt, frameNo, tsSec, tsNsec)) continue;
 * decodeTransport(pkt, frameNo, sink);
 * ```
 */
export class IpDefragmenter {
  private readonly opts: IpDefragmenterOptions;
  /**
   * Incomplete datagrams, due `timeoutSec` after their first fragment (RFC 791 section 3.2's
   * reassembly timer, started by the first fragment); full, the least recently updated goes.
   */
  private readonly table: IdleTable<string, Datagram>;
  private evictFrameNo: number | undefined = undefined;
  private updateSeq = 0;
  private held = 0;
  private readonly counts = {
    fragments: 0,
    reassembled: 0,
    atomic: 0,
    duplicates: 0,
    overlaps: 0,
    dropped: 0,
    timedOut: 0,
    evicted: 0,
  };

  constructor(
    private readonly sink: AnomalySink,
    options?: Partial<IpDefragmenterOptions>,
  ) {
    const o = { ...DEFAULT_IP_DEFRAGMENTER_OPTIONS, ...options };
    if (!(o.timeoutSec > 0) || !Number.isFinite(o.timeoutSec)) throw new ConfigError(`IpDefragmenter timeoutSec must be positive (got ${o.timeoutSec})`);
    if (!(o.maxDatagrams >= 1)) throw new ConfigError(`IpDefragmenter maxDatagrams must be at least 1 (got ${o.maxDatagrams})`);
    if (!(o.maxBytes >= MAX_DATAGRAM)) throw new ConfigError(`IpDefragmenter maxBytes must be at least ${MAX_DATAGRAM} (got ${o.maxBytes})`);
    this.opts = o;
    this.table = new IdleTable<string, Datagram>({
      cap: o.maxDatagrams,
      evict: 'lru',
      onEvict: (_k, d) => {
        this.counts.evicted++;
        this.drop(d, 'ip.fragment_evicted', this.evictFrameNo);
      },
    });
  }

  /**
   * Adds one fragment. When it completes its datagram, `pkt.ipPayload` becomes the whole
   * reassembled payload (a new buffer owned by the caller), `pkt.isFragment`, `fragOffset`,
   * `fragMore` and `ipTruncated` are cleared, and true is returned: decode the transport next.
   * Otherwise the fragment's bytes are copied and false is returned.
   *
   * A packet that is not a fragment, or an atomic fragment (offset 0, MF=0, RFC 6946), is
   * already whole: true, nothing copied.
   */
  push(pkt: DecodedPacket, frameNo: number, tsSec: number, tsNsec: number): boolean {
    if (!pkt.isFragment) return true;
    this.counts.fragments++;
    const off = pkt.fragOffset;
    const data = pkt.ipPayload;
    const end = off + data.length;
    if (off === 0 && !pkt.fragMore) {
      // RFC 6946 section 4: an atomic fragment is processed in isolation.
      this.counts.atomic++;
      pkt.isFragment = false;
      return true;
    }
    if (pkt.ipTruncated) {
      // The captured bytes are fewer than the fragment's: it can never be placed exactly.
      this.counts.dropped++;
      this.sink.report('ip.fragment_truncated', frameNo, `id=${pkt.fragId} offset=${off}`);
      return false;
    }
    if (end > MAX_DATAGRAM) {
      this.counts.dropped++;
      this.sink.report('ip.fragment_too_large', frameNo, `id=${pkt.fragId} offset=${off} length=${data.length}`);
      return false;
    }
    const now = tsSec + tsNsec * 1e-9;
    const key = datagramKey(pkt);
    let d = this.table.get(key);
    if (d !== undefined && now - d.firstSeen >= this.opts.timeoutSec) {
      this.drop(d, 'ip.fragment_timeout', frameNo);
      this.counts.timedOut++;
      d = undefined;
    }
    if (d === undefined) {
      d = { key, store: new SegmentStore(), totalLen: -1, firstSeen: now, updated: ++this.updateSeq };
      // A full table evicts the least recently updated datagram first (onEvict above).
      this.evictFrameNo = frameNo;
      this.table.set(key, d, now + this.opts.timeoutSec);
    } else {
      // Most recently updated last (the timer still runs from the first fragment).
      d.updated = ++this.updateSeq;
      this.table.touch(key, d.firstSeen + this.opts.timeoutSec);
    }

    if (pkt.fragMore && data.length % 8 !== 0) {
      // RFC 791 / RFC 8200 section 4.5: every fragment but the last is a multiple of 8 octets.
      this.sink.report('ip.fragment_inconsistent', frameNo, `id=${pkt.fragId} offset=${off} length=${data.length} reason=not_multiple_of_8`);
    }
    if (!pkt.fragMore) {
      const lastEnd = d.store.last()?.end ?? 0;
      if ((d.totalLen >= 0 && d.totalLen !== end) || lastEnd > end) {
        this.counts.dropped++;
        this.sink.report('ip.fragment_inconsistent', frameNo, `id=${pkt.fragId} offset=${off} length=${data.length} reason=end_mismatch`);
        return false;
      }
      d.totalLen = end;
    } else if (d.totalLen >= 0 && end > d.totalLen) {
      this.counts.dropped++;
      this.sink.report('ip.fragment_inconsistent', frameNo, `id=${pkt.fragId} offset=${off} length=${data.length} reason=past_end`);
      return false;
    }

    const st = d.store;
    if (data.length > 0) {
      st.insert(off, data, frameNo, tsSec, tsNsec);
      this.held += st.lastAdded;
      if (st.lastOverlap > 0) {
        if (st.lastAdded === 0 && st.lastDiffering === 0) {
          this.counts.duplicates++;
        } else {
          this.counts.overlaps++;
          this.sink.report('ip.fragment_overlap', frameNo, `id=${pkt.fragId} offset=${off} length=${data.length} overlap=${st.lastOverlap} differing=${st.lastDiffering}`);
        }
      }
    }

    if (d.totalLen >= 0 && st.bytes === d.totalLen) {
      // Non-overlapping pieces inside [0, totalLen) whose sizes add up to totalLen: no hole.
      const whole = new Uint8Array(d.totalLen);
      st.copyInto(whole, 0);
      this.table.delete(key);
      this.held -= st.bytes;
      this.counts.reassembled++;
      pkt.ipPayload = whole;
      pkt.isFragment = false;
      pkt.fragOffset = 0;
      pkt.fragMore = false;
      pkt.ipTruncated = false;
      return true;
    }
    // This datagram is the most recent: with two or more held it is never the one to go.
    this.evictFrameNo = frameNo;
    while (this.held > this.opts.maxBytes && this.table.size > 1) this.table.evictOne();
    return false;
  }

  /** Drops incomplete datagrams whose first fragment is `timeoutSec` older than `nowSec`. */
  expire(nowSec: number): void {
    // Only the datagrams the table says are due (DUE_SLACK_SEC early: the rule push() also
    // applies compares a difference, the table a sum), reported in update order as always.
    const due: Datagram[] = [];
    this.table.tick(nowSec + DUE_SLACK_SEC, (_k, d) => {
      if (nowSec - d.firstSeen < this.opts.timeoutSec) return nowSec + 2 * DUE_SLACK_SEC;
      due.push(d);
      return Infinity; // dropped just below (drop() takes it out)
    });
    if (due.length > 1) due.sort((a, b) => a.updated - b.updated);
    for (const d of due) {
      this.counts.timedOut++;
      this.drop(d, 'ip.fragment_timeout', undefined);
    }
  }

  /** A snapshot of the counters. */
  stats(): IpDefragmenterStats {
    return { ...this.counts, inFlight: this.table.size, bytesHeld: this.held };
  }

  private drop(d: Datagram, code: 'ip.fragment_timeout' | 'ip.fragment_evicted', frameNo: number | undefined): void {
    this.table.delete(d.key);
    this.held -= d.store.bytes;
    this.sink.report(code, frameNo, `held_bytes=${d.store.bytes} fragments=${d.store.count}`);
    d.store.clear();
  }
}

/** (version, protocol, identification, source, destination) as a string of char codes. */
function datagramKey(pkt: DecodedPacket): string {
  let k = String.fromCharCode(pkt.ipVersion, pkt.ipProto, pkt.fragId >>> 16, pkt.fragId & 0xffff, pkt.src.length);
  for (let i = 0; i < pkt.src.length; i++) k += String.fromCharCode(pkt.src[i]!);
  for (let i = 0; i < pkt.dst.length; i++) k += String.fromCharCode(pkt.dst[i]!);
  return k;
}
