/**
 * Cost of searching a TCP direction joined mid-way for its first MSRP start line
 * (src/analyzers/late-msrp-scanner.ts): such a direction is no longer let go after the
 * classifier's window, so bulk traffic the tap joined mid-way is scanned for its whole life.
 * Compares, on the same segments, interleaved, by CPU time (the machine is shared):
 *
 *   scanner — LateMsrpScanner: one native search for LF "MSRP " per segment (src/protocols/msrp/msrp-start-search.ts), a count kept
 *   jsloop  — a JS loop over every byte (the classifier's in-window test, applied to all bytes)
 *
 * over two bulk mixes: `random` (uniform bytes: LF every 256 bytes) and `text` (80-byte lines
 * of letters: an LF every 81 bytes, "M" frequent). Run: `npx tsx bench/late-msrp-scan.ts [MB=64] [runs=7]`.
 */
import { LateMsrpScanner } from '../src/analyzers/late-msrp-scanner.js';
import { mulberry32 } from '../samples/gen/lib/prng.js';

const MB = Number(process.argv[2] ?? 64);
const RUNS = Number(process.argv[3] ?? 7);
const SEG = 1448;

function bulk(kind: 'random' | 'text'): Uint8Array {
  const n = MB * 1024 * 1024;
  const b = new Uint8Array(n);
  const rnd = mulberry32(kind === 'random' ? 1 : 2);
  for (let i = 0; i < n; i++) b[i] = kind === 'random' ? Math.floor(rnd() * 256) : i % 81 === 80 ? 0x0a : 0x41 + Math.floor(rnd() * 26);
  // The property the bench relies on: no start line in it (else the scan would stop early).
  const s = new LateMsrpScanner();
  for (let o = 0; o < n; o += SEG) if (s.scan(b.subarray(o, o + SEG))) throw new Error(`${kind}: start line at ${o + s.at}`);
  return b;
}

/** The JS-loop alternative: at every line start, "MSRP " and an alphanumeric id character. */
function jsLoop(b: Uint8Array, prevLf: boolean): boolean {
  for (let i = 0; i < b.length; i++) {
    if (i > 0 ? b[i - 1] !== 0x0a : !prevLf) continue;
    if (i + 5 < b.length && b[i] === 0x4d && b[i + 1] === 0x53 && b[i + 2] === 0x52 && b[i + 3] === 0x50 && b[i + 4] === 0x20) {
      const c = b[i + 5]!;
      if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return true;
    }
  }
  return false;
}

function cpuMs(f: () => void): number {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

const methods = {
  scanner: (b: Uint8Array): void => {
    const s = new LateMsrpScanner();
    s.lineStart();
    for (let o = 0; o < b.length; o += SEG) if (s.scan(b.subarray(o, o + SEG))) throw new Error('found');
  },
  jsloop: (b: Uint8Array): void => {
    let prevLf = true;
    for (let o = 0; o < b.length; o += SEG) {
      const seg = b.subarray(o, o + SEG);
      if (jsLoop(seg, prevLf)) throw new Error('found');
      prevLf = seg[seg.length - 1] === 0x0a;
    }
  },
};

for (const kind of ['random', 'text'] as const) {
  const b = bulk(kind);
  const times: Record<string, number[]> = { scanner: [], jsloop: [] };
  for (let r = 0; r < RUNS; r++) for (const [name, f] of Object.entries(methods)) times[name]!.push(cpuMs(() => f(b)));
  for (const [name, t] of Object.entries(times)) {
    t.sort((x, y) => x - y);
    const med = t[t.length >> 1]!;
    console.log(`${kind.padEnd(6)} ${name.padEnd(7)} median ${((MB * 1000) / med).toFixed(0).padStart(6)} MiB/s CPU  best ${((MB * 1000) / t[0]!).toFixed(0).padStart(6)} MiB/s  (${MB} MiB in ${SEG}-byte segments, ${RUNS} runs)`);
  }
}
