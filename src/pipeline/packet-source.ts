/**
 * Runs frames from the chosen packet source (-r files merged by time, or -i live) into a
 * consumer, with progress reports for files and periodic kernel counters for live capture.
 */
import type { AnomalySink } from '../core/anomaly.js';
import type { CapturedFrame } from '../core/frame.js';
import { IoError } from '../core/errors.js';
import { serialiseError, type Logger } from '../core/log.js';
import { readCaptures, readCapturesUntil, type InputSummary, type ReadResult } from './read-captures.js';
import type { LiveCaptureCounters, LiveRunOptions } from './run-live.js';

/** The packet source of a command, spelled as tcpdump's options (src/cli/capture-options.ts). */
export interface PacketSourceOptions {
  read: readonly string[];
  interface?: string;
  filter?: string;
  snaplen: number;
  /** Live capture kernel buffer, KiB. */
  bufferSize: number;
  promiscuous: boolean;
  count?: number;
  duration?: number;
  /** Live capture backend (./run-live.ts): dumpcap in its own process, or cap (libpcap) in this one. */
  captureBackend?: 'auto' | 'dumpcap' | 'cap';
}

/** What the CLI shows while files are read (a progress bar on a terminal); absent = nothing. */
export interface ReadProgress {
  update: (bytesRead: number, totalBytes: number | undefined) => void;
  stop: () => void;
}

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

export interface PacketSourceRun {
  log: Logger;
  progress?: ReadProgress;
  /** Offline only (live capture has its own signal handling): once it resolves, reading stops between two frames. */
  stop?: Promise<unknown>;
}

/**
 * The live-capture settings of the packet-source options, the same for every command that
 * captures (`run`, `stats`, `audit`); the backend choice is logged as `capture.backend`.
 */
export function liveCaptureOptions(o: PacketSourceOptions, iface: string, log: Logger): Omit<LiveRunOptions, 'onTick' | 'tickMs'> {
  return {
    iface,
    ...(o.filter !== undefined ? { filter: o.filter } : {}),
    snaplen: o.snaplen,
    bufferSize: o.bufferSize * 1024,
    promiscuous: o.promiscuous,
    ...(o.count !== undefined ? { count: o.count } : {}),
    ...(o.duration !== undefined ? { durationSec: o.duration } : {}),
    ...(o.captureBackend !== undefined ? { backend: o.captureBackend } : {}),
    onOpen: (sel) => log.log('info', 'capture.backend', { iface, backend: sel.backend, reason: sel.reason }),
  };
}

/** Reads the packet source into `onFrame`. */
export async function runPacketSource(o: PacketSourceOptions, onFrame: (f: CapturedFrame) => void, anomalies: AnomalySink, r: PacketSourceRun): Promise<SourceResult> {
  if (o.interface !== undefined) {
    // Live capture needs the optional native `cap` module: loaded only when asked for.
    const { runLive } = await import('./run-live.js');
    const live = await runLive(
      {
        ...liveCaptureOptions(o, o.interface, r.log),
        onTick: (s) => r.log.log('info', 'capture.counters', { received: s.received, dropped: s.dropped, ifDropped: s.ifDropped, ...(s.captureDropped !== undefined ? { captureDropped: s.captureDropped } : {}) }),
      },
      onFrame,
      anomalies,
    );
    return { inputs: [{ path: `live:${o.interface}`, bytes: 0 }], live };
  }
  const progress = r.progress;
  const opts = { ...(progress !== undefined ? { onProgress: progress.update } : {}), ...(o.count !== undefined ? { maxFrames: o.count } : {}) };
  let res: ReadResult & { interrupted?: boolean };
  try {
    res = r.stop === undefined ? readCaptures(o.read, onFrame, anomalies, opts) : await readCapturesUntil(o.read, onFrame, anomalies, r.stop, opts);
  } finally {
    progress?.stop();
  }
  const error = inputFailure(res, r.log);
  return { inputs: res.inputs, ...(error !== undefined ? { error } : {}), ...(res.interrupted === true ? { interrupted: true } : {}) };
}

/**
 * What went wrong with the inputs, as the one error the command ends with (exit 1, after its
 * results are written); further problems are logged as warnings now. As tcpdump (exit 1)
 * and tshark (exit 2) do, a capture cut short in the middle of a record, which is what a killed
 * tcpdump leaves, is a failed input: every frame before the cut was processed.
 */
function inputFailure(res: ReadResult, log: Logger): Error | undefined {
  const problems: { event: string; error: Error }[] = [];
  if (res.error !== undefined) problems.push({ event: 'capture.damaged', error: res.error });
  for (const i of res.inputs) {
    if (i.truncatedAt !== undefined) {
      problems.push({ event: 'capture.truncated', error: new IoError(`${i.path === '-' ? 'standard input' : i.path} was cut short in the middle of a record; every frame before it was processed`, i.path, i.truncatedAt) });
    }
  }
  for (const u of res.unusable) {
    const lt = u.linkTypes.length === 1 ? `link type ${u.linkTypes[0]} is` : `link types ${u.linkTypes.join(', ')} are`;
    problems.push({ event: 'capture.unsupported_link_type', error: new IoError(`no usable frame in ${u.path === '-' ? 'standard input' : u.path}: ${lt} not supported (${u.frames} frames skipped)`, u.path) });
  }
  for (const p of problems.slice(1)) {
    const e = serialiseError(p.error);
    log.log('warn', p.event, { file: e.path, offset: e.offset }, p.error.message);
  }
  return problems[0]?.error;
}
