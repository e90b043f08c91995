/**
 * `msrptap stats`: what the capture layer and the decoders saw, like capinfos plus a protocol
 * summary. `--json` prints one JSON object whose `frames` is the number of capture records read.
 */
import type { Command } from 'commander';
import { PacketPipeline } from '../pipeline/packet-pipeline.js';
import { readCaptures } from '../pipeline/read-captures.js';
import { runLive } from '../pipeline/run-live.js';
import type { CaptureStatsJson } from '../pipeline/capture-stats.js';
import { addCaptureOptions, checkCaptureSource, type CaptureOptions } from './capture-options.js';
import { formatStats } from './format-stats.js';
import { createProgress } from './progress.js';

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
      let json: CaptureStatsJson;
      let failure: Error | undefined;
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
          (f) => pipeline.frame(f),
          pipeline.anomalies,
        );
        pipeline.finish();
        json = { ...pipeline.toJSON([{ path: `live:${o.interface}`, bytes: pipeline.stats.bytes }]), live };
      } else {
        const progress = createProgress(o.json === true);
        const res = readCaptures(o.read, (f) => pipeline.frame(f), pipeline.anomalies, { onProgress: progress.update });
        progress.stop();
        pipeline.finish();
        json = pipeline.toJSON(res.inputs);
        failure = res.error;
        for (const i of res.inputs) {
          if (i.truncatedAt !== undefined) process.stderr.write(`msrptap: warning: ${i.path} was cut short in the middle of a record at byte offset ${i.truncatedAt}\n`);
        }
      }
      process.stdout.write(o.json === true ? `${JSON.stringify(json, null, 2)}\n` : formatStats(json));
      if (failure !== undefined) throw failure;
    });
}
