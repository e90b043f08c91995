/**
 * Issue 17, end to end: the TCP tracker reports its gap with the connection id, the pipeline
 * hands it to the correlator, and the audit entry of the session that connection carried lists
 * it. Sample chunked.pcap (samples/gen/scenarios/edge-scenarios.ts): one target session whose
 * MSRP connection lost a segment.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTasksFile } from '../../../src/correlate/tasks-file.js';
import { InterceptPipeline } from '../../../src/pipeline/intercept-pipeline.js';
import { readCaptures } from '../../../src/pipeline/read-captures.js';

const ROOT = resolve(import.meta.dirname, '../../..');

describe('InterceptPipeline: connection anomalies in the session audit', () => {
  it("the TCP gap on the target's MSRP connection is in its audit entry, with its frame", () => {
    const tasks = parseTasksFile(JSON.parse(readFileSync(join(ROOT, 'samples/tasks/chunked.tasks.json'), 'utf8')), 'chunked.tasks.json');
    const p = new InterceptPipeline({ tasks, onRecord: () => {} });
    readCaptures([join(ROOT, 'samples/pcap/chunked.pcap')], (f) => p.frame(f), p.anomalies);
    p.finish();
    const { report, details } = p.correlator.auditWithDetails();
    expect(report.anomalies['tcp.gap']).toBe(1);
    expect(report.sessions.length).toBe(1);
    expect(report.sessions[0]!.anomalies).toEqual({ 'tcp.gap': 1 });
    const gap = p.anomalies.examplesOf('tcp.gap')[0]!;
    expect(details.sessions[0]!.anomalies).toEqual([{ code: 'tcp.gap', frame: gap.frame, detail: gap.detail }]);
  });
});
