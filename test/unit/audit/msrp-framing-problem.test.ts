/**
 * verify's "framing" check (issue 12): an X3 payload must be exactly one MSRP request of one of
 * the LIID's sessions, judged from the payload alone. The last test runs `verifyLiid` as a buggy
 * pipeline would leave it (its own records reproduce, the bytes are genuine wire bytes): only the
 * framing check can say NOT VERIFIED, and it does.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { msrpFramingProblem } from '../../../src/audit/msrp-framing-problem.js';
import { endpointKeyOf, verifyLiid, type DeliveredPdu } from '../../../src/audit/verify-delivery.js';
import { directionKey, WireStreamIndex } from '../../../src/audit/wire-stream-index.js';

const SIDS = new Set(['sidAlice1', 'sidBob22']);

/** An MSRP SEND, one field per line. */
function send(o: { tid: string; to: string; from: string; range?: string | null; body: string; flag?: string }): string {
  return [
    `MSRP ${o.tid} SEND`, //                                      req-start
    `To-Path: msrp://10.0.1.2:2855/${o.to};tcp`, //                 receiver endpoint: last URI
    `From-Path: msrp://10.0.0.1:40001/${o.from};tcp`, //            sender endpoint
    `Message-ID: m-${o.tid}`,
    ...(o.range === null ? [] : [`Byte-Range: ${o.range ?? `1-${o.body.length}/${o.body.length}`}`]),
    'Content-Type: text/plain',
    '', //                                                          blank line
    o.body, //                                                      data
    `-------${o.tid}${o.flag ?? '$'}`, //                          end-line
    '',
  ].join('\r\n');
}
const TARGET = send({ tid: 'tgt1', to: 'sidBob22', from: 'sidAlice1', body: 'hello Bob' });
const OTHER = send({ tid: 'zzq9', to: 'zzqDaveSid', from: 'zzqCarolSid', body: 'NONTARGET-MARK' });
const p = (s: string, sids: ReadonlySet<string> = SIDS) => msrpFramingProblem(Buffer.from(s, 'latin1'), sids);

describe('msrpFramingProblem', () => {
  it.each([
    ['a complete target SEND', TARGET],
    ['a bodiless REPORT', ['MSRP rp1 REPORT', 'To-Path: msrp://10.0.0.1:40001/sidAlice1;tcp', 'From-Path: msrp://10.0.1.2:2855/sidBob22;tcp', 'Message-ID: m1', 'Byte-Range: 1-9/9', 'Status: 000 200 OK', '-------rp1$', ''].join('\r\n')],
    ['a SEND whose verified body quotes a start line', send({ tid: 'tgt1', to: 'sidBob22', from: 'sidAlice1', body: 'x\r\nMSRP abcd SEND\r\n-------abcd$\r\ny' })],
    ['a chunk interrupted with "+" before its range end', send({ tid: 'tgt1', to: 'sidBob22', from: 'sidAlice1', body: 'part', range: '1-100/100', flag: '+' })],
    ['a cut frame (no end-line)', TARGET.slice(0, TARGET.indexOf('hello') + 3)],
    ['an empty body', send({ tid: 'tgt1', to: 'sidBob22', from: 'sidAlice1', body: '', range: '1-0/0' })],
  ])('accepts %s', (_n, payload) => {
    expect(p(payload)).toBeNull();
  });

  it.each([
    ['a target SEND with a non-target SEND appended', TARGET + OTHER, 'longer than its Byte-Range'],
    ['a cut target SEND swallowing the next request', TARGET.replace('-------tgt1$', '-------tgt1%') + OTHER, 'longer than its Byte-Range'],
    ['the same with Byte-Range end "*"', send({ tid: 'tgt1', to: 'sidBob22', from: 'sidAlice1', body: 'hello', range: '1-*/5' }).replace('-------tgt1$', '-------tgt1%') + OTHER, 'a start line inside its body'],
    ['a body longer than its Byte-Range', send({ tid: 'tgt1', to: 'sidBob22', from: 'sidAlice1', body: 'hello Bob!!', range: '1-9/9' }), 'longer than its Byte-Range'],
    ["another transaction's end-line in a body without a numeric end", send({ tid: 'tgt1', to: 'sidBob22', from: 'sidAlice1', body: 'a\r\n-------zzq9$\r\nb', range: null }), "another transaction's end-line"],
    ['a non-target request', OTHER, 'no session of this LIID'],
    ['no start line', 'hello' + TARGET, 'does not start with'],
    ['a response', 'MSRP tgt1 200 OK\r\nTo-Path: msrp://10.0.0.1:40001/sidAlice1;tcp\r\n-------tgt1$\r\n', 'does not start with'],
    ['bytes after a bodiless end-line', ['MSRP rp1 REPORT', 'To-Path: msrp://h:1/sidAlice1;tcp', 'From-Path: msrp://h:2/sidBob22;tcp', '-------rp1$', 'MSRP x SEND', ''].join('\r\n'), 'bytes follow its end-line'],
  ])('rejects %s', (_n, payload, why) => {
    expect(p(payload)).toContain(why);
  });
});

describe('verifyLiid: the framing check does not trust the pipeline', () => {
  it('a target PDU with a non-target SEND appended, reproduced by a buggy pipeline and present on the wire: NOT VERIFIED', () => {
    const src = endpointKeyOf(Uint8Array.of(10, 0, 0, 1), 40001);
    const dst = endpointKeyOf(Uint8Array.of(10, 0, 1, 2), 2855);
    const key = directionKey(src, dst);
    // On the wire the two requests follow each other on one connection (the target's end-line damaged).
    const damaged = TARGET.replace('-------tgt1$', '-------tgt1%');
    const wire = new WireStreamIndex(new Set([key]));
    wire.data(key, Buffer.from(damaged + OTHER, 'latin1'), 7, 1_790_000_000, 0);
    // What a framer that swallows the next request delivers: one X3 PDU holding both.
    const pdu: DeliveredPdu = {
      pduType: 2,
      xid: '11111111-2222-4333-8444-555555555555',
      correlationId: 'aa',
      sequenceNumber: 0,
      tsSec: 1_790_000_000,
      tsNsec: 0,
      src,
      dst,
      matchedTarget: null,
      payload: Buffer.from(damaged + OTHER, 'latin1'),
    };
    const h = createHash('sha256').update('record').digest('hex');
    const v = verifyLiid({
      liid: 'LIID-1',
      tasks: [{ xid: pdu.xid, liid: 'LIID-1', deliveryType: 'X3Only', targets: ['sip:alice@ims.example.com'] }],
      manifest: null,
      manifestError: 'not part of this test',
      captures: [],
      files: [],
      // The buggy pipeline derives the very same record: reproduce agrees.
      expected: new Map([['x2x3.pdu', [h]]]),
      recordHashes: new Map([['x2x3.pdu', [h]]]),
      expectedCorrelationIds: new Set(['aa']),
      pdus: [pdu],
      iriMessageIds: new Set(),
      sessions: [{ msrpSessionIds: ['sidAlice1', 'sidBob22'], messages: [] }],
      targetDirections: new Set([key]),
      wire,
    });
    const byName = Object.fromEntries(v.checks.map((c) => [c.name, c.ok]));
    expect(byName).toMatchObject({ wire: true, reproduce: true, 'non-target': true, targets: true, sequence: true, framing: false });
    expect(v.ok).toBe(false);
    expect(v.checks.find((c) => c.name === 'framing')!.problems[0]).toMatch(/x2x3.pdu record 0 .*longer than its Byte-Range/);
  });
});
