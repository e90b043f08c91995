/**
 * The content of a held message as views of its held frames' bodies (src/correlate/held-message-parts.ts):
 * exactly the tracker's content or nothing.
 */
import { describe, expect, it } from 'vitest';
import { heldMessageParts } from '../../../src/correlate/held-message-parts.js';
import type { HeldFrame } from '../../../src/correlate/session.js';

const NET = { srcAddr: new Uint8Array(4), dstAddr: new Uint8Array(4), srcPort: 1, dstPort: 2, ipProto: 6, tsSec: 0, tsNsec: 0, frameNo: 1 };
const HEAD = 'MSRP tx SEND\r\nMessage-ID: m\r\n\r\n';

/** A held SEND frame carrying `body` at Byte-Range start `start` (1-based). */
function frame(body: string, start: number, o: { mid?: string; method?: string; truncated?: boolean } = {}): HeldFrame {
  const bytes = Buffer.from(`${HEAD}${body}\r\n-------tx$\r\n`, 'latin1');
  return { bytes, method: o.method ?? 'SEND', senderSid: null, network: NET, truncated: o.truncated ?? false, messageId: o.mid ?? 'm', rangeStart: start, bodyAt: HEAD.length, bodyLength: body.length };
}

const join = (p: Uint8Array[] | null) => (p === null ? null : Buffer.concat(p).toString('latin1'));
const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('heldMessageParts', () => {
  it('chunks in any order, retransmitted or overlapping, make up the content', () => {
    const frames = [frame('GHIJ', 7), frame('ABCDEF', 1), frame('ABCDEF', 1), frame('EFGH', 5)];
    const parts = heldMessageParts(frames, 'm', bytes('ABCDEFGHIJ'));
    expect(join(parts)).toBe('ABCDEFGHIJ');
    // Views, not copies: the frames' bytes.
    expect(parts!.every((p) => frames.some((f) => p.buffer === f.bytes.buffer))).toBe(true);
  });

  it('content cut at a cap: the prefix, from the frames that cover it', () => {
    expect(join(heldMessageParts([frame('ABCD', 1), frame('EFGH', 5)], 'm', bytes('ABCDEF')))).toBe('ABCDEF');
  });

  it('a chunk not held, cut, of another message, another method, or other bytes: null', () => {
    const content = bytes('ABCDEFGH');
    expect(heldMessageParts([frame('ABCD', 1)], 'm', content)).toBeNull();
    expect(heldMessageParts([frame('ABCD', 1), frame('EFGH', 5, { truncated: true })], 'm', content)).toBeNull();
    expect(heldMessageParts([frame('ABCD', 1), frame('EFGH', 5, { mid: 'other' })], 'm', content)).toBeNull();
    expect(heldMessageParts([frame('ABCD', 1), frame('EFGH', 5, { method: 'REPORT' })], 'm', content)).toBeNull();
    expect(heldMessageParts([frame('ABCD', 1), frame('EFGX', 5)], 'm', content)).toBeNull();
    expect(heldMessageParts([frame('ABCD', 1), frame('FGH', 6)], 'm', content)).toBeNull();
  });
});
