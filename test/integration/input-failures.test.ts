/**
 * Exit codes of `run`, `audit` and `stats` for inputs that failed (README "Exit codes": 1 when an
 * input failed, the message naming the file and the byte offset):
 * - a capture cut short in the middle of its last record (what a killed tcpdump leaves): every
 *   frame before the cut is processed and reported, then exit 1 (tcpdump exits 1, tshark 2);
 * - a capture whose frames are all of a link type msrptap does not decode: a clear message and
 *   exit 1, not a silent success with no records.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PcapWriter } from '../../src/capture/pcap-writer.js';
import { eventText } from '../helpers/log-events.js';
import { ROOT, runCli } from '../helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'msrptap-input-'));
const SAMPLE = join(ROOT, 'samples/pcap/chat-tcp-sip.pcap');
const TASKS = join(ROOT, 'samples/tasks/chat-tcp-sip.tasks.json');

/** chat-tcp-sip.pcap without the last 7 bytes: the last record's data is cut. */
function cutShort(): { path: string; lastRecordAt: number } {
  const b = readFileSync(SAMPLE);
  let off = 24;
  let last = 24;
  while (off < b.length) {
    last = off;
    off += 16 + b.readUInt32LE(off + 8);
  }
  const path = join(tmp, 'cut.pcap');
  writeFileSync(path, b.subarray(0, b.length - 7));
  return { path, lastRecordAt: last };
}

/** Three frames of LINKTYPE_USER0 (147), which msrptap does not decode. */
function unusable(): string {
  const chunks: Uint8Array[] = [];
  const w = new PcapWriter((c) => chunks.push(c), { linkType: 147 });
  for (let i = 0; i < 3; i++) w.packet(1_700_000_000 + i, 0, new Uint8Array(60).fill(i));
  const path = join(tmp, 'user0.pcap');
  writeFileSync(path, Buffer.concat(chunks));
  return path;
}

describe('a capture cut short in its last record', () => {
  const { path, lastRecordAt } = cutShort();
  const message = new RegExp(`cut\\.pcap was cut short in the middle of a record; every frame before it was processed \\(at byte offset ${lastRecordAt}\\)`);

  it('run: writes every record from the frames before the cut, then exits 1 naming file and offset', () => {
    const out = join(tmp, 'run-cut');
    const full = runCli(['run', '-r', SAMPLE, '--tasks', TASKS, '--out', join(tmp, 'run-full')]);
    expect(full.status, full.stderr).toBe(0);
    const r = runCli(['run', '-r', path, '--tasks', TASKS, '--out', out]);
    expect(r.status, r.stderr).toBe(1);
    expect(eventText(r.stderr)).toMatch(message);
    expect(r.stderr).not.toContain('internal error');
    // The outputs are complete for what was read: audit.json and a manifest per LIID.
    expect(JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')).sessions.length).toBe(1);
    expect(existsSync(join(out, 'LIID-DE-0002', 'manifest.json'))).toBe(true);
  });

  it('audit and stats: the report, then exit 1', () => {
    const a = runCli(['audit', '-r', path, '--tasks', TASKS, '--json', '-']);
    expect(a.status, a.stderr).toBe(1);
    expect(eventText(a.stderr)).toMatch(message);
    expect(JSON.parse(a.stdout).sessions.length).toBe(1);
    const s = runCli(['stats', '--json', '-r', path]);
    expect(s.status, s.stderr).toBe(1);
    expect(eventText(s.stderr)).toMatch(message);
    expect(JSON.parse(s.stdout).anomalies['pcap.truncated_record']).toBe(1);
  });
});

describe('a capture whose frames are all of an unsupported link type', () => {
  const path = unusable();
  const message = /no usable frame in \S*user0\.pcap: link type 147 is not supported \(3 frames skipped\)/;

  it('run, audit and stats say so and exit 1', () => {
    const r = runCli(['run', '-r', path, '--tasks', TASKS, '--out', join(tmp, 'run-user0')]);
    expect(r.status, r.stderr).toBe(1);
    expect(eventText(r.stderr)).toMatch(message);
    const a = runCli(['audit', '-r', path, '--tasks', TASKS, '--json', '-']);
    expect(a.status, a.stderr).toBe(1);
    expect(eventText(a.stderr)).toMatch(message);
    const s = runCli(['stats', '--json', '-r', path]);
    expect(s.status, s.stderr).toBe(1);
    expect(eventText(s.stderr)).toMatch(message);
    expect(JSON.parse(s.stdout).frames).toBe(3);
  });

  it('beside a usable capture, still names it and exits 1 (that input failed), the other one processed', () => {
    const out = join(tmp, 'run-mixed');
    const r = runCli(['run', '-r', SAMPLE, '-r', path, '--tasks', TASKS, '--out', out]);
    expect(r.status, r.stderr).toBe(1);
    expect(eventText(r.stderr)).toMatch(message);
    expect(JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')).sessions.length).toBe(1);
  });
});
