/**
 * `run -i lo` end to end: a scenario sample is replayed onto the loopback interface with
 * tcpreplay while the tap captures (with a BPF filter), delivers to `msrptap receive` and writes
 * files; then SIGHUP (a broken tasks file must not stop it), SIGTERM, and the checks:
 * - exit 0, and the stop drained: the receiver holds exactly the tap's own x2x3.pdu files;
 * - the audit equals the offline run's audit of the same capture in everything but times
 *   (live timestamps are the tap's capture times): sessions, messages, sizes, hashes, files.
 *
 * Needs root (CAP_NET_RAW), the `cap` module and tcpreplay: skipped, with the reason in the
 * title, when one is missing (CI has all three).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCap } from '../../src/capture/live-capture.js';
import { ROOT, startCli, startReceiver, waitFor } from '../helpers/deliver-procs.js';
import { runCli } from '../helpers/run-cli.js';

const SAMPLE = 'file-transfer';
const PCAP = join(ROOT, 'samples', 'pcap', `${SAMPLE}.pcap`);
const DID = '0d6c2a47-93b1-4f0e-9a55-7c1e2b3d4f60';

let skip = '';
try {
  await loadCap();
} catch (e) {
  skip = `cap not built: ${(e as Error).message}`;
}
if (skip === '' && process.getuid?.() !== 0) skip = 'not root';
if (skip === '') {
  try {
    execFileSync('tcpreplay', ['--version'], { stdio: 'ignore' });
  } catch {
    skip = 'tcpreplay not installed';
  }
}
if (skip !== '') console.warn(`live-run integration test skipped: ${skip}`);

type Obj = Record<string, unknown>;
/** The audit without capture times (a live capture stamps packets with the tap's clock). */
function timeless(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(timeless);
  if (v !== null && typeof v === 'object') {
    const o: Obj = {};
    for (const [k, x] of Object.entries(v as Obj)) if (!/time|Time|duration|generated|input|anomal|capture/i.test(k)) o[k] = timeless(x);
    return o;
  }
  return v;
}

/** The BPF filter for the sample's SIP and MSRP ports (from tshark), as an operator would write it. */
function portFilter(): string {
  const out = execFileSync('tshark', ['-r', PCAP, '-T', 'fields', '-e', 'tcp.dstport', '-e', 'udp.dstport', '-Y', 'tcp.flags.syn == 1 && tcp.flags.ack == 0 || udp'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const ports = new Set(out.split(/\s+/).filter((p) => p !== ''));
  return [...ports].map((p) => `port ${p}`).join(' or ');
}

describe('live run on lo', () => {
  it.skipIf(skip !== '')(
    `tcpreplay → run -i lo --deliver, SIGHUP, SIGTERM: drained, audit equals the offline run${skip !== '' ? ` [skipped: ${skip}]` : ''}`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'msrptap-live-run-'));
      const tasksSrc = join(ROOT, 'samples', 'tasks', `${SAMPLE}.tasks.json`);
      const off = runCli(['run', '-r', PCAP, '--tasks', tasksSrc, '--out', join(dir, 'offline')]);
      expect(off.status, off.stderr).toBe(0);

      const rx = await startReceiver(join(dir, 'rx'), 0);
      const t = JSON.parse(readFileSync(tasksSrc, 'utf8')) as { tasks: Obj[]; destinations?: unknown[] };
      t.destinations = [{ did: DID, address: `127.0.0.1:${rx.port}` }];
      for (const task of t.tasks) task.listOfDids = [DID];
      const tasks = join(dir, 'tasks.json');
      writeFileSync(tasks, JSON.stringify(t));

      const filter = portFilter();
      expect(filter).toMatch(/port \d+/);
      // The built CLI: its file output runs in a worker thread (the tsx one falls back to the main thread).
      const tap = startCli(['run', '-i', 'lo', '-f', filter, '--tasks', tasks, '--out', join(dir, 'live'), '--deliver', '--spool-dir', join(dir, 'spool'), '--stats-interval', '1'], { dist: true });
      try {
        await waitFor(() => /"event":"capture.started"/.test(tap.stderr()) || tap.child.exitCode !== null, 20_000, 'the tap to capture');
        expect(tap.child.exitCode, tap.stderr()).toBeNull();
        // Slow enough that the 1000-slot capture ring never overflows.
        execFileSync('tcpreplay', ['-i', 'lo', '--pps', '400', PCAP], { stdio: 'ignore' });
        // SIGHUP with a broken file keeps the running tasks; the stats line keeps coming.
        writeFileSync(tasks, '{ not json');
        tap.child.kill('SIGHUP');
        await waitFor(() => /tasks file rejected/.test(tap.stderr()), 10_000, 'the SIGHUP rejection');
        await waitFor(() => /"event":"run.stats"[^\n]*"records":\{"iri":[1-9]/.test(tap.stderr()), 10_000, 'a stats line with records');
        tap.child.kill('SIGTERM');
        expect(await tap.exited, tap.stderr()).toBe(0);
      } finally {
        if (tap.child.exitCode === null) tap.child.kill('SIGKILL');
        rx.proc.child.kill('SIGTERM');
        await rx.proc.exited;
      }
      // Stats lines: counts and task ids only, never identities.
      expect(tap.stderr()).not.toMatch(/sip:|tel:|@/);
      expect(tap.stderr()).toMatch(/"event":"delivery.summary"[^\n]*"spooledPdus":0,/);

      const offAudit = JSON.parse(readFileSync(join(dir, 'offline', 'audit.json'), 'utf8')) as { sessions: Obj[]; uncorrelated: Obj[] };
      const liveAudit = JSON.parse(readFileSync(join(dir, 'live', 'audit.json'), 'utf8')) as { sessions: Obj[]; uncorrelated: Obj[] };
      expect(liveAudit.sessions.length).toBeGreaterThan(0);
      expect(timeless(liveAudit.sessions)).toEqual(timeless(offAudit.sessions));
      expect(timeless(liveAudit.uncorrelated)).toEqual(timeless(offAudit.uncorrelated));

      // The drain on SIGTERM delivered everything the live run wrote to its own files.
      for (const liid of readdirSync(join(dir, 'live'))) {
        const f = join(dir, 'live', liid, 'x2x3.pdu');
        if (!existsSync(f)) continue;
        const bytes = readFileSync(f);
        const xid = readdirSync(join(dir, 'rx')).find((x) => readFileSync(join(dir, 'rx', x, 'x2x3.pdu')).equals(bytes));
        expect(xid, `${liid}: receiver has the same PDUs`).toBeDefined();
      }
    },
    60_000,
  );

  it.skipIf(skip !== '')(
    `SIGHUP mid-session adds a task: its records start with the start-of-interception event, nothing from before${skip !== '' ? ` [skipped: ${skip}]` : ''}`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'msrptap-live-reload-'));
      const pcap = join(ROOT, 'samples', 'pcap', 'chat-udp.pcap');
      // Part 1: the SIP set-up, the MSRP connection and its first SEND (frame 9); part 2: the rest.
      execFileSync('editcap', ['-r', pcap, join(dir, 'part1.pcap'), '1-9']);
      execFileSync('editcap', ['-r', pcap, join(dir, 'part2.pcap'), '10-1000000']);
      const sample = JSON.parse(readFileSync(join(ROOT, 'samples', 'tasks', 'chat-udp.tasks.json'), 'utf8')) as { tasks: Obj[] };
      const dummy = { xid: '9b1f0f8e-1c55-4d7e-8f6a-2b7c3d4e5f60', liid: 'LIID-OTHER', targetIdentifiers: [{ sipUri: 'sip:nobody@other.invalid' }], deliveryType: 'X2andX3' };
      const tasks = join(dir, 'tasks.json');
      writeFileSync(tasks, JSON.stringify({ tasks: [dummy] }));
      const ports = execFileSync('tshark', ['-r', pcap, '-T', 'fields', '-e', 'tcp.dstport', '-e', 'udp.dstport', '-Y', 'tcp.flags.syn == 1 && tcp.flags.ack == 0 || udp'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const filter = [...new Set(ports.split(/\s+/).filter((p) => p !== ''))].map((p) => `port ${p}`).join(' or ');
      const out = join(dir, 'live');
      const tap = startCli(['run', '-i', 'lo', '-f', filter, '--tasks', tasks, '--out', out, '--stats-interval', '1']);
      try {
        await waitFor(() => /"event":"capture.started"/.test(tap.stderr()) || tap.child.exitCode !== null, 20_000, 'the tap to capture');
        expect(tap.child.exitCode, tap.stderr()).toBeNull();
        execFileSync('tcpreplay', ['-i', 'lo', '--pps', '400', join(dir, 'part1.pcap')], { stdio: 'ignore' });
        // Let the capture ring hand part 1 to the pipeline before the reload.
        await new Promise((r) => setTimeout(r, 1000));
        writeFileSync(tasks, JSON.stringify({ tasks: [dummy, ...sample.tasks] }));
        tap.child.kill('SIGHUP');
        await waitFor(() => /"event":"tasks.reloaded"/.test(tap.stderr()), 10_000, 'the SIGHUP reload');
        execFileSync('tcpreplay', ['-i', 'lo', '--pps', '400', join(dir, 'part2.pcap')], { stdio: 'ignore' });
        // Wait for part 2's CC, not only the reload's start-of-interception IRI: a SIGTERM sent
        // while part 2 is still in the capture ring raced the records this test checks.
        await waitFor(() => /"event":"run.stats"[^\n]*"LIID-DE-0001":\{"iri":[1-9]\d*,"cc":(?:[4-9]|\d{2,})/.test(tap.stderr()), 20_000, "a stats line with the new task's CC");
        tap.child.kill('SIGTERM');
        expect(await tap.exited, tap.stderr()).toBe(0);
      } finally {
        if (tap.child.exitCode === null) tap.child.kill('SIGKILL');
      }
      const dec = runCli(['decode', join(out, 'LIID-DE-0001', 'records.pb')]);
      expect(dec.status, dec.stderr).toBe(0);
      const recs = dec.stdout
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => (JSON.parse(l) as { record: Obj }).record);
      const first = recs[0]!;
      expect(first.iriType).toBe('IRI_TYPE_BEGIN');
      expect((first.session as Obj).event).toBe('EVENT_START_OF_INTERCEPTION');
      // Every later record of the session: the SENDs of part 2 as CC, their messages, the BYE, the release.
      expect(recs.filter((r) => r.msrpChunk !== undefined).length).toBeGreaterThanOrEqual(4);
      expect(recs.filter((r) => r.message !== undefined).length).toBeGreaterThanOrEqual(4);
      expect(recs.at(-1)!.iriType).toBe('IRI_TYPE_END');
      expect((recs.at(-1)!.session as Obj).event).toBe('EVENT_RELEASE');
      // Frame 9's message (before the reload) is in no record.
      expect(dec.stdout).not.toContain('qSJZ56ShGsvfS3');
      expect(readdirSync(out)).not.toContain('LIID-OTHER');
    },
    60_000,
  );
});
