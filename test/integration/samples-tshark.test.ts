/**
 * Cross-checks every committed sample in samples/pcap/ with tshark (the reference dissector):
 * it reads without malformed packets, checksums are valid except where a sample breaks them on
 * purpose, expert infos of severity warning and above are exactly the intended ones, and tshark's
 * counts equal the generator's own `<sample>.expected.json`.
 *
 * Skipped only when tshark is not installed (it is on developer machines and in CI).
 */
import { execFile, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ExpectedSample } from '../../samples/gen/lib/index.js';

const run = promisify(execFile);
const SAMPLES = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../samples/pcap');
const HAVE_TSHARK = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;

/** TCP/UDP/IPv4 checksum validation is off by default in tshark; every run turns it on. */
const CHECKSUM_PREFS = ['-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE'];

/** Expert severities (epan/proto.h PI_*), as tshark prints `_ws.expert.severity`. */
const PI_NOTE = 0x00400000;
const PI_WARN = 0x00600000;
const PI_ERROR = 0x00800000;

interface ExpertRule {
  severity: 'warning' | 'error';
  message: RegExp;
  count: number;
}

/**
 * Intended expert infos (warning and above), per sample: each rule must match exactly `count`
 * expert items, and no other warning/error may appear. Samples not listed must have none.
 */
const INTENDED_EXPERTS: Record<string, ExpertRule[]> = {
  'basic-ipv4.pcap': [{ severity: 'warning', message: /^Connection reset \(RST\)$/, count: 1 }],
  'bad-checksum.pcap': [{ severity: 'error', message: /^Bad checksum \[should be 0x[0-9a-f]{4}\]$/, count: 4 }],
  'tcp-faults.pcap': [
    // The segment before the out-of-order one, and the data segment the capture missed.
    { severity: 'warning', message: /^Previous segment\(s\) not captured/, count: 2 },
    // Segment 1 after segment 2, and the overlapping retransmission with different bytes.
    { severity: 'warning', message: /^This frame is a \(suspected\) out-of-order segment$/, count: 2 },
    // The receiver ACKs past the uncaptured segment.
    { severity: 'warning', message: /^ACKed segment that wasn't captured/, count: 1 },
  ],
  // The MSRP chunk the scenario drops on purpose (never retransmitted).
  'chunked.pcap': [
    { severity: 'warning', message: /^Previous segment\(s\) not captured/, count: 1 },
    { severity: 'warning', message: /^ACKed segment that wasn't captured/, count: 1 },
  ],
};

/** Notes a sample must show (its faults are only notes in tshark): message → exact count. */
const REQUIRED_NOTES: Record<string, { message: RegExp; count: number }[]> = {
  'tcp-faults.pcap': [
    { message: /^This frame is a \(suspected\) retransmission$/, count: 1 },
    { message: /^A new tcp session is started with the same ports as an earlier session/, count: 1 },
  ],
};

async function tshark(file: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run('tshark', ['-n', '-r', join(SAMPLES, file), ...CHECKSUM_PREFS, ...args], { maxBuffer: 64 << 20 });
    return { stdout: r.stdout, stderr: r.stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    return { stdout: err.stdout ?? '', stderr: err.stderr ?? '', code: typeof err.code === 'number' ? err.code : -1 };
  }
}

/** Frame numbers matching a display filter. */
async function matching(file: string, filter: string): Promise<number> {
  const r = await tshark(file, ['-Y', filter, '-T', 'fields', '-e', 'frame.number']);
  return lines(r.stdout).length;
}

function lines(s: string): string[] {
  return s.split('\n').filter((l) => l.length > 0);
}

/** stderr without tshark's root warning. */
function realStderr(s: string): string {
  return lines(s)
    .filter((l) => !l.startsWith('Running as user "root"'))
    .join('\n');
}

const FIELDS = ['frame.number', 'frame.time_epoch', 'tcp.stream', 'ip.checksum.status', 'udp.checksum.status', 'tcp.checksum.status', 'gre.checksum.status', '_ws.expert.severity', '_ws.expert.message'] as const;

interface FrameRow {
  frame: number;
  time: string;
  streams: string[];
  checksums: string[];
  experts: { severity: number; message: string }[];
}

type RowsResult = { rows: FrameRow[]; stderr: string; code: number };
const rowsCache = new Map<string, Promise<RowsResult>>();

/** One tshark pass per sample with every per-frame field the checks need (memoised). */
function frameRows(file: string): Promise<RowsResult> {
  let p = rowsCache.get(file);
  if (p === undefined) {
    p = readFrameRows(file);
    rowsCache.set(file, p);
  }
  return p;
}

async function readFrameRows(file: string): Promise<RowsResult> {
  const r = await tshark(file, ['-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f]), '-E', 'occurrence=a', '-E', 'aggregator=\u001f', '-E', 'separator=\u001e']);
  const split = (v: string | undefined): string[] => (v === undefined || v === '' ? [] : v.split('\u001f'));
  const rows = lines(r.stdout).map((l) => {
    const c = l.split('\u001e');
    const sev = split(c[7]).map(Number);
    const msg = split(c[8]);
    return {
      frame: Number(c[0]),
      time: c[1] ?? '',
      streams: split(c[2]),
      checksums: [...split(c[3]), ...split(c[4]), ...split(c[5]), ...split(c[6])],
      experts: sev.map((s, i) => ({ severity: s, message: msg[i] ?? '' })),
    };
  });
  return { rows, stderr: r.stderr, code: r.code };
}

const sampleFiles = readdirSync(SAMPLES)
  .filter((f) => /\.(pcap|pcapng)$/.test(f))
  .sort();

describe.skipIf(!HAVE_TSHARK)('samples cross-checked with tshark', () => {
  it('finds the samples and every sample has its .expected.json', () => {
    expect(sampleFiles.length).toBeGreaterThanOrEqual(14);
    const json = new Set(readdirSync(SAMPLES).filter((f) => f.endsWith('.expected.json')));
    for (const f of sampleFiles) expect(json.has(`${f}.expected.json`), f).toBe(true);
    expect(json.size).toBe(sampleFiles.length);
  });

  it('the whitelists name existing samples only', () => {
    for (const f of [...Object.keys(INTENDED_EXPERTS), ...Object.keys(REQUIRED_NOTES)]) expect(sampleFiles).toContain(f);
  });

  describe.each(sampleFiles)('%s', (file) => {
    const expected = JSON.parse(readFileSync(join(SAMPLES, `${file}.expected.json`), 'utf8')) as ExpectedSample;

    it('reads cleanly (or reports the intended cut-short record) and counts match .expected.json', async () => {
      const { rows, stderr, code } = await frameRows(file);
      if (expected.cutShort) {
        expect(code).not.toBe(0);
        expect(realStderr(stderr)).toMatch(/appears to have been cut short in the middle of a packet/);
      } else {
        expect(realStderr(stderr)).toBe('');
        expect(code).toBe(0);
      }
      expect(rows.length).toBe(expected.frames);
      expect(rows.map((r) => r.frame)).toEqual(rows.map((_, i) => i + 1));
      expect(rows[0]?.time ?? null).toBe(expected.firstTimestamp);
      expect(rows[rows.length - 1]?.time ?? null).toBe(expected.lastTimestamp);
      expect(new Set(rows.flatMap((r) => r.streams)).size).toBe(expected.tcpConnections);
    });

    it('protocol counts equal .expected.json', async () => {
      const [ip, ipv6, tcp, udp, r4, r6, truncated] = await Promise.all([
        matching(file, 'ip'),
        matching(file, 'ipv6'),
        matching(file, 'tcp'),
        matching(file, 'udp'),
        matching(file, 'ip.reassembled.length'),
        matching(file, 'ipv6.reassembled.length'),
        matching(file, 'frame.cap_len < frame.len'),
      ]);
      expect({ ip, ipv6, tcp, udp, r4, r6, truncated }).toEqual({
        ip: expected.ipv4Frames,
        ipv6: expected.ipv6Frames,
        tcp: expected.tcpFrames,
        udp: expected.udpDatagrams,
        r4: expected.ipv4Reassembled,
        r6: expected.ipv6Reassembled,
        truncated: expected.truncatedRecords,
      });
    });

    it('has no malformed packets', async () => {
      expect(await matching(file, '_ws.malformed')).toBe(0);
    });

    it('checksums are valid except the intended bad ones', async () => {
      const { rows } = await frameRows(file);
      // Status values: 0 bad, 1 good, 2 unverified, 3 not present (proto.h PROTO_CHECKSUM_E_*).
      const bad = rows.filter((r) => r.checksums.includes('0')).length;
      expect(bad).toBe(expected.badChecksumFrames);
      if (expected.ipv4Frames > 0) expect(rows.some((r) => r.checksums.includes('1'))).toBe(true);
      // Only snaplen-cut frames may be unverifiable.
      const unverified = rows.filter((r) => r.checksums.includes('2')).length;
      expect(unverified).toBeLessThanOrEqual(expected.truncatedRecords);
    });

    it('expert infos of severity warning and above are exactly the intended ones', async () => {
      const { rows } = await frameRows(file);
      const serious = rows.flatMap((r) => r.experts.filter((e) => e.severity >= PI_WARN));
      const rules = INTENDED_EXPERTS[file] ?? [];
      const unmatched = serious.filter((e) => !rules.some((rule) => matches(rule, e)));
      expect(unmatched).toEqual([]);
      for (const rule of rules) {
        expect(serious.filter((e) => matches(rule, e)).length, String(rule.message)).toBe(rule.count);
      }
      for (const note of REQUIRED_NOTES[file] ?? []) {
        const n = rows.flatMap((r) => r.experts).filter((e) => e.severity === PI_NOTE && note.message.test(e.message)).length;
        expect(n, String(note.message)).toBe(note.count);
      }
    });
  });
});

function matches(rule: ExpertRule, e: { severity: number; message: string }): boolean {
  const sev = rule.severity === 'error' ? PI_ERROR : PI_WARN;
  return e.severity === sev && rule.message.test(e.message);
}
