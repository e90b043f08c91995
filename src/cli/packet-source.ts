/**
 * Runs frames from the chosen packet source (-r files merged by time, or -i live) into a
 * consumer, with the progress bar for files and periodic drop reports for live capture.
 */
import type { AnomalySink } from '../core/anomaly.js';
import type { CapturedFrame } from '../core/frame.js';
import { readCaptures, type InputSummary } from '../pipeline/read-captures.js';
import { runLive, type LiveCaptureCounters } from '../pipeline/run-live.js';
import type { CaptureOptions } from './capture-options.js';
import { createProgress } from './progress.js';

export interface SourceResult {
  inputs: InputSummary[];
  live?: LiveCaptureCounters;
  /** A corrupt input: everything before it was processed. */
  error?: Error;
}

export async function runPacketSource(o: CaptureOptions, onFrame: (f: CapturedFrame) => void, anomalies: AnomalySink, quiet: boolean): Promise<SourceResult> {
  if (o.interface !== undefined) {
    const live = await runLive(
      {
        iface: o.interface,
        ...(o.filter !== undefined ? { filter: o.filter } : {}),
        snaplen: o.snaplen,
        bufferSize: o.bufferSize * 1024,
        promiscuous: o.promiscuous,
        ...(o.count !== undefined ? { count: o.count } : {}),
        ...(o.duration !== undefined ? { durationSec: o.duration } : {}),
        onTick: (s) => process.stderr.write(`msrptap: ${s.received} packets received, ${s.dropped} dropped by kernel, ${s.ifDropped} by interface\n`),
      },
      onFrame,
      anomalies,
    );
    return { inputs: [{ path: `live:${o.interface}`, bytes: 0 }], live };
  }
  const progress = createProgress(quiet);
  const res = readCaptures(o.read, onFrame, anomalies, progress.enabled ? { onProgress: progress.update } : {});
  progress.stop();
  for (const i of res.inputs) {
    if (i.truncatedAt !== undefined) process.stderr.write(`msrptap: warning: ${i.path} was cut short in the middle of a record at byte offset ${i.truncatedAt}\n`);
  }
  return res.error === undefined ? { inputs: res.inputs } : { inputs: res.inputs, error: res.error };
}
