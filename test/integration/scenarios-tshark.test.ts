/**
 * Cross-checks the committed SIP/MSRP scenario samples with tshark 4.0 (the reference
 * dissector): each reads without malformed packets and with only the intended expert warnings,
 * tshark finds the SIP messages and the MSRP SEND chunks the generator says it put on the wire
 * (its MSRP dissector decodes one frame per TCP segment; the generator gives every MSRP frame
 * its own segments), and the truth's Call-IDs, connections, session ids and times exist in the
 * capture as tshark sees it.
 *
 * Skipped only when tshark is not installed (it is on developer machines and in CI).
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SCENARIOS, type AuditTruth } from '../../samples/gen/scenarios/index.js';

const run = promisify(execFile);
const SAMPLES = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../samples/pcap');
const HAVE_TSHARK = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;
const CHECKSUM_PREFS = ['-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE'];
/** epan/proto.h PI_WARN. */
const PI_WARN = 0x00600000;

/** Intended warnings: the chunk lost in a TCP gap (the receiver's ACK covers it). */
const INTENDED: Record<string, { message: RegExp; count: number }[]> = {
  chunked: [
    { message: /^Previous segment\(s\) not captured/, count: 1 },
    { message: /^ACKed segment that wasn't captured/, count: 1 },
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

const lines = (s: string): string[] => s.split('\n').filter((l) => l.length > 0);
const realStderr = (s: string): string =>
  lines(s)
    .filter((l) => !l.startsWith('Running as user "root"'))
    .join('\n');

/** Field rows of the frames matching `filter` (all occurrences, joined by \u001f; columns by \u001e). */
async function fields(file: string, filter: string | null, names: string[]): Promise<string[][]> {
  const r = await tshark(file, [...(filter === null ? [] : ['-Y', filter]), '-T', 'fields', ...names.flatMap((n) => ['-e', n]), '-E', 'occurrence=a', '-E', 'aggregator=\u001f', '-E', 'separator=\u001e']);
  expect(realStderr(r.stderr)).toBe('');
  return lines(r.stdout).map((l) => l.split('\u001e'));
}

const multi = (v: string | undefined): string[] => (v === undefined || v === '' ? [] : v.split('\u001f'));
const isoToEpoch = (iso: string): string => `${Date.parse(iso.slice(0, 19) + 'Z') / 1000}.${iso.slice(20, 29)}`;

describe.skipIf(!HAVE_TSHARK)('scenario samples cross-checked with tshark', () => {
  it('the whitelist names existing scenarios only', () => {
    for (const n of Object.keys(INTENDED)) expect(SCENARIOS.map((s) => s.name)).toContain(n);
  });

  describe.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (name, def) => {
    const file = `${name}.pcap`;
    const built = def.build();
    const truth = JSON.parse(readFileSync(join(SAMPLES, `${name}.truth.json`), 'utf8')) as AuditTruth;
    const sessions = [...truth.sessions, ...truth.uncorrelated];

    it('reads cleanly: no malformed packets, only the intended warnings', async () => {
      const r = await tshark(file, ['-T', 'fields', '-e', 'frame.number']);
      expect(realStderr(r.stderr)).toBe('');
      expect(r.code).toBe(0);
      expect(lines(r.stdout).length).toBe(built.capture.expected().frames);
      const malformed = await fields(file, '_ws.malformed', ['frame.number']);
      expect(malformed).toEqual([]);
      const ex = (await fields(file, null, ['_ws.expert.severity', '_ws.expert.message'])).flatMap((row) => {
        const sev = multi(row[0]).map(Number);
        const msg = multi(row[1]);
        return sev.map((s, i) => ({ s, m: msg[i] ?? '' })).filter((e) => e.s >= PI_WARN);
      });
      const rules = INTENDED[name] ?? [];
      expect(ex.filter((e) => !rules.some((r) => r.message.test(e.m)))).toEqual([]);
      for (const rule of rules) expect(ex.filter((e) => rule.message.test(e.m)).length, String(rule.message)).toBe(rule.count);
    });

    it('tshark lists exactly the MSRP SEND chunks the generator put on the wire, in order', async () => {
      const rows = await fields(file, 'msrp.method == "SEND"', ['msrp.messageid', 'msrp.byte.range']);
      expect(rows.map((r) => [r[0], r[1]])).toEqual(built.wire.sends.map((s) => [s.messageId, s.byteRange]));
    });

    it('tshark finds the SIP messages the generator sent (methods and status codes)', async () => {
      const rows = await fields(file, 'sip', ['sip.Method', 'sip.Status-Code']);
      const got = rows.flatMap((r) => [...multi(r[0]), ...multi(r[1])]).sort();
      expect(got).toEqual(built.wire.sip.slice().sort());
    });

    it("the truth's Call-IDs, connections, session ids and times are in the capture", async () => {
      const callIds = new Set((await fields(file, 'sip', ['sip.Call-ID'])).flatMap((r) => multi(r[0])));
      for (const s of truth.sessions) expect(callIds.has(s.callId!), s.callId).toBe(true);

      const syns = await fields(file, 'tcp.flags.syn == 1 && tcp.flags.ack == 0', ['ip.src', 'ipv6.src', 'tcp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport']);
      const ep = (ip4: string | undefined, ip6: string | undefined, port: string | undefined): string => (ip6 ? `[${ip6}]:${port}` : `${ip4}:${port}`);
      const clientFirst = new Set(syns.map((r) => `${ep(r[0], r[1], r[2])}-${ep(r[3], r[4], r[5])}`));
      for (const s of sessions) for (const c of s.connections) expect(clientFirst.has(c), c).toBe(true);

      const paths = (await fields(file, 'sdp || msrp', ['sdp.media_attr', 'msrp.to.path', 'msrp.from.path'])).flatMap((r) => r.flatMap(multi)).join('\n');
      for (const s of sessions) for (const id of s.msrpSessionIds) expect(paths.includes(`/${id};tcp`), id).toBe(true);

      const times = new Set((await fields(file, null, ['frame.time_epoch'])).map((r) => r[0]));
      for (const s of sessions) {
        expect(times.has(isoToEpoch(s.startTime)), s.startTime).toBe(true);
        expect(times.has(isoToEpoch(s.endTime)), s.endTime).toBe(true);
      }
    });
  });
});
