/**
 * Fuzz tests of the MSRP framer (fast-check, test/helpers/check-property.ts): random bytes and
 * mutated valid streams, pushed in random pieces with random gaps. Asserts: never throws, terminates, buffers stay bounded, the sink
 * contract holds (start/body/end order), raw bytes add up to the reported frame length, and
 * frames with an end-line carry exactly that end-line.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MsrpFramer } from '../../src/protocols/msrp/msrp-framer.js';
import { concatBytes } from '../../src/util/bytes.js';
import { checkProperty, type Rand, randOf } from '../helpers/check-property.js';
import { RecordingSink, crlf, dec, enc, newCounter, sendFrame } from '../helpers/msrp-test-helpers.js';

const MAX_HEADER = 4096;

function validStream(rnd: Rand): Uint8Array {
  const parts: Uint8Array[] = [];
  const n = 1 + Math.floor(rnd() * 6);
  for (let i = 0; i < n; i++) {
    const tid = `t${Math.floor(rnd() * 1e6)}x`;
    const kind = rnd();
    if (kind < 0.6) {
      const len = Math.floor(rnd() * 300);
      const body = rnd.bytesMixed(len, [13, 10, 45], 0.2);
      parts.push(sendFrame({ tid, messageId: `m${i}`, range: `1-${len}/${len}`, body, flag: (['$', '+', '#'] as const)[Math.floor(rnd() * 3)]! }));
    } else if (kind < 0.8) {
      parts.push(enc(crlf(`MSRP ${tid} 200 OK`, 'To-Path: msrp://a.example.com:1/s;tcp', 'From-Path: msrp://b.example.com:2/t;tcp', `-------${tid}$`)));
    } else {
      parts.push(enc(crlf(`MSRP ${tid} REPORT`, 'To-Path: msrp://a.example.com:1/s;tcp', 'From-Path: msrp://b.example.com:2/t;tcp', 'Message-ID: q1', 'Byte-Range: 1-5/5', 'Status: 000 200 OK', `-------${tid}$`)));
    }
  }
  return concatBytes(parts);
}

function mutate(rnd: Rand, input: Uint8Array): Uint8Array {
  const b = Array.from(input);
  const ops = 1 + Math.floor(rnd() * 8);
  for (let k = 0; k < ops && b.length > 0; k++) {
    const at = Math.floor(rnd() * b.length);
    const op = rnd();
    if (op < 0.3) b[at] = Math.floor(rnd() * 256);
    else if (op < 0.5) b.splice(at, 1 + Math.floor(rnd() * 20));
    else if (op < 0.7) b.splice(at, 0, ...enc(['MSRP ', '\r\n', '-------', '$\r\n', 'MSRP x SEND\r\n'][Math.floor(rnd() * 5)]!));
    else if (op < 0.85) b.splice(at, 0, ...b.slice(Math.floor(rnd() * b.length), Math.floor(rnd() * b.length)));
    else b.length = at;
  }
  return Uint8Array.from(b);
}

function run(rnd: Rand, input: Uint8Array, withGaps: boolean): { sink: RecordingSink; maxRetained: number } {
  const sink = new RecordingSink();
  const framer = new MsrpFramer(sink, newCounter(), { maxHeaderBytes: MAX_HEADER, maxBodyBytes: 1 << 20 });
  let maxRetained = 0;
  let off = 0;
  let frameNo = 0;
  let steps = 0;
  while (off < input.length) {
    if (++steps > input.length + 10) throw new Error('no progress');
    const len = 1 + Math.floor(rnd() * (rnd() < 0.5 ? 8 : 400));
    if (withGaps && rnd() < 0.05) {
      framer.gap(len, ++frameNo, 0, 0);
    } else {
      framer.push(input.subarray(off, off + len), ++frameNo, 0, 0);
    }
    off += len;
    maxRetained = Math.max(maxRetained, framer.retainedBytes());
  }
  framer.end();
  return { sink, maxRetained };
}

function checkFrames(sink: RecordingSink): void {
  for (const f of sink.frames) {
    expect(f.end).not.toBeNull();
    const end = f.end!;
    expect(f.raw.length).toBe(end.frameLength);
    expect(f.body.length).toBe(end.bodyLength);
    expect(dec(f.raw.subarray(0, 5))).toBe('MSRP ');
    if (end.flag !== null) {
      expect(dec(f.raw.subarray(f.raw.length - f.head.transactionId.length - 10))).toBe(`-------${f.head.transactionId}${end.flag}\r\n`);
    }
  }
}

describe('MsrpFramer fuzz', () => {
  it('survives random bytes', () => {
    checkProperty(
      { seed: 1, numRuns: 200 },
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.boolean(), fc.gen(), (input, withGaps, g) => {
        const { sink, maxRetained } = run(randOf(g), input, withGaps);
        checkFrames(sink);
        expect(maxRetained).toBeLessThanOrEqual(MAX_HEADER * 2 + 256);
      }),
    );
  });

  it('survives mutated valid streams, with and without gaps', () => {
    checkProperty(
      { seed: 1001, numRuns: 400 },
      fc.property(fc.integer({ min: 0, max: 2 }), fc.gen(), (gapsOneInThree, g) => {
        const rnd = randOf(g);
        const input = mutate(rnd, validStream(rnd));
        const { sink, maxRetained } = run(rnd, input, gapsOneInThree === 0);
        checkFrames(sink);
        expect(maxRetained).toBeLessThanOrEqual(MAX_HEADER * 2 + 256);
      }),
    );
  });

  it('gives the same frames whatever the push boundaries (valid streams)', () => {
    checkProperty(
      { seed: 5001, numRuns: 150 },
      fc.property(fc.gen(), (g) => {
        const rnd = randOf(g);
        const input = validStream(rnd);
        const one = new RecordingSink();
        const f1 = new MsrpFramer(one, newCounter());
        f1.push(input, 1, 0, 0);
        f1.end();
        const { sink } = run(rnd, input, false);
        const view = (s: RecordingSink) => s.frames.map((f) => [f.head.transactionId, dec(f.body), dec(f.raw), f.end?.flag]);
        expect(view(sink)).toEqual(view(one));
        expect(one.frames.every((f) => f.end?.flag !== null)).toBe(true);
        expect(dec(concatBytes(one.frames.map((f) => f.raw)))).toBe(dec(input));
      }),
    );
  });
});
