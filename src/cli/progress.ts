/**
 * Progress bar for offline runs, shown only when stderr is a terminal (never in pipes, logs or
 * CI output), using cli-progress rather than a hand-written renderer.
 */
import type { ReadProgress } from '../pipeline/packet-source.js';

/**
 * The progress bar, or undefined when nothing is shown (callers then skip progress bookkeeping
 * entirely). cli-progress is loaded only for a terminal.
 */
export async function createProgress(quiet: boolean): Promise<ReadProgress | undefined> {
  if (quiet || process.stderr.isTTY !== true) return undefined;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'reading {bar} {percentage}% | {value}/{total} MiB', hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
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
