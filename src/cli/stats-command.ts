/**
 * `msrptap stats`: what the capture layer and the decoders saw, like capinfos plus a protocol
 * summary. `--json` prints one JSON object whose `frames` is the number of capture records read.
 */
import type { Command } from 'commander';
import { addCaptureOptions, checkCaptureSource, type CaptureOptions } from './capture-options.js';
import { formatStats } from './format-stats.js';
import { createProgress } from './progress.js';
import { log } from './stderr-logger.js';

interface StatsOptions extends CaptureOptions {
  json?: boolean;
}

export function registerStatsCommand(program: Command): void {
  const cmd = program.command('stats').description('count what the capture and decoding layers see: frames, link types, IP, fragments, TCP, UDP, anomalies');
  addCaptureOptions(cmd)
    .option('--json', 'print one JSON object instead of text')
    .action(async (o: StatsOptions) => {
      checkCaptureSource(o);
      const { captureStatsRun } = await import('../pipeline/capture-stats-run.js');
      const progress = await createProgress(o.json === true);
      const r = await captureStatsRun(o, { log, ...(progress !== undefined ? { progress } : {}) });
      process.stdout.write(o.json === true ? `${JSON.stringify(r.stats, null, 2)}\n` : formatStats(r.stats));
      if (r.inputError !== undefined) throw r.inputError;
    });
}
