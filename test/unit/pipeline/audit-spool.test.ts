/**
 * The file-backed audit store (src/pipeline/audit-spool.ts) and the streaming audit.json writer
 * (src/pipeline/write-audit-json.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IoError } from '../../../src/core/errors.js';
import type { AuditReport, AuditSession } from '../../../src/correlate/audit-report.js';
import { AuditSpool, CountingAuditStore } from '../../../src/pipeline/audit-spool.js';
import { countAuditEntries, writeAuditJson } from '../../../src/pipeline/write-audit-json.js';

const dir = mkdtempSync(join(tmpdir(), 'msrptap-auditspool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function entry(callId: string | undefined, n: number): AuditSession {
  return {
    ...(callId !== undefined ? { callId } : {}),
    xid: n % 2 === 0 ? null : `xid-${n}`,
    liid: `LIID "${n}"\n\u00e9\u{1f600}`,
    matchedIdentity: null,
    startTime: '2026-01-01T00:00:00.000000000Z',
    endTime: '2026-01-01T00:00:01.000000000Z',
    msrpSessionIds: n % 3 === 0 ? [] : [`s${n}`, `t${n}`],
    connections: [],
    messages:
      n % 2 === 0
        ? []
        : [
            {
              messageId: `m${n}`,
              direction: 'fromTarget',
              contentType: 'message/cpim',
              innerContentType: null,
              size: n,
              sha256: null,
              innerSha256: null,
              chunks: 1,
              status: 'complete',
              reportStatuses: ['200'],
              firstFrame: n,
              lastFrame: n + 1,
              missing: [{ start: 1, end: '*' }],
              imdn: null,
              isComposing: false,
              carriedBy: 'msrp',
            },
          ],
    files: [],
    targetRole: null,
    messagesOmitted: 0,
    ccUnavailable: null,
  };
}

/** A source over a report held in memory (what the correlator streams from). */
function source(r: AuditReport) {
  return { auditEntries: (unc: boolean) => (unc ? r.uncorrelated : r.sessions), auditAnomalies: () => r.anomalies };
}

describe('writeAuditJson', () => {
  it('deletes its partial file when the source fails midway (no truncated audit.json)', () => {
    const path = join(dir, 'failing.json');
    const src = {
      *auditEntries(): Generator<AuditSession> {
        yield entry('c1', 1);
        throw new IoError('spool gone', 'x');
      },
      auditAnomalies: () => ({}),
    };
    expect(() => writeAuditJson(path, src)).toThrow('spool gone');
    expect(existsSync(path)).toBe(false);
  });

  const reports: [string, AuditReport][] = [
    ['empty', { sessions: [], uncorrelated: [], anomalies: {} }],
    ['one session', { sessions: [entry('c1', 1)], uncorrelated: [], anomalies: {} }],
    ['several of each, anomalies', { sessions: [1, 2, 3].map((n) => entry(`c${n}`, n)), uncorrelated: [entry(undefined, 4), entry(undefined, 5)], anomalies: { 'tcp.gap': 3, 'msrp.bad_header': 1 } }],
    ['uncorrelated only', { sessions: [], uncorrelated: [entry(undefined, 6)], anomalies: { x: 1 } }],
  ];
  for (const [name, r] of reports) {
    it(`writes exactly JSON.stringify(report, null, 2) + newline: ${name}`, () => {
      const path = join(dir, `${name}.json`);
      expect(writeAuditJson(path, source(r))).toEqual({ sessions: r.sessions.length, uncorrelated: r.uncorrelated.length });
      expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify(r, null, 2)}\n`);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(countAuditEntries(source(r))).toEqual({ sessions: r.sessions.length, uncorrelated: r.uncorrelated.length });
    });
  }
});

describe('CountingAuditStore', () => {
  it('counts the entries of each list and keeps nothing', () => {
    const c = new CountingAuditStore();
    c.add({ order: 1, uncorrelated: false, entries: [entry('c', 1), entry('c', 2)], details: null });
    c.add({ order: 2, uncorrelated: true, entries: [entry(undefined, 3)], details: null });
    expect([c.sessions, c.uncorrelated]).toEqual([2, 1]);
    expect([...c.ordered()]).toEqual([]);
  });
});

describe('AuditSpool', () => {
  it('gives back each list in order of first appearance, entries intact; 0600 in a 0700 folder; remove() deletes it', () => {
    const folder = join(dir, 'out1');
    const path = join(folder, '.audit-spool');
    const s = new AuditSpool(path);
    expect([...s.ordered(false)]).toEqual([]);
    expect(existsSync(path)).toBe(false); // nothing stored, no file
    const groups = [
      { order: 4, uncorrelated: false, entries: [entry('c4', 4)] },
      { order: 1, uncorrelated: false, entries: [entry('c1', 1), entry('c1', 11)] },
      { order: 3, uncorrelated: true, entries: [entry(undefined, 3)] },
      { order: 2, uncorrelated: false, entries: [entry('c2', 2)] },
      { order: 0, uncorrelated: true, entries: [entry(undefined, 7)] },
    ];
    for (const g of groups) s.add({ ...g, details: null });
    expect(s.size).toBe(5);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const back = (unc: boolean) => [...s.ordered(unc)];
    expect(back(false).map((g) => g.order)).toEqual([1, 2, 4]);
    expect(back(false).map((g) => g.entries)).toEqual([groups[1]!.entries, groups[3]!.entries, groups[0]!.entries]);
    expect(back(true).map((g) => [g.order, g.uncorrelated, g.details])).toEqual([
      [0, true, null],
      [3, true, null],
    ]);
    // Adding after a read-back still works (the writer is flushed before each read-back).
    s.add({ order: 5, uncorrelated: false, entries: [entry('c5', 5)], details: null });
    expect(back(false).map((g) => g.order)).toEqual([1, 2, 4, 5]);
    s.remove();
    expect(existsSync(path)).toBe(false);
    s.remove();
  });

  it('remove() never flushes nor throws; only remove(true) deletes a spool another run left', () => {
    const folder = join(dir, 'out3');
    const path = join(folder, '.audit-spool');
    const s = new AuditSpool(path);
    // A leftover (a killed run's): a run that stored nothing leaves it on failure paths…
    mkdirSync(folder, { recursive: true });
    writeFileSync(path, 'leftover');
    expect(s.remove()).toBeUndefined();
    expect(existsSync(path)).toBe(true);
    // … and deletes it when it owned the folder to the end.
    expect(s.remove(true)).toBeUndefined();
    expect(existsSync(path)).toBe(false);
    // Buffered groups are not written out just to be deleted.
    const t = new AuditSpool(path);
    t.add({ order: 0, uncorrelated: false, entries: [entry('c', 1)], details: null });
    expect(statSync(path).size).toBe(0);
    expect(t.remove()).toBeUndefined();
    expect(existsSync(path)).toBe(false);
  });

  it('a spool that no longer parses fails with an IoError naming the file', () => {
    const path = join(dir, 'out4', '.audit-spool');
    const s = new AuditSpool(path);
    s.add({ order: 0, uncorrelated: false, entries: [entry('c', 1)], details: null });
    [...s.ordered(false)];
    const n = statSync(path).size;
    writeFileSync(path, 'x'.repeat(n));
    expect(() => [...s.ordered(false)]).toThrow(IoError);
    s.remove();
  });

  it('a spool changed behind its back fails with an IoError naming the file', () => {
    const path = join(dir, 'out2', '.audit-spool');
    const s = new AuditSpool(path);
    s.add({ order: 0, uncorrelated: false, entries: [entry('c', 1)], details: null });
    [...s.ordered(false)];
    writeFileSync(path, '');
    expect(() => [...s.ordered(false)]).toThrow(IoError);
    expect(() => [...s.ordered(false)]).toThrow(path);
    s.remove();
  });

  it.each([
    ['a value of the wrong type', '"isComposing":false', '"isComposing":"fal"', /field \[0\]\.messages\[0\]\.isComposing/],
    ['a field it does not have', '"missing":[{"start":1,"end":"*"}]', '"missing":[],"x":"abcdefghijklmn"', /field \[0\]\.messages\[0\]: unknown field\(s\) "x"/],
  ])('a spool still JSON but changed (%s) fails naming the field, instead of reaching audit.json', (label, from, to, field) => {
    const path = join(dir, `out5-${label.replace(/\W+/g, '-')}`, '.audit-spool');
    const s = new AuditSpool(path);
    s.add({ order: 0, uncorrelated: false, entries: [entry('c', 1)], details: null });
    [...s.ordered(false)];
    const text = readFileSync(path, 'utf8');
    // Same length, so the offsets the spool keeps still frame valid JSON.
    expect(to.length).toBe(from.length);
    expect(text).toContain(from);
    writeFileSync(path, text.replace(from, to));
    expect(() => [...s.ordered(false)]).toThrow(IoError);
    expect(() => [...s.ordered(false)]).toThrow(field);
    s.remove();
  });

  it("a spool holding another file's JSON names the fields that do not belong, not the first one missing", () => {
    const path = join(dir, 'out6', '.audit-spool');
    const s = new AuditSpool(path);
    s.add({ order: 0, uncorrelated: false, entries: [entry('c', 1)], details: null });
    [...s.ordered(false)];
    const foreign = '[{"seg":1,"off":0}]';
    // Same length (JSON allows trailing blanks), so the spool's offsets still frame it.
    writeFileSync(path, foreign.padEnd(statSync(path).size, ' '));
    expect(() => [...s.ordered(false)]).toThrow(path);
    expect(() => [...s.ordered(false)]).toThrow(/field \[0\]: unknown field\(s\) "seg", "off"/);
    s.remove();
  });
});
