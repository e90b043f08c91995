/**
 * Live driver: captures on an interface until SIGINT/SIGTERM, a frame count or a duration, and
 * feeds every frame to a callback. Kernel drop counters are polled periodically so drops show up
 * as anomalies while the tap runs, not only at the end.
 */
import type { AnomalySink } from '../core/anomaly.js';
import type { CapturedFrame } from '../core/frame.js';
import { openLiveCapture } from '../capture/live-capture.js';

export interface LiveRunOptions {
  iface: string;
  filter?: string;
  snaplen: number;
  bufferSize: number;
  promiscuous: boolean;
  count?: number;
  durationSec?: number;
  /** How often kernel drops are polled and `onTick` is called. */
  tickMs?: number;
  onTick?: (stats: LiveCaptureCounters) => void;
}

export interface LiveCaptureCounters {
  received: number;
  dropped: number;
  ifDropped: number;
}

export async function runLive(
  opts: LiveRunOptions,
  onFrame: (f: CapturedFrame) => void,
  anomalies: AnomalySink,
): Promise<LiveCaptureCounters> {
  let seen = 0;
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const capture = await openLiveCapture(
    {
      iface: opts.iface,
      ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
      snaplen: opts.snaplen,
      bufferSize: opts.bufferSize,
      promiscuous: opts.promiscuous,
    },
    (f) => {
      if (opts.count !== undefined && seen >= opts.count) return;
      seen++;
      onFrame(f);
      if (opts.count !== undefined && seen >= opts.count) stop();
    },
    anomalies,
  );
  const onSignal = (): void => stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const tick = setInterval(() => {
    capture.pollDrops();
    opts.onTick?.(capture.stats());
  }, opts.tickMs ?? 10_000);
  const timer = opts.durationSec !== undefined ? setTimeout(stop, opts.durationSec * 1000) : undefined;
  let final: LiveCaptureCounters;
  try {
    await stopped;
  } finally {
    clearInterval(tick);
    if (timer !== undefined) clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    capture.pollDrops();
    final = capture.stats();
    capture.close();
  }
  return final;
}
