/**
 * Property test of the correlator (fast-check): random target and non-target sessions (SIP dialogs
 * with MSRP, pager MESSAGEs, MSRP without SIP), their events interleaved at random, with
 * dropped, duplicated and byte-mutated events, random TCP piece sizes and capture gaps.
 * Properties: never throws, terminates, every record is valid and belongs to a target task, no
 * record and no audit entry carries a byte of a non-target session, held bytes stay within the
 * caps.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipAddr } from '../../samples/gen/lib/addr.js';
import { AnomalyCounter } from '../../src/core/anomaly.js';
import { Correlator } from '../../src/correlate/correlator.js';
import { parseTasksFile } from '../../src/correlate/tasks-file.js';
import { MsrpFramer } from '../../src/protocols/msrp/index.js';
import { parseSipMessage } from '../../src/protocols/sip/index.js';
import type { LiRecord } from '../../src/records/li-record.js';
import { validateRecord } from '../../src/records/validate-record.js';
import { containsBytes, cpim, msrpSdp, ok, report, send, T0, tasksJson, TestCall, uri, XID_A, XID_B } from '../helpers/correlate-helpers.js';
import { checkProperty, randOf } from '../helpers/check-property.js';

const MARK = 'NONTARGET-MARK';

type Ev = { kind: 'sip'; bytes: Uint8Array; src: string; dst: string } | { kind: 'msrp'; conn: number; dir: 0 | 1; bytes: Uint8Array } | { kind: 'gap'; conn: number; dir: 0 | 1 };

interface Conn {
  client: { ip: string; port: number };
  server: { ip: string; port: number };
}

function build(rnd: () => number, conns: Conn[]): Ev[][] {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const sessions: Ev[][] = [];
  const n = 2 + Math.floor(rnd() * 5);
  for (let k = 0; k < n; k++) {
    const target = rnd() < 0.5;
    const evs: Ev[] = [];
    const me = target ? pick(['sip:alice@ims.example.com', 'tel:+4915112345678', 'sip:bob@ims.example.com']) : `sip:nt${k}@other.example`;
    const peer = target ? `sip:peer${k}@ims.example.com` : `sip:ntpeer${k}@other.example`;
    const [from, to] = rnd() < 0.5 ? [me, peer] : [peer, me];
    const tag = target ? 'TGT' : 'zzq';
    const sa = `${tag}a${k}x${Math.floor(rnd() * 1e6)}`;
    const sb = `${tag}b${k}y${Math.floor(rnd() * 1e6)}`;
    const cIdx = Math.floor(rnd() * conns.length);
    const c = conns[cIdx]!;
    const ua = uri(c.client.ip, c.client.port, sa);
    const ub = uri(c.server.ip, c.server.port, sb);
    const text = (i: number): string => (target ? `target text ${k}.${i} `.repeat(1 + Math.floor(rnd() * 40)) : `${MARK} ${k}.${i} `.repeat(1 + Math.floor(rnd() * 40)));
    const style = rnd();
    const call = new TestCall({ callId: `c${k}-${Math.floor(rnd() * 1e9)}@x`, from, to, method: style < 0.15 ? 'MESSAGE' : 'INVITE' });
    const sip = (bytes: Uint8Array, fwd = true): void => void evs.push({ kind: 'sip', bytes, src: fwd ? '10.0.0.1' : '10.0.0.254', dst: fwd ? '10.0.0.254' : '10.0.0.1' });
    if (style < 0.15) {
      sip(call.request(Buffer.from(cpim(from, to, text(0))).toString('latin1'), 'message/cpim'));
      sip(call.response(200, { toTag: 't' }), false);
      sessions.push(evs);
      continue;
    }
    const withSip = style < 0.85;
    if (withSip) {
      sip(call.request(msrpSdp({ ip: c.client.ip, port: c.client.port, path: [ua], ...(rnd() < 0.2 ? { extra: ['a=file-selector:name:"f.bin" size:10 hash:sha-1:00:11'] } : {}) })));
      sip(call.response(180, { toTag: 't' }), false);
      if (rnd() < 0.1) {
        sip(call.response(486, { toTag: 't' }), false);
        sessions.push(evs);
        continue;
      }
      sip(call.response(200, { toTag: 't', sdp: msrpSdp({ ip: c.server.ip, port: c.server.port, path: [ub], ...(rnd() < 0.1 ? { proto: 'TCP/TLS/MSRP' } : {}) }) }), false);
      sip(call.inDialog('ACK', 1, 't'));
    }
    const msgs = 1 + Math.floor(rnd() * 4);
    for (let i = 0; i < msgs; i++) {
      const dir: 0 | 1 = rnd() < 0.5 ? 0 : 1;
      const [src, dst, f, t] = dir === 0 ? [ua, ub, from, to] : [ub, ua, to, from];
      const body = rnd() < 0.7 ? cpim(f, t, text(i)) : Buffer.from(text(i));
      const ct = body.subarray(0, 5).toString() === 'From:' ? 'message/cpim' : 'text/plain';
      const mid = `${tag}m${k}.${i}`;
      let off = 0;
      while (off < body.length) {
        const len = Math.min(body.length - off, 1 + Math.floor(rnd() * 300));
        const last = off + len >= body.length;
        const flag = last ? '$' : rnd() < 0.03 ? '#' : '+';
        const tid = `${tag}t${k}${i}${off}`;
        evs.push({ kind: 'msrp', conn: cIdx, dir, bytes: send({ to: [dst], from: [src], mid, ct, body: body.subarray(off, off + len), range: `${off + 1}-${off + len}/${body.length}`, flag, tid }) });
        if (rnd() < 0.5) evs.push({ kind: 'msrp', conn: cIdx, dir: dir === 0 ? 1 : 0, bytes: ok(tid, src, dst) });
        off += len;
        if (flag === '#') break;
      }
      if (rnd() < 0.3) evs.push({ kind: 'msrp', conn: cIdx, dir: dir === 0 ? 1 : 0, bytes: report({ to: [src], from: [dst], mid, range: `1-${body.length}/${body.length}` }) });
      if (rnd() < 0.05) evs.push({ kind: 'gap', conn: cIdx, dir });
    }
    if (withSip && rnd() < 0.8) {
      sip(call.inDialog('BYE', 2, 't'));
      sip(call.inDialogResponse(200, 'BYE', 2, 't'), false);
    }
    sessions.push(evs);
  }
  return sessions;
}

/** Interleaves the sessions' event lists, keeping each list's order (most of the time). */
function interleave(rnd: () => number, lists: Ev[][]): Ev[] {
  const idx = lists.map(() => 0);
  const out: Ev[] = [];
  for (;;) {
    const open = lists.map((l, i) => (idx[i]! < l.length ? i : -1)).filter((i) => i >= 0);
    if (open.length === 0) return out;
    const i = open[Math.floor(rnd() * open.length)]!;
    out.push(lists[i]![idx[i]!++]!);
  }
}

/**
 * Drops, duplicates, swaps and byte-mutates events. With `spareTargetFrames`, target MSRP frames
 * keep their bytes. Without, a target frame may have a damaged end-line: the framer then cuts it
 * at its Byte-Range length or before the next start line (issue 12), so the non-target frames
 * after it on the connection stay out of the records in both variants.
 */
function mutate(rnd: () => number, evs: Ev[], spareTargetFrames: boolean): Ev[] {
  const out: Ev[] = [];
  for (const e of evs) {
    const r = rnd();
    if (r < 0.03) continue; // dropped
    const spared = spareTargetFrames && e.kind === 'msrp' && Buffer.from(e.bytes.subarray(0, 12)).toString('latin1').startsWith('MSRP TGT');
    if (e.kind !== 'gap' && !spared && r < 0.08) {
      const b = Uint8Array.from(e.bytes);
      const flips = 1 + Math.floor(rnd() * 3);
      for (let j = 0; j < flips; j++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      out.push({ ...e, bytes: b });
      continue;
    }
    out.push(e);
    if (r > 0.96) out.push(e); // duplicated (retransmission / second observation)
  }
  // A few local swaps.
  for (let j = 0; j + 1 < out.length; j++) if (rnd() < 0.03) [out[j], out[j + 1]] = [out[j + 1]!, out[j]!];
  return out;
}

describe('Correlator property', () => {
  it.each([
    ['no non-target bytes in any record', true],
    ['target frames damaged too: no throw, valid target-only records, still no non-target bytes', false],
  ])('random interleavings and mutations: %s, bounded holding', (_name, spare) => {
    const tasks = parseTasksFile(tasksJson([{ ids: [{ sipUri: 'sip:alice@ims.example.com' }, { e164: '4915112345678' }] }, { ids: [{ sipUri: 'sip:bob@ims.example.com' }], deliveryType: 'X3Only' }]), 'tasks.json');
    const mark = Buffer.from(MARK);
    let totalRecords = 0;
    checkProperty(
      { seed: 7919, numRuns: 150 },
      fc.property(fc.gen(), fc.integer({ min: 0, max: 4 }), (g, nonTargetsOneInFive) => {
        const rnd = randOf(g);
        const conns: Conn[] = [
          { client: { ip: '10.0.0.1', port: 40001 }, server: { ip: '10.0.1.2', port: 2855 } },
          { client: { ip: '10.0.0.3', port: 40003 }, server: { ip: '10.0.1.4', port: 2855 } },
        ];
        const events = mutate(rnd, interleave(rnd, build(rnd, conns)), spare);
        const records: LiRecord[] = [];
        const anomalies = new AnomalyCounter();
        const maxHeld = 4096;
        const c = new Correlator({ tasks, onRecord: (r) => records.push(r), anomalies, maxHeldBytesPerSession: 2048, maxHeldBytesTotal: maxHeld, includeNonTargets: nonTargetsOneInFive === 0 });
        const framers = conns.map((cn, i) => {
          const a = ipAddr(cn.client.ip);
          const b = ipAddr(cn.server.ip);
          return [
            new MsrpFramer(c.msrpStream({ connId: i, dir: 0, srcAddr: a, dstAddr: b, srcPort: cn.client.port, dstPort: cn.server.port, sawSyn: true }), anomalies),
            new MsrpFramer(c.msrpStream({ connId: i, dir: 1, srcAddr: b, dstAddr: a, srcPort: cn.server.port, dstPort: cn.client.port, sawSyn: true }), anomalies),
          ] as const;
        });
        let clock = 0;
        let frame = 0;
        for (const e of events) {
          clock += Math.floor(rnd() * 3e8);
          const sec = T0 + Math.floor(clock / 1e9);
          const nsec = clock % 1e9;
          if (rnd() < 0.05) c.tick(sec, nsec);
          if (e.kind === 'sip') {
            const msg = parseSipMessage(e.bytes, anomalies, ++frame);
            if (msg !== null) c.sip(msg, { frameNo: frame, tsSec: sec, tsNsec: nsec, srcAddr: ipAddr(e.src), dstAddr: ipAddr(e.dst), srcPort: 5060, dstPort: 5060, ipProto: 17 });
          } else if (e.kind === 'gap') {
            framers[e.conn]![e.dir].gap(1 + Math.floor(rnd() * 50), ++frame, sec, nsec);
          } else {
            const piece = 1 + Math.floor(rnd() * 700);
            for (let o = 0; o < e.bytes.length; o += piece) framers[e.conn]![e.dir].push(e.bytes.subarray(o, o + piece), ++frame, sec, nsec);
          }
          expect(c.stats().heldBytes).toBeLessThanOrEqual(maxHeld);
        }
        for (const f of framers) {
          f[0].end();
          f[1].end();
        }
        c.finish();
        const audit = c.auditReport();
        for (const r of records) {
          expect(validateRecord(r)).toEqual([]);
          expect([XID_A, XID_B]).toContain(r.task.xid);
          if (r.task.xid === XID_B) expect(r.kind).toBe('cc');
          expect(containsBytes(r, mark)).toBe(false);
        }
        for (const s of [...audit.sessions, ...audit.uncorrelated]) {
          if (s.xid !== null) expect(JSON.stringify(s)).not.toContain(MARK);
        }
        expect(c.stats().heldBytes).toBe(0);
        totalRecords += records.length;
      }),
    );
    expect(totalRecords).toBeGreaterThan(500);
  });
});
