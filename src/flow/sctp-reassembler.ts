/**
 * SCTP user-message reassembly (RFC 9260 section 6.9) for message transports carried over SCTP,
 * SIP first (RFC 4168). A passive tap sees each DATA chunk once or more (retransmissions, several
 * paths), in any order; it hands on each complete user message once.
 *
 * ```
 *   DATA chunk: TSN | flags U B E | stream | SSN | PPID | user data
 *   B+E set:    a whole user message                 → delivered at once (no copy)
 *   B ... E:    fragments with consecutive TSNs, same stream and U flag (section 6.9: "MUST
 *               be strictly sequential") → held (copied) until the run from B to E is complete
 * ```
 *
 * State is kept per association direction: (source, destination, ports, verification tag).
 * Addresses are part of the key, so bytes of one peer can never complete another's message; a
 * multi-homed association whose fragments of one message take two paths is not reassembled
 * (its fragments time out, reported).
 *
 * Duplicates: a TSN delivered recently (the last {@link RECENT_TSNS} per direction) or already
 * held is a retransmission and is dropped (counted, not an anomaly).
 *
 * Limits (every table has a cap and a timeout, evictions are anomalies):
 * - fragments held per direction: bytes (also the largest message) and count;
 * - bytes held in all;
 * - association directions tracked (least recently active evicted first, `flow.evicted`);
 * - fragments older than `fragmentTimeoutSec` of capture time: `sctp.message_incomplete`;
 *   directions idle for `idleTimeoutSec` are forgotten.
 */
import type { AnomalySink } from '../core/anomaly.js';
import { ConfigError } from '../core/errors.js';
import { IpProto, type DecodedPacket } from '../decode/decoded-packet.js';
import { createSctpChunk, readSctpChunk, SctpChunkType, SctpDataFlag } from '../decode/sctp.js';
import { seqAdd, seqDiff } from '../util/seq32.js';

/** Tunables of {@link SctpReassembler}. */
export interface SctpReassemblerOptions {
  /** Capture seconds after which a fragment of an incomplete message is dropped. Default 30. */
  fragmentTimeoutSec: number;
  /** Capture seconds without a wanted DATA chunk after which a direction is forgotten. Default 300. */
  idleTimeoutSec: number;
  /** Association directions tracked at once. Default 8192. */
  maxDirections: number;
  /** Fragment bytes held per direction, and so the largest message reassembled. Default 1 MiB. */
  maxMessageBytes: number;
  /** Fragments held per direction. Default 1024. */
  maxFragments: number;
  /** Fragment bytes held in all. Default 64 MiB; at least maxMessageBytes. */
  maxBytes: number;
}

export const DEFAULT_SCTP_REASSEMBLER_OPTIONS: Readonly<SctpReassemblerOptions> = {
  fragmentTimeoutSec: 30,
  idleTimeoutSec: 300,
  maxDirections: 8192,
  maxMessageBytes: 1 << 20,
  maxFragments: 1024,
  maxBytes: 64 * 1024 * 1024,
};

/** Who gets the user messages, and which DATA is worth holding at all. */
export interface SctpMessageConsumer {
  /**
   * Whether DATA chunks with this payload protocol identifier between these ports are wanted.
   * Every fragment carries the PPID (RFC 9260 section 3.3.1), so unwanted data is never copied.
   */
  wants(ppid: number, srcPort: number, dstPort: number): boolean;
  /**
   * One complete user message. `data` and `pkt` (the packet of its last chunk; same addresses
   * and ports as every fragment) are valid during the call only: copy what you keep.
   */
  message(data: Uint8Array, pkt: DecodedPacket, stream: number, ppid: number, frameNo: number, tsSec: number, tsNsec: number): void;
}

/** Counters of {@link SctpReassembler.stats}. */
export interface SctpReassemblerStats {
  packets: number;
  dataChunks: number;
  /** User messages delivered, and how many of them were put together from fragments. */
  messages: number;
  reassembled: number;
  /** DATA chunks dropped as retransmissions of a TSN already delivered or held. */
  duplicates: number;
  /** DATA chunks of PPIDs/ports nobody wants (not held). */
  skipped: number;
  /** Fragments dropped incomplete (timeout, end of input) / by a cap. */
  incomplete: number;
  evicted: number;
  directions: number;
  bytesHeld: number;
}

/** Delivered TSNs remembered per direction to recognise retransmissions. */
export const RECENT_TSNS = 128;

interface Fragment {
  readonly tsn: number;
  readonly flags: number;
  readonly stream: number;
  readonly ppid: number;
  readonly bytes: Uint8Array;
  readonly firstSeen: number;
}

interface Direction {
  readonly key: string;
  lastSeen: number;
  /** Held fragments, in TSN order. */
  frags: Fragment[];
  held: number;
  readonly recent: Uint32Array;
  recentN: number;
  recentPos: number;
}

const ORDER_FLAGS = SctpDataFlag.U;

export class SctpReassembler {
  private readonly opts: SctpReassemblerOptions;
  /** Insertion order = least recently active first. */
  private readonly table = new Map<string, Direction>();
  private held = 0;
  private readonly chunk = createSctpChunk();
  private readonly counts = { packets: 0, dataChunks: 0, messages: 0, reassembled: 0, duplicates: 0, skipped: 0, incomplete: 0, evicted: 0 };

  constructor(
    private readonly consumer: SctpMessageConsumer,
    private readonly sink: AnomalySink,
    options?: Partial<SctpReassemblerOptions>,
  ) {
    const o = { ...DEFAULT_SCTP_REASSEMBLER_OPTIONS, ...options };
    for (const k of ['fragmentTimeoutSec', 'idleTimeoutSec', 'maxDirections', 'maxMessageBytes', 'maxFragments'] as const) {
      if (!(o[k] > 0) || !Number.isFinite(o[k])) throw new ConfigError(`SctpReassembler ${k} must be positive (got ${o[k]})`);
    }
    if (!(o.maxBytes >= o.maxMessageBytes)) throw new ConfigError(`SctpReassembler maxBytes must be at least maxMessageBytes (got ${o.maxBytes})`);
    this.opts = o;
  }

  /** Walks the chunks of one SCTP packet (`pkt.l4 === 132`); delivers the messages it completes. */
  packet(pkt: DecodedPacket, frameNo: number, tsSec: number, tsNsec: number): void {
    if (pkt.l4 !== IpProto.SCTP) return;
    this.counts.packets++;
    const c = this.chunk;
    const b = pkt.plBuf;
    const end = pkt.plEnd;
    let dir: Direction | undefined;
    for (let off = readSctpChunk(b, pkt.plOff, end, c, this.sink, frameNo, pkt.ipTruncated); off >= 0; off = readSctpChunk(b, off, end, c, this.sink, frameNo, pkt.ipTruncated)) {
      if (c.type === SctpChunkType.I_DATA) {
        // RFC 8260 interleaving: fragments are ordered by MID/FSN, not TSN. Not reassembled.
        this.sink.report('sctp.i_data_not_decoded', frameNo);
        continue;
      }
      if (c.type !== SctpChunkType.DATA) continue; // control chunks (SACK, INIT, HEARTBEAT...) carry no user data
      this.counts.dataChunks++;
      if (!this.consumer.wants(c.ppid, pkt.srcPort, pkt.dstPort)) {
        this.counts.skipped++;
        continue;
      }
      dir ??= this.direction(pkt, frameNo, tsSec + tsNsec * 1e-9);
      this.data(dir, pkt, frameNo, tsSec, tsNsec);
    }
  }

  /** Drops fragments older than the fragment timeout and forgets idle directions. */
  expire(nowSec: number): void {
    const timeout = this.opts.fragmentTimeoutSec;
    for (const d of this.table.values()) {
      if (d.frags.length > 0) {
        const stale = d.frags.filter((f) => nowSec - f.firstSeen >= timeout);
        if (stale.length > 0) {
          d.frags = d.frags.filter((f) => nowSec - f.firstSeen < timeout);
          this.dropFragments(d, stale, 'sctp.message_incomplete', undefined, 'timeout');
        }
      }
      // Deleting the current entry while iterating a Map is safe (it is skipped, not revisited).
      if (d.frags.length === 0 && nowSec - d.lastSeen >= this.opts.idleTimeoutSec) this.table.delete(d.key);
    }
  }

  /** End of input: whatever is still held will never complete. */
  flush(): void {
    for (const d of this.table.values()) {
      this.dropFragments(d, d.frags, 'sctp.message_incomplete', undefined, 'end_of_input');
      d.frags = [];
    }
    this.table.clear();
  }

  stats(): SctpReassemblerStats {
    return { ...this.counts, directions: this.table.size, bytesHeld: this.held };
  }

  private direction(pkt: DecodedPacket, frameNo: number, now: number): Direction {
    const key = directionKey(pkt);
    let d = this.table.get(key);
    if (d === undefined) {
      if (this.table.size >= this.opts.maxDirections) {
        const victim = this.table.values().next().value!;
        this.table.delete(victim.key);
        this.sink.report('flow.evicted', frameNo, `sctp held_bytes=${victim.held} fragments=${victim.frags.length}`);
        this.counts.evicted += victim.frags.length;
        this.held -= victim.held;
      }
      d = { key, lastSeen: now, frags: [], held: 0, recent: new Uint32Array(RECENT_TSNS), recentN: 0, recentPos: 0 };
    } else {
      this.table.delete(key); // LRU: most recently active last
    }
    this.table.set(key, d);
    d.lastSeen = now;
    return d;
  }

  private data(d: Direction, pkt: DecodedPacket, frameNo: number, tsSec: number, tsNsec: number): void {
    const c = this.chunk;
    const tsn = c.tsn;
    if (this.wasDelivered(d, tsn)) {
      this.counts.duplicates++;
      return;
    }
    const whole = (c.flags & (SctpDataFlag.B | SctpDataFlag.E)) === (SctpDataFlag.B | SctpDataFlag.E);
    if (whole) {
      this.remember(d, tsn);
      this.counts.messages++;
      this.consumer.message(c.data.subarray(c.dataOff, c.dataEnd), pkt, c.stream, c.ppid, frameNo, tsSec, tsNsec);
      return;
    }
    // Insert in TSN order (wrap-safe); the same TSN held already is a retransmission.
    const frags = d.frags;
    let i = frags.length;
    while (i > 0 && seqDiff(frags[i - 1]!.tsn, tsn) > 0) i--;
    if (i > 0 && frags[i - 1]!.tsn === tsn) {
      this.counts.duplicates++;
      return;
    }
    const len = c.dataEnd - c.dataOff;
    const f: Fragment = { tsn, flags: c.flags, stream: c.stream, ppid: c.ppid, bytes: c.data.slice(c.dataOff, c.dataEnd), firstSeen: tsSec + tsNsec * 1e-9 };
    frags.splice(i, 0, f);
    d.held += len;
    this.held += len;
    if (this.complete(d, i, pkt, frameNo, tsSec, tsNsec)) return;
    this.enforceCaps(d, frameNo);
  }

  /**
   * Looks for the run of consecutive TSNs through `frags[i]` that starts with B and ends with E,
   * all of one stream and ordering; delivers and removes it when complete.
   */
  private complete(d: Direction, i: number, pkt: DecodedPacket, frameNo: number, tsSec: number, tsNsec: number): boolean {
    const frags = d.frags;
    const f = frags[i]!;
    const same = (g: Fragment, h: Fragment): boolean => g.stream === h.stream && (g.flags & ORDER_FLAGS) === (h.flags & ORDER_FLAGS) && seqAdd(g.tsn, 1) === h.tsn;
    let first = i;
    while ((frags[first]!.flags & SctpDataFlag.B) === 0) {
      if (first === 0 || !same(frags[first - 1]!, frags[first]!) || (frags[first - 1]!.flags & SctpDataFlag.E) !== 0) return false;
      first--;
    }
    let last = i;
    while ((frags[last]!.flags & SctpDataFlag.E) === 0) {
      if (last === frags.length - 1 || !same(frags[last]!, frags[last + 1]!) || (frags[last + 1]!.flags & SctpDataFlag.B) !== 0) return false;
      last++;
    }
    let size = 0;
    for (let k = first; k <= last; k++) size += frags[k]!.bytes.length;
    const msg = new Uint8Array(size);
    let p = 0;
    for (let k = first; k <= last; k++) {
      const g = frags[k]!;
      msg.set(g.bytes, p);
      p += g.bytes.length;
      this.remember(d, g.tsn);
    }
    frags.splice(first, last - first + 1);
    d.held -= size;
    this.held -= size;
    this.counts.messages++;
    this.counts.reassembled++;
    this.consumer.message(msg, pkt, f.stream, f.ppid, frameNo, tsSec, tsNsec);
    return true;
  }

  /** Per-direction bytes and count, then the global bytes: oldest TSNs / least active directions go first. */
  private enforceCaps(d: Direction, frameNo: number): void {
    let n = 0;
    let left = d.held;
    while (n < d.frags.length && (left > this.opts.maxMessageBytes || d.frags.length - n > this.opts.maxFragments)) left -= d.frags[n++]!.bytes.length;
    if (n > 0) this.dropFragments(d, d.frags.splice(0, n), 'sctp.fragments_evicted', frameNo, 'direction_cap');
    for (const v of this.table.values()) {
      if (this.held <= this.opts.maxBytes) break;
      const dropped = v.frags;
      v.frags = [];
      this.dropFragments(v, dropped, 'sctp.fragments_evicted', frameNo, 'global_cap');
    }
  }

  /** Forgets `frags` (already removed from `d.frags`): bytes, counters, one anomaly. */
  private dropFragments(d: Direction, frags: readonly Fragment[], code: 'sctp.message_incomplete' | 'sctp.fragments_evicted', frameNo: number | undefined, reason: string): void {
    const n = frags.length;
    if (n === 0) return;
    let bytes = 0;
    for (const g of frags) bytes += g.bytes.length;
    d.held -= bytes;
    this.held -= bytes;
    if (code === 'sctp.message_incomplete') this.counts.incomplete += n;
    else this.counts.evicted += n;
    this.sink.report(code, frameNo, `fragments=${n} bytes=${bytes} reason=${reason}`);
  }

  private wasDelivered(d: Direction, tsn: number): boolean {
    const r = d.recent;
    for (let k = 0; k < d.recentN; k++) if (r[k] === tsn) return true;
    return false;
  }

  private remember(d: Direction, tsn: number): void {
    d.recent[d.recentPos] = tsn;
    d.recentPos = (d.recentPos + 1) % RECENT_TSNS;
    if (d.recentN < RECENT_TSNS) d.recentN++;
  }
}

/** (verification tag, ports, source, destination) as a string of char codes. */
function directionKey(pkt: DecodedPacket): string {
  let k = String.fromCharCode(pkt.sctpVtag >>> 16, pkt.sctpVtag & 0xffff, pkt.srcPort, pkt.dstPort, pkt.src.length);
  for (let i = 0; i < pkt.src.length; i++) k += String.fromCharCode(pkt.src[i]!);
  for (let i = 0; i < pkt.dst.length; i++) k += String.fromCharCode(pkt.dst[i]!);
  return k;
}
