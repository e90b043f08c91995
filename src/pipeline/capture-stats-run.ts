/** `msrptap stats` as one function: the packet source through the decoders only, counted. */
import type { Logger } from '../core/log.js';
import type { CaptureStatsJson } from './capture-stats.js';
import { PacketPipeline } from './packet-pipeline.js';
import { runPacketSource, type PacketSourceOptions, type ReadProgress } from './packet-source.js';

/** The counts, and the input's IoError when a capture was damaged (the counts cover what precedes it). */
export async function captureStatsRun(o: PacketSourceOptions, ctx: { log: Logger; progress?: ReadProgress }): Promise<{ stats: CaptureStatsJson; inputError?: Error }> {
  const pipeline = new PacketPipeline();
  const src = await runPacketSource(o, (f) => pipeline.frame(f), pipeline.anomalies, ctx);
  pipeline.finish();
  const inputs = src.live !== undefined ? [{ path: src.inputs[0]!.path, bytes: pipeline.stats.bytes }] : src.inputs;
  const stats = pipeline.toJSON(inputs);
  if (src.live !== undefined) stats.live = src.live;
  return { stats, ...(src.error !== undefined ? { inputError: src.error } : {}) };
}
