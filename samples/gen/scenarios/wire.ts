/**
 * Putting scenario traffic on the wire while keeping the books: a {@link Scenario} owns the
 * capture, the clock, the PRNG and the {@link TruthBook}; SIP travels over {@link SipUdpLink}
 * (optionally IPv4/IPv6-fragmented) or {@link SipTcpLink}; MSRP over {@link MsrpLeg}s (one TCP
 * connection each), along {@link MsrpRoute}s through RFC 4976 relays. Every frame that reaches
 * the capture updates the truth (chunks, reports, connections); frames "lost" in a capture gap
 * are built (sequence numbers advance) but never written, and never counted.
 *
 * Each MSRP frame gets its own TCP segment(s), and a multi-segment frame never has its end-line
 * split, because tshark's MSRP dissector decodes only the first frame of a segment and flags a
 * split end-line as malformed (/work/shared/docs/tooling-notes.md); the cross-check test relies on it.
 */
import { LinkType } from '../../../src/core/link-type.js';
import {
  ethernetLink,
  ipAddr,
  ipv4Fragments,
  ipv6Fragments,
  msrpFrame,
  Prng,
  SampleCapture,
  TcpConversation,
  TcpFlags,
  Timeline,
  udp,
  udpDatagram,
  type BuiltPacket,
  type Encapsulation,
  type TcpDirection,
  type TcpSegment,
  type Timestamp,
} from '../lib/index.js';
import { hostPort, token, type SipHop, type SipMsg } from './ims-sip.js';
import { TruthBook, type AuditTruth, type InterceptTask, type MessageRecord, type SessionRecord, type TargetIdentifier, type TasksFile } from './truth.js';

/** What the generator put on the wire, for the tshark cross-check. */
export interface WireLog {
  /** SIP messages in capture order of the frame completing them (method or status code). */
  sip: string[];
  /** MSRP SEND frames that reached the capture, in order: Message-ID and Byte-Range. */
  sends: { messageId: string; byteRange: string }[];
  /** TCP segments deliberately left out of the capture (gaps). */
  droppedSegments: number;
}

/** A finished scenario: the capture and everything written next to it. */
export interface ScenarioResult {
  name: string;
  capture: SampleCapture;
  truth: AuditTruth;
  tasks: TasksFile;
  /** Non-target byte strings that must never appear in tap output (null: no such file). */
  markers: string[] | null;
  wire: WireLog;
}

export interface ScenarioOptions {
  /** Capture start, whole seconds since the epoch. */
  startSec: number;
  seed: number;
  /** Nanosecond pcap (default microsecond: then every frame time must be a whole microsecond). */
  nanosecond?: boolean;
}

/** One scenario being generated. */
export class Scenario {
  readonly cap: SampleCapture;
  readonly tl: Timeline;
  readonly prng: Prng;
  readonly book = new TruthBook();
  readonly link: Encapsulation = ethernetLink();
  readonly wire: WireLog = { sip: [], sends: [], droppedSegments: 0 };
  private readonly tasks: InterceptTask[] = [];
  private markerList: string[] | null = null;
  private readonly nanosecond: boolean;

  constructor(
    readonly name: string,
    generator: string,
    description: string,
    o: ScenarioOptions,
  ) {
    this.nanosecond = o.nanosecond ?? false;
    this.cap = new SampleCapture(`${name}.pcap`, generator, description, { kind: 'pcap', linkType: LinkType.ETHERNET, nanosecond: this.nanosecond });
    this.tl = new Timeline({ startSec: o.startSec });
    this.prng = new Prng(o.seed);
  }

  /** Waits `ns` (think time, network delay) without writing. */
  wait(ns: number): void {
    this.tl.advanceNs(ns);
  }

  /** Writes `pkt` `afterNs` after the previous frame and returns its time. */
  put(pkt: BuiltPacket, afterNs = 180_000): Timestamp {
    const t = this.tl.advanceNs(afterNs);
    // Microsecond files store whole microseconds: the truth must name the stored time.
    if (!this.nanosecond && t.nsec % 1000 !== 0) throw new RangeError(`${this.name}: time ${t.sec}.${t.nsec} is not a whole microsecond`);
    this.cap.packet(t, this.link, pkt);
    return t;
  }

  /** A random-looking token (ids, tags). */
  token(n: number): string {
    return token(this.prng, n);
  }

  /** A version-4 UUID from the PRNG (RFC 9562 section 5.4), for task XIDs. */
  uuid(): string {
    const b = this.prng.bytes(16);
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = Buffer.from(b).toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /** Declares an intercept task (X1 ActivateTask) and returns it. */
  task(liid: string, targetIdentifiers: TargetIdentifier[], deliveryType: InterceptTask['deliveryType'] = 'X2andX3'): InterceptTask {
    const t: InterceptTask = { xid: this.uuid(), liid, targetIdentifiers, deliveryType };
    this.tasks.push(t);
    return t;
  }

  /** Records a non-target marker (a byte string that must never reach tap output). */
  marker(s: string): string {
    this.markerList ??= [];
    if (!this.markerList.includes(s)) this.markerList.push(s);
    return s;
  }

  /** The CPIM DateTime (RFC 3862 section 6: RFC 3339, here with milliseconds, UTC) of now. */
  dateTime(): string {
    const t = this.tl.now();
    return new Date(t.sec * 1000 + Math.floor(t.nsec / 1e6)).toISOString();
  }

  result(): ScenarioResult {
    return { name: this.name, capture: this.cap, truth: this.book.toJson(), tasks: { tasks: this.tasks.slice() }, markers: this.markerList?.slice() ?? null, wire: this.wire };
  }
}

// ---------------------------------------------------------------------------------------------
// SIP transports
// ---------------------------------------------------------------------------------------------

/** Fragmentation of one SIP datagram (RFC 791 / RFC 8200 section 4.5). */
export interface FragmentPlan {
  /** Bytes of IP payload per fragment (rounded down to a multiple of 8). */
  size: number;
  /** Arrival order (indexes into the fragments); default in order. */
  order?: readonly number[];
  /** IPv4 identification / IPv6 fragment id. */
  id: number;
}

/** SIP over UDP between two hops (port 5060 both sides). */
export class SipUdpLink {
  constructor(
    private readonly sc: Scenario,
    readonly a: SipHop,
    readonly b: SipHop,
  ) {}

  /** Sends `m` from a (or b); returns the time of the frame that completes it (the last fragment needed). */
  send(fromA: boolean, m: SipMsg, o: { afterNs?: number; fragment?: FragmentPlan } = {}): Timestamp {
    const [s, d] = fromA ? [this.a, this.b] : [this.b, this.a];
    const src = ipAddr(s.ip);
    const dst = ipAddr(d.ip);
    this.sc.wire.sip.push(m.label);
    if (o.fragment === undefined) return this.sc.put(udpDatagram({ src, dst, srcPort: s.port, dstPort: d.port, payload: m.bytes }), o.afterNs);
    const seg = udp({ src, dst, srcPort: s.port, dstPort: d.port, payload: m.bytes });
    const f = o.fragment;
    const arrangement = f.order !== undefined ? { order: f.order } : {};
    const pieces = src.length === 4 ? ipv4Fragments({ src, dst, protocol: 17, id: f.id, payload: seg, ttl: 63 }, f.size, arrangement) : ipv6Fragments({ src, dst, nextHeader: 17, payload: seg, hopLimit: 63 }, f.size, f.id, arrangement);
    let done: Timestamp | undefined;
    pieces.forEach((p, i) => {
      const t = this.sc.put(p, i === 0 ? o.afterNs : 40_000);
      if (p.facts.reassembled !== undefined) done = t;
    });
    if (done === undefined) throw new RangeError('fragment plan never completes the datagram');
    return done;
  }
}

/** SIP over one TCP connection (RFC 3261 section 18.3: framing by Content-Length). */
export class SipTcpLink {
  readonly conv: TcpConversation;

  constructor(
    private readonly sc: Scenario,
    client: SipHop,
    server: SipHop,
  ) {
    this.conv = new TcpConversation({
      client: { addr: ipAddr(client.ip), port: client.port, isn: sc.prng.u32() },
      server: { addr: ipAddr(server.ip), port: server.port, isn: sc.prng.u32() },
    });
  }

  open(): void {
    for (const s of this.conv.handshake()) this.sc.put(s, 120_000);
  }

  /**
   * Sends `msgs` back to back from the client (or server), cut into segments at byte offsets
   * `cuts` of their concatenation (default: one segment per message). Returns, per message, the
   * time of the segment that completes it.
   */
  send(fromClient: boolean, msgs: readonly SipMsg[], o: { cuts?: readonly number[]; afterNs?: number } = {}): Timestamp[] {
    const dir: TcpDirection = fromClient ? 'c2s' : 's2c';
    const data = Buffer.concat(msgs.map((m) => m.bytes));
    const ends: number[] = [];
    let off = 0;
    for (const m of msgs) {
      off += m.bytes.length;
      ends.push(off);
    }
    const cuts = o.cuts ?? ends.slice(0, -1);
    const segs = this.conv.sendCut(dir, data, cuts);
    const segEnds = [...cuts, data.length];
    const times = segs.map((s, i) => this.sc.put(s, i === 0 ? o.afterNs : 60_000));
    msgs.forEach((m) => {
      this.sc.wire.sip.push(m.label);
    });
    return ends.map((e) => times[segEnds.findIndex((se) => se >= e)]!);
  }

  /** A pure ACK. */
  ack(fromClient: boolean): void {
    this.sc.put(this.conv.ack(fromClient ? 'c2s' : 's2c'), 40_000);
  }

  close(): void {
    for (const s of this.conv.close('c2s')) this.sc.put(s, 100_000);
  }
}

// ---------------------------------------------------------------------------------------------
// MSRP
// ---------------------------------------------------------------------------------------------

/** An MSRP TCP endpoint. */
export interface MsrpEnd {
  ip: string;
  port: number;
}

/** One MSRP TCP connection (RFC 4975 section 6.1: the active party opens it). */
export class MsrpLeg {
  readonly conv: TcpConversation;
  /** `client-server` as the truth lists connections. */
  readonly name: string;
  /** Uncorrelated sessions whose start/end follow this connection's frames. */
  private readonly touching: SessionRecord[] = [];

  constructor(
    private readonly sc: Scenario,
    client: MsrpEnd,
    server: MsrpEnd,
    o: { mss?: number } = {},
  ) {
    this.conv = new TcpConversation({
      client: { addr: ipAddr(client.ip), port: client.port, isn: sc.prng.u32(), ...(o.mss !== undefined ? { mss: o.mss } : {}) },
      server: { addr: ipAddr(server.ip), port: server.port, isn: sc.prng.u32(), ...(o.mss !== undefined ? { mss: o.mss } : {}) },
    });
    this.name = `${hostPort(client.ip, client.port)}-${hostPort(server.ip, server.port)}`;
  }

  /** Lists this connection in `s`; with `touch`, every frame also extends the session's start/end. */
  attach(s: SessionRecord, touch = false): void {
    s.connection(this.name);
    if (touch && !this.touching.includes(s)) this.touching.push(s);
  }

  private put(seg: TcpSegment, afterNs: number | undefined): Timestamp {
    const t = this.sc.put(seg, afterNs);
    for (const s of this.touching) s.touch(t);
    return t;
  }

  open(): void {
    this.conv.handshake().forEach((s, i) => {
      this.put(s, i === 0 ? 300_000 : 90_000);
    });
  }

  /** A pure ACK from `dir`. */
  ack(dir: TcpDirection, afterNs = 40_000): void {
    this.put(this.conv.ack(dir), afterNs);
  }

  close(initiator: TcpDirection = 'c2s'): void {
    this.conv.close(initiator).forEach((s) => {
      this.put(s, 90_000);
    });
  }

  /**
   * Writes one MSRP frame from `dir` in its own segment(s), never splitting the end-line; on
   * long frames the receiver ACKs every second segment. With `drop`, the segments are built
   * (the sequence space moves on) but left out of the capture. Returns the time of the last
   * segment, or null when dropped.
   */
  write(dir: TcpDirection, frame: Uint8Array, o: { drop?: boolean; afterNs?: number } = {}): Timestamp | null {
    const mss = (dir === 'c2s' ? this.conv.server : this.conv.client).mss ?? (this.conv.client.addr.length === 16 ? 1440 : 1460);
    // The tail that must stay together: the CRLF before the end-line and the end-line itself.
    const tail = frame.length - Buffer.from(frame).lastIndexOf('-------') + 2;
    const sizes: number[] = [];
    for (let off = 0; off < frame.length; off += mss) sizes.push(Math.min(mss, frame.length - off));
    if (sizes.length > 1 && sizes[sizes.length - 1]! < tail) {
      const move = tail - sizes[sizes.length - 1]!;
      sizes[sizes.length - 2]! -= move;
      sizes[sizes.length - 1]! += move;
    }
    let off = 0;
    let last: Timestamp | null = null;
    sizes.forEach((n, i) => {
      const lastSeg = i === sizes.length - 1;
      const seg = this.conv.segment(dir, { flags: TcpFlags.ACK | (lastSeg ? TcpFlags.PSH : 0), payload: frame.subarray(off, off + n), advance: true });
      off += n;
      if (o.drop === true) {
        this.sc.wire.droppedSegments++;
        return;
      }
      last = this.put(seg, i === 0 ? o.afterNs : 30_000);
      if (!lastSeg && i % 2 === 1) this.ack(dir === 'c2s' ? 's2c' : 'c2s', 20_000);
    });
    return last;
  }
}

/** One captured hop of a route: the leg and the direction the frames take on it. */
export interface CapturedHop {
  leg: MsrpLeg;
  dir: TcpDirection;
}

/**
 * The path of a message (RFC 4976 section 6): the URIs of sender, relays and receiver, and for
 * each hop between consecutive URIs the leg the capture sees it on (null: not captured).
 */
export class MsrpRoute {
  constructor(
    readonly uris: readonly string[],
    readonly hops: readonly (CapturedHop | null)[],
  ) {
    if (hops.length !== uris.length - 1) throw new RangeError('MsrpRoute: one hop per pair of URIs');
  }

  /** The route back (REPORTs, the other party's messages). */
  reverse(): MsrpRoute {
    return new MsrpRoute(
      this.uris.slice().reverse(),
      this.hops
        .slice()
        .reverse()
        .map((h) => (h === null ? null : { leg: h.leg, dir: h.dir === 'c2s' ? 's2c' : 'c2s' })),
    );
  }

  /** To-Path on hop `k`: the next node and everything after it (RFC 4976 section 7.1). */
  toPath(k: number): string {
    return this.uris.slice(k + 1).join(' ');
  }

  /** From-Path on hop `k`: the sending node, then the nodes before it, back to the originator. */
  fromPath(k: number): string {
    return this.uris
      .slice(0, k + 1)
      .reverse()
      .join(' ');
  }
}

/** A message to send along a route, chunked as the scenario says. */
export interface OutgoingMessage {
  messageId: string;
  /** The Content-Type header value (parameters allowed). */
  contentType: string;
  body: Uint8Array;
  /** Chunk body sizes (sum = body length, or less with `abortAt`); default one chunk. */
  chunkSizes?: readonly number[];
  /** Success-Report header: 'yes' asks for a REPORT (RFC 4975 section 7.1.2). */
  successReport?: 'yes' | 'no';
  /** Failure-Report header; 'no' means no transaction responses (RFC 4975 section 7.1.1). */
  failureReport?: 'yes' | 'no' | 'partial';
  /** Byte-Range total `*` on every chunk but the last (RFC 4975 section 7.1.1: total unknown). */
  starTotals?: boolean;
  /** Index of the chunk sent with the `#` (aborted) flag; no chunks follow it. */
  abortAt?: number;
  /** Truth record (null for non-target traffic) and its session. */
  record: MessageRecord | null;
  session: SessionRecord | null;
}

/** The chunks of a message: [start, end] 1-based inclusive. */
function chunkPlan(m: OutgoingMessage): { start: number; end: number; flag: '$' | '+' | '#' }[] {
  const sizes = m.chunkSizes ?? [m.body.length];
  const out: { start: number; end: number; flag: '$' | '+' | '#' }[] = [];
  let start = 1;
  sizes.forEach((n, i) => {
    const last = m.abortAt !== undefined ? i === m.abortAt : i === sizes.length - 1;
    out.push({ start, end: start + n - 1, flag: m.abortAt === i ? '#' : last ? '$' : '+' });
    start += n;
  });
  if (m.abortAt === undefined && start - 1 !== m.body.length) throw new RangeError(`${m.messageId}: chunk sizes do not add up to the body`);
  return m.abortAt !== undefined ? out.slice(0, m.abortAt + 1) : out;
}

/** Sends one message's chunks (and its REPORT) along a route, recording what the capture sees. */
export class MsrpSender {
  private readonly plan: { start: number; end: number; flag: '$' | '+' | '#' }[];
  private reports = 0;
  /** Transaction responses held back by `deferResponse` (the receiver answers later). */
  private readonly pending: (() => void)[] = [];

  constructor(
    private readonly sc: Scenario,
    readonly route: MsrpRoute,
    readonly msg: OutgoingMessage,
  ) {
    this.plan = chunkPlan(msg);
  }

  get chunkCount(): number {
    return this.plan.length;
  }

  /**
   * Sends chunk `i` hop by hop; each hop's receiver answers 200 OK (unless Failure-Report is
   * 'no' or 'partial'). `dropOnHop`: that hop's SEND segments are lost by the capture.
   * `deferResponse`: the 200 OKs wait for {@link flushResponses} (a pipelining sender).
   */
  sendChunk(i: number, o: { dropOnHop?: number; afterNs?: number; deferResponse?: boolean } = {}): void {
    const c = this.plan[i];
    if (c === undefined) throw new RangeError(`${this.msg.messageId}: no chunk ${i}`);
    const m = this.msg;
    // An aborted message still states the total it meant to send (RFC 4975 section 7.1.1).
    const total = m.starTotals === true && c.flag === '+' ? '*' : String(m.body.length);
    const byteRange = `${c.start}-${c.end}/${total}`;
    const data = m.body.subarray(c.start - 1, c.end);
    this.route.hops.forEach((hop, k) => {
      if (hop === null) return;
      const tid = this.sc.token(12);
      // RFC 4975 section 7.1: the sender must pick a transaction id whose end-line does not occur in the body.
      if (Buffer.from(data).includes(`-------${tid}`)) throw new RangeError('end-line inside the body; pick another seed');
      const headers: [string, string][] = [
        ['To-Path', this.route.toPath(k)],
        ['From-Path', this.route.fromPath(k)],
        ['Message-ID', m.messageId],
        ...(m.successReport !== undefined ? [['Success-Report', m.successReport] as [string, string]] : []),
        ...(m.failureReport !== undefined ? [['Failure-Report', m.failureReport] as [string, string]] : []),
        ['Byte-Range', byteRange],
        ['Content-Type', m.contentType],
      ];
      const dropped = o.dropOnHop === k;
      hop.leg.write(hop.dir, msrpFrame({ transactionId: tid, startLine: 'SEND', headers, body: data, flag: c.flag }), {
        drop: dropped,
        afterNs: k === 0 ? (o.afterNs ?? 400_000) : 700_000,
      });
      if (!dropped) {
        this.sc.wire.sends.push({ messageId: m.messageId, byteRange });
        if (m.record !== null) {
          m.record.chunk(c.start, c.end, c.flag);
          m.session?.seen(m.record);
        }
      }
      if (m.failureReport !== 'no' && m.failureReport !== 'partial') {
        // RFC 4975 section 7.2: the response goes back one hop: To-Path is the request's first
        // From-Path URI, From-Path the responder's own URI (first URI of the request's To-Path).
        const back = hop.dir === 'c2s' ? 's2c' : 'c2s';
        const respond = (): void => {
          hop.leg.write(
            back,
            msrpFrame({
              transactionId: tid,
              startLine: '200 OK',
              headers: [
                ['To-Path', this.route.uris[k]!],
                ['From-Path', this.route.uris[k + 1]!],
              ],
            }),
            { afterNs: 2_100_000 },
          );
        };
        if (o.deferResponse === true) this.pending.push(respond);
        else respond();
      }
    });
  }

  /** Writes the transaction responses held back by `deferResponse`, in order. */
  flushResponses(): void {
    for (const r of this.pending.splice(0)) r();
  }

  /** All chunks in order. */
  sendAll(o: { afterNs?: number } = {}): this {
    for (let i = 0; i < this.plan.length; i++) this.sendChunk(i, i === 0 ? o : {});
    return this;
  }

  /**
   * The receiver's REPORT (RFC 4975 section 7.1.2) travelling back along the route, covering
   * the whole message: `Status: 000 <code> <reason>`. REPORTs get no transaction response.
   */
  report(code = '200', reason = 'OK'): this {
    const back = this.route.reverse();
    const key = `${this.msg.messageId}#${this.reports++}`;
    const n = this.msg.body.length;
    back.hops.forEach((hop, k) => {
      if (hop === null) return;
      const tid = this.sc.token(12);
      hop.leg.write(
        hop.dir,
        msrpFrame({
          transactionId: tid,
          startLine: 'REPORT',
          headers: [
            ['To-Path', back.toPath(k)],
            ['From-Path', back.fromPath(k)],
            ['Message-ID', this.msg.messageId],
            ['Byte-Range', `1-${n}/${n}`],
            ['Status', `000 ${code} ${reason}`],
          ],
        }),
        { afterNs: k === 0 ? 3_000_000 : 700_000 },
      );
      this.msg.record?.report(code, key);
    });
    return this;
  }
}
