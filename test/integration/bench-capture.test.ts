/**
 * The bench capture (bench/make-bench-capture.ts) is what issue 13 asks for: random bodies (no
 * repeated-byte payloads), binary file transfers, SIP over TCP as well as UDP, relay legs, and the
 * target share as set. Checked on a small capture through the real pipeline (the records `run`
 * would encode), so a generator the tap cannot follow shows here too.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isValidUtf8 } from '../../src/encode/common/utf8.js';
import type { LiRecord } from '../../src/records/li-record.js';
import { LIVE_FILTER } from '../../bench/live-rate.js';
import { makeBenchCapture, writeBenchTasks } from '../../bench/make-bench-capture.js';
import { captureRecords } from '../helpers/capture-records.js';
import { hasProgram } from '../helpers/has-program.js';

const dir = mkdtempSync(join(tmpdir(), 'msrptap-bench-capture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tasks = join(dir, 'tasks.json');
writeBenchTasks(tasks);

function run(share: number): { units: number; targetUnits: number; records: LiRecord[] } {
  const path = join(dir, `b-${share}.pcap`);
  const r = makeBenchCapture({ path, megabytes: 3, targetShare: share, seed: 11 });
  return { ...r, records: captureRecords(path, tasks) };
}

describe('bench capture', () => {
  it('all targets: random bodies, binary files, SIP over TCP and UDP, relay legs; every session intercepted', () => {
    const { units, targetUnits, records } = run(100);
    expect(targetUnits).toBe(units);
    const calls = new Set(records.map((r) => Buffer.from(r.correlationId).toString('hex')));
    expect(calls.size).toBe(units);
    // Every call ends by its BYE, recorded as a target dialog's SIP: in-dialog requests carry the remote tag
    // (RFC 3261 12.2.1.1), else the correlator ignores them and the bench under-costs SIP.
    const isBye = (r: (typeof records)[number]): boolean => r.kind === 'iri' && r.event.kind === 'iMSMessage' && Buffer.from(r.event.sip.raw).subarray(0, 4).toString('latin1') === 'BYE ';
    const ended = new Set(records.flatMap((r) => (isBye(r) ? [Buffer.from(r.correlationId).toString('hex')] : [])));
    expect(ended.size).toBe(units);
    const messages = records.flatMap((r) => (r.kind === 'iri' && r.event.kind === 'rCSMessage' ? [r.event] : []));
    expect(messages.length).toBeGreaterThan(0);
    // Random: no body is one repeated byte; files are not UTF-8 (HI2 then carries base64), text is.
    for (const m of messages) expect(new Set(m.content).size).toBeGreaterThan(16);
    expect(messages.some((m) => !isValidUtf8(m.content) && m.contentType === 'application/octet-stream')).toBe(true);
    expect(messages.some((m) => isValidUtf8(m.content) && m.contentType === 'text/plain')).toBe(true);
    const sip = records.filter((r) => r.kind === 'iri' && r.event.kind === 'iMSMessage');
    expect(sip.some((r) => r.network.ipProto === 6)).toBe(true);
    expect(sip.some((r) => r.network.ipProto === 17)).toBe(true);
    // Relay legs: the same chunks on the endpoint ↔ relay and relay ↔ peer connections.
    const relay = [10, 30, 0, 1].join(',');
    const cc = records.filter((r) => r.kind === 'cc');
    expect(cc.some((r) => r.network.dstAddr.join(',') === relay)).toBe(true);
    expect(cc.some((r) => r.network.srcAddr.join(',') === relay)).toBe(true);
  });

  it.each([1, 10])('target share %i percent: that share of the sessions is intercepted', (share) => {
    const { units, targetUnits, records } = run(share);
    expect(targetUnits).toBe(Math.floor((units * share) / 100));
    expect(new Set(records.map((r) => Buffer.from(r.correlationId).toString('hex'))).size).toBe(targetUnits);
  });

  // The live bench counts every frame it sent and the tap did not process as lost: its capture
  // filter must admit every frame of the mix (the relay legs included).
  it.skipIf(!hasProgram('tcpdump', '--version'))('the live bench filter admits every frame of the capture', () => {
    const path = join(dir, 'b-filter.pcap');
    const { frames } = makeBenchCapture({ path, megabytes: 3, seed: 11 });
    const count = (filter: string[]): number =>
      execFileSync('tcpdump', ['-r', path, '-n', ...filter], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 })
        .split('\n')
        .filter((l) => l !== '').length;
    expect(count([])).toBe(frames);
    expect(count([LIVE_FILTER])).toBe(frames);
  });
});
