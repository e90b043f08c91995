import { describe, expect, it } from 'vitest';
import { parseTasksFile } from '../../../src/correlate/index.js';
import { InterceptPipeline } from '../../../src/pipeline/intercept-pipeline.js';
import { createMetricsRegistry } from '../../../src/pipeline/metrics-server.js';
import type { LiveCaptureCounters } from '../../../src/pipeline/run-live.js';

const TASKS = { tasks: [{ xid: 'e0e20bd9-d53f-4ef7-9204-899147fa999e', liid: 'LIID-1', targetIdentifiers: [{ sipUri: 'sip:alice@ims.example.net' }], deliveryType: 'X2andX3' }] };

describe('metrics: capture loss (issue 13)', () => {
  it('exports the ring drops dumpcap reported at stop and the TCP gaps, all and on target connections', async () => {
    const p = new InterceptPipeline({ tasks: parseTasksFile(TASKS, 'tasks.json'), onRecord: () => {} });
    p.anomalies.report('tcp.gap');
    p.anomalies.report('tcp.gap');
    let capture: LiveCaptureCounters | undefined = { received: 10, dropped: 1, ifDropped: 2, backend: 'dumpcap' };
    const reg = createMetricsRegistry({ pipeline: p, records: new Map(), capture: () => capture, links: () => [] });
    let text = await reg.metrics();
    expect(text).toMatch(/^msrptap_capture_dropped_total 0$/m);
    expect(text).toMatch(/^msrptap_tcp_gaps_total 2$/m);
    expect(text).toMatch(/^msrptap_target_tcp_gaps_total 0$/m);
    expect(text).toMatch(/^msrptap_target_tcp_gap_bytes_total 0$/m);
    capture = { ...capture, captureDropped: 39072 };
    text = await reg.metrics();
    expect(text).toMatch(/^msrptap_capture_dropped_total 39072$/m);
    expect(text).toMatch(/^msrptap_kernel_dropped_total 1$/m);
  });

  it('exports the target loss no gap shows, by kind: connections joined mid-way, sessions whose MSRP was never seen', async () => {
    const p = new InterceptPipeline({ tasks: parseTasksFile(TASKS, 'tasks.json'), onRecord: () => {} });
    const reg = createMetricsRegistry({ pipeline: p, records: new Map(), capture: () => undefined, links: () => [] });
    expect(await reg.metrics()).toMatch(/^msrptap_target_loss_total\{kind="midstream_connection"\} 0$/m);
    p.anomalies.report('correlate.target_midstream');
    p.anomalies.report('correlate.cc_not_observed');
    p.anomalies.report('correlate.cc_not_observed');
    const text = await reg.metrics();
    expect(text).toMatch(/^msrptap_target_loss_total\{kind="midstream_connection"\} 1$/m);
    expect(text).toMatch(/^msrptap_target_loss_total\{kind="msrp_not_observed"\} 2$/m);
  });
});
