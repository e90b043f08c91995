/**
 * `msrptap stats`: what the capture layer and the decoders saw, like capinfos plus a protocol
 * summary. `--json` prints one JSON object whose `frames` is the number of capture records read.
 */
import type { Command } from 'commander';
import { PacketPipeline } from '../pipeline/packet-pipeline.js';
import { addCaptureOptions, checkCaptureSource, type CaptureOptions } from './capture-options.js';
import { formatStats } from './format-stats.js';
import { runPacketSource } from './packet-source.js';

interface StatsOptions extends CaptureOptions {
  json?: boolean;
}

export function registerStatsCommand(program: Command): void {
  const cmd = program
    .command('stats')
    .description('count what the capture and decoding layers see: frames, link types, IP, fragments, TCP, UDP, anomalies');
  addCaptureOptions(cmd)
    .option('--json', 'print one JSON object instead of text')
    .action(async (o: StatsOptions) => {
      checkCaptureSource(o);
      const pipeline = new PacketPipeline();
      const src = await runPacketSource(o, (f) => pipeline.frame(f), pipeline.anomalies, o.json === true);
      pipeline.finish();
      const inputs = src.live !== undefined ? [{ path: src.inputs[0]!.path, bytes: pipeline.stats.bytes }] : src.inputs;
      const json = pipeline.toJSON(inputs);
      if (src.live !== undefined) json.live = src.live;
      process.stdout.write(o.json === true ? `${JSON.stringify(json, null, 2)}\n` : formatStats(json));
      if (src.error !== undefined) throw src.error;
    });
}
