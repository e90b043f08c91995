/**
 * Cross-checks every scenario's truth against its capture bytes. The truth is the generator's
 * bookkeeping; here a deliberately small, independent reader (pcap → Ethernet → IPv4 with
 * defragmentation / IPv6 → UDP / TCP streams → SIP and MSRP framing) re-derives what the
 * capture holds and compares: messages, chunk counts, sizes, hashes, statuses, REPORT codes,
 * connections, session ids, start/end times, files, pager-mode bodies, non-target markers.
 * It covers only what the scenario generator emits (no VLANs, no IPv6 extension headers).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SCENARIOS, type ScenarioResult, type TruthSession } from '../../../samples/gen/scenarios/index.js';

// ---------------------------------------------------------------------------------------------
// A minimal capture reader
// ---------------------------------------------------------------------------------------------

interface Packet {
  ts: string;
  src: string;
  dst: string;
  proto: number;
  payload: Buffer;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const sha1 = (b: Uint8Array): string => createHash('sha1').update(b).digest('hex');

/** RFC 5952 text form of an IPv6 address. */
function ipv6Text(b: Buffer): string {
  const g = Array.from({ length: 8 }, (_, i) => b.readUInt16BE(i * 2));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

const endpoint = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/** Records of a little-endian classic pcap (µs or ns), with IPv4 fragments reassembled. */
function readPackets(file: Uint8Array): Packet[] {
  const b = Buffer.from(file);
  const magic = b.readUInt32LE(0);
  expect([0xa1b2c3d4, 0xa1b23c4d]).toContain(magic);
  const ns = magic === 0xa1b23c4d;
  const out: Packet[] = [];
  const frags = new Map<string, { parts: Map<number, Buffer>; total: number }>();
  for (let off = 24; off + 16 <= b.length; ) {
    const sec = b.readUInt32LE(off);
    const frac = b.readUInt32LE(off + 4);
    const len = b.readUInt32LE(off + 8);
    const f = b.subarray(off + 16, off + 16 + len);
    off += 16 + len;
    const ts = `${sec}.${String(ns ? frac : frac * 1000).padStart(9, '0')}`;
    const type = f.readUInt16BE(12);
    if (type === 0x0800) {
      const ihl = (f[14]! & 15) * 4;
      const total = f.readUInt16BE(16);
      const flags = f.readUInt16BE(20);
      const src = `${f[26]}.${f[27]}.${f[28]}.${f[29]}`;
      const dst = `${f[30]}.${f[31]}.${f[32]}.${f[33]}`;
      let payload = f.subarray(14 + ihl, 14 + total);
      const mf = (flags & 0x2000) !== 0;
      const fo = (flags & 0x1fff) * 8;
      if (mf || fo > 0) {
        // RFC 791 reassembly: complete when the last fragment's end is known and all bytes are in.
        const key = `${src}>${dst}#${f.readUInt16BE(18)}`;
        const st = frags.get(key) ?? { parts: new Map(), total: -1 };
        frags.set(key, st);
        st.parts.set(fo, Buffer.from(payload));
        if (!mf) st.total = fo + payload.length;
        const have = [...st.parts.entries()].reduce((n, [, p]) => n + p.length, 0);
        if (st.total < 0 || have < st.total) continue;
        payload = Buffer.concat([...st.parts.entries()].sort((x, y) => x[0] - y[0]).map(([, p]) => p));
        frags.delete(key);
      }
      out.push({ ts, src, dst, proto: f[23]!, payload: Buffer.from(payload) });
    } else if (type === 0x86dd) {
      const plen = f.readUInt16BE(18);
      out.push({ ts, src: ipv6Text(f.subarray(22, 38)), dst: ipv6Text(f.subarray(38, 54)), proto: f[20]!, payload: Buffer.from(f.subarray(54, 54 + plen)) });
    }
  }
  return out;
}

interface Piece {
  bytes: Buffer;
  /** [offset in piece, end, ts] of each segment that contributed. */
  segs: { start: number; end: number; ts: string }[];
}

interface Conn {
  name: string;
  client: string;
  server: string;
  firstTs: string;
  lastTs: string;
  /** Contiguous runs of stream bytes per direction ('c2s' / 's2c'); a gap starts a new run. */
  pieces: { c2s: Piece[]; s2c: Piece[] };
}

/** TCP connections (client = sender of the SYN) with their reassembled byte runs. */
function tcpConnections(pkts: Packet[]): Conn[] {
  const conns = new Map<string, { name: string; client: string; server: string; firstTs: string; lastTs: string; isn: Map<string, number>; segs: Map<string, { seq: number; data: Buffer; ts: string }[]> }>();
  for (const p of pkts) {
    if (p.proto !== 6) continue;
    const t = p.payload;
    const a = endpoint(p.src, t.readUInt16BE(0));
    const z = endpoint(p.dst, t.readUInt16BE(2));
    const key = [a, z].sort().join('|');
    const flags = t[13]!;
    let c = conns.get(key);
    if (c === undefined) {
      const syn = (flags & 0x02) !== 0 && (flags & 0x10) === 0;
      expect(syn, `connection ${a}-${z} starts with a SYN`).toBe(true);
      c = {
        name: `${a}-${z}`,
        client: a,
        server: z,
        firstTs: p.ts,
        lastTs: p.ts,
        isn: new Map(),
        segs: new Map([
          [a, []],
          [z, []],
        ]),
      };
      conns.set(key, c);
    }
    c.lastTs = p.ts;
    const seq = t.readUInt32BE(4);
    if ((flags & 0x02) !== 0) c.isn.set(a, seq);
    const data = t.subarray((t[12]! >> 4) * 4);
    if (data.length > 0) c.segs.get(a)!.push({ seq, data, ts: p.ts });
  }
  return [...conns.values()].map((c) => {
    const run = (who: string): Piece[] => {
      const base = (c.isn.get(who)! + 1) >>> 0;
      const segs = c.segs
        .get(who)!
        .map((s) => ({ ...s, rel: (s.seq - base) >>> 0 }))
        .sort((x, y) => x.rel - y.rel);
      const pieces: Piece[] = [];
      let cur: Piece | undefined;
      let next = -1;
      for (const s of segs) {
        if (cur === undefined || s.rel !== next) {
          cur = { bytes: Buffer.alloc(0), segs: [] };
          pieces.push(cur);
        }
        cur.segs.push({ start: cur.bytes.length, end: cur.bytes.length + s.data.length, ts: s.ts });
        cur.bytes = Buffer.concat([cur.bytes, s.data]);
        next = s.rel + s.data.length;
      }
      return pieces;
    };
    return { name: c.name, client: c.client, server: c.server, firstTs: c.firstTs, lastTs: c.lastTs, pieces: { c2s: run(c.client), s2c: run(c.server) } };
  });
}

/** Time of the segment holding byte `off - 1` (the frame that completes a message ending at `off`). */
function completedAt(p: Piece, off: number): string {
  return p.segs.find((s) => s.end >= off)!.ts;
}

// ---------------------------------------------------------------------------------------------
// SIP (RFC 3261 section 7) and MSRP (RFC 4975 section 7) framing
// ---------------------------------------------------------------------------------------------

const COMPACT: Record<string, string> = { i: 'call-id', l: 'content-length', c: 'content-type', f: 'from', t: 'to', v: 'via', m: 'contact' };

interface SipMsg {
  startLine: string;
  headers: Map<string, string>;
  body: Buffer;
  ts: string;
}

/** Parses one SIP message at `off`; returns it and its end, or null. Unfolds folded headers (section 7.3.1). */
function parseSip(b: Buffer, off: number, ts: (end: number) => string): { msg: SipMsg; end: number } | null {
  const he = b.indexOf('\r\n\r\n', off);
  if (he < 0) return null;
  const lines = b
    .toString('utf8', off, he)
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n');
  const headers = new Map<string, string>();
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    const name = l.slice(0, i).trim().toLowerCase();
    if (!headers.has(COMPACT[name] ?? name)) headers.set(COMPACT[name] ?? name, l.slice(i + 1).trim());
  }
  const len = Number(headers.get('content-length') ?? '0');
  const end = he + 4 + len;
  return { msg: { startLine: lines[0]!, headers, body: b.subarray(he + 4, end), ts: ts(end) }, end };
}

/** SIP messages of the capture (UDP datagrams and TCP streams on port 5060), in completion order. */
function sipMessages(pkts: Packet[], conns: Conn[]): SipMsg[] {
  const out: SipMsg[] = [];
  for (const p of pkts) {
    if (p.proto !== 17 || p.payload.readUInt16BE(2) !== 5060) continue;
    const r = parseSip(p.payload.subarray(8), 0, () => p.ts);
    if (r !== null) out.push(r.msg);
  }
  for (const c of conns.filter((x) => x.server.endsWith(':5060'))) {
    for (const p of [...c.pieces.c2s, ...c.pieces.s2c]) {
      for (let off = 0; off < p.bytes.length; ) {
        const r = parseSip(p.bytes, off, (end) => completedAt(p, end));
        if (r === null) break;
        out.push(r.msg);
        off = r.end;
      }
    }
  }
  return out.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
}

interface MsrpFrame {
  conn: string;
  method: string;
  headers: Map<string, string>;
  body: Buffer;
  flag: string;
  ts: string;
}

/** MSRP frames of every TCP run (a run after a gap resynchronises at the next start line). */
function msrpFrames(conns: Conn[]): MsrpFrame[] {
  const out: MsrpFrame[] = [];
  for (const c of conns) {
    for (const p of [...c.pieces.c2s, ...c.pieces.s2c]) {
      const b = p.bytes;
      let off = 0;
      while (off < b.length) {
        if (b.toString('latin1', off, off + 5) !== 'MSRP ') break;
        const le = b.indexOf('\r\n', off);
        const [, tid, ...rest] = b.toString('latin1', off, le).split(' ');
        const headers = new Map<string, string>();
        let pos = le + 2;
        let body: Buffer = Buffer.alloc(0);
        let flag = '';
        for (;;) {
          const e = b.indexOf('\r\n', pos);
          const line = b.toString('latin1', pos, e);
          if (line.startsWith(`-------${tid}`)) {
            flag = line.slice(7 + tid!.length);
            pos = e + 2;
            break;
          }
          if (line === '') {
            const end = b.indexOf(`\r\n-------${tid}`, e + 2);
            body = b.subarray(e + 2, end);
            const fe = b.indexOf('\r\n', end + 2);
            flag = b.toString('latin1', end + 9 + tid!.length, fe);
            pos = fe + 2;
            break;
          }
          const i = line.indexOf(':');
          headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
          pos = e + 2;
        }
        out.push({ conn: c.name, method: rest.join(' '), headers, body, flag, ts: completedAt(p, pos) });
        off = pos;
      }
    }
  }
  return out.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
}

/** Session id of the last URI of a path (the endpoint: RFC 4975 section 6, RFC 4976 section 6). */
function endpointSid(path: string): string {
  const last = path.trim().split(/\s+/).pop()!;
  return /\/([^/;]+);tcp$/.exec(last)?.[1] ?? '';
}

/** CPIM (RFC 3862): message headers, content headers, content. */
function cpim(b: Buffer): { from: string; msgId: string | null; innerType: string; inner: Buffer } {
  const h1 = b.indexOf('\r\n\r\n');
  const h2 = b.indexOf('\r\n\r\n', h1 + 4);
  const head = b.toString('utf8', 0, h1);
  const content = b.toString('utf8', h1 + 4, h2);
  return {
    from: /^From:\s*(.*)$/m.exec(head)?.[1] ?? '',
    msgId: /^imdn\.Message-ID:\s*(\S+)/m.exec(head)?.[1] ?? null,
    innerType: media(/^Content-Type:\s*(.*)$/im.exec(content)?.[1] ?? ''),
    inner: b.subarray(h2 + 4),
  };
}

const media = (ct: string): string => ct.split(';')[0]!.trim().toLowerCase();
const isoToEpoch = (iso: string): string => `${Date.parse(iso.slice(0, 19) + 'Z') / 1000}.${iso.slice(20, 29)}`;

// ---------------------------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------------------------

describe.each(SCENARIOS.map((s) => [s.name, s] as const))('scenario %s: truth matches the capture', (_name, def) => {
  const r: ScenarioResult = def.build();
  const pkts = readPackets(r.capture.bytes());
  const conns = tcpConnections(pkts);
  const sip = sipMessages(pkts, conns);
  const msrp = msrpFrames(conns);
  const sends = msrp.filter((f) => f.method === 'SEND');
  const sessions: { s: TruthSession; correlated: boolean }[] = [...r.truth.sessions.map((s) => ({ s, correlated: true })), ...r.truth.uncorrelated.map((s) => ({ s, correlated: false }))];
  const captureText = Buffer.from(r.capture.bytes()).toString('latin1');

  it('the reader sees every SEND the generator put on the wire', () => {
    expect(sends.map((f) => [f.headers.get('message-id'), f.headers.get('byte-range')])).toEqual(r.wire.sends.map((s) => [s.messageId, s.byteRange]));
    expect(sip.length).toBe(r.wire.sip.length);
  });

  it.each(sessions.map((x, i) => [i, x] as const))('session %i: messages, chunks, sizes, hashes, statuses, REPORTs', (_i, { s }) => {
    if (s.msrpSessionIds.length === 0) return; // pager mode: checked below
    const ids = new Set(s.msrpSessionIds);
    const mine = (f: MsrpFrame): boolean => ids.has(endpointSid(f.headers.get('to-path') ?? '')) || ids.has(endpointSid(f.headers.get('from-path') ?? ''));
    const order: string[] = [];
    for (const f of sends.filter(mine)) if (!order.includes(f.headers.get('message-id')!)) order.push(f.headers.get('message-id')!);
    expect(s.messages.map((m) => m.messageId)).toEqual(order);
    const senders = new Map<string, string>();
    for (const m of s.messages) {
      const chunks = sends.filter((f) => mine(f) && f.headers.get('message-id') === m.messageId);
      const ranges = new Map<string, MsrpFrame>();
      for (const f of chunks) ranges.set(f.headers.get('byte-range')!.split('/')[0]!, f);
      expect(m.chunks).toBe(ranges.size);
      const total = Math.max(...chunks.map((f) => Number(f.headers.get('byte-range')!.split('/')[1]) || 0));
      const buf = Buffer.alloc(total);
      const have = new Uint8Array(total);
      for (const [range, f] of ranges) {
        const start = Number(range.split('-')[0]);
        expect(f.body.length, `chunk ${range} length`).toBe(Number(range.split('-')[1]) - start + 1);
        f.body.copy(buf, start - 1);
        have.fill(1, start - 1, start - 1 + f.body.length);
      }
      const size = have.reduce((n, x) => n + x, 0);
      const aborted = chunks.some((f) => f.flag === '#');
      const status = aborted ? 'aborted' : size === total && chunks.some((f) => f.flag === '$') ? 'complete' : 'incomplete';
      expect(m.status).toBe(status);
      expect(m.size).toBe(size);
      expect(m.sha256).toBe(status === 'incomplete' ? null : sha256(buf.subarray(0, size)));
      expect(m.contentType).toBe(media(chunks[0]!.headers.get('content-type')!));
      if (m.contentType === 'message/cpim') {
        const c = cpim(buf);
        expect(m.innerContentType).toBe(c.innerType);
        expect(m.innerSha256).toBe(status === 'complete' ? sha256(c.inner) : null);
        // A CPIM From naming the matched target means the target sent it.
        if (c.from.includes(s.matchedIdentity)) expect(m.direction).toBe('fromTarget');
      }
      // All messages of one sender endpoint go the same way; the two endpoints go opposite ways.
      const sender = endpointSid(chunks[0]!.headers.get('from-path')!);
      senders.set(sender, m.direction);
      const reports = msrp.filter((f) => f.method === 'REPORT' && f.headers.get('message-id') === m.messageId);
      const seen = new Set<string>();
      const codes: string[] = [];
      for (const f of reports) {
        const k = `${f.headers.get('byte-range')}|${f.headers.get('status')}`;
        if (seen.has(k)) continue;
        seen.add(k);
        codes.push(f.headers.get('status')!.split(' ')[1]!);
      }
      expect(m.reportStatuses).toEqual(codes);
    }
    for (const m of s.messages) expect(m.direction).toBe(senders.get(endpointSid(sends.find((f) => f.headers.get('message-id') === m.messageId)!.headers.get('from-path')!)));
    if (senders.size === 2) expect(new Set(senders.values()).size).toBe(2);
    // Connections: those carrying the session's frames, in order of their first frame.
    const carrying = new Set(msrp.filter(mine).map((f) => f.conn));
    expect(s.connections).toEqual(conns.filter((c) => carrying.has(c.name)).map((c) => c.name));
    for (const id of s.msrpSessionIds) expect(captureText.includes(`/${id};tcp`), id).toBe(true);
  });

  it.each(sessions.map((x, i) => [i, x] as const))('session %i: start and end times', (_i, { s, correlated }) => {
    if (!correlated) {
      const cs = conns.filter((c) => s.connections.includes(c.name));
      expect(isoToEpoch(s.startTime)).toBe(cs.map((c) => c.firstTs).sort()[0]);
      expect(isoToEpoch(s.endTime)).toBe(
        cs
          .map((c) => c.lastTs)
          .sort()
          .pop(),
      );
      return;
    }
    const mine = sip.filter((m) => m.headers.get('call-id') === s.callId);
    expect(mine.length).toBeGreaterThan(0);
    const first = mine.find((m) => /^(INVITE|MESSAGE) /.test(m.startLine))!;
    expect(isoToEpoch(s.startTime)).toBe(first.ts);
    const byeOk = mine.find((m) => m.startLine.startsWith('SIP/2.0 200') && /\bBYE$/.test(m.headers.get('cseq')!));
    expect(isoToEpoch(s.endTime)).toBe((byeOk ?? mine[mine.length - 1]!).ts);
  });

  it('pager-mode sessions: the MESSAGE body is the message', () => {
    for (const { s } of sessions.filter((x) => x.s.msrpSessionIds.length === 0)) {
      const req = sip.find((m) => m.headers.get('call-id') === s.callId && m.startLine.startsWith('MESSAGE '))!;
      expect(req).toBeDefined();
      const [m] = s.messages;
      expect(s.messages).toHaveLength(1);
      expect(m!.size).toBe(req.body.length);
      expect(m!.sha256).toBe(sha256(req.body));
      expect(m!.contentType).toBe(media(req.headers.get('content-type')!));
      if (m!.contentType === 'message/cpim') {
        const c = cpim(req.body);
        expect(m!.messageId).toBe(c.msgId);
        expect(m!.innerSha256).toBe(sha256(c.inner));
        expect(m!.innerContentType).toBe(c.innerType);
      } else expect(m!.messageId).toBeNull();
    }
  });

  it('files: the SDP file-selector names them; hashVerified iff its sha-1 matches the content', () => {
    for (const { s } of sessions) {
      for (const f of s.files) {
        const sel = new RegExp(`a=file-selector:name:"${f.name.replace(/\./g, '\\.')}" type:(\\S+) size:(\\d+) hash:sha-1:([0-9A-F:]+)`).exec(captureText);
        expect(sel, f.name).not.toBeNull();
        expect(Number(sel![2])).toBe(f.size);
        const m = s.messages.find((x) => x.contentType === sel![1])!;
        expect(m.sha256).toBe(f.sha256);
        const body = Buffer.concat(
          sends
            .filter((x) => x.headers.get('message-id') === m.messageId)
            .sort((a, b) => Number(a.headers.get('byte-range')!.split('-')[0]) - Number(b.headers.get('byte-range')!.split('-')[0]))
            .map((x) => x.body),
        );
        expect(sha1(body)).toBe(f.sha1);
        expect(f.hashVerified).toBe(sel![3]!.replace(/:/g, '').toLowerCase() === f.sha1);
      }
    }
  });

  it('non-target markers appear in no target message body', () => {
    if (r.markers === null) return;
    const targetIds = new Set(sessions.flatMap(({ s }) => s.messages.map((m) => m.messageId)));
    const bodies = sends.filter((f) => targetIds.has(f.headers.get('message-id')!)).map((f) => f.body.toString('latin1'));
    for (const mk of r.markers) for (const b of bodies) expect(b.includes(mk), mk).toBe(false);
  });
});
