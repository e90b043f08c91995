import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCaptureFile } from '../../../src/capture/capture-file.js';
import { parseTasksFile } from '../../../src/correlate/index.js';
import { InterceptPipeline } from '../../../src/pipeline/intercept-pipeline.js';
import { liveStats } from '../../../src/pipeline/live-stats.js';
import { LinkType } from '../../../src/core/link-type.js';
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
