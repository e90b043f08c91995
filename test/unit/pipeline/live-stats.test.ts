import { describe, expect, it } from 'vitest';
import { parseTasksFile } from '../../../src/correlate/index.js';
import { InterceptPipeline } from '../../../src/pipeline/intercept-pipeline.js';
import { liveStats } from '../../../src/pipeline/live-stats.js';
import { LinkType } from '../../../src/core/link-type.js';
import { ipv4 } from '../../helpers/packet-builders.js';

describe('liveStats', () => {
  it('counts the anomalies that may have hidden traffic from interception', () => {
    const p = new InterceptPipeline({ tasks: parseTasksFile({ tasks: [{ xid: 'e0e20bd9-d53f-4ef7-9204-899147fa999e', liid: 'LIID-1', targetIdentifiers: [{ sipUri: 'sip:alice@ims.example.net' }], deliveryType: 'X2andX3' }] }, 'tasks.json'), onRecord: () => {} });
    p.anomalies.report('tcp.gap');
    p.anomalies.report('sip.too_many_headers');
    p.anomalies.report('sip.bare_lf');
    const s = liveStats(p, undefined, new Map(), []);
    expect(s.anomalies).toBe(3);
    expect(s.anomaliesMayHideTarget).toBe(2);
  });

  it('carries the tunnels removed and the IP protocols not decoded, by number (counts only)', () => {
    const p = new InterceptPipeline({ tasks: parseTasksFile({ tasks: [{ xid: 'e0e20bd9-d53f-4ef7-9204-899147fa999e', liid: 'LIID-1', targetIdentifiers: [{ sipUri: 'sip:alice@ims.example.net' }], deliveryType: 'X2andX3' }] }, 'tasks.json'), onRecord: () => {} });
    const frames = [ipv4({ proto: 4, payload: ipv4({ proto: 50, payload: new Uint8Array(16) }) }), ipv4({ proto: 1, payload: new Uint8Array(8) })];
    for (const [i, data] of frames.entries()) p.frame({ frameNo: i + 1, tsSec: 1_700_000_000, tsNsec: 0, linkType: LinkType.RAW_12, capLen: data.length, origLen: data.length, data, interfaceId: 0, source: 0 });
    const s = liveStats(p, undefined, new Map(), []);
    expect(s.tunnels).toEqual({ 'ipv4-in-ip': 1 });
    expect(s.ipProtocolsNotDecoded).toEqual({ '1': 1, '50': 1 });
  });
});
