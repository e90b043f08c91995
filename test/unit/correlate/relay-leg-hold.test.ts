/**
 * A relayed message's rCSMessage comes from the target's own leg on a single tap too
 * (src/correlate/relay-leg-hold.ts; RFC 4976, TS 33.128 clause 7.13.3). relay-two-legs: alice
 * (the target, 10.20.0.11) ↔ relay (10.30.0.1) ↔ bob's side (10.40.0.1); both legs captured. A
 * message alice receives completes first on the relay↔peer leg; its record must still name
 * alice's leg (the relay → alice copy), as the cluster's tap on alice's leg does. Without that
 * leg the record is still made, from the other leg, and reported.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppAnalyzers } from '../../../src/analyzers/app-analyzers.js';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import type { CapturedFrame } from '../../../src/core/frame.js';
import { Correlator } from '../../../src/correlate/correlator.js';
import { parseTasksFile } from '../../../src/correlate/tasks-file.js';
import { formatIp } from '../../../src/decode/format-ip.js';
import { PacketPipeline } from '../../../src/pipeline/packet-pipeline.js';
import { readCaptures } from '../../../src/pipeline/read-captures.js';
import type { IriRecord, LiRecord } from '../../../src/records/li-record.js';

const DIR = resolve(import.meta.dirname, '../../../samples');
const NAME = 'relay-two-legs';
const ALICE = '10.20.0.11';
const RELAY = '10.30.0.1';

function frames(): CapturedFrame[] {
  const all: CapturedFrame[] = [];
  readCaptures(
    [`${DIR}/pcap/${NAME}.pcap`],
    (f) => all.push({ frameNo: f.frameNo, tsSec: f.tsSec, tsNsec: f.tsNsec, linkType: f.linkType, capLen: f.capLen, origLen: f.origLen, data: f.data.slice(), interfaceId: f.interfaceId, source: f.source }),
    new AnomalyCounter(),
  );
  return all;
}

function run(input: readonly CapturedFrame[]): { records: LiRecord[]; anomalies: AnomalyCounter } {
  const tasks = parseTasksFile(JSON.parse(readFileSync(`${DIR}/tasks/${NAME}.tasks.json`, 'utf8')), `${NAME}.tasks.json`);
  const anomalies = new AnomalyCounter();
  const records: LiRecord[] = [];
  const c = new Correlator({ tasks, onRecord: (r) => records.push(r), anomalies });
  const an = new AppAnalyzers(c, anomalies);
  const p = new PacketPipeline({ tcpConsumers: an, udp: (pkt, f) => an.udp(pkt, f.frameNo, f.tsSec, f.tsNsec), anomalies, onTick: (s, n) => an.tick(s, n) });
  for (const f of input) p.frame(f);
  p.finish();
  an.finish();
  return { records, anomalies };
}

const rcs = (records: readonly LiRecord[]): IriRecord[] => records.filter((r): r is IriRecord => r.kind === 'iri' && r.event.kind === 'rCSMessage');
const ends = (r: IriRecord): [string, string] => [formatIp(r.network.srcAddr), formatIp(r.network.dstAddr)];

/** IPv4 over Ethernet (the sample's link type): TCP with alice's address at either end. */
function onAliceTcp(f: CapturedFrame): boolean {
  const ip = f.data.subarray(14);
  const addr = (o: number) => `${ip[o]}.${ip[o + 1]}.${ip[o + 2]}.${ip[o + 3]}`;
  return ip[9] === 6 && (addr(12) === ALICE || addr(16) === ALICE);
}

describe('relayed messages on a single tap', () => {
  it("the rCSMessage of every message, sent or received by the target, comes from the target's own leg", () => {
    const { records, anomalies } = run(frames());
    const msgs = rcs(records);
    expect(msgs.filter((r) => r.direction === 'toTarget').length).toBeGreaterThan(0);
    expect(msgs.filter((r) => r.direction === 'fromTarget').length).toBeGreaterThan(0);
    for (const r of msgs) expect(ends(r)).toEqual(r.direction === 'fromTarget' ? [ALICE, RELAY] : [RELAY, ALICE]);
    // Each record after the frame that ended its copy on alice's leg, before the release.
    const release = records.find((r) => r.kind === 'iri' && r.event.kind === 'rCSSessionRelease')!;
    expect(records.indexOf(release)).toBeGreaterThan(Math.max(...msgs.map((r) => records.indexOf(r))));
    expect(anomalies.toJSON()['correlate.relay_target_leg_unseen'] ?? 0).toBe(0);
  });

  it("without the target's leg captured, every rCSMessage is still made, from the other leg, and reported", () => {
    const all = run(frames());
    const { records, anomalies } = run(frames().filter((f) => !onAliceTcp(f)));
    const want = rcs(all.records).map((r) => (r.event.kind === 'rCSMessage' ? r.event.msrpMessageId : ''));
    const got = rcs(records);
    expect(got.map((r) => (r.event.kind === 'rCSMessage' ? r.event.msrpMessageId : '')).sort()).toEqual([...want].sort());
    for (const r of got) expect(ends(r)).not.toContain(ALICE);
    // Both directions: neither path names alice alone on the relay↔peer leg.
    expect(anomalies.toJSON()['correlate.relay_target_leg_unseen']).toBe(got.length);
  });
});
