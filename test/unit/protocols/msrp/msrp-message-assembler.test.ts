import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MsrpFramer } from '../../../../src/protocols/msrp/msrp-framer.js';
import { DEFAULT_MAX_MESSAGES, MsrpMessageAssembler, type MsrpMessage, type MsrpMessageAssemblerOptions } from '../../../../src/protocols/msrp/msrp-message-assembler.js';
import type { MsrpFrameHead } from '../../../../src/protocols/msrp/msrp-frame.js';
import { parseMsrpHeaderLines } from '../../../../src/protocols/msrp/parse-msrp-header-block.js';
import { concatBytes } from '../../../../src/util/bytes.js';
import { crlf, dec, enc, newCounter, prng, sendFrame } from '../../../helpers/msrp-test-helpers.js';

const sha = (b: Uint8Array | string): string =>
  createHash('sha256')
    .update(typeof b === 'string' ? enc(b) : b)
    .digest('hex');

function setup(options: MsrpMessageAssemblerOptions = {}) {
  const messages: MsrpMessage[] = [];
  const anomalies = newCounter();
  const asm = new MsrpMessageAssembler((m) => messages.push(m), anomalies, options);
  let frameNo = 0;
  /** A framer per leg, feeding the assembler under one session key. */
  const leg = (session = 'S1') => {
    const framer = new MsrpFramer(asm.sinkFor(session), anomalies);
    return (bytes: Uint8Array, tsSec = 100) => framer.push(bytes, ++frameNo, tsSec, 0);
  };
  return { messages, anomalies, asm, leg };
}

/** A SEND chunk of `message` covering [from, to) (0-based), with range header `from+1-to/total`. */
function chunk(tid: string, id: string, message: string | Uint8Array, from: number, to: number, flag: '$' | '+' | '#', total: number | '*' = typeof message === 'string' ? message.length : message.length): Uint8Array {
  const m = typeof message === 'string' ? enc(message) : message;
  return sendFrame({ tid, messageId: id, range: `${from + 1}-${to}/${total}`, body: m.subarray(from, to), flag });
}

const TEXT = 'The quick brown fox jumps over the lazy dog.'; // 44 bytes

describe('MsrpMessageAssembler: whole and chunked messages', () => {
  it('assembles a single-chunk message', () => {
    const { messages, anomalies, leg } = setup();
    leg()(sendFrame({ tid: 'tx01', messageId: 'msg1', range: `1-${TEXT.length}/${TEXT.length}`, body: TEXT }));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      session: 'S1',
      messageId: 'msg1',
      contentType: 'text/plain',
      status: 'complete',
      closeReason: 'complete',
      size: TEXT.length,
      receivedBytes: TEXT.length,
      sha256: sha(TEXT),
      missing: [],
      headIsWhole: true,
    });
    expect(dec(messages[0]!.head)).toBe(TEXT);
    expect(messages[0]!.chunks).toEqual([expect.objectContaining({ start: 1, end: TEXT.length, flag: '$', duplicate: false })]);
    expect(anomalies.total()).toBe(0);
  });

  it('treats a SEND without Byte-Range as the whole message (1-*/*)', () => {
    const { messages, leg } = setup();
    leg()(sendFrame({ tid: 'tx02', messageId: 'sys', body: 'This conference will end in 5 minutes' }));
    expect(messages[0]).toMatchObject({ status: 'complete', size: 37, sha256: sha('This conference will end in 5 minutes') });
  });

  it('assembles chunks with "*" totals until the last chunk fixes the size', () => {
    const { messages, anomalies, leg } = setup();
    const send = leg();
    send(chunk('c001', 'big', TEXT, 0, 10, '+', '*'));
    send(chunk('c002', 'big', TEXT, 10, 30, '+', '*'));
    expect(messages).toHaveLength(0);
    send(chunk('c003', 'big', TEXT, 30, 44, '$', '*'));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ status: 'complete', size: 44, sha256: sha(TEXT) });
    expect(messages[0]!.chunks.map((c) => [c.start, c.end, c.flag])).toEqual([
      [1, 10, '+'],
      [11, 30, '+'],
      [31, 44, '$'],
    ]);
    expect(anomalies.total()).toBe(0);
  });

  it('accepts an interrupted "+" chunk shorter than its Byte-Range (RFC 4975 section 7.1)', () => {
    const { messages, anomalies, leg } = setup();
    const send = leg();
    // The sender declared 1-44/44 but stopped after 20 bytes to interleave, then resumed at 21.
    send(sendFrame({ tid: 'i001', messageId: 'int', range: '1-44/44', body: TEXT.slice(0, 20), flag: '+' }));
    send(chunk('i002', 'int', TEXT, 20, 44, '$'));
    expect(messages[0]).toMatchObject({ status: 'complete', sha256: sha(TEXT) });
    expect(anomalies.total()).toBe(0);
  });

  it('assembles interleaved chunks of three messages on one connection', () => {
    const { messages, anomalies, leg } = setup();
    const send = leg();
    const bodies = ['A'.repeat(30) + 'end-a', 'B'.repeat(25) + 'end-b', 'C'.repeat(12) + 'end-c'];
    const ids = ['ma', 'mb', 'mc'];
    const cuts = [
      [0, 10, 20, 35],
      [0, 15, 30],
      [0, 5, 10, 17],
    ];
    const queue: Uint8Array[][] = bodies.map((b, i) => cuts[i]!.slice(1).map((to, k) => chunk(`t${i}x${k}`, ids[i]!, b, cuts[i]![k]!, to, k === cuts[i]!.length - 2 ? '$' : '+')));
    while (queue.some((q) => q.length > 0)) for (const q of queue) if (q.length > 0) send(q.shift()!);
    expect(messages.map((m) => [m.messageId, m.status, m.sha256]).sort()).toEqual([
      ['ma', 'complete', sha(bodies[0]!)],
      ['mb', 'complete', sha(bodies[1]!)],
      ['mc', 'complete', sha(bodies[2]!)],
    ]);
    expect(messages).toHaveLength(3);
    expect(anomalies.total()).toBe(0);
  });

  it('reports an aborted message ("#") with what was received', () => {
    const { messages, leg } = setup();
    const send = leg();
    send(chunk('ab01', 'abort', TEXT, 0, 10, '+'));
    send(chunk('ab02', 'abort', TEXT, 10, 20, '#'));
    expect(messages[0]).toMatchObject({ status: 'aborted', closeReason: 'aborted', receivedBytes: 20, sha256: null, missing: [{ start: 21, end: 44 }] });
    expect(dec(messages[0]!.head)).toBe(TEXT.slice(0, 20));
  });

  it('assembles an empty message (Byte-Range 1-0/0)', () => {
    const { messages, leg } = setup();
    const text = crlf('MSRP em01 SEND', 'To-Path: msrp://b.example.com:1/s;tcp', 'From-Path: msrp://a.example.com:2/t;tcp', 'Message-ID: empty', 'Byte-Range: 1-0/0', '-------em01$');
    leg()(enc(text));
    expect(messages[0]).toMatchObject({ status: 'complete', size: 0, sha256: sha(''), missing: [] });
  });

  it('ignores REPORTs, responses and SENDs without Message-ID', () => {
    const { messages, asm, leg } = setup();
    leg()(enc(crlf('MSRP r001 REPORT', 'To-Path: msrp://a.example.com:1/s;tcp', 'From-Path: msrp://b.example.com:2/t;tcp', 'Message-ID: x', 'Status: 000 200 OK', '-------r001$')));
    leg()(enc(crlf('MSRP r002 SEND', 'To-Path: msrp://a.example.com:1/s;tcp', 'From-Path: msrp://b.example.com:2/t;tcp', '', 'x', '-------r002$')));
    asm.flush();
    expect(messages).toHaveLength(0);
    expect(asm.stats.chunks).toBe(0);
  });
});

describe('MsrpMessageAssembler: duplicates, order and gaps', () => {
  it('merges the same message seen on two relay legs into one', () => {
    const { messages, asm, anomalies, leg } = setup();
    const legA = leg('S1');
    const legB = leg('S1');
    const parts = [chunk('la01', 'relay', TEXT, 0, 20, '+'), chunk('la02', 'relay', TEXT, 20, 44, '$')];
    legA(parts[0]!);
    legB(parts[0]!);
    legA(parts[1]!);
    legB(parts[1]!); // late duplicate of the last chunk: the message is already closed
    asm.flush();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ status: 'complete', sha256: sha(TEXT), receivedBytes: 44, duplicateBytes: 20 });
    expect(messages[0]!.chunks.map((c) => c.duplicate)).toEqual([false, true, false]);
    expect(asm.stats).toMatchObject({ duplicateChunks: 1, lateChunks: 1, messagesComplete: 1 });
    expect(anomalies.total()).toBe(0);
  });

  it('assembles out-of-order chunks', () => {
    const { messages, anomalies, asm, leg } = setup();
    const send = leg();
    send(chunk('o003', 'ooo', TEXT, 30, 44, '$'));
    send(chunk('o002', 'ooo', TEXT, 15, 30, '+'));
    expect(messages).toHaveLength(0);
    expect(asm.retainedBytes()).toBeGreaterThanOrEqual(29);
    send(chunk('o001', 'ooo', TEXT, 0, 15, '+'));
    expect(messages[0]).toMatchObject({ status: 'complete', sha256: sha(TEXT), receivedBytes: 44 });
    expect(asm.retainedBytes()).toBe(0);
    expect(anomalies.total()).toBe(0);
  });

  it('counts overlapping ranges once', () => {
    const { messages, leg } = setup();
    const send = leg();
    send(chunk('ov01', 'ovl', TEXT, 0, 25, '+'));
    send(chunk('ov02', 'ovl', TEXT, 20, 44, '$'));
    expect(messages[0]).toMatchObject({ status: 'complete', sha256: sha(TEXT), duplicateBytes: 5, receivedBytes: 44 });
  });

  it('keeps the first data when an overlap differs, and reports it', () => {
    const { messages, anomalies, leg } = setup();
    const send = leg();
    const other = TEXT.slice(0, 20) + 'XXXXX' + TEXT.slice(25);
    send(chunk('df01', 'diff', TEXT, 0, 25, '+'));
    send(chunk('df02', 'diff', other, 20, 44, '$'));
    expect(messages[0]).toMatchObject({ status: 'complete', sha256: sha(TEXT), conflictingChunks: 1 });
    expect(anomalies.count('msrp.chunk_overlap_different_data')).toBe(1);
  });

  it('detects a differing duplicate beyond the retained head through chunk digests', () => {
    const { messages, anomalies, leg } = setup({ retainBytes: 4 });
    const send = leg();
    const other = TEXT.slice(0, 30) + 'Y' + TEXT.slice(31);
    send(chunk('dg01', 'dig', TEXT, 20, 40, '+'));
    send(chunk('dg02', 'dig', other, 20, 40, '+'));
    send(chunk('dg03', 'dig', TEXT, 0, 20, '+'));
    send(chunk('dg04', 'dig', TEXT, 40, 44, '$'));
    expect(messages[0]).toMatchObject({ status: 'complete', sha256: sha(TEXT), conflictingChunks: 1 });
    expect(anomalies.count('msrp.chunk_overlap_different_data')).toBe(1);
  });

  it('reports a missing middle chunk as incomplete with the exact missing range (after the grace period)', () => {
    const { messages, anomalies, asm, leg } = setup();
    const send = leg();
    send(chunk('mm01', 'hole', TEXT, 0, 10, '+'), 100);
    send(chunk('mm03', 'hole', TEXT, 20, 44, '$'), 100);
    expect(messages).toHaveLength(0); // the middle chunk may still come over another leg
    asm.tick(101, 0);
    expect(messages).toHaveLength(0);
    asm.tick(103, 0);
    expect(messages[0]).toMatchObject({
      status: 'incomplete',
      closeReason: 'missing_ranges',
      size: 44,
      receivedBytes: 34,
      sha256: null,
      missing: [{ start: 11, end: 20 }],
    });
    expect(anomalies.examplesOf('msrp.message_incomplete')[0]!.detail).toBe('ranges=1 bytes=10');
  });

  it('completes when the missing chunk arrives within the grace period', () => {
    const { messages, leg } = setup();
    const send = leg();
    send(chunk('gp01', 'late', TEXT, 0, 10, '+'), 100);
    send(chunk('gp03', 'late', TEXT, 20, 44, '$'), 100);
    send(chunk('gp02', 'late', TEXT, 10, 20, '+'), 101);
    expect(messages[0]).toMatchObject({ status: 'complete', sha256: sha(TEXT) });
  });

  it('closes at once with completionGraceSec 0, listing several holes', () => {
    const { messages, leg } = setup({ completionGraceSec: 0 });
    const send = leg();
    send(chunk('h001', 'holes', TEXT, 5, 10, '+'));
    send(chunk('h002', 'holes', TEXT, 20, 30, '+'));
    send(chunk('h003', 'holes', TEXT, 40, 44, '$'));
    expect(messages[0]!.missing).toEqual([
      { start: 1, end: 5 },
      { start: 11, end: 20 },
      { start: 31, end: 40 },
    ]);
    expect(messages[0]!.receivedBytes).toBe(19);
  });

  it('reports the RFC 4975 section 4 example: Byte-Range 1-25/25 for a 23-byte body', () => {
    const { messages, anomalies, asm, leg } = setup();
    leg()(sendFrame({ tid: 'a786hjs2', messageId: '87652491', range: '1-25/25', body: 'Hey Bob, are you there?' }));
    asm.flush();
    expect(anomalies.examplesOf('msrp.byte_range_mismatch')[0]!.detail).toBe('declared=25 body=23');
    expect(messages[0]).toMatchObject({ status: 'incomplete', missing: [{ start: 24, end: 25 }] });
  });

  it('uses the bytes received of a chunk cut by a gap', () => {
    const { messages, asm, anomalies } = setup();
    const framer = new MsrpFramer(asm.sinkFor('S1'), anomalies);
    const c1 = chunk('cg01', 'cut', TEXT, 0, 30, '+');
    framer.push(c1.subarray(0, c1.length - 30), 1, 100, 0); // 12 body bytes + CRLF- ... cut
    framer.gap(30, 2, 100, 0);
    framer.push(chunk('cg02', 'cut', TEXT, 30, 44, '$'), 3, 100, 0);
    asm.flush();
    const m = messages[0]!;
    expect(m.status).toBe('incomplete');
    expect(m.chunks[0]).toMatchObject({ start: 1, flag: null });
    expect(m.missing[0]!.start).toBe(m.chunks[0]!.end + 1);
    expect(m.missing).toEqual([{ start: m.chunks[0]!.end + 1, end: 30 }]);
  });

  it('reports bytes beyond the total and total mismatches', () => {
    const { messages, anomalies, leg } = setup();
    const send = leg();
    send(sendFrame({ tid: 'bt01', messageId: 'bt', range: '1-10/10', body: TEXT.slice(0, 10), flag: '+' }));
    send(sendFrame({ tid: 'bt02', messageId: 'bt', range: '11-20/20', body: TEXT.slice(10, 20), flag: '$' }));
    expect(anomalies.count('msrp.total_mismatch')).toBeGreaterThanOrEqual(1);
    expect(anomalies.count('msrp.byte_range_beyond_total')).toBe(1);
    expect(messages[0]).toMatchObject({ status: 'complete', size: 10, sha256: sha(TEXT.slice(0, 10)) });
  });
});

describe('MsrpMessageAssembler: bounds', () => {
  it('retains only retainBytes of the head but hashes everything', () => {
    const { messages, leg } = setup({ retainBytes: 16 });
    leg()(chunk('rb01', 'ret', TEXT, 0, 44, '$'));
    expect(messages[0]!.head.length).toBe(16);
    expect(messages[0]!.headIsWhole).toBe(false);
    expect(messages[0]!.sha256).toBe(sha(TEXT));
  });

  it('streams in-order bytes with their offsets through onData', () => {
    const seen: [number, string][] = [];
    const { messages, leg } = setup({ onData: (_m, piece, offset) => seen.push([offset, dec(piece)]) });
    const send = leg();
    send(chunk('od02', 'od', TEXT, 10, 44, '$'));
    send(chunk('od01', 'od', TEXT, 0, 10, '+'));
    expect(messages[0]!.status).toBe('complete');
    expect(seen).toEqual([
      [0, TEXT.slice(0, 10)],
      [10, TEXT.slice(10)],
    ]);
  });

  it('drops out-of-order bytes past the per-message cap and reports it', () => {
    const { messages, anomalies, asm, leg } = setup({ maxPendingPerMessage: 16 });
    const send = leg();
    send(chunk('pc02', 'cap', TEXT, 10, 30, '+'));
    expect(asm.retainedBytes()).toBeLessThanOrEqual(4096 + 64 * 1024);
    send(chunk('pc01', 'cap', TEXT, 0, 10, '+'));
    send(chunk('pc03', 'cap', TEXT, 30, 44, '$'));
    asm.flush();
    expect(anomalies.count('msrp.reorder_cap_exceeded')).toBe(1);
    expect(messages[0]).toMatchObject({ status: 'incomplete', missing: [{ start: 11, end: 30 }] });
  });

  it('enforces the global pending cap across messages', () => {
    const { anomalies, asm, leg } = setup({ maxPendingTotal: 30 });
    const send = leg();
    send(chunk('gc01', 'g1', TEXT, 10, 30, '+'));
    send(chunk('gc02', 'g2', TEXT, 10, 30, '+'));
    expect(anomalies.count('msrp.reorder_cap_exceeded')).toBe(1);
    expect(asm.retainedBytes()).toBe(20);
  });

  it('evicts the least recently active message beyond maxMessages', () => {
    const { messages, anomalies, asm, leg } = setup({ maxMessages: 2 });
    const send = leg();
    send(chunk('ev01', 'e1', TEXT, 0, 10, '+'));
    send(chunk('ev02', 'e2', TEXT, 0, 10, '+'));
    send(chunk('ev03', 'e1', TEXT, 10, 20, '+')); // e1 becomes the most recent
    send(chunk('ev04', 'e3', TEXT, 0, 10, '+'));
    expect(messages.map((m) => [m.messageId, m.closeReason])).toEqual([['e2', 'evicted']]);
    expect(asm.inFlight()).toBe(2);
    expect(anomalies.count('msrp.message_evicted')).toBe(1);
    expect(asm.stats.evictions).toBe(1);
  });

  it('expires each message at the first once-a-second sweep after its deadline (grace or idle timeout)', () => {
    const { messages, anomalies, leg } = setup({ idleTimeoutSec: 10, completionGraceSec: 2 });
    const send = leg();
    send(chunk('ex01', 'slow', TEXT, 0, 10, '+'), 100);
    send(chunk('ex02', 'gap', TEXT, 30, 44, '$'), 105); // grace ends at 107
    send(chunk('ex03', 'other', TEXT, 0, 10, '+'), 106); // sweep at 106: nothing due
    expect(messages).toHaveLength(0);
    send(chunk('ex04', 'tick', TEXT, 0, 10, '+'), 107); // sweep at 107: the grace of "gap" is over
    expect(messages.map((m) => [m.messageId, m.closeReason])).toEqual([['gap', 'missing_ranges']]);
    send(chunk('ex05', 'tick2', TEXT, 0, 10, '+'), 109.9); // sweep at 109.9: "slow" is idle 9.9 s
    send(chunk('ex06', 'tick3', TEXT, 0, 10, '+'), 110.5); // no sweep (< 1 s since the last)
    expect(messages).toHaveLength(1);
    send(chunk('ex07', 'tick4', TEXT, 0, 10, '+'), 111); // sweep at 111: "slow" idle 11 s
    expect(messages.map((m) => [m.messageId, m.closeReason])).toEqual([
      ['gap', 'missing_ranges'],
      ['slow', 'timeout'],
    ]);
    expect(anomalies.count('msrp.message_timeout')).toBe(1);
  });

  it('default cap (issue 12 budget): the 2049th open message evicts the oldest, closed as incomplete', () => {
    const { messages, anomalies, asm, leg } = setup();
    const send = leg();
    for (let i = 0; i <= DEFAULT_MAX_MESSAGES; i++) send(chunk(`dc${i}`, `d${i}`, TEXT, 0, 10, '+'));
    expect(DEFAULT_MAX_MESSAGES).toBe(2048);
    expect(asm.inFlight()).toBe(DEFAULT_MAX_MESSAGES);
    expect(anomalies.count('msrp.message_evicted')).toBe(1);
    expect(messages.map((m) => [m.messageId, m.status, m.closeReason, m.receivedBytes])).toEqual([['d0', 'incomplete', 'evicted', 10]]);
  });

  it('sha256: false hashes nothing (the consumer hashes onData itself)', () => {
    const seen: number[] = [];
    const { messages, leg } = setup({ sha256: false, onData: (_m, piece) => seen.push(piece.length) });
    leg()(sendFrame({ tid: 'sh01', messageId: 'h1', range: `1-${TEXT.length}/${TEXT.length}`, body: TEXT }));
    expect(messages.map((m) => [m.status, m.sha256])).toEqual([['complete', null]]);
    expect(seen).toEqual([TEXT.length]);
  });

  it('closes idle messages after the idle timeout', () => {
    const { messages, anomalies, asm, leg } = setup({ idleTimeoutSec: 30 });
    const send = leg();
    send(chunk('it01', 'idle', TEXT, 0, 10, '+'), 100);
    asm.tick(120, 0);
    expect(messages).toHaveLength(0);
    asm.tick(131, 0);
    expect(messages[0]).toMatchObject({ status: 'incomplete', closeReason: 'timeout', missing: [{ start: 11, end: 44 }] });
    expect(anomalies.count('msrp.message_timeout')).toBe(1);
  });

  it('closes a fully received message without a "$" chunk as complete on flush, with an anomaly', () => {
    const { messages, anomalies, asm, leg } = setup();
    leg()(chunk('nf01', 'nofinal', TEXT, 0, 44, '+'));
    expect(messages).toHaveLength(0);
    asm.flush();
    expect(messages[0]).toMatchObject({ status: 'complete', sha256: sha(TEXT) });
    expect(anomalies.count('msrp.missing_final_chunk')).toBe(1);
  });

  it('reports an unknown total as an open missing range', () => {
    const { messages, asm, leg } = setup();
    leg()(chunk('ut01', 'open', TEXT, 0, 10, '+', '*'));
    asm.flush();
    expect(messages[0]).toMatchObject({ status: 'incomplete', size: null, missing: [{ start: 11, end: '*' }] });
  });

  it('caps the chunk list per message', () => {
    const { messages, anomalies, leg } = setup({ maxChunkRecords: 3 });
    const send = leg();
    for (let i = 0; i < 44; i += 4) send(chunk(`cr${i}x`, 'many', TEXT, i, i + 4, i + 4 === 44 ? '$' : '+'));
    expect(messages[0]).toMatchObject({ status: 'complete', chunksOmitted: 8 });
    expect(messages[0]!.chunks).toHaveLength(3);
    expect(anomalies.count('msrp.chunk_records_capped')).toBe(1);
  });

  it('takes chunks directly through startChunk (random 1..7-byte pieces)', () => {
    const { messages, asm } = setup();
    const rnd = prng(7);
    const data = new Uint8Array(5000).map(() => Math.floor(rnd() * 256));
    const lines = ['To-Path: msrp://a.example.com:1/s;tcp', 'From-Path: msrp://b.example.com:2/t;tcp', 'Message-ID: direct', `Byte-Range: 1-5000/5000`];
    const head: MsrpFrameHead = {
      kind: 'request',
      transactionId: 'dir1',
      method: 'SEND',
      statusCode: null,
      comment: null,
      headers: parseMsrpHeaderLines(lines),
      hasBody: true,
      headLength: 0,
      frameNo: 1,
      tsSec: 0,
      tsNsec: 0,
    };
    const w = asm.startChunk('S9', head)!;
    for (let off = 0; off < data.length; ) {
      const n = 1 + Math.floor(rnd() * 7);
      w.write(data.subarray(off, off + n));
      off += n;
    }
    w.end({ flag: '$', reason: 'end_line', bodyLength: 5000, frameLength: 0, firstFrameNo: 1, firstTsSec: 0, firstTsNsec: 0, lastFrameNo: 9, lastTsSec: 0, lastTsNsec: 0 });
    expect(messages[0]).toMatchObject({ status: 'complete', sha256: sha(data), lastFrameNo: 9 });
    expect(concatBytes([messages[0]!.head]).length).toBe(5000);
  });
});
