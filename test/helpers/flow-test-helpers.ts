/**
 * Helpers for the flow tests: DecodedPacket builders (the decoder is not used: these tests set
 * the fields the flow layer reads), a recording consumer factory, a recording anomaly sink and
 * a seeded PRNG for the fuzz tests.
 */
import type { AnomalyCode, AnomalySink } from '../../src/core/anomaly.js';
import { createDecodedPacket, IpProto, TcpFlag, type DecodedPacket } from '../../src/decode/decoded-packet.js';
import type { DirValue, StreamConsumer, StreamConsumerFactory, StreamEndReason, TcpConnectionInfo } from '../../src/flow/stream-consumer.js';

/** Parses dotted IPv4 or full/compressed IPv6 text into bytes. */
export function ip(text: string): Uint8Array {
  if (text.includes(':')) {
    const [head, tail] = text.split('::') as [string, string | undefined];
    const h = head === '' ? [] : head.split(':');
    const t = tail === undefined || tail === '' ? [] : tail.split(':');
    const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
    const out = new Uint8Array(16);
    groups.forEach((g, i) => {
      const v = parseInt(g, 16);
      out[i * 2] = v >> 8;
      out[i * 2 + 1] = v & 0xff;
    });
    return out;
  }
  return Uint8Array.from(text.split('.').map(Number));
}

export const ascii = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));
export const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** TCP flag letters as tcpdump prints them: S, A, F, R, P. */
export function flagsOf(f: string): number {
  let v = 0;
  for (const ch of f) {
    if (ch === 'S') v |= TcpFlag.SYN;
    else if (ch === 'A') v |= TcpFlag.ACK;
    else if (ch === 'F') v |= TcpFlag.FIN;
    else if (ch === 'R') v |= TcpFlag.RST;
    else if (ch === 'P') v |= TcpFlag.PSH;
    else throw new Error(`bad flag letter ${ch}`);
  }
  return v;
}

export interface TcpSpec {
  src: string;
  sport: number;
  dst: string;
  dport: number;
  seq: number;
  ack?: number | undefined;
  flags: string;
  data?: string | Uint8Array | undefined;
}

/** A DecodedPacket as the decoder would leave it for one TCP segment. */
export function tcpPacket(s: TcpSpec): DecodedPacket {
  const p = createDecodedPacket();
  const src = ip(s.src);
  p.ipVersion = src.length === 16 ? 6 : 4;
  p.sawIpv4 = p.ipVersion === 4;
  p.sawIpv6 = p.ipVersion === 6;
  p.src = src;
  p.dst = ip(s.dst);
  p.ipProto = IpProto.TCP;
  p.l4 = IpProto.TCP;
  p.srcPort = s.sport;
  p.dstPort = s.dport;
  p.tcpSeq = s.seq >>> 0;
  p.tcpAck = (s.ack ?? 0) >>> 0;
  p.tcpFlags = flagsOf(s.flags);
  p.payload = s.data === undefined ? new Uint8Array(0) : typeof s.data === 'string' ? ascii(s.data) : s.data;
  return p;
}

export interface FragSpec {
  src: string;
  dst: string;
  proto?: number;
  id: number;
  offset: number;
  more: boolean;
  data: Uint8Array;
  truncated?: boolean;
}

/** A DecodedPacket for one IP fragment. */
export function fragPacket(s: FragSpec): DecodedPacket {
  const p = createDecodedPacket();
  p.src = ip(s.src);
  p.dst = ip(s.dst);
  p.ipVersion = p.src.length === 16 ? 6 : 4;
  p.ipProto = s.proto ?? IpProto.UDP;
  p.isFragment = true;
  p.fragId = s.id;
  p.fragOffset = s.offset;
  p.fragMore = s.more;
  p.ipTruncated = s.truncated === true;
  // A copy in a larger buffer, so a defragmenter that kept the view would be caught when the
  // "frame" is overwritten below by the test.
  const frame = new Uint8Array(s.data.length + 8);
  frame.set(s.data, 4);
  p.ipPayload = frame.subarray(4, 4 + s.data.length);
  return p;
}

/** Records anomalies in order. */
export class RecordingSink implements AnomalySink {
  readonly events: { code: AnomalyCode; frame: number | undefined; detail: string | undefined }[] = [];
  report(code: AnomalyCode, frame?: number, detail?: string): void {
    this.events.push({ code, frame, detail });
  }
  codes(): string[] {
    return this.events.map((e) => e.code);
  }
  count(code: AnomalyCode): number {
    return this.events.filter((e) => e.code === code).length;
  }
}

export type StreamEvent =
  | { conn: number; dir: DirValue; kind: 'data'; bytes: Uint8Array; frame: number; tsSec: number }
  | { conn: number; dir: DirValue; kind: 'gap'; length: number; frame: number; tsSec: number }
  | { conn: number; dir: DirValue; kind: 'conflict'; frame: number }
  | { conn: number; dir: DirValue; kind: 'end'; reason: StreamEndReason };

/**
 * A factory whose consumers record every call (data copied, since views are only valid during
 * the call) and check the consumer contract: nothing after end, exactly one end per direction.
 */
export class RecordingFactory implements StreamConsumerFactory {
  readonly events: StreamEvent[] = [];
  readonly conns: TcpConnectionInfo[] = [];
  readonly violations: string[] = [];
  /** `interested` decides per connection; create() returns null when it says no. */
  constructor(private readonly interested: (c: TcpConnectionInfo) => boolean = () => true) {}

  create(conn: TcpConnectionInfo): StreamConsumer | null {
    this.conns.push(conn);
    if (!this.interested(conn)) return null;
    const ended = [false, false];
    const ev = this.events;
    const bad = this.violations;
    const id = conn.id;
    return {
      data(dir, data, frame, tsSec) {
        if (ended[dir]) bad.push(`data after end conn=${id} dir=${dir}`);
        if (data.length === 0) bad.push(`empty data conn=${id}`);
        ev.push({ conn: id, dir, kind: 'data', bytes: data.slice(), frame, tsSec });
      },
      gap(dir, length, frame, tsSec) {
        if (ended[dir]) bad.push(`gap after end conn=${id} dir=${dir}`);
        if (!(length > 0)) bad.push(`non-positive gap conn=${id}`);
        ev.push({ conn: id, dir, kind: 'gap', length, frame, tsSec });
      },
      conflict(dir, frame) {
        if (ended[dir]) bad.push(`conflict after end conn=${id} dir=${dir}`);
        ev.push({ conn: id, dir, kind: 'conflict', frame });
      },
      end(dir, reason) {
        if (ended[dir]) bad.push(`second end conn=${id} dir=${dir}`);
        ended[dir] = true;
        ev.push({ conn: id, dir, kind: 'end', reason });
      },
    };
  }

  /**
   * Compact rendering for table tests: `0C data 'abc' f3`, `0S gap 5 f4`, `0C end fin`
   * (connection id, C = client→server, S = server→client).
   */
  lines(): string[] {
    return this.events.map((e) => {
      const who = `${e.conn}${e.dir === 0 ? 'C' : 'S'}`;
      if (e.kind === 'data') return `${who} data '${text(e.bytes)}' f${e.frame}`;
      if (e.kind === 'gap') return `${who} gap ${e.length} f${e.frame}`;
      if (e.kind === 'conflict') return `${who} conflict f${e.frame}`;
      return `${who} end ${e.reason}`;
    });
  }

  /** Everything delivered on one direction as text, each gap as `length` '?' characters. */
  streamText(conn: number, dir: DirValue): string {
    let s = '';
    for (const e of this.events) {
      if (e.conn !== conn || e.dir !== dir) continue;
      if (e.kind === 'data') s += text(e.bytes);
      else if (e.kind === 'gap') s += '?'.repeat(e.length);
    }
    return s;
  }
}

export { mulberry32 as prng } from '../../samples/gen/lib/prng.js';

/** Integer in [lo, hi]. */
export function randInt(rnd: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rnd() * (hi - lo + 1));
}

/** Fisher-Yates shuffle in place. */
export function shuffle<T>(rnd: () => number, a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
