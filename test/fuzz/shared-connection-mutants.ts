/**
 * Mutant captures for issue 12: SIP over UDP sets up a target chat (Alice) and a non-target one
 * (Carol), whose MSRP shares ONE TCP connection (relay-style, RFC 4976; connection reuse,
 * RFC 4975 section 8.1). Both sessions' SENDs (chunked, numeric or "*" range-ends), 200s and
 * REPORTs are interleaved on it. The TCP payloads are then damaged the way a capture damages
 * them: bits flipped, bytes inserted or deleted inside a segment (its sequence number kept, so
 * TCP sees an overlap or a gap), overlapping retransmissions with different data, lost segments;
 * half the mutants aim a flip at a target end-line. The real packet pipeline runs in-process.
 *
 * Every non-target string is distinctive (`NONTARGET_MARKERS`): body marker, session-ids,
 * Message-IDs, transaction ids.
 */
import { ipAddr } from '../../samples/gen/lib/addr.js';
import { udpDatagram } from '../../samples/gen/lib/ip-packet.js';
import { mulberry32 } from '../../samples/gen/lib/prng.js';
import { TcpConversation, type TcpSegment } from '../../samples/gen/lib/tcp-conversation.js';
import type { CapturedFrame } from '../../src/core/frame.js';
import { LinkType } from '../../src/core/link-type.js';
import { parseTasksFile } from '../../src/correlate/tasks-file.js';
import type { AuditReport, TaskSet } from '../../src/correlate/index.js';
import { InterceptPipeline } from '../../src/pipeline/intercept-pipeline.js';
import type { LiRecord } from '../../src/records/li-record.js';
import { cpim, msrpSdp, ok, report, send, TestCall, tasksJson, uri } from '../helpers/correlate-helpers.js';

const ALICE = 'sip:alice@ims.example.com';
const BOB = 'sip:bob@ims.example.com';
const CAROL = 'sip:carol@other.example';
const DAVE = 'sip:dave@other.example';
const UE = { ip: '10.0.0.1', port: 5060 };
const PCSCF = { ip: '10.0.0.254', port: 5060 };
const CLIENT = { ip: '10.0.0.1', port: 40001 };
const RELAY = { ip: '10.0.1.2', port: 2855 };
const A_URI = uri(CLIENT.ip, CLIENT.port, 'sidAlice1');
const B_URI = uri(RELAY.ip, RELAY.port, 'sidBob22');
const C_URI = uri(CLIENT.ip, CLIENT.port, 'zzqCarolSid');
const D_URI = uri(RELAY.ip, RELAY.port, 'zzqDaveSid');
const MARK = 'NONTARGET-MARK';

/** Strings of the non-target session; none may reach any output. */
export const NONTARGET_MARKERS = [MARK, 'zzqCarolSid', 'zzqDaveSid', 'zzqMid', 'zzqT'] as const;

let tasks: TaskSet | null = null;
function taskSet(): TaskSet {
  tasks ??= parseTasksFile(tasksJson([{ ids: [{ sipUri: ALICE }] }]), 'tasks.json');
  return tasks;
}

type Dir = 'c2s' | 's2c';
interface Write {
  dir: Dir;
  bytes: Uint8Array;
  /** Offsets (in `bytes`) of target end-lines: where the aimed flips go. */
  targetEndLines: number[];
}

/** The MSRP exchange of both sessions, interleaved. */
function exchange(rnd: () => number): Write[] {
  const writes: Write[] = [];
  const lists: Write[][] = [[], []];
  for (const target of [true, false]) {
    const list = lists[target ? 0 : 1]!;
    const n = 2 + Math.floor(rnd() * 3);
    for (let i = 0; i < n; i++) {
      const fromClient = rnd() < 0.6;
      const dir: Dir = fromClient ? 'c2s' : 's2c';
      const [me, peer] = target ? (fromClient ? [A_URI, B_URI] : [B_URI, A_URI]) : fromClient ? [C_URI, D_URI] : [D_URI, C_URI];
      const text = target ? `target text ${i} `.repeat(1 + Math.floor(rnd() * 30)) : `${MARK} ${i} `.repeat(1 + Math.floor(rnd() * 30));
      const body = rnd() < 0.6 ? cpim(target ? ALICE : CAROL, target ? BOB : DAVE, text) : Buffer.from(text);
      const mid = target ? `tgtMid${i}` : `zzqMid${i}`;
      const chunks = 1 + Math.floor(rnd() * 3);
      const size = Math.ceil(body.length / chunks);
      for (let off = 0, c = 0; off < body.length; off += size, c++) {
        const piece = body.subarray(off, Math.min(body.length, off + size));
        const last = off + size >= body.length;
        const tid = target ? `tgtT${i}x${c}` : `zzqT${i}x${c}`;
        const star = rnd() < 0.4;
        const range = `${off + 1}-${star ? '*' : off + piece.length}/${star && rnd() < 0.5 ? '*' : body.length}`;
        const bytes = send({ to: [peer], from: [me], mid, body: piece, range, flag: last ? '$' : '+', tid, ct: 'text/plain' });
        list.push({ dir, bytes, targetEndLines: target ? [bytes.length - (tid.length + 10)] : [] });
        if (rnd() < 0.5) list.push({ dir: dir === 'c2s' ? 's2c' : 'c2s', bytes: ok(tid, me, peer), targetEndLines: [] });
      }
      if (rnd() < 0.3) list.push({ dir: dir === 'c2s' ? 's2c' : 'c2s', bytes: report({ to: [me], from: [peer], mid, range: `1-${body.length}/${body.length}` }), targetEndLines: [] });
    }
  }
  // Interleave, keeping each session's order.
  const idx = [0, 0];
  for (;;) {
    const open = [0, 1].filter((k) => idx[k]! < lists[k]!.length);
    if (open.length === 0) break;
    const k = open[Math.floor(rnd() * open.length)]!;
    writes.push(lists[k]![idx[k]!++]!);
  }
  return writes;
}

interface Seg {
  seg: TcpSegment;
  /** Stream offsets of the payload, per direction. */
  from: number;
  /** Target end-line offsets inside this payload. */
  aims: number[];
}

/** Damaged copy of a segment: same sequence number, new payload. */
function withPayload(conv: TcpConversation, s: TcpSegment, payload: Uint8Array): TcpSegment {
  return conv.segment(s.dir, { flags: s.flags, seq: s.seq, ack: s.ack, payload });
}

export interface MutantResult {
  records: LiRecord[];
  audit: AuditReport;
  anomalies: Record<string, number>;
  mutations: string[];
}

/** One mutant from a mulberry32 seed (the regression seeds found before fast-check, replayed exactly). */
export function runSeededMutant(seed: number): MutantResult {
  return runMutant(mulberry32(seed), seed);
}

/** Builds, damages and runs one mutant: `rnd` makes every choice, `id` names its calls. */
export function runMutant(rnd: () => number, id: number): MutantResult {
  const conv = new TcpConversation({
    client: { addr: ipAddr(CLIENT.ip), port: CLIENT.port, isn: Math.floor(rnd() * 2 ** 32) >>> 0 },
    server: { addr: ipAddr(RELAY.ip), port: RELAY.port, isn: Math.floor(rnd() * 2 ** 32) >>> 0 },
  });
  const packets: Uint8Array[] = [];
  const sip = (b: Uint8Array, fwd: boolean): void => {
    const [s, d] = fwd ? [UE, PCSCF] : [PCSCF, UE];
    packets.push(udpDatagram({ src: ipAddr(s.ip), dst: ipAddr(d.ip), srcPort: s.port, dstPort: d.port, payload: b }).ip);
  };
  for (const [callId, from, to, offer, answer] of [
    [`tgt${id}@x`, ALICE, BOB, A_URI, B_URI],
    [`zzqCall${id}@x`, CAROL, DAVE, C_URI, D_URI],
  ] as const) {
    const call = new TestCall({ callId, from, to });
    sip(call.request(msrpSdp({ ...CLIENT, path: [offer] })), true);
    sip(call.response(200, { toTag: 'tt', sdp: msrpSdp({ ...RELAY, path: [answer] }) }), false);
    sip(call.inDialog('ACK', 1, 'tt'), true);
  }
  for (const s of conv.handshake()) packets.push(s.ip);

  // Segments: each write cut at random places (several writes may share none: simple enough).
  const segs: Seg[] = [];
  const streamOff = { c2s: 0, s2c: 0 };
  for (const w of exchange(rnd)) {
    const cuts: number[] = [];
    for (let o = 1 + Math.floor(rnd() * 600); o < w.bytes.length; o += 1 + Math.floor(rnd() * 600)) cuts.push(o);
    let o = 0;
    for (const seg of conv.sendCut(w.dir, w.bytes, cuts)) {
      const len = seg.payload.length;
      segs.push({ seg, from: streamOff[w.dir], aims: w.targetEndLines.filter((a) => a >= o && a < o + len).map((a) => a - o) });
      o += len;
      streamOff[w.dir] += len;
    }
  }

  // Damage.
  const mutations: string[] = [];
  const n = 1 + Math.floor(rnd() * 4);
  for (let m = 0; m < n; m++) {
    const aimed = segs.filter((s) => s.aims.length > 0);
    if (rnd() < 0.5 && aimed.length > 0) {
      // A flip in a target end-line (dashes, transaction id, flag or CRLF).
      const s = aimed[Math.floor(rnd() * aimed.length)]!;
      const p = Uint8Array.from(s.seg.payload);
      const at = s.aims[0]! + Math.floor(rnd() * 12);
      if (at < p.length) {
        p[at] = p[at]! ^ (1 << Math.floor(rnd() * 8));
        s.seg = withPayload(conv, s.seg, p);
        mutations.push(`aimed flip @${s.from + at}`);
      }
      continue;
    }
    const k = Math.floor(rnd() * segs.length);
    const s = segs[k]!;
    const p = s.seg.payload;
    const at = Math.floor(rnd() * p.length);
    const r = rnd();
    if (r < 0.3) {
      const q = Uint8Array.from(p);
      for (let f = 1 + Math.floor(rnd() * 3); f > 0; f--) {
        const j = Math.floor(rnd() * q.length);
        q[j] = q[j]! ^ (1 << Math.floor(rnd() * 8));
      }
      s.seg = withPayload(conv, s.seg, q);
      mutations.push(`flip seg ${k}`);
    } else if (r < 0.45) {
      const ins = Uint8Array.from({ length: 1 + Math.floor(rnd() * 16) }, () => Math.floor(rnd() * 256));
      s.seg = withPayload(conv, s.seg, Buffer.concat([p.subarray(0, at), ins, p.subarray(at)]));
      mutations.push(`insert ${ins.length} seg ${k}`);
    } else if (r < 0.6) {
      const del = Math.min(p.length - at, 1 + Math.floor(rnd() * 16));
      s.seg = withPayload(conv, s.seg, Buffer.concat([p.subarray(0, at), p.subarray(at + del)]));
      mutations.push(`delete ${del} seg ${k}`);
    } else if (r < 0.8) {
      // An overlapping retransmission with different data, before or after the original.
      const q = Uint8Array.from(p.subarray(at));
      for (let f = 1 + Math.floor(rnd() * 4); f > 0; f--)
        if (q.length > 0) {
          const j = Math.floor(rnd() * q.length);
          q[j] = q[j]! ^ 0xff;
        }
      const re = conv.retransmit(s.seg, { offset: at, payload: q });
      segs.splice(rnd() < 0.5 ? k : k + 1, 0, { seg: re, from: s.from + at, aims: [] });
      mutations.push(`overlap ${q.length} seg ${k}`);
    } else {
      segs.splice(k, 1);
      mutations.push(`lost seg ${k}`);
    }
  }
  for (const s of segs) packets.push(s.seg.ip);
  for (const s of conv.close('c2s')) packets.push(s.ip);

  const records: LiRecord[] = [];
  const pipeline = new InterceptPipeline({ tasks: taskSet(), onRecord: (r) => records.push(r), auditDetails: false });
  packets.forEach((data, i) => {
    const f: CapturedFrame = { frameNo: i + 1, tsSec: 1_790_000_000 + Math.floor(i / 1000), tsNsec: (i % 1000) * 1_000_000, linkType: LinkType.RAW, capLen: data.length, origLen: data.length, data, interfaceId: 0, source: 0 };
    pipeline.frame(f);
  });
  pipeline.finish();
  return { records, audit: pipeline.audit(), anomalies: pipeline.anomalies.toJSON(), mutations };
}
