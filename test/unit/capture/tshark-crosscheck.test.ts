/**
 * Cross-checks the readers against Wireshark's: the same files, converted and merged by
 * editcap/mergecap/tshark, must give the same frames, lengths, interfaces and timestamps.
 * (Needs tshark, editcap and mergecap, which CI installs; skipped where they are missing.)
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { openCaptureFile } from '../../../src/capture/capture-file.js';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { buildPcap, buildPcapng, payload, tempDir } from './capture-fixtures.js';

function has(tool: string): boolean {
  try {
    execFileSync(tool, ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const TOOLS = has('tshark') && has('editcap') && has('mergecap');

/** tshark's view: one "epoch<TAB>len<TAB>caplen<TAB>interface" line per frame. */
function tsharkFrames(path: string): string[] {
  const out = execFileSync('tshark', ['-r', path, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len', '-e', 'frame.interface_id'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter((l) => l.length > 0);
}

function ourFrames(path: string, withInterface: boolean): string[] {
  const r = openCaptureFile(path, 0, new AnomalyCounter());
  const lines: string[] = [];
  for (let f = r.next(); f !== null; f = r.next()) {
    const epoch = `${f.tsSec}.${String(f.tsNsec).padStart(9, '0')}`;
    lines.push(`${epoch}\t${f.origLen}\t${f.capLen}\t${withInterface ? f.interfaceId : ''}`);
  }
  r.close();
  return lines;
}

describe.skipIf(!TOOLS)('readers agree with tshark', () => {
  const times = (base: number, n: number, stepNs: number): [number, number][] =>
    Array.from({ length: n }, (_, i) => {
      const ns = i * stepNs + (i % 7) * 1_001;
      return [base + Math.floor(ns / 1e9), ns % 1e9];
    });

  it('on pcap files (µs/ns, both byte orders) and their editcap/tshark/mergecap pcapng versions', () => {
    const t = tempDir();
    try {
      const a = t.file(
        'a.pcap',
        buildPcap({ linkType: 1, nanosecond: true }, (w) =>
          times(1_700_000_000, 200, 12_345_679).forEach(([s, n], i) => {
            w.packet(s, n, payload(60 + i, i), i % 5 === 0 ? 1514 : 60 + i);
          }),
        ),
      );
      const b = t.file(
        'b.pcap',
        buildPcap({ linkType: 101, littleEndian: false }, (w) =>
          times(1_700_000_001, 150, 9_876_543).forEach(([s, n], i) => {
            w.packet(s, n, payload(40 + i, i));
          }),
        ),
      );
      const aNg = t.file('a-editcap.pcapng');
      const bNg = t.file('b-tshark.pcapng');
      const merged = t.file('merged.pcapng');
      execFileSync('editcap', ['-F', 'pcapng', a, aNg], { stdio: 'ignore' });
      execFileSync('tshark', ['-r', b, '-F', 'pcapng', '-w', bNg], { stdio: 'ignore' });
      execFileSync('mergecap', ['-F', 'pcapng', '-w', merged, a, b], { stdio: 'ignore' });
      for (const [path, ng] of [
        [a, false],
        [b, false],
        [aNg, true],
        [bNg, true],
        [merged, true],
      ] as const) {
        const theirs = tsharkFrames(path);
        const ours = ourFrames(path, ng);
        expect(ours.length, path).toBe(theirs.length);
        expect(ours, path).toEqual(theirs);
      }
      // The merge has two interfaces with different link types and both files' frames.
      expect(new Set(tsharkFrames(merged).map((l) => l.split('\t')[3]))).toEqual(new Set(['0', '1']));
      expect(tsharkFrames(merged).length).toBe(350);
    } finally {
      t.cleanup();
    }
  });

  it('on pcapng written here: two sections of both byte orders, if_tsresol 6/9/2^-20, EPB and OPB', () => {
    const t = tempDir();
    try {
      const bytes = buildPcapng((w1, other) => {
        w1.section();
        w1.addInterface({ linkType: 1 });
        w1.addInterface({ linkType: 1, tsresol: 9 });
        times(1_700_000_000, 40, 33_333_333).forEach(([s, n], i) => {
          w1.packet(i % 2, s, n, payload(60, i), 60, i % 3 === 0 ? 'opb' : 'epb');
        });
        const w2 = other(false);
        w2.section();
        w2.addInterface({ linkType: 1, tsresol: 0x80 | 20 });
        times(1_700_000_100, 40, 77_777_777).forEach(([s, n], i) => {
          w2.packet(0, s, n, payload(70, i), 100);
        });
      });
      const p = t.file('sections.pcapng', bytes);
      const theirs = tsharkFrames(p);
      expect(theirs.length).toBe(80);
      expect(ourFrames(p, true)).toEqual(theirs);
    } finally {
      t.cleanup();
    }
  });
});
