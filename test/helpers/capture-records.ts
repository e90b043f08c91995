/**
 * The LI records `msrptap run` emits for a capture and tasks file, in emission order, each as the
 * output worker receives it (a structured-clone copy taken at emission: records share objects
 * with the correlator's live state). For encoder tests over real sample traffic and the encode
 * micro-bench (bench/encode-throughput.ts).
 */
import { deserialize, serialize } from 'node:v8';
import { openCaptureFile } from '../../src/capture/capture-file.js';
import { InterceptPipeline } from '../../src/pipeline/intercept-pipeline.js';
import { loadTasks } from '../../src/pipeline/load-tasks.js';
import type { LiRecord } from '../../src/records/li-record.js';

export function captureRecords(pcap: string, tasksFile: string): LiRecord[] {
  const records: LiRecord[] = [];
  const p = new InterceptPipeline({ tasks: loadTasks(tasksFile), onRecord: (r) => records.push(deserialize(serialize(r)) as LiRecord), auditDetails: false });
  const reader = openCaptureFile(pcap, 0, p.anomalies);
  try {
    for (let f = reader.next(); f !== null; f = reader.next()) p.frame(f);
  } finally {
    reader.close();
  }
  p.finish();
  return records;
}
