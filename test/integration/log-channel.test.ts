/**
 * The CLI's one logging channel (src/cli/stderr-logger.ts) and the conventions of issue 17 as a
 * user meets them: every stderr line is an event (JSON Lines when stderr is not a terminal, or
 * `msrptap: LEVEL EVENT key=value` with --log-format text), --log-level filters, usage errors are
 * events too, logs carry counts and task ids only; `audit --json /dev/null` works; `decode
 * --values` gives plain values for jq.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventsNamed, logEvents } from '../helpers/log-events.js';
import { ROOT, runCli } from '../helpers/run-cli.js';

const PCAP = join(ROOT, 'samples/pcap/chat-udp.pcap');
const TASKS = join(ROOT, 'samples/tasks/chat-udp.tasks.json');
const X2 = join(ROOT, '../shared/testdata/public/sipgate-x2-demo-01.x2x3.pdu');
const tmp = mkdtempSync(join(tmpdir(), 'msrptap-log-'));

/**
 * runCli runs the CLI from source (tsx), where the worker threads' modules do not load: each run
 * says so with one `worker.fallback` warning per worker (src/pipeline/worker-fallbacks.ts) and
 * works in the main thread. Those lines are left out of the channel checks below.
 */
const notFallback = (l: string): boolean => !l.includes('worker.fallback');

describe('one logging channel', () => {
  it('stderr not a terminal: JSON Lines events only, with the run summary as counts', () => {
    const r = runCli(['run', '-r', PCAP, '--tasks', TASKS, '--out', join(tmp, 'json')]);
    expect(r.status, r.stderr).toBe(0);
    const ev = logEvents(r.stderr).filter((e) => e.event !== 'worker.fallback');
    expect(ev.map((e) => e.event)).toEqual(['output.records', 'run.summary']);
    expect(eventsNamed(r.stderr, 'run.summary')[0]).toMatchObject({ level: 'info', sessions: 1, uncorrelated: 0, interrupted: false });
    // Task ids and counts, never identities or content.
    expect(r.stderr).not.toMatch(/sip:|tel:|@/);
  });

  it('--log-format text: "msrptap: LEVEL EVENT key=value" lines; --log-level warn drops the info events', () => {
    const t = runCli(['--log-format', 'text', 'run', '-r', PCAP, '--tasks', TASKS, '--out', join(tmp, 'text')]);
    expect(t.status, t.stderr).toBe(0);
    const lines = t.stderr.split('\n').filter((l) => l !== '' && notFallback(l));
    expect(lines).toHaveLength(2);
    // (From source the summary also names the workers that fell back, see notFallback.)
    expect(lines[1]?.replace(/ workerFallbacks=\S+$/, '')).toBe(`msrptap: info run.summary sessions=1 uncorrelated=0 out=${join(tmp, 'text')} interrupted=false`);
    // The option after the command name, as users write it.
    const w = runCli(['run', '-r', PCAP, '--tasks', TASKS, '--out', join(tmp, 'warn'), '--log-level', 'warn']);
    expect(w.status, w.stderr).toBe(0);
    expect(w.stderr.split('\n').filter((l) => l !== '' && notFallback(l))).toEqual([]);
  });

  it('errors are events with their cause; a usage error too (exit 2)', () => {
    const missing = runCli(['stats', '-r', join(tmp, 'nothing.pcap')]);
    expect(missing.status).toBe(1);
    const [e] = eventsNamed(missing.stderr, 'exit.io_error');
    expect(e).toMatchObject({ level: 'error', path: join(tmp, 'nothing.pcap'), cause: { code: 'ENOENT' } });
    const usage = runCli(['stats', '--no-such-option']);
    expect(usage.status).toBe(2);
    expect(eventsNamed(usage.stderr, 'exit.usage_error')[0]?.msg).toMatch(/unknown option '--no-such-option'/);
    const level = runCli(['--log-level', 'loud', '--version']);
    expect(level.status).toBe(2);
    expect(eventsNamed(level.stderr, 'exit.usage_error')).toHaveLength(1);
  });
});

describe('CLI conventions (issue 17)', () => {
  it('audit --json /dev/null: exit 0 (a device is written as it is, never fsynced)', () => {
    const r = runCli(['audit', '-r', PCAP, '--tasks', TASKS, '--json', '/dev/null']);
    expect(r.status, r.stderr).toBe(0);
    expect(eventsNamed(r.stderr, 'audit.written')[0]).toMatchObject({ path: '/dev/null', sessions: 1 });
  });

  it('decode --values: one object per PDU with camelCase attributes and plain values', () => {
    const out = join(tmp, 'values');
    expect(runCli(['run', '-r', PCAP, '--tasks', TASKS, '--out', out]).status).toBe(0);
    const file = join(out, 'LIID-DE-0001', 'x2x3.pdu');
    const r = runCli(['decode', '--values', file]);
    expect(r.status, r.stderr).toBe(0);
    const recs = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(recs.length).toBeGreaterThan(0);
    const n = readFileSync(file).length;
    recs.forEach((rec, i) => {
      expect(rec).toMatchObject({ kind: 'x2x3', pduType: expect.stringMatching(/^x[23]$/) });
      expect(rec.offset as number).toBeLessThan(n);
      const a = rec.attributes as Record<string, unknown>;
      // One XID in this file: its sequence numbers count the PDUs from 0 (TS 103 221-2 clause 5.3.2).
      expect(a.sequenceNumber).toBe(i);
      expect(a.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
      expect(a.sourceIPv4Address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(JSON.stringify(rec)).not.toMatch(/"(tag|children|hex|typeName)":/);
    });
    // A third-party file (the public sipgate X2 demo) reads the same way.
    const pub = runCli(['decode', '--values', X2]);
    expect(pub.status, pub.stderr).toBe(0);
    expect(JSON.parse(pub.stdout.split('\n')[0]!)).toMatchObject({ kind: 'x2x3', pduType: 'x2', payloadFormat: 'SIP message' });
    expect(runCli(['decode', '--values', '--text', X2]).status).toBe(2);
  });
});
