/**
 * The records of every scenario sample that has a tasks file (samples/tasks/NAME.tasks.json with
 * samples/pcap/NAME.pcap), collected once per test file: the encoder equivalence tests run over
 * real sample traffic (text and binary chunks, file transfers, relays, IPv6, pager mode).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LiRecord } from '../../src/records/li-record.js';
import { captureRecords } from './capture-records.js';
import { ROOT } from './run-cli.js';

export function sampleCaptureRecords(): { sample: string; records: LiRecord[] }[] {
  const tasks = join(ROOT, 'samples', 'tasks');
  return readdirSync(tasks)
    .filter((f) => f.endsWith('.tasks.json'))
    .sort()
    .map((f) => {
      const sample = f.replace(/\.tasks\.json$/, '');
      return { sample, records: captureRecords(join(ROOT, 'samples', 'pcap', `${sample}.pcap`), join(tasks, f)) };
    });
}
