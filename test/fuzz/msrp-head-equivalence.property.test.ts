/**
 * The MSRP framer's fast head paths against their references (issue 13), on generated and mutated
 * heads and streams:
 *
 * - parseMsrpHeaderBlock (one string per frame, names by case folding, values char by char, a
 *   per-direction path cache) against the parser it replaced (test/helpers/msrp-header-lines-reference.ts: one string per line, regular
 *   expressions): the same headers, the same anomalies in the same order, the same required
 *   headers seen;
 * - parseMsrpStartLine (char by char) against the regular expression it replaced;
 * - the framer reading a head in place (the head arrives whole in one push) against the framer
 *   reading it through its head buffer (the same stream pushed in random pieces): the same frames
 *   (head objects, bodies, wire bytes, ends) and the same anomalies, in order. Bodies carry their
 *   own verified end-line and no line a body scan stops at, so push boundaries cannot change
 *   where they end (RFC 4975 section 7.1; see msrp-framer.ts on unverified bodies).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnomalyCode, AnomalySink } from '../../src/core/anomaly.js';
import { MsrpFramer } from '../../src/protocols/msrp/msrp-framer.js';
import { isMsrpIdent } from '../../src/protocols/msrp/msrp-headers.js';
import { MsrpHeadScratch } from '../../src/protocols/msrp/msrp-head-scratch.js';
import { parseByteRange, parseMsrpHeaderBlock } from '../../src/protocols/msrp/parse-msrp-header-block.js';
import { parseMsrpStartLine } from '../../src/protocols/msrp/parse-msrp-start-line.js';
import { concatBytes } from '../../src/util/bytes.js';
import { checkProperty, type Rand, randOf } from '../helpers/check-property.js';
import { referenceParseByteRange, referenceParseMsrpHeaderLines } from '../helpers/msrp-header-lines-reference.js';
import { RecordingSink, enc, prng } from '../helpers/msrp-test-helpers.js';

/** Every report, in order. */
class Recorder implements AnomalySink {
  readonly seen: string[] = [];
  report(code: AnomalyCode, frame?: number, detail?: string): void {
    this.seen.push(`${code} ${frame ?? '-'} ${detail ?? ''}`);
  }
}

const pick = <T>(rnd: Rand, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

/** Random ASCII case of a header name (RFC 4975 section 9: names are case-insensitive). */
function anyCase(rnd: Rand, s: string): string {
  const r = rnd();
  if (r < 0.6) return s;
  if (r < 0.75) return s.toLowerCase();
  if (r < 0.85) return s.toUpperCase();
  return [...s].map((c) => (rnd() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');
}

const NAMES = [
  'To-Path',
  'From-Path',
  'Message-ID',
  'Byte-Range',
  'Success-Report',
  'Failure-Report',
  'Status',
  'Content-Type',
  'Use-Path',
  'Expires',
  'Min-Expires',
  'Max-Expires',
  'Authentication-Info',
  'Use-Nickname',
  'Content-ID',
  'Content-Description',
  'Content-Disposition',
  'WWW-Authenticate',
  'Authorization',
  'X-Custom',
  'To-Paths',
  'Byte_Range',
  'Bad Name',
  'Ünknown',
  '',
];

const URIS = [
  'msrp://10.30.0.1:2855/r1;tcp',
  'msrp://bob.example.com:8888/9di4eae923wzd;tcp',
  'msrps://[2001:db8::1]:2855/s1;tcp;x=y',
  'msrp://alice@intra.example.com;tcp',
  'msrp://host/sid',
  'msrp://bad host/s;tcp',
  'http://x/y;tcp',
  'msrp://h:99999/s;tcp',
];

function value(rnd: Rand, name: string): string {
  const n = name.toLowerCase();
  const r = rnd();
  if (r < 0.1) return pick(rnd, ['', ' ', '\t', 'x', '\xa0', 'é', '1']);
  if (n.endsWith('-path')) {
    const k = 1 + Math.floor(rnd() * 3);
    return Array.from({ length: k }, () => pick(rnd, URIS)).join(pick(rnd, [' ', '  ', '\t', ' \t']));
  }
  if (n === 'byte-range') {
    const num = (): string => pick(rnd, ['0', '1', '5', '9', '10', '4096', '007', '*', '999999999999999', '1234567890123456', '-1', 'a']);
    return `${num()}-${num()}/${num()}${pick(rnd, ['', '', ' ', '/1', 'x'])}`;
  }
  if (n === 'message-id') return pick(rnd, ['m1-0', 'abc.123', '.bad', 'has space', 'a'.repeat(64), 'a'.repeat(65), 'x+y=z%']);
  if (n === 'content-type') return pick(rnd, ['text/plain', 'message/cpim', 'application/octet-stream;x=1', 'nonsense', '/x', 'a/', 'a/b c', 'a/\xe9']);
  if (n.endsWith('-report')) return pick(rnd, ['yes', 'NO', 'Partial', 'maybe', 'yes ', 'y\xe9s']);
  if (n === 'status') return pick(rnd, ['000 200 OK', '000 413', '000 408 Timeout  ', '200 OK', '000 200 \xa0', '000 200 a\rb']);
  if (n.endsWith('expires')) return pick(rnd, ['60', ' 3600 ', 'soon', '1234567890123456', '\xa012\xa0', '']);
  return pick(rnd, ['kept', 'Digest username="alice"', 'a: b', 'x\x7fy']);
}

/** One header line, or a damaged one. */
function headerLine(rnd: Rand): string {
  const r = rnd();
  if (r < 0.05) return pick(rnd, ['no colon here', ' folded: x', '\tTo-Path: x', ':empty-name', 'Name:', 'To-Path:']);
  const name = anyCase(rnd, pick(rnd, NAMES));
  const sep = pick(rnd, [': ', ': ', ':', ':  ', ': \t', ':\t']);
  return `${name}${sep}${value(rnd, name)}${pick(rnd, ['', '', '', ' ', '\t', '\r'])}`;
}

function headerLines(rnd: Rand): string[] {
  const lines: string[] = [];
  const n = Math.floor(rnd() * 9);
  for (let i = 0; i < n; i++) {
    // Repeats (a duplicate, or the same path again for the cache) are common on purpose.
    if (lines.length > 0 && rnd() < 0.2) lines.push(pick(rnd, lines));
    else lines.push(headerLine(rnd));
  }
  return lines;
}

/** Byte-level damage to one line: the fast path reads chars, so every byte value must agree. */
function damageLine(rnd: Rand, line: string): string {
  if (line.length === 0 || rnd() < 0.7) return line;
  const at = Math.floor(rnd() * line.length);
  const c = String.fromCharCode(Math.floor(rnd() * 256));
  // No LF: it would split the line (the reference gets lines, the fast path a block).
  return line.slice(0, at) + (c === '\n' ? '\r' : c) + line.slice(at + (rnd() < 0.5 ? 1 : 0));
}

const REQUIRED = ['to-path', 'from-path', 'message-id', 'status', 'use-nickname'];

describe('parseByteRange equals the reference', () => {
  it('on values made of digits, "-", "/", "*", spaces and tabs (and a few other characters)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('0', '1', '2', '5', '9', '-', '/', '*', ' ', '\t', 'a', '+'), { maxLength: 40 }), (cs) => {
        const v = cs.join('');
        expect(parseByteRange(v)).toEqual(referenceParseByteRange(v));
      }),
      { numRuns: 20_000 },
    );
    for (const v of ['1-25/25', ' 1-*/*\t', '1-0/0', '999999999999999-999999999999999/999999999999999', '1-1/1000000000000000', '0-5/5']) expect(parseByteRange(v)).toEqual(referenceParseByteRange(v));
  });
});

describe('parseMsrpHeaderBlock equals the reference line parser', () => {
  it('on generated and damaged header lines (headers, anomalies and their order, required headers seen)', () => {
    // One scratch for every case, as one framer direction sees many frames: its cache must
    // never give a stale list.
    const scratch = new MsrpHeadScratch();
    checkProperty(
      { seed: 2201, numRuns: 3000 },
      fc.property(fc.gen(), (g) => {
        const rnd = randOf(g);
        const lines = headerLines(rnd).map((l) => damageLine(rnd, l));
        const eol = rnd() < 0.8 ? '\r\n' : '\n';
        const block = lines.map((l) => `${l}${rnd() < 0.9 ? eol : '\n'}`).join('');
        // The reference gets each line as the framer cut it: without its LF and one CR before it.
        const asCut = block
          .split('\n')
          .slice(0, -1)
          .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
        const a = new Recorder();
        const b = new Recorder();
        const fast = parseMsrpHeaderBlock(block, enc(`..${block}`), 2, a, 7, scratch);
        const ref = referenceParseMsrpHeaderLines(asCut, b, 7);
        expect(fast).toEqual(ref);
        expect(a.seen).toEqual(b.seen);
        let want = 0;
        for (const f of ref.all) {
          const i = REQUIRED.indexOf(f.name.toLowerCase());
          if (i >= 0) want |= 1 << i;
        }
        expect(scratch.requiredSeen).toBe(want);
      }),
    );
  });
});

/** The start-line parser this one replaced (RFC 4975 section 9), kept here as the oracle. */
const START_LINE = /^MSRP ([^ ]+) (?:([A-Z]+)|([0-9]{3})(?: (.*))?)$/;
function referenceStartLine(text: string): unknown {
  const m = START_LINE.exec(text);
  if (m === null || !isMsrpIdent(m[1]!)) return null;
  if (m[2] !== undefined) return { tid: m[1]!, kind: 'request', method: m[2], statusCode: null, comment: null };
  const comment = m[4] === undefined || m[4] === '' ? null : m[4];
  return { tid: m[1]!, kind: 'response', method: null, statusCode: Number(m[3]), comment };
}

describe('parseMsrpStartLine equals the regular expression it replaced', () => {
  it('on generated and damaged start lines', () => {
    checkProperty(
      { seed: 2202, numRuns: 5000 },
      fc.property(fc.gen(), (g) => {
        const rnd = randOf(g);
        const tid = pick(rnd, ['a1b2', 'x', 'abc', 't1m0c0h0', '.ab', 'a.b-c+d%e=f', 'a'.repeat(64), 'a'.repeat(65), '', 'a b', 'ab\r']);
        const rest = pick(rnd, ['SEND', 'REPORT', 'AUTH', 'NICKNAME', 'FOO', 'send', 'SEND ', '200', '200 OK', '200 ', '2000', '20', '413 Too large here', '200 a\rb', '200 \xe9', '', 'S1']);
        let text = `${pick(rnd, ['MSRP ', 'MSRP ', 'MSRP ', 'msrp ', 'MSRP', 'MSRP  '])}${tid}${pick(rnd, [' ', ' ', '', '  '])}${rest}`;
        text = damageLine(rnd, text);
        expect(parseMsrpStartLine(text)).toEqual(referenceStartLine(text));
      }),
    );
  });
});

// ------------------------------------------------------------------------------------------------
// The framer: a head read in place vs through the head buffer.

/** Body bytes that contain no line a body scan stops at (no CR LF "MSRP ", no CR LF "-------"). */
function safeBody(rnd: Rand, n: number): Uint8Array {
  // From one drawn seed: a body drawn byte by byte through fast-check would dominate the run.
  const next = prng(rnd.int(0, 0x7fffffff));
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = next() < 0.5 ? [0x41, 0x20, 0x0d, 0x0a][Math.floor(next() * 4)]! : Math.floor(next() * 256);
    b[i] = c === 0x4d || c === 0x2d ? 0x2e : c;
  }
  return b;
}

/** One frame (or some garbage) of a stream whose heads are generated and damaged. */
function streamPart(rnd: Rand, i: number): Uint8Array {
  const r = rnd();
  if (r < 0.08) return enc(pick(rnd, ['garbage\r\n', 'MSR', 'x\r\nMSRP\r\n', '\r\n', 'MSRP bad\r\n']));
  const tid = pick(rnd, [`t${i}x${Math.floor(rnd() * 1e4)}`, 'ab', 'a'.repeat(40), `T${i}`]);
  const eol = rnd() < 0.9 ? '\r\n' : '\n';
  const start = pick(rnd, ['SEND', 'SEND', 'REPORT', 'NICKNAME', 'FOO', '200 OK', '200', '481 No session']);
  const lines = headerLines(rnd).map((l) => damageLine(rnd, l).replaceAll('\r', ' '));
  if (rnd() < 0.7) lines.unshift(`To-Path: ${pick(rnd, URIS)}`, `From-Path: ${pick(rnd, URIS)}`);
  if (rnd() < 0.05) lines.splice(Math.floor(rnd() * (lines.length + 1)), 0, `MSRP ${tid}z SEND`);
  const head = `MSRP ${tid} ${start}${eol}${lines.map((l) => `${l}${eol}`).join('')}`;
  const flag = pick(rnd, ['$', '+', '#']);
  const kind = rnd();
  if (kind < 0.35) {
    // Bodiless, sometimes with its end-line damaged (dashes lost, or the next line glued to it).
    const endLine = rnd() < 0.85 ? `-------${tid}${flag}\r\n` : pick(rnd, [`----${tid}${flag}\r\n`, `-------${tid}${flag}MSRP ${tid}q SEND\r\n`]);
    return enc(head + endLine);
  }
  const n = Math.floor(rnd() * 200);
  const body = safeBody(rnd, n);
  // The declared length, or none / "*" (the end-line is then searched for).
  const range = pick(rnd, [`Byte-Range: 1-${n}/${n}`, `Byte-Range: 1-${n}/${n}`, `Byte-Range: 1-*/${n}`, '']);
  const extra = range === '' ? '' : `${range}${eol}`;
  return concatBytes([enc(`${head}${extra}Content-Type: text/plain${eol}${eol}`), body, enc(`\r\n-------${tid}${flag}\r\n`)]);
}

function frameStream(rnd: Rand): Uint8Array {
  const parts: Uint8Array[] = [];
  const n = 1 + Math.floor(rnd() * 6);
  for (let i = 0; i < n; i++) parts.push(streamPart(rnd, i));
  return concatBytes(parts);
}

function frame(input: Uint8Array, cuts: number[] | null): { sink: RecordingSink; anomalies: string[]; stats: unknown } {
  const sink = new RecordingSink();
  const rec = new Recorder();
  const framer = new MsrpFramer(sink, rec, { maxHeaderBytes: 512 });
  if (cuts === null) framer.push(input, 1, 0, 0);
  else {
    let off = 0;
    for (const len of cuts) {
      if (off >= input.length) break;
      framer.push(input.subarray(off, off + len), 1, 0, 0);
      off += len;
    }
    if (off < input.length) framer.push(input.subarray(off), 1, 0, 0);
  }
  framer.end();
  // The one split-dependent detail, by design: a line over the cap is counted up to its LF or,
  // without one in the push, to the push's end (the bytes skipped add up the same).
  const anomalies = rec.seen.map((a) => (a.startsWith('msrp.headers_too_large') ? 'msrp.headers_too_large' : a));
  return { sink, anomalies, stats: { ...framer.stats } };
}

describe('MsrpFramer: a head read in place equals a head read through the head buffer', () => {
  it('on generated and mutated heads, the stream whole vs cut at random points', () => {
    checkProperty(
      { seed: 2203, numRuns: 1500 },
      fc.property(fc.gen(), (g) => {
        const rnd = randOf(g);
        const input = frameStream(rnd);
        // Cut points from one drawn seed (drawing each through fast-check would dominate the run).
        const next = prng(rnd.int(0, 0x7fffffff));
        const cuts = Array.from({ length: 400 }, () => 1 + Math.floor(next() * (next() < 0.7 ? 12 : 90)));
        const whole = frame(input, null);
        const cut = frame(input, cuts);
        expect(cut.anomalies).toEqual(whole.anomalies);
        expect(cut.stats).toEqual(whole.stats);
        const view = (s: RecordingSink): unknown[] => s.frames.map((f) => [f.head, Buffer.from(f.body).toString('latin1'), Buffer.from(f.raw).toString('latin1'), f.end]);
        expect(view(cut.sink)).toEqual(view(whole.sink));
        expect(cut.sink.resyncs).toEqual(whole.sink.resyncs);
      }),
    );
  });
});
