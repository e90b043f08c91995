/**
 * Progress bar for offline runs, shown only when stderr is a terminal (never in pipes, logs or
 * CI output), using cli-progress rather than a hand-written renderer.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** False when nothing is shown: callers then skip progress bookkeeping entirely. */
  enabled: boolean;
  update: (bytesRead: number, totalBytes: number | undefined) => void;
  stop: () => void;
}

const NONE: Progress = { enabled: false, update: () => {}, stop: () => {} };

export function createProgress(quiet: boolean): Progress {
  if (quiet || process.stderr.isTTY !== true) return NONE;
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'reading {bar} {percentage}% | {value}/{total} MiB', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    enabled: true,
    update: (read, total) => {
      if (total === undefined) return; // stdin: size unknown
      const mib = (n: number): number => Math.round(n / 1048576);
      if (!started) {
        bar.start(Math.max(1, mib(total)), 0);
        started = true;
      }
      bar.update(mib(read));
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
