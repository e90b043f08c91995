/**
 * The one audit model (src/records/audit-report-schema.ts): the audit.json every scenario sample
 * really produces (correlator → src/pipeline/write-audit-json.ts, the bytes `run` and `audit
 * --json` write) validates against the zod schema AND against the published JSON Schema
 * (schemas/json/audit.schema.json, read back through zod's JSON Schema reader: no independent
 * JSON Schema validator is installed); damaged copies are refused by both, the field named.
 * The report details validate against theirs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkJson, checkParsed } from '../../../src/core/check-json.js';
import { parseTasksFile } from '../../../src/correlate/tasks-file.js';
import { InterceptPipeline } from '../../../src/pipeline/intercept-pipeline.js';
import { readCaptures } from '../../../src/pipeline/read-captures.js';
import { writeAuditJson } from '../../../src/pipeline/write-audit-json.js';
import { auditDetailsSchema, auditReportSchema, auditSessionSchema, type AuditReport } from '../../../src/records/audit-report-schema.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const tmp = mkdtempSync(join(tmpdir(), 'msrptap-auditschema-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const published = z.fromJSONSchema(JSON.parse(readFileSync(join(ROOT, 'schemas/json/audit.schema.json'), 'utf8')) as Parameters<typeof z.fromJSONSchema>[0]);

const names = readdirSync(join(ROOT, 'samples/tasks'))
  .filter((f) => f.endsWith('.tasks.json'))
  .map((f) => f.slice(0, -'.tasks.json'.length));

/** Runs one sample in-process; returns its audit.json text and the report details. */
function runSample(name: string): { text: string; details: unknown } {
  const tasks = parseTasksFile(JSON.parse(readFileSync(join(ROOT, 'samples/tasks', `${name}.tasks.json`), 'utf8')), `${name}.tasks.json`);
  const p = new InterceptPipeline({ tasks, onRecord: () => {} });
  readCaptures([join(ROOT, 'samples/pcap', `${name}.pcap`)], (f) => p.frame(f), p.anomalies);
  p.finish();
  const path = join(tmp, `${name}.audit.json`);
  writeAuditJson(path, p.correlator);
  return { text: readFileSync(path, 'utf8'), details: p.correlator.auditWithDetails().details };
}

const samples = new Map(names.map((n) => [n, runSample(n)]));

describe('real audit.json of every scenario sample', () => {
  it('covers the samples, with messages and uncorrelated sessions among them', () => {
    expect(names.length).toBeGreaterThanOrEqual(10);
    const reports = [...samples.values()].map((s) => JSON.parse(s.text) as AuditReport);
    expect(reports.some((r) => r.sessions.some((s) => s.messages.length > 0 && s.files.length > 0))).toBe(true);
    expect(reports.some((r) => r.uncorrelated.length > 0)).toBe(true);
  });

  it.each(names)('%s: valid against the zod schema and the published JSON Schema', (name) => {
    const { text, details } = samples.get(name)!;
    const r = checkJson(auditReportSchema, text);
    expect(r.ok ? 'ok' : r.problem).toBe('ok');
    const p = published.safeParse(JSON.parse(text));
    expect(p.success ? 'ok' : JSON.stringify(p.error.issues[0])).toBe('ok');
    const d = checkParsed(auditDetailsSchema, details);
    expect(d.ok ? 'ok' : d.problem).toBe('ok');
  });

  it('check-json returns the parsed JSON itself: rewriting it gives the same bytes', () => {
    for (const { text } of samples.values()) {
      const r = checkJson(auditReportSchema, text);
      expect(r.ok && `${JSON.stringify(r.value, null, 2)}\n`).toBe(text);
    }
  });
});

describe('damaged audit.json is refused by both schemas, the field named', () => {
  const base = (): AuditReport => {
    const r = JSON.parse(samples.get('chat-udp')!.text) as AuditReport;
    expect(r.sessions[0]!.messages.length).toBeGreaterThan(0);
    return r;
  };
  /** Sets (or, with `undefined`, deletes) the value at `path` in parsed JSON. */
  const setAt = (json: unknown, path: readonly (string | number)[], value: unknown): void => {
    let o = json as Record<string | number, unknown>;
    for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
    const last = path[path.length - 1]!;
    if (value === undefined) delete o[last];
    else o[last] = value;
  };
  it.each<[string, (string | number)[], unknown, string]>([
    ['an unknown session field', ['sessions', 0, 'parties'], [[], []], 'field sessions[0]: unknown field(s) "parties"'],
    ['an upper-case SHA-256', ['sessions', 0, 'messages', 1, 'sha256'], 'AB'.repeat(32), 'field sessions[0].messages[1].sha256: not a SHA-256'],
    ['a negative size', ['sessions', 0, 'messages', 0, 'size'], -1, 'field sessions[0].messages[0].size:'],
    ['an unknown status', ['sessions', 0, 'messages', 0, 'status'], 'done', 'field sessions[0].messages[0].status:'],
    ['a missing list', ['uncorrelated'], undefined, 'field uncorrelated:'],
    ['interrupted: false (only true is written)', ['interrupted'], false, 'field interrupted:'],
    ['a fractional anomaly count', ['anomalies', 'x.y'], 1.5, 'field anomalies.x.y:'],
    ['a missing-range end that is neither a count nor "*"', ['sessions', 0, 'messages', 0, 'missing'], [{ start: 1, end: '?' }], 'field sessions[0].messages[0].missing[0].end:'],
  ])('%s', (_label, path, value, problem) => {
    const r = base();
    setAt(r, path, value);
    const z1 = checkParsed(auditReportSchema, r);
    expect(z1.ok ? 'accepted' : z1.problem.slice(0, problem.length)).toBe(problem);
    expect(published.safeParse(r).success).toBe(false);
  });

  it('a session entry alone (what the audit spool stores) is checked the same way', () => {
    const s = base().sessions[0]!;
    expect(checkParsed(auditSessionSchema, s).ok).toBe(true);
    expect(checkParsed(auditSessionSchema, { ...s, callId: 7 }).ok).toBe(false);
  });
});
