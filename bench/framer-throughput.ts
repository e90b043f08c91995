/**
 * MsrpFramer throughput (the body search is the tap's per-byte hot path): frames a big in-memory
 * MSRP stream, pushed in TCP-segment-sized pieces, and prints MB/s for three body mixes:
 *
 *   chat   — 300..1500-byte CPIM-like SENDs with a numeric Byte-Range (most RCS traffic)
 *   file   — 64 KiB file chunks with a numeric Byte-Range, arriving in 1448-byte segments
 *   star   — the same chat bodies with Byte-Range end "*" (the end-line must be searched for)
 *
 * Run: `npx tsx bench/framer-throughput.ts [MB=64] [runs=5]`. Best of `runs`, in-process.
 */
import { MsrpFramer } from '../src/protocols/msrp/msrp-framer.js';
import type { MsrpFrameSink } from '../src/protocols/msrp/msrp-frame.js';
import { mulberry32 } from '../samples/gen/lib/prng.js';

const MB = Number(process.argv[2] ?? 64);
const RUNS = Number(process.argv[3] ?? 5);
const SEG = 1448;

function frame(tid: string, range: string, body: Uint8Array): Buffer {
  const head = `MSRP ${tid} SEND\r\nTo-Path: msrp://10.0.1.2:2855/sidBob22;tcp\r\nFrom-Path: msrp://10.0.0.1:40001/sidAlice1;tcp\r\nMessage-ID: m${tid}\r\nByte-Range: ${range}\r\nContent-Type: message/cpim\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body, Buffer.from(`\r\n-------${tid}$\r\n`, 'latin1')]);
}

function stream(kind: 'chat' | 'file' | 'star'): Buffer {
  const rnd = mulberry32(kind.length * 7919);
  const parts: Buffer[] = [];
  let size = 0;
  let i = 0;
  const text = Buffer.from('From: <sip:alice@ims.example.com>\r\nTo: <sip:bob@ims.example.com>\r\n\r\nContent-Type: text/plain\r\n\r\n' + 'Lorem ipsum dolor sit amet, consectetur adipiscing elit.\r\n'.repeat(40), 'latin1');
  while (size < MB * 1024 * 1024) {
    const tid = `tx${(i++).toString(36)}abc`;
    let body: Uint8Array;
    if (kind === 'file') {
      body = Buffer.alloc(65536);
      for (let k = 0; k < body.length; k++) body[k] = Math.floor(rnd() * 256);
    } else body = text.subarray(0, 300 + Math.floor(rnd() * 1200));
    const f = frame(tid, kind === 'star' ? `1-*/${body.length}` : `1-${body.length}/${body.length}`, body);
    parts.push(f);
    size += f.length;
  }
  return Buffer.concat(parts);
}

let frames = 0;
let bodyBytes = 0;
const sink: MsrpFrameSink = {
  onFrameStart: () => {},
  onBody: (p) => {
    bodyBytes += p.length;
  },
  onFrameEnd: (e) => {
    if (e.flag !== null) frames++;
  },
};

for (const kind of ['chat', 'file', 'star'] as const) {
  const data = stream(kind);
  let best = Infinity;
  for (let r = 0; r < RUNS; r++) {
    frames = 0;
    bodyBytes = 0;
    const f = new MsrpFramer(sink);
    const t0 = process.hrtime.bigint();
    for (let o = 0, n = 1; o < data.length; o += SEG, n++) f.push(data.subarray(o, o + SEG), n, 0, 0);
    f.end();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    best = Math.min(best, ms);
  }
  console.log(`${kind.padEnd(5)} ${(data.length / 1e6).toFixed(0)} MB  frames=${frames}  body=${(bodyBytes / 1e6).toFixed(0)} MB  best ${best.toFixed(1)} ms  ${(data.length / 1e6 / (best / 1000)).toFixed(0)} MB/s`);
}
