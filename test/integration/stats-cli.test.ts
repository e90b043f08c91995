/**
 * `msrptap stats` end to end on every foundation sample: its counts must equal the generator's
 * own record of what it wrote (.expected.json), which test/integration/samples-tshark.test.ts
 * in turn checks against tshark — so msrptap and tshark agree on frames, IPv4/IPv6 frames,
 * UDP datagrams, TCP connections (tcp.stream) and reassembled fragments.
 */
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventText } from '../helpers/log-events.js';
import { ROOT, runCli } from '../helpers/run-cli.js';

const PCAP_DIR = join(ROOT, 'samples/pcap');
const samples = readdirSync(PCAP_DIR).filter((f) => f.endsWith('.expected.json'));

interface Expected {
  frames: number;
  ipv4Frames: number;
  ipv6Frames: number;
  udpDatagrams: number;
  tcpConnections: number;
  ipv4Reassembled: number;
  ipv6Reassembled: number;
  truncatedRecords: number;
  cutShort: boolean;
  firstTimestamp: string | null;
  lastTimestamp: string | null;
}

/** "sec.nnnnnnnnn" (tshark's frame.time_epoch) → msrptap's ISO form. */
function isoOf(epoch: string | null): string | null {
  if (epoch === null) return null;
  const [sec, frac] = epoch.split('.') as [string, string];
  return `${new Date(Number(sec) * 1000).toISOString().slice(0, 19)}.${frac.padEnd(9, '0')}Z`;
}

describe('msrptap stats agrees with the samples (and so with tshark)', () => {
  it('has foundation samples to check', () => expect(samples.length).toBeGreaterThanOrEqual(10));
  for (const exp of samples) {
    const pcap = exp.replace(/\.expected\.json$/, '');
    it(pcap, () => {
      const e = JSON.parse(readFileSync(join(PCAP_DIR, exp), 'utf8')) as Expected;
      const r = runCli(['stats', '--json', '-r', join(PCAP_DIR, pcap)]);
      // A capture cut short is a failed input (exit 1, as tcpdump; tshark exits 2), after the stats.
      expect(r.status, r.stderr).toBe(e.cutShort ? 1 : 0);
      const s = JSON.parse(r.stdout);
      expect({
        frames: s.frames,
        ipv4: s.ipv4,
        ipv6: s.ipv6,
        udpDatagrams: s.udpDatagrams,
        tcpConnections: s.tcpConnections,
        fragmentsReassembled: s.fragmentsReassembled,
        truncatedFrames: s.truncatedFrames,
        firstTimestamp: s.firstTimestamp,
        lastTimestamp: s.lastTimestamp,
      }).toEqual({
        frames: e.frames,
        ipv4: e.ipv4Frames,
        ipv6: e.ipv6Frames,
        udpDatagrams: e.udpDatagrams,
        tcpConnections: e.tcpConnections,
        fragmentsReassembled: e.ipv4Reassembled + e.ipv6Reassembled,
        truncatedFrames: e.truncatedRecords,
        firstTimestamp: isoOf(e.firstTimestamp),
        lastTimestamp: isoOf(e.lastTimestamp),
      });
      if (e.cutShort) {
        expect(eventText(r.stderr)).toMatch(new RegExp(`exit.io_error: .*${pcap.replace('.', '\\.')} was cut short in the middle of a record; every frame before it was processed \\(at byte offset \\d+\\)`));
        expect(s.anomalies['pcap.truncated_record']).toBe(1);
      }
    });
  }

  it('prints text with the same counts', () => {
    const r = runCli(['stats', '-r', join(PCAP_DIR, 'basic-ipv4.pcap')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Frames:\s+\d+$/m);
    expect(r.stdout).toMatch(/^TCP connections:\s+\d+ \(\d+ segments\)$/m);
  });

  it('reads standard input with -r -', () => {
    const bytes = readFileSync(join(PCAP_DIR, 'basic-ipv4.pcap'));
    const viaFile = JSON.parse(runCli(['stats', '--json', '-r', join(PCAP_DIR, 'basic-ipv4.pcap')]).stdout);
    const r = runCli(['stats', '--json', '-r', '-'], { input: bytes });
    expect(r.status, r.stderr).toBe(0);
    const viaStdin = JSON.parse(r.stdout);
    expect({ ...viaStdin, inputs: [] }).toEqual({ ...viaFile, inputs: [] });
  });

  it('-c N with -r reads the first N frames, as tcpdump -c does', () => {
    const all = JSON.parse(runCli(['stats', '--json', '-r', join(PCAP_DIR, 'chat-udp.pcap')]).stdout);
    const r = runCli(['stats', '--json', '-c', '3', '-r', join(PCAP_DIR, 'chat-udp.pcap')]);
    expect(r.status, r.stderr).toBe(0);
    const first = JSON.parse(r.stdout);
    expect(all.frames).toBeGreaterThan(3);
    expect(first.frames).toBe(3);
    expect(first.firstTimestamp).toBe(all.firstTimestamp);
    expect(first.lastTimestamp < all.lastTimestamp).toBe(true);
  });

  it('merges several files by time', () => {
    const a = JSON.parse(runCli(['stats', '--json', '-r', join(PCAP_DIR, 'ipv6.pcap')]).stdout);
    const b = JSON.parse(runCli(['stats', '--json', '-r', join(PCAP_DIR, 'vlan-qinq.pcap')]).stdout);
    const r = runCli(['stats', '--json', '-r', join(PCAP_DIR, 'ipv6.pcap'), '-r', join(PCAP_DIR, 'vlan-qinq.pcap')]);
    const m = JSON.parse(r.stdout);
    expect(m.frames).toBe(a.frames + b.frames);
    expect(m.ipv6).toBe(a.ipv6 + b.ipv6);
    expect(m.inputs).toHaveLength(2);
  });

  it('stops on a corrupt record with the file and byte offset, after counting the frames before it', () => {
    const good = readFileSync(join(PCAP_DIR, 'basic-ipv4.pcap'));
    const bad = Buffer.from(good);
    // Corrupt the captured-length field of the 3rd record: walk records from the 24-byte header.
    let off = 24;
    for (let i = 0; i < 2; i++) off += 16 + bad.readUInt32LE(off + 8);
    bad.writeUInt32LE(0x7fffffff, off + 8);
    const dir = mkdtempSync(join(tmpdir(), 'msrptap-'));
    const path = join(dir, 'corrupt.pcap');
    writeFileSync(path, bad);
    const r = runCli(['stats', '--json', '-r', path]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('corrupt.pcap');
    expect(r.stderr).toContain(String(off));
    expect(JSON.parse(r.stdout).frames).toBe(2);
  });

  it('explains a missing file and a missing packet source', () => {
    const r = runCli(['stats', '-r', '/nonexistent/x.pcap']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('/nonexistent/x.pcap');
    const n = runCli(['stats']);
    expect(n.status).toBe(2);
    expect(n.stderr).toMatch(/no packet source/);
  });
});
