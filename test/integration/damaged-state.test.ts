/**
 * State msrptap reads back at start is checked against its schema: a damaged file stops the
 * start with exit 2 and a message naming the file and the field, never a crash and never a
 * silent guess (a guessed delivery position or sequence state can lose or duplicate PDUs).
 * - `run --deliver`: SPOOL/x2x3-sequence.json, SPOOL/<DID>/released.json;
 * - `receive`: OUT/<XID>/index.jsonl (a complete line that is not an index entry).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventText } from '../helpers/log-events.js';
import { ROOT, runCli } from '../helpers/run-cli.js';

const SAMPLE = 'chat-tcp-sip';
const DID = '11111111-2222-4333-8444-555555555555';
const XID = '3a0b508c-3616-48ba-849d-f485418efd49';
const tmp = mkdtempSync(join(tmpdir(), 'msrptap-state-'));

/** The sample's tasks with one destination (nothing listens there: the start fails first). */
function tasksFile(): string {
  const t = JSON.parse(readFileSync(join(ROOT, 'samples/tasks', `${SAMPLE}.tasks.json`), 'utf8')) as { tasks: Record<string, unknown>[]; destinations?: unknown[] };
  t.destinations = [{ did: DID, address: '127.0.0.1:9' }];
  for (const task of t.tasks) task.listOfDids = [DID];
  const p = join(tmp, 'tasks.json');
  writeFileSync(p, JSON.stringify(t));
  return p;
}

function runDeliver(spool: string): { status: number; stderr: string } {
  return runCli(['run', '-r', join(ROOT, 'samples/pcap', `${SAMPLE}.pcap`), '--tasks', tasksFile(), '--deliver', '--spool-dir', spool, '--drain-timeout', '1'], { timeoutMs: 60_000 });
}

describe('run --deliver with damaged delivery state', () => {
  it.each([
    ['an unknown field', '{"version":1,"next":{"x":4},"reset":true}', /field \(top level\): unknown field\(s\) "reset"/],
    ['a number out of range', '{"version":1,"next":{"x":4294967296}}', /field next\.x/],
    ['not JSON', '{"version":1,', /not valid JSON/],
  ])('x2x3-sequence.json with %s: exit 2 naming file and field', (label, text, field) => {
    const spool = join(tmp, `seq-${label.replace(/\W+/g, '-')}`);
    mkdirSync(spool, { recursive: true, mode: 0o700 });
    writeFileSync(join(spool, 'x2x3-sequence.json'), text);
    const r = runDeliver(spool);
    expect(r.stderr).not.toContain('internal error');
    expect(r.status, r.stderr).toBe(2);
    expect(eventText(r.stderr)).toMatch(new RegExp(`exit.config_error: .*x2x3-sequence\\.json: not a version-1 sequence-number state file: ${field.source}`));
  });

  it.each([
    ['a negative offset', '{"seg":1,"off":-5}', /field off/],
    ['a wrong type', '{"seg":"1","off":0}', /field seg/],
    ['not JSON', 'garbage', /not valid JSON/],
  ])('released.json with %s: exit 2 naming file and field (was: silently resend from the start)', (label, text, field) => {
    const spool = join(tmp, `rel-${label.replace(/\W+/g, '-')}`);
    mkdirSync(join(spool, DID), { recursive: true, mode: 0o700 });
    writeFileSync(join(spool, DID, 'released.json'), text);
    const r = runDeliver(spool);
    expect(r.stderr).not.toContain('internal error');
    expect(r.status, r.stderr).toBe(2);
    expect(eventText(r.stderr)).toMatch(new RegExp(`exit.config_error: .*${DID}/released\\.json: not a spool position: ${field.source}`));
  });
});

describe('receive with a damaged index', () => {
  it.each([
    ['a line that is not JSON', '{"seq":0,"type":"X2","format":2,"offset":0,"length":10,"receivedAt":"x"}\nnot json\n', /line 2 is not an index entry: not valid JSON/],
    ['a sequence number of the wrong type', '{"seq":"0","type":"X2","format":2,"offset":0,"length":10,"receivedAt":"x"}\n', /line 1 is not an index entry: field seq/],
    ['a huge offset', '{"seq":0,"type":"X2","format":2,"offset":1e400,"length":10,"receivedAt":"x"}\n', /line 1 is not an index entry: field offset/],
  ])('%s: exit 2 naming file, line and field (was: resume past it silently)', (label, text, what) => {
    const out = join(tmp, `rx-${label.replace(/\W+/g, '-')}`);
    mkdirSync(join(out, XID), { recursive: true, mode: 0o700 });
    writeFileSync(join(out, XID, 'x2x3.pdu'), new Uint8Array(10));
    writeFileSync(join(out, XID, 'index.jsonl'), text);
    const r = runCli(['receive', '--listen', '127.0.0.1:0', '--out', out], { timeoutMs: 30_000 });
    expect(r.stderr).not.toContain('internal error');
    expect(r.status, r.stderr).toBe(2);
    expect(eventText(r.stderr)).toMatch(new RegExp(`exit.config_error: .*${XID}/index\\.jsonl: ${what.source}`));
  });
});
