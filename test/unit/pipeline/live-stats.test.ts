import { describe, expect, it } from 'vitest';
import { parseTasksFile } from '../../../src/correlate/index.js';
import { InterceptPipeline } from '../../../src/pipeline/intercept-pipeline.js';
import { liveStats } from '../../../src/pipeline/live-stats.js';

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
});
