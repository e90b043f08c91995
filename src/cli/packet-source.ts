/**
 * Runs frames from the chosen packet source (-r files merged by time, or -i live) into a
 * consumer, with the progress bar for files and periodic drop reports for live capture.
 */
import type { AnomalySink } from '../core/anomaly.js';
import type { CapturedFrame } from '../core/frame.js';
import { IoError } from '../core/errors.js';
import { readCaptures, readCapturesUntil, type InputSummary, type ReadResult } from '../pipeline/read-captures.js';
import { runLive, type LiveCaptureCounters } from '../pipeline/run-live.js';
import type { CaptureOptions } from './capture-options.js';
import { createProgress } from './progress.js';

export interface SourceResult {
  inputs: InputSummary[];
  live?: LiveCaptureCounters;
  /**
   * The input failed (exit 1 once the results are written): a corrupt or cut-short capture
   * (everything before the damage was processed), or one with no frame of a decoded link type.
   */
  error?: Error;
  /** Offline: `stop` resolved before the inputs ended. */
  interrupted?: boolean;
}

/**
 * Reads the packet source into `onFrame`. `stop` (offline only; live capture has its own
 * signal handling): once it resolves, reading stops between two frames.
 */
export async function runPacketSource(o: CaptureOptions, onFrame: (f: CapturedFrame) => void, anomalies: AnomalySink, quiet: boolean, stop?: Promise<unknown>): Promise<SourceResult> {
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
        backend: o.captureBackend,
        onOpen: (sel) => process.stderr.write(`msrptap: capturing on ${o.interface} with ${sel.backend} (${sel.reason})\n`),
        onTick: (s) => process.stderr.write(`msrptap: ${s.received} packets received, ${s.dropped} dropped by kernel, ${s.ifDropped} by interface${s.captureDropped !== undefined ? `, ${s.captureDropped} by the capture ring` : ''}\n`),
      },
      onFrame,
      anomalies,
    );
    return { inputs: [{ path: `live:${o.interface}`, bytes: 0 }], live };
  }
  const progress = createProgress(quiet);
  const opts = { ...(progress.enabled ? { onProgress: progress.update } : {}), ...(o.count !== undefined ? { maxFrames: o.count } : {}) };
  let res: ReadResult & { interrupted?: boolean };
  try {
    res = stop === undefined ? readCaptures(o.read, onFrame, anomalies, opts) : await readCapturesUntil(o.read, onFrame, anomalies, stop, opts);
  } finally {
    progress.stop();
  }
  const error = inputFailure(res);
  return { inputs: res.inputs, ...(error !== undefined ? { error } : {}), ...(res.interrupted === true ? { interrupted: true } : {}) };
}

/**
 * What went wrong with the inputs, as the one error the command ends with (exit 1, after its
 * results are written); further problems are warned about on stderr now. As tcpdump (exit 1)
 * and tshark (exit 2) do, a capture cut short in the middle of a record, which is what a killed
 * tcpdump leaves, is a failed input: every frame before the cut was processed.
 */
function inputFailure(res: ReadResult): Error | undefined {
  const problems: Error[] = [];
  if (res.error !== undefined) problems.push(res.error);
  for (const i of res.inputs) {
    if (i.truncatedAt !== undefined) {
      problems.push(new IoError(`${i.path === '-' ? 'standard input' : i.path} was cut short in the middle of a record; every frame before it was processed`, i.path, i.truncatedAt));
    }
  }
  for (const u of res.unusable) {
    const lt = u.linkTypes.length === 1 ? `link type ${u.linkTypes[0]} is` : `link types ${u.linkTypes.join(', ')} are`;
    problems.push(new IoError(`no usable frame in ${u.path === '-' ? 'standard input' : u.path}: ${lt} not supported (${u.frames} frames skipped)`, u.path));
  }
  for (const p of problems.slice(1)) {
    const at = p instanceof IoError && p.offset !== undefined ? ` (at byte offset ${p.offset})` : '';
    process.stderr.write(`msrptap: warning: ${p.message}${at}\n`);
  }
  return problems[0];
}
