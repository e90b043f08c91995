import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCaptureFile } from '../../../src/capture/capture-file.js';
import { parseTasksFile } from '../../../src/correlate/index.js';
import { InterceptPipeline } from '../../../src/pipeline/intercept-pipeline.js';
import { liveStats } from '../../../src/pipeline/live-stats.js';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { LinkType } from '../../../src/core/link-type.js';
import { decodeFrame } from '../../../src/decode/decode-frame.js';
import { createDecodedPacket, resetDecodedPacket } from '../../../src/decode/decoded-packet.js';
import { ipv4 } from '../../helpers/packet-builders.js';

describe('liveStats', () => {
  it('counts the anomalies that may have hidden traffic from interception', () => {
    const p = new InterceptPipeline({
      tasks: parseTasksFile({ tasks: [{ xid: 'e0e20bd9-d53f-4ef7-9204-899147fa999e', liid: 'LIID-1', targetIdentifiers: [{ sipUri: 'sip:alice@ims.example.net' }], deliveryType: 'X2andX3' }] }, 'tasks.json'),
      onRecord: () => {},
    });
    p.anomalies.report('tcp.gap');
    p.anomalies.report('sip.too_many_headers');
    p.anomalies.report('sip.bare_lf');
    const s = liveStats(p, undefined, new Map(), []);
    expect(s.anomalies).toBe(3);
    expect(s.anomaliesMayHideTarget).toBe(2);
  });

  it('carries the tunnels removed and the IP protocols not decoded, by number (counts only)', () => {
    const p = new InterceptPipeline({
      tasks: parseTasksFile({ tasks: [{ xid: 'e0e20bd9-d53f-4ef7-9204-899147fa999e', liid: 'LIID-1', targetIdentifiers: [{ sipUri: 'sip:alice@ims.example.net' }], deliveryType: 'X2andX3' }] }, 'tasks.json'),
      onRecord: () => {},
    });
    const frames = [ipv4({ proto: 4, payload: ipv4({ proto: 50, payload: new Uint8Array(16) }) }), ipv4({ proto: 1, payload: new Uint8Array(8) })];
    for (const [i, data] of frames.entries()) p.frame({ frameNo: i + 1, tsSec: 1_700_000_000, tsNsec: 0, linkType: LinkType.RAW_12, capLen: data.length, origLen: data.length, data, interfaceId: 0, source: 0 });
    const s = liveStats(p, undefined, new Map(), []);
    expect(s.tunnels).toEqual({ 'ipv4-in-ip': 1 });
    expect(s.ipProtocolsNotDecoded).toEqual({ '1': 1, '50': 1 });
  });
});

describe('liveStats: TCP gaps on target connections (issue 13, the live loss signal)', () => {
  // samples/pcap/chunked.pcap loses one TCP segment in the middle of alice's MSRP session
  // (samples/README.md: its only anomalies are tcp.gap 1 and msrp.message_incomplete 1).
  const here = import.meta.dirname;
  const capture = resolve(here, '../../../samples/pcap/chunked.pcap');
  const run = (tasksJson: unknown): Record<string, unknown> => {
    const p = new InterceptPipeline({ tasks: parseTasksFile(tasksJson, 'tasks.json'), onRecord: () => {} });
    const r = openCaptureFile(capture, 0, p.anomalies);
    for (let f = r.next(); f !== null; f = r.next()) p.frame(f);
    r.close();
    // The hole is given up at the end of input here (live: after the reassembly timeout).
    p.finish();
    return liveStats(p, undefined, new Map(), []);
  };

  it('counts the gap when the connection carries a target session', () => {
    const s = run(JSON.parse(readFileSync(resolve(here, '../../../samples/tasks/chunked.tasks.json'), 'utf8')));
    expect(s.tcpGaps).toBe(1);
    expect(s.targetTcpGaps).toBe(1);
    expect(s.targetTcpGapBytes).toBeGreaterThan(0);
  });

  it('does not count it when no party of the connection is a target', () => {
    const s = run({ tasks: [{ xid: 'e0e20bd9-d53f-4ef7-9204-899147fa999e', liid: 'LIID-1', targetIdentifiers: [{ sipUri: 'sip:nobody@ims.example.net' }], deliveryType: 'X2andX3' }] });
    expect(s.tcpGaps).toBe(1);
    expect(s.targetTcpGaps).toBe(0);
  });

  it('carries the capture backend, the ring drops and why the capture stopped', () => {
    const p = new InterceptPipeline({
      tasks: parseTasksFile({ tasks: [{ xid: 'e0e20bd9-d53f-4ef7-9204-899147fa999e', liid: 'LIID-1', targetIdentifiers: [{ sipUri: 'sip:alice@ims.example.net' }], deliveryType: 'X2andX3' }] }, 'tasks.json'),
      onRecord: () => {},
    });
    const s = liveStats(p, { received: 5, dropped: 1, ifDropped: 2, captureDropped: 7, backend: 'dumpcap', stoppedBy: 'dumpcap stopped on its own (killed by SIGKILL)' }, new Map(), []);
    expect(s).toMatchObject({ kernelDropped: 1, ifDropped: 2, captureDropped: 7, captureBackend: 'dumpcap', captureStoppedBy: 'dumpcap stopped on its own (killed by SIGKILL)' });
    expect(liveStats(p, { received: 5, dropped: 0, ifDropped: 0, backend: 'cap' }, new Map(), [])).not.toHaveProperty('captureDropped');
  });
});

describe('liveStats: loss that no TCP gap shows (issue 13: whole connections)', () => {
  // samples/pcap/file-transfer.pcap: two SIP dialogs of the target (file-transfer.tasks.json),
  // each with its MSRP on its own TCP connection to 10.20.1.22:2856, opened with a handshake.
  const here = import.meta.dirname;
  const capture = resolve(here, '../../../samples/pcap/file-transfer.pcap');
  const targetTasks = JSON.parse(readFileSync(resolve(here, '../../../samples/tasks/file-transfer.tasks.json'), 'utf8')) as unknown;
  const noTarget = { tasks: [{ xid: 'e0e20bd9-d53f-4ef7-9204-899147fa999e', liid: 'LIID-1', targetIdentifiers: [{ sipUri: 'sip:nobody@ims.example.net' }], deliveryType: 'X2andX3' }] };
  const MSRP_PORT = 2856;
  /** Replays the sample into a pipeline without the frames `drop` selects, then drains as a stopped capture does. */
  const run = (tasksJson: unknown, drop: (p: { tcp: boolean; syn: boolean; msrp: boolean }) => boolean): { stats: Record<string, unknown>; audit: unknown[] } => {
    const p = new InterceptPipeline({ tasks: parseTasksFile(tasksJson, 'tasks.json'), onRecord: () => {} });
    const r = openCaptureFile(capture, 0, p.anomalies);
    const d = createDecodedPacket();
    const quiet = new AnomalyCounter();
    for (let f = r.next(); f !== null; f = r.next()) {
      resetDecodedPacket(d);
      decodeFrame(f, d, quiet);
      const tcp = d.ipProto === 6;
      if (drop({ tcp, syn: tcp && (d.tcpFlags & 0x02) !== 0, msrp: tcp && (d.srcPort === MSRP_PORT || d.dstPort === MSRP_PORT) })) continue;
      p.frame(f);
    }
    r.close();
    p.finish();
    return { stats: liveStats(p, undefined, new Map(), []), audit: [...p.correlator.auditEntries(false)] };
  };

  it('counts a target connection joined mid-way (its handshake lost) once per connection, in the stats and the session audit', () => {
    const { stats, audit } = run(targetTasks, (x) => x.syn && x.msrp);
    expect(stats.targetMidStream).toBe(2);
    expect(stats.targetCcNotObserved).toBe(0);
    expect(JSON.stringify(audit)).toContain('correlate.target_midstream');
  });

  it('does not count it when the handshakes were seen, or when no party is a target', () => {
    expect(run(targetTasks, () => false).stats.targetMidStream).toBe(0);
    expect(run(noTarget, (x) => x.syn && x.msrp).stats.targetMidStream).toBe(0);
  });

  it('counts the target sessions none of whose MSRP was captured once they are released (the drain releases them)', () => {
    const lost = run(targetTasks, (x) => x.msrp).stats;
    expect(lost.targetCcNotObserved).toBe(2);
    expect(lost.anomaliesMayHideTarget).toBeGreaterThanOrEqual(2);
    expect(run(targetTasks, () => false).stats.targetCcNotObserved).toBe(0);
  });
});
