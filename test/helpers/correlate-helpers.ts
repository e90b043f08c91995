/**
 * Test harness for the correlator: builds SIP messages, SDP and MSRP frames as bytes (with the
 * sample generator's builders), parses them with the real parsers and drives a Correlator through
 * its AppEventSink interface (MSRP through a real MsrpFramer per TCP direction).
 */
import { ipAddr } from '../../samples/gen/lib/addr.js';
import { msrpFrame } from '../../samples/gen/lib/msrp-frame.js';
import { sdpBody, sipMessage } from '../../samples/gen/lib/sip-message.js';
import { AnomalyCounter } from '../../src/core/anomaly.js';
import type { MsrpStreamHandler } from '../../src/analyzers/app-event-sink.js';
import { Correlator, type CorrelatorOptions } from '../../src/correlate/correlator.js';
import { parseTasksFile } from '../../src/correlate/tasks-file.js';
import { MsrpFramer } from '../../src/protocols/msrp/index.js';
import { parseSipMessage, type ParseSipOptions } from '../../src/protocols/sip/index.js';
import type { LiRecord } from '../../src/records/li-record.js';

export const T0 = 1_790_000_000;

export const XID_A = '11111111-2222-4333-8444-555555555555';
export const XID_B = '66666666-7777-4888-9999-aaaaaaaaaaaa';

export interface TaskSpec {
  xid?: string;
  liid?: string;
  ids: Record<string, string>[];
  deliveryType?: 'X2andX3' | 'X2Only' | 'X3Only';
  startTime?: string;
  endTime?: string;
}

/** A tasks file from short specs. */
export function tasksJson(specs: TaskSpec[]): unknown {
  return {
    tasks: specs.map((s, i) => ({
      xid: s.xid ?? (i === 0 ? XID_A : XID_B),
      liid: s.liid ?? `LIID-${i + 1}`,
      targetIdentifiers: s.ids,
      deliveryType: s.deliveryType ?? 'X2andX3',
      ...(s.startTime !== undefined ? { startTime: s.startTime } : {}),
      ...(s.endTime !== undefined ? { endTime: s.endTime } : {}),
    })),
  };
}

export interface Endpoint {
  ip: string;
  port: number;
}

/** One MSRP TCP connection with a framer per direction. */
export class TestConn {
  private readonly framers: [MsrpFramer, MsrpFramer];
  readonly handlers: [MsrpStreamHandler, MsrpStreamHandler];
  constructor(
    private readonly h: Harness,
    readonly connId: number,
    readonly client: Endpoint,
    readonly server: Endpoint,
  ) {
    const c = ipAddr(client.ip);
    const s = ipAddr(server.ip);
    this.handlers = [
      h.correlator.msrpStream({ connId, dir: 0, srcAddr: c, dstAddr: s, srcPort: client.port, dstPort: server.port, sawSyn: true }),
      h.correlator.msrpStream({ connId, dir: 1, srcAddr: s, dstAddr: c, srcPort: server.port, dstPort: client.port, sawSyn: true }),
    ];
    this.framers = [new MsrpFramer(this.handlers[0], h.anomalies), new MsrpFramer(this.handlers[1], h.anomalies)];
  }

  /** Pushes bytes in direction 0 (client → server) or 1, optionally in pieces of `split` bytes. */
  push(dir: 0 | 1, bytes: Uint8Array, split = 0): void {
    const ts = this.h.advance();
    if (split <= 0) {
      this.framers[dir].push(bytes, this.h.nextFrame(), ts.sec, ts.nsec);
      return;
    }
    for (let o = 0; o < bytes.length; o += split) this.framers[dir].push(bytes.subarray(o, o + split), this.h.nextFrame(), ts.sec, ts.nsec);
  }

  /** A capture gap of `n` bytes in direction `dir`. */
  gap(dir: 0 | 1, n: number): void {
    const ts = this.h.advance();
    this.framers[dir].gap(n, this.h.nextFrame(), ts.sec, ts.nsec);
  }

  end(): void {
    this.framers[0].end();
    this.framers[1].end();
  }
}

/** Drives a Correlator; collects its records. */
export class Harness {
  readonly records: LiRecord[] = [];
  readonly anomalies = new AnomalyCounter();
  readonly correlator: Correlator;
  private frame = 0;
  /** Capture clock in nanoseconds since T0. */
  private clock = 0;

  constructor(tasks: TaskSpec[] | unknown, options: Partial<CorrelatorOptions> = {}) {
    const json = Array.isArray(tasks) ? tasksJson(tasks as TaskSpec[]) : tasks;
    this.correlator = new Correlator({
      tasks: parseTasksFile(json, 'tasks.json'),
      onRecord: (r) => this.records.push(r),
      anomalies: this.anomalies,
      ...options,
    });
  }

  nextFrame(): number {
    return ++this.frame;
  }

  /** Advances the clock by `ns` (default 1 ms) and returns the time. */
  advance(ns = 1_000_000): { sec: number; nsec: number } {
    this.clock += ns;
    return { sec: T0 + Math.floor(this.clock / 1e9), nsec: this.clock % 1e9 };
  }

  /** Waits `sec` seconds and ticks. */
  wait(sec: number): void {
    this.clock += Math.round(sec * 1e9);
    this.correlator.tick(T0 + Math.floor(this.clock / 1e9), this.clock % 1e9);
  }

  /** Feeds a SIP message from `src` to `dst` (UDP). Returns the frame number. */
  sip(bytes: Uint8Array, src: Endpoint, dst: Endpoint, options?: ParseSipOptions): number {
    const ts = this.advance();
    const frameNo = this.nextFrame();
    const msg = parseSipMessage(bytes, this.anomalies, frameNo, options);
    if (msg === null) throw new Error('test SIP message did not parse');
    this.correlator.sip(msg, { frameNo, tsSec: ts.sec, tsNsec: ts.nsec, srcAddr: ipAddr(src.ip), dstAddr: ipAddr(dst.ip), srcPort: src.port, dstPort: dst.port, ipProto: 17 });
    return frameNo;
  }

  conn(connId: number, client: Endpoint, server: Endpoint): TestConn {
    return new TestConn(this, connId, client, server);
  }

  finish(): void {
    this.correlator.finish();
  }

  iri(): Extract<LiRecord, { kind: 'iri' }>[] {
    return this.records.filter((r): r is Extract<LiRecord, { kind: 'iri' }> => r.kind === 'iri');
  }

  cc(): Extract<LiRecord, { kind: 'cc' }>[] {
    return this.records.filter((r): r is Extract<LiRecord, { kind: 'cc' }> => r.kind === 'cc');
  }

  /** `iriType:eventKind` of every IRI record of task `xid`, in order. */
  iriSummary(xid = XID_A): string[] {
    return this.iri()
      .filter((r) => r.task.xid === xid)
      .map((r) => `${r.iriType}:${r.event.kind}${r.event.kind === 'iMSMessage' ? `:${sipLabel(r.event.sip.raw)}` : ''}`);
  }
}

function sipLabel(raw: Uint8Array): string {
  const line = Buffer.from(raw).toString('latin1').split('\r\n', 1)[0]!;
  return line.startsWith('SIP/2.0 ') ? line.split(' ')[1]! : line.split(' ')[0]!;
}

// ---------------------------------------------------------------------------------------------
// SIP

export const UE_A: Endpoint = { ip: '10.0.0.1', port: 5060 };
export const PCSCF: Endpoint = { ip: '10.0.0.254', port: 5060 };
export const UE_B: Endpoint = { ip: '10.0.1.2', port: 5060 };

export interface CallOptions {
  callId: string;
  from: string;
  to: string;
  ruri?: string;
  pai?: string;
  fromTag?: string;
  method?: 'INVITE' | 'MESSAGE';
  extra?: [string, string][];
}

/** A SIP dialog's messages (RFC 3261 fields kept consistent). */
export class TestCall {
  private branchNo = 0;
  readonly fromTag: string;
  constructor(readonly o: CallOptions) {
    this.fromTag = o.fromTag ?? 'ftag1';
  }

  private via(): [string, string] {
    return ['Via', `SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-${this.o.callId.slice(0, 6)}-${++this.branchNo}`];
  }

  /** The initial request (INVITE or MESSAGE) with a body. */
  request(body = '', contentType = 'application/sdp', viaBranch?: string): Uint8Array {
    const method = this.o.method ?? 'INVITE';
    return sipMessage(
      `${method} ${this.o.ruri ?? this.o.to} SIP/2.0`,
      [
        viaBranch !== undefined ? ['Via', `SIP/2.0/UDP 10.0.0.1:5060;branch=${viaBranch}`] : this.via(),
        ['Max-Forwards', '70'],
        ['From', `"Caller" <${this.o.from}>;tag=${this.fromTag}`],
        ['To', `<${this.o.to}>`],
        ['Call-ID', this.o.callId],
        ['CSeq', `1 ${method}`],
        ...(this.o.pai !== undefined ? [['P-Asserted-Identity', `<${this.o.pai}>`] as [string, string]] : []),
        ['Conversation-ID', 'conv-1'],
        ['Contribution-ID', 'contrib-1'],
        ...(this.o.extra ?? []),
        ...(body !== '' ? [['Content-Type', contentType] as [string, string]] : []),
      ],
      body,
    );
  }

  /** A response to the request `cseq method`. */
  response(code: number, o: { toTag?: string; sdp?: string; cseq?: number; method?: string; pai?: string; branch?: string } = {}): Uint8Array {
    const method = o.method ?? this.o.method ?? 'INVITE';
    const reason = code === 200 ? 'OK' : code === 180 ? 'Ringing' : code === 100 ? 'Trying' : code === 487 ? 'Request Terminated' : 'Busy Here';
    return sipMessage(
      `SIP/2.0 ${code} ${reason}`,
      [
        ['Via', `SIP/2.0/UDP 10.0.0.1:5060;branch=${o.branch ?? `z9hG4bK-${this.o.callId.slice(0, 6)}-1`}`],
        ['From', `"Caller" <${this.o.from}>;tag=${this.fromTag}`],
        ['To', `<${this.o.to}>${o.toTag !== undefined ? `;tag=${o.toTag}` : ''}`],
        ['Call-ID', this.o.callId],
        ['CSeq', `${o.cseq ?? 1} ${method}`],
        ...(o.pai !== undefined ? [['P-Asserted-Identity', `<${o.pai}>`] as [string, string]] : []),
        ...(o.sdp !== undefined ? [['Content-Type', 'application/sdp'] as [string, string]] : []),
      ],
      o.sdp ?? '',
    );
  }

  /** An in-dialog request (ACK, BYE, re-INVITE, UPDATE...). `fromCaller` false swaps From/To. */
  inDialog(method: string, cseq: number, toTag: string, o: { fromCaller?: boolean; sdp?: string; branch?: string } = {}): Uint8Array {
    const caller = `"Caller" <${this.o.from}>;tag=${this.fromTag}`;
    const callee = `<${this.o.to}>;tag=${toTag}`;
    const fromCaller = o.fromCaller ?? true;
    return sipMessage(
      `${method} sip:peer@10.9.9.9 SIP/2.0`,
      [
        ['Via', `SIP/2.0/UDP 10.0.0.1:5060;branch=${o.branch ?? `z9hG4bK-${method}-${cseq}-${fromCaller ? 'a' : 'b'}`}`],
        ['Max-Forwards', '70'],
        ['From', fromCaller ? caller : callee],
        ['To', fromCaller ? callee : caller],
        ['Call-ID', this.o.callId],
        ['CSeq', `${cseq} ${method}`],
        ...(o.sdp !== undefined ? [['Content-Type', 'application/sdp'] as [string, string]] : []),
      ],
      o.sdp ?? '',
    );
  }

  /** A response to an in-dialog request. */
  inDialogResponse(code: number, method: string, cseq: number, toTag: string, o: { fromCaller?: boolean; sdp?: string } = {}): Uint8Array {
    const caller = `"Caller" <${this.o.from}>;tag=${this.fromTag}`;
    const callee = `<${this.o.to}>;tag=${toTag}`;
    const fromCaller = o.fromCaller ?? true;
    return sipMessage(
      `SIP/2.0 ${code} OK`,
      [
        ['Via', `SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-${method}-${cseq}-${fromCaller ? 'a' : 'b'}`],
        ['From', fromCaller ? caller : callee],
        ['To', fromCaller ? callee : caller],
        ['Call-ID', this.o.callId],
        ['CSeq', `${cseq} ${method}`],
        ...(o.sdp !== undefined ? [['Content-Type', 'application/sdp'] as [string, string]] : []),
      ],
      o.sdp ?? '',
    );
  }

  cancel(): Uint8Array {
    return sipMessage(`CANCEL ${this.o.ruri ?? this.o.to} SIP/2.0`, [
      ['Via', `SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-${this.o.callId.slice(0, 6)}-1`],
      ['From', `"Caller" <${this.o.from}>;tag=${this.fromTag}`],
      ['To', `<${this.o.to}>`],
      ['Call-ID', this.o.callId],
      ['CSeq', '1 CANCEL'],
    ]);
  }
}

/** An MSRP SDP (RFC 4975 section 8). */
export function msrpSdp(o: { ip: string; port: number; path: string[]; proto?: string; extra?: string[] }): string {
  return sdpBody([
    'v=0',
    `o=- 1 1 IN IP4 ${o.ip}`,
    's=-',
    `c=IN IP4 ${o.ip}`,
    't=0 0',
    `m=message ${o.port} ${o.proto ?? 'TCP/MSRP'} *`,
    'a=accept-types:message/cpim application/im-iscomposing+xml',
    ...(o.extra ?? []),
    `a=path:${o.path.join(' ')}`,
  ]);
}

export function uri(ip: string, port: number, sid: string, scheme = 'msrp'): string {
  return `${scheme}://${ip}:${port}/${sid};tcp`;
}

// ---------------------------------------------------------------------------------------------
// MSRP

let tidNo = 0;

export function send(o: { to: string[]; from: string[]; mid: string; range?: string; ct?: string; body: string | Uint8Array; flag?: '$' | '+' | '#'; tid?: string; extra?: [string, string][] }): Uint8Array {
  const len = typeof o.body === 'string' ? Buffer.byteLength(o.body) : o.body.length;
  return msrpFrame({
    transactionId: o.tid ?? `tx${++tidNo}`,
    startLine: 'SEND',
    headers: [['To-Path', o.to.join(' ')], ['From-Path', o.from.join(' ')], ['Message-ID', o.mid], ...(o.extra ?? []), ['Byte-Range', o.range ?? `1-${len}/${len}`], ['Content-Type', o.ct ?? 'message/cpim']],
    body: o.body,
    flag: o.flag ?? '$',
  });
}

export function report(o: { to: string[]; from: string[]; mid: string; range: string; code?: string }): Uint8Array {
  return msrpFrame({
    transactionId: `rp${++tidNo}`,
    startLine: 'REPORT',
    headers: [
      ['To-Path', o.to.join(' ')],
      ['From-Path', o.from.join(' ')],
      ['Message-ID', o.mid],
      ['Byte-Range', o.range],
      ['Status', `000 ${o.code ?? '200'} OK`],
    ],
  });
}

export function ok(tid: string, to: string, from: string): Uint8Array {
  return msrpFrame({
    transactionId: tid,
    startLine: '200 OK',
    headers: [
      ['To-Path', to],
      ['From-Path', from],
    ],
  });
}

/** A CPIM body (RFC 3862) with the IMDN namespace. */
export function cpim(from: string, to: string, inner: string | Uint8Array, innerType = 'text/plain;charset=UTF-8', imdnId = 'imdn-1'): Uint8Array {
  const head = `From: <${from}>\r\nTo: <${to}>\r\nDateTime: 2026-11-28T10:00:00.000Z\r\nNS: imdn <urn:ietf:params:imdn>\r\nimdn.Message-ID: ${imdnId}\r\n\r\nContent-Type: ${innerType}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), typeof inner === 'string' ? Buffer.from(inner) : Buffer.from(inner)]);
}

/** True when `needle` occurs in any byte array or string of `value` (deep). */
export function containsBytes(value: unknown, needle: Uint8Array, seen = new Set<unknown>()): boolean {
  if (value === null || value === undefined || seen.has(value)) return false;
  const n = Buffer.from(needle);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.length).includes(n);
  if (typeof value === 'string') return Buffer.from(value, 'latin1').includes(n) || Buffer.from(value, 'utf8').includes(n);
  if (typeof value !== 'object') return false;
  seen.add(value);
  for (const v of Object.values(value as Record<string, unknown>)) if (containsBytes(v, needle, seen)) return true;
  return false;
}
