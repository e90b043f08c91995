/**
 * Review finding: a worker thread (the file output, the capture digests) that fails to load fell
 * back to the main thread silently. Under the test runner the workers cannot load the TypeScript
 * sources (src/pipeline/module-worker.ts): the real fallback path, which must now be said, once
 * per worker, with the reason and no content, and listed for run.summary / run.stats.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Logger, LogFields, LogLevel } from '../../../src/core/log.js';
import { captureDigestsInBackground, IN_THREAD_MAX_BYTES } from '../../../src/pipeline/capture-digests.js';
import { ThreadedFileRecordOutput } from '../../../src/pipeline/threaded-file-output.js';
import { WorkerFallbacks } from '../../../src/pipeline/worker-fallbacks.js';
import { ALL_RECORDS } from '../../helpers/sample-records.js';

const dir = mkdtempSync(join(tmpdir(), 'msrptap-fallback-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

class MemoryLogger implements Logger {
  readonly lines: { level: LogLevel; event: string; fields: LogFields | undefined }[] = [];
  log(level: LogLevel, event: string, fields?: LogFields): void {
    this.lines.push({ level, event, fields });
  }
  enabled(): boolean {
    return true;
  }
}

describe('a worker that cannot load is said, not silent', () => {
  it('the file output: one fallback, naming the module load failure; none for --single-thread', async () => {
    const reasons: string[] = [];
    const t = new ThreadedFileRecordOutput(join(dir, 'out'), {}, undefined, {}, false, (r) => reasons.push(r));
    for (const r of ALL_RECORDS) t.write(r);
    await t.close();
    expect(t.threaded).toBe(false);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^module not loaded/);
    const chosen: string[] = [];
    const s = new ThreadedFileRecordOutput(join(dir, 'single'), {}, undefined, {}, true, (r) => chosen.push(r));
    for (const r of ALL_RECORDS) s.write(r);
    await s.close();
    expect(chosen).toEqual([]);
  });

  it('the capture digests: the fallback is reported, and the digests are still right', async () => {
    const file = join(dir, 'a.pcap');
    // Larger than what is hashed in-thread without a worker (IN_THREAD_MAX_BYTES).
    writeFileSync(file, new Uint8Array(IN_THREAD_MAX_BYTES + 1).fill(7));
    const reasons: string[] = [];
    const got = await captureDigestsInBackground([file], undefined, (r) => reasons.push(r));
    expect(got[0]!.bytes).toBe(IN_THREAD_MAX_BYTES + 1);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^module not loaded: /);
  });

  it('WorkerFallbacks: one warn per worker (worker and reason only), listed for the summary', () => {
    const log = new MemoryLogger();
    const w = new WorkerFallbacks(log);
    expect(w.summary()).toEqual({});
    w.reporter('file-output')('module not loaded: x');
    w.reporter('file-output')('module not loaded: y');
    w.reporter('capture-digests')('worker error: Error: z');
    expect(log.lines.map((l) => [l.level, l.event, l.fields])).toEqual([
      ['warn', 'worker.fallback', { worker: 'file-output', reason: 'module not loaded: x' }],
      ['warn', 'worker.fallback', { worker: 'capture-digests', reason: 'worker error: Error: z' }],
    ]);
    expect(w.summary()).toEqual({ workerFallbacks: ['file-output', 'capture-digests'] });
  });
});
