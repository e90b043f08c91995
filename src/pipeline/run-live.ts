/**
 * Live driver: captures on an interface until SIGINT/SIGTERM, a frame count or a duration, and
 * feeds every frame to a callback. Kernel drop counters are polled periodically so drops show up
 * as anomalies while the tap runs, not only at the end.
 *
 * Two backends (issue 13, direction 7): `dumpcap` in a child process writing pcapng to a pipe
 * (src/capture/dumpcap-capture.ts: a large ring, the ring's drop count at the end, no capture
 * privilege in this process) and `cap`, libpcap in this process (src/capture/live-capture.ts),
 * the fallback when dumpcap is missing. `auto` takes dumpcap when it is found and executable.
 */
import type { AnomalySink } from '../core/anomaly.js';
import type { CapturedFrame } from '../core/frame.js';
import { findDumpcap, openDumpcapCapture, selectCaptureBackend, type CaptureBackendChoice, type CaptureBackendSelection } from '../capture/dumpcap-capture.js';
import { openLiveCapture, type LiveCaptureStats } from '../capture/live-capture.js';

export interface LiveRunOptions {
  iface: string;
  filter?: string;
  snaplen: number;
  bufferSize: number;
  promiscuous: boolean;
  count?: number;
  durationSec?: number;
  /** Default 'auto'. */
  backend?: CaptureBackendChoice;
  /** Where dumpcap is looked for (tests); default: found on PATH. */
  dumpcapPath?: string;
  /** How often kernel drops are polled and `onTick` is called. */
  tickMs?: number;
  onTick?: (stats: LiveCaptureCounters) => void;
  /** Called once the capture is open, with the backend used and why. */
  onOpen?: (selection: CaptureBackendSelection) => void;
}

export interface LiveCaptureCounters extends LiveCaptureStats {
  /** The backend that captured. */
  backend?: 'dumpcap' | 'cap';
  /** Why the capture ended before it was asked to (dumpcap died); absent after a normal stop. */
  stoppedBy?: string;
}

/** The common face of the two backends. */
interface OpenCapture {
  stats(): LiveCaptureStats;
  pollDrops(): number;
  died: Promise<string>;
  close(): Promise<unknown>;
}

export async function runLive(opts: LiveRunOptions, onFrame: (f: CapturedFrame) => void, anomalies: AnomalySink): Promise<LiveCaptureCounters> {
  let seen = 0;
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const sel = selectCaptureBackend(opts.backend ?? 'auto', opts.dumpcapPath ?? (opts.backend === 'cap' ? undefined : findDumpcap()));
  const captureOpts = {
    iface: opts.iface,
    ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
    snaplen: opts.snaplen,
    bufferSize: opts.bufferSize,
    promiscuous: opts.promiscuous,
  };
  const deliver = (f: CapturedFrame): void => {
    if (opts.count !== undefined && seen >= opts.count) return;
    seen++;
    onFrame(f);
    if (opts.count !== undefined && seen >= opts.count) stop();
  };
  let capture: OpenCapture;
  if (sel.backend === 'dumpcap') {
    capture = await openDumpcapCapture(sel.dumpcapPath!, captureOpts, deliver, anomalies);
  } else {
    const c = await openLiveCapture(captureOpts, deliver, anomalies);
    capture = { stats: () => c.stats(), pollDrops: () => c.pollDrops(), died: new Promise<string>(() => {}), close: async () => c.close() };
  }
  opts.onOpen?.(sel);
  let stoppedBy: string | undefined;
  void capture.died.then((why) => {
    stoppedBy = why;
    anomalies.report('capture.backend_stopped', seen > 0 ? seen : undefined, 'dumpcap stopped');
    stop();
  });
  const counters = (): LiveCaptureCounters => ({ ...capture.stats(), backend: sel.backend, ...(stoppedBy !== undefined ? { stoppedBy } : {}) });
  const onSignal = (): void => stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const tick = setInterval(() => {
    capture.pollDrops();
    opts.onTick?.(counters());
  }, opts.tickMs ?? 10_000);
  const timer = opts.durationSec !== undefined ? setTimeout(stop, opts.durationSec * 1000) : undefined;
  try {
    await stopped;
  } finally {
    clearInterval(tick);
    if (timer !== undefined) clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // dumpcap: the frames still in the pipe are delivered here, then its final statistics read.
    await capture.close();
  }
  return counters();
}
