/**
 * ReceivedPduStore: duplicates (sequence number not after the highest stored, modulo 2^32) are
 * dropped, gaps are stored and flagged, and a reopen resumes from the index, cutting PDU bytes
 * that were written without their index line.
 */
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReceivedPduStore } from '../../../src/deliver/received-pdu-store.js';

const XID = '3a0b508c-3616-48ba-849d-f485418efd49';
const meta = (seq: number) => ({ xid: XID, sequenceNumber: seq, pduType: 2, payloadFormat: 13 });
const bytes = (seq: number): Uint8Array => new Uint8Array(8).fill(seq & 0xff);

describe('ReceivedPduStore', () => {
  it.each([
    { name: 'in order', seqs: [0, 1, 2], results: ['stored', 'stored', 'stored'], kept: [0, 1, 2] },
    { name: 'resent after a broken link', seqs: [0, 1, 2, 1, 2, 3], results: ['stored', 'stored', 'stored', 'duplicate', 'duplicate', 'stored'], kept: [0, 1, 2, 3] },
    { name: 'a gap', seqs: [0, 2], results: ['stored', 'gap'], kept: [0, 2] },
    { name: 'wrap at 2^32', seqs: [0xfffffffe, 0xffffffff, 0, 0xffffffff], results: ['stored', 'stored', 'stored', 'duplicate'], kept: [0xfffffffe, 0xffffffff, 0] },
  ])('$name', ({ seqs, results, kept }) => {
    const d = mkdtempSync(join(tmpdir(), 'msrptap-rx-'));
    const s = new ReceivedPduStore(d);
    expect(seqs.map((q) => s.accept(meta(q), bytes(q)))).toEqual(results);
    s.close();
    const idx = readFileSync(join(d, XID, 'index.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(idx).toEqual(kept);
    expect(readFileSync(join(d, XID, 'x2x3.pdu'))).toEqual(Buffer.concat(kept.map((q) => Buffer.from(bytes(q)))));
  });

  it('reopens: resumes the sequence state and cuts unindexed bytes', () => {
    const d = mkdtempSync(join(tmpdir(), 'msrptap-rx-'));
    const s = new ReceivedPduStore(d);
    s.accept(meta(0), bytes(0));
    s.accept(meta(1), bytes(1));
    s.close();
    // A crash after the PDU bytes, before the index line.
    appendFileSync(join(d, XID, 'x2x3.pdu'), Buffer.from(bytes(2)));
    const r = new ReceivedPduStore(d);
    expect(r.loadExisting()).toBe(1);
    expect(r.accept(meta(1), bytes(1))).toBe('duplicate');
    expect(r.accept(meta(2), bytes(2))).toBe('stored');
    r.close();
    expect(readFileSync(join(d, XID, 'x2x3.pdu'))).toEqual(Buffer.concat([0, 1, 2].map((q) => Buffer.from(bytes(q)))));
  });
});
