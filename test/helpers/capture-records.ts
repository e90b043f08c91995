/**
 * The LI records `msrptap run` emits for a capture and tasks file, in emission order, each as the
 * output worker receives it (a copy taken at emission through the worker's hand-off format, src/pipeline/record-batch-codec.ts: records share objects
 * with the correlator's live state). For encoder tests over real sample traffic and the encode
 * micro-bench (bench/encode-throughput.ts).
 */
import { openCaptureFile } from '../../src/capture/capture-file.js';
import { InterceptPipeline } from '../../src/pipeline/intercept-pipeline.js';
import { loadTasks } from '../../src/pipeline/load-tasks.js';
import { readRecordBatch, RecordBatchWriter } from '../../src/pipeline/record-batch-codec.js';
import type { LiRecord } from '../../src/records/li-record.js';

export function captureRecords(pcap: string, tasksFile: string): LiRecord[] {
  const records: LiRecord[] = [];
  const batch = new RecordBatchWriter();
  emitRecords(pcap, tasksFile, (r) => {
    batch.add(r);
    readRecordBatch(batch.take(), (x) => records.push(x as LiRecord));
  });
  return records;
}

/**
 * The records as the pipeline emits them, not copied (they may share objects with the
 * correlator's state, which later frames change): for tests of the hand-off format itself.
 */
export function captureRawRecords(pcap: string, tasksFile: string): LiRecord[] {
  const records: LiRecord[] = [];
  emitRecords(pcap, tasksFile, (r) => records.push(r));
  return records;
}

function emitRecords(pcap: string, tasksFile: string, onRecord: (r: LiRecord) => void): void {
  const p = new InterceptPipeline({ tasks: loadTasks(tasksFile), onRecord, auditDetails: false });
  const reader = openCaptureFile(pcap, 0, p.anomalies);
  try {
    for (let f = reader.next(); f !== null; f = reader.next()) p.frame(f);
  } finally {
    reader.close();
  }
  p.finish();
}
