/**
 * A direction joined mid-way is searched for an MSRP start line for its whole life
 * (src/analyzers/late-msrp-scanner.ts), so bulk traffic that happens to hold "MSRP x" at a line
 * start turns into an MSRP stream. Property: whatever that stream then frames (a fake SEND of a
 * non-target session, a bare start line, a response, random bytes after it), no record is made
 * without the target's session ids and no byte of a non-target frame reaches a record or the
 * audit: the correlator binds frames by session ids (RFC 4975 section 7.1 To-Path/From-Path). Next to it,
 * the target's own session (SIP, then its MSRP connection with a SYN) is recorded as usual.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipAddr } from '../../samples/gen/lib/addr.js';
import { udpDatagram } from '../../samples/gen/lib/ip-packet.js';
import { TcpConversation } from '../../samples/gen/lib/tcp-conversation.js';
import type { CapturedFrame } from '../../src/core/frame.js';
import { LinkType } from '../../src/core/link-type.js';
import { parseTasksFile } from '../../src/correlate/tasks-file.js';
import { InterceptPipeline } from '../../src/pipeline/intercept-pipeline.js';
import type { LiRecord } from '../../src/records/li-record.js';
import { checkProperty, envCount, type Rand, randOf } from '../helpers/check-property.js';
import { msrpSdp, ok, send, TestCall, tasksJson, uri } from '../helpers/correlate-helpers.js';

const CASES = envCount('MSRPTAP_LATE_CASES', 300);
const ALICE = 'sip:alice@ims.example.com';
const BOB = 'sip:bob@ims.example.com';
const UE = { ip: '10.0.0.1', port: 5060 };
const PCSCF = { ip: '10.0.0.254', port: 5060 };
const CLIENT = { ip: '10.0.0.1', port: 40001 };
const RELAY = { ip: '10.0.1.2', port: 2855 };
const A_URI = uri(CLIENT.ip, CLIENT.port, 'sidAlice1');
const B_URI = uri(RELAY.ip, RELAY.port, 'sidBob22');
/** Strings of the fake frames in the bulk stream; none may reach any output. */
const MARKERS = ['NONTARGET-MARK', 'zzqFakeSid', 'zzqPeerSid', 'zzqMid', 'zzqT'];
const TASKS = parseTasksFile(tasksJson([{ ids: [{ sipUri: ALICE }] }]), 'tasks.json');
const enc = (s: string): Uint8Array => Buffer.from(s, 'latin1');

/** One fake frame start embedded in the bulk bytes. */
function fake(r: Rand, i: number): Uint8Array {
  const to = uri('10.9.9.2', 8080, 'zzqPeerSid');
  const from = uri('10.9.9.1', 40555, 'zzqFakeSid');
  switch (r.int(0, 3)) {
    case 0:
      return send({ to: [to], from: [from], mid: `zzqMid${i}`, body: enc(`NONTARGET-MARK ${i}`), range: '1-*/*', flag: '$', tid: `zzqT${i}`, ct: 'text/plain' });
    case 1:
      return ok(`zzqT${i}`, to, from);
    case 2:
      // A bare start line: whatever follows is its head; it is a target's frame only if what
      // follows names the target's session in its paths (then not a non-target byte).
      return enc(`MSRP bare${i} SEND\r\n`);
    default:
      // A frame that names the target's session in both paths is the target's by RFC 4975
      // (section 7.1: sessions are known by their URIs, on any connection): it may be recorded.
      return send({ to: [B_URI], from: [A_URI], mid: `named${i}`, body: enc(`TARGET-NAMED ${i}`), range: '1-14/14', flag: '$', tid: `named${i}`, ct: 'text/plain' });
  }
}

/** Bulk bytes (random, or text lines) with fake start lines past the classifier window. */
function bulk(r: Rand): Uint8Array {
  const parts: Uint8Array[] = [r.bytes(r.int(4200, 20_000))];
  for (let i = r.int(1, 3); i > 0; i--) {
    parts.push(enc(r.int(0, 3) === 0 ? 'x' : '\r\n'), fake(r, i), r.bytes(r.int(0, 3000)));
  }
  return Buffer.concat(parts);
}

interface Run {
  records: LiRecord[];
  audit: string;
  anomalies: Record<string, number>;
}

function run(r: Rand): Run {
  const packets: Uint8Array[] = [];
  const call = new TestCall({ callId: 'tgt@x', from: ALICE, to: BOB });
  for (const [b, fwd] of [
    [call.request(msrpSdp({ ...CLIENT, path: [A_URI] })), true],
    [call.response(200, { toTag: 'tt', sdp: msrpSdp({ ...RELAY, path: [B_URI] }) }), false],
    [call.inDialog('ACK', 1, 'tt'), true],
  ] as const) {
    const [s, d] = fwd ? [UE, PCSCF] : [PCSCF, UE];
    packets.push(udpDatagram({ src: ipAddr(s.ip), dst: ipAddr(d.ip), srcPort: s.port, dstPort: d.port, payload: b }).ip);
  }
  // The bulk connection, joined mid-way (no handshake), its segments cut at random.
  const bulkConv = new TcpConversation({ client: { addr: ipAddr('10.9.9.1'), port: 40555, isn: r.int(0, 2 ** 32 - 1) }, server: { addr: ipAddr('10.9.9.2'), port: 8080, isn: 1 } });
  const bytes = bulk(r);
  const cuts: number[] = [];
  for (let o = r.int(1, 1448); o < bytes.length; o += r.int(1, 1448)) cuts.push(o);
  const bulkSegs = bulkConv.sendCut(r.int(0, 1) === 0 ? 'c2s' : 's2c', bytes, cuts).map((s) => s.ip);
  // The target's MSRP connection, with its handshake.
  const conv = new TcpConversation({ client: { addr: ipAddr(CLIENT.ip), port: CLIENT.port, isn: 7 }, server: { addr: ipAddr(RELAY.ip), port: RELAY.port, isn: 9 } });
  const target = [...conv.handshake(), ...conv.sendCut('c2s', send({ to: [B_URI], from: [A_URI], mid: 'tgtMid1', body: enc('target text'), range: '1-11/11', flag: '$', tid: 'tgtT1', ct: 'text/plain' }), [])].map((s) => s.ip);
  // Interleaved.
  while (bulkSegs.length > 0 || target.length > 0) {
    const fromBulk = target.length === 0 || (bulkSegs.length > 0 && r.int(0, 3) > 0);
    packets.push((fromBulk ? bulkSegs : target).shift()!);
  }
  const records: LiRecord[] = [];
  const pipeline = new InterceptPipeline({ tasks: TASKS, onRecord: (x) => records.push(x), auditDetails: false });
  packets.forEach((data, i) => {
    const f: CapturedFrame = { frameNo: i + 1, tsSec: 1_790_000_000, tsNsec: i * 1000, linkType: LinkType.RAW, capLen: data.length, origLen: data.length, data, interfaceId: 0, source: 0 };
    pipeline.frame(f);
  });
  pipeline.finish();
  return { records, audit: JSON.stringify(pipeline.audit()), anomalies: pipeline.anomalies.toJSON() };
}

/** Every byte array and string of a record (deep), joined by NUL. */
function recordText(value: unknown, out: string[] = [], seen = new Set<unknown>()): string[] {
  if (value === null || value === undefined || seen.has(value)) return out;
  if (value instanceof Uint8Array) out.push(Buffer.from(value.buffer, value.byteOffset, value.length).toString('latin1'));
  else if (typeof value === 'string') out.push(value);
  else if (typeof value === 'object') {
    seen.add(value);
    for (const v of Object.values(value as Record<string, unknown>)) recordText(v, out, seen);
  }
  return out;
}

describe('bulk bytes joined mid-way with fake MSRP start lines', () => {
  it(`${CASES} cases: no record without the target's session ids, no fake byte in any output`, () => {
    let late = 0;
    let cc = 0;
    checkProperty(
      { seed: 1, numRuns: CASES },
      fc.property(fc.gen(), (g) => {
        const res = run(randOf(g));
        for (const rec of res.records) {
          const text = recordText(rec).join('\0');
          for (const m of MARKERS) if (text.includes(m)) expect.fail(`record ${rec.kind} holds ${m}: ${JSON.stringify(text.slice(Math.max(0, text.indexOf(m) - 400), text.indexOf(m) + 200))}`);
          if (rec.kind === 'cc') {
            expect(text.includes('sidAlice1') && text.includes('sidBob22')).toBe(true);
            cc++;
          }
        }
        for (const m of MARKERS) if (res.audit.includes(m)) expect.fail(`audit holds ${m}`);
        late += res.anomalies['msrp.late_stream_start'] ?? 0;
      }),
    );
    // The target's SEND was recorded every time, and the fake start lines were framed as MSRP.
    expect(cc).toBeGreaterThanOrEqual(CASES);
    expect(late).toBeGreaterThan(CASES / 2);
  });
});
