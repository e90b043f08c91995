import { describe, expect, it } from 'vitest';
import { directionKey, WireStreamIndex } from '../../../src/audit/wire-stream-index.js';

const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const K = directionKey('a/1', 'b/2');

function index(): WireStreamIndex {
  const w = new WireStreamIndex(new Set([K]));
  // frame 10 @ t=100: "MSRP a SEND\r\n", frame 11 @ t=101: "xyz\r\n-------a$\r\n", frame 12 @ t=102: "MSRP b SEND\r\n-------b$\r\n"
  w.data(K, b('MSRP a SEND\r\n'), 10, 100, 0);
  w.data(K, b('xyz\r\n-------a$\r\n'), 11, 101, 0);
  w.data(K, b('MSRP b SEND\r\n-------b$\r\n'), 12, 102, 0);
  w.data(directionKey('c/1', 'd/2'), b('ignored'), 13, 103, 0);
  return w;
}

describe('WireStreamIndex', () => {
  it('finds a payload spanning segments, ending at the timestamp of its last segment', () => {
    const r = index().find(K, b('MSRP a SEND\r\nxyz\r\n-------a$\r\n'), 0, 101, 0);
    expect(r).toEqual({ found: true, match: { offset: 0, firstFrame: 10, lastFrame: 11, endsAtGap: false } });
  });
  it('the right bytes at the wrong time are wrong_time', () => {
    expect(index().find(K, b('MSRP a SEND\r\nxyz\r\n-------a$\r\n'), 0, 100, 0)).toMatchObject({ found: false, reason: 'wrong_time' });
  });
  it('one changed byte is not_found', () => {
    expect(index().find(K, b('MSRP a SEND\r\nxyZ\r\n-------a$\r\n'), 0, 101, 0)).toMatchObject({ found: false, reason: 'not_found' });
  });
  it('a payload before the cursor is out_of_order', () => {
    const w = index();
    const second = w.find(K, b('MSRP b SEND\r\n-------b$\r\n'), 0, 102, 0);
    expect(second.found).toBe(true);
    const end = second.found ? second.match.offset + 24 : 0;
    expect(w.find(K, b('MSRP a SEND\r\nxyz\r\n-------a$\r\n'), end, 101, 0)).toMatchObject({ found: false, reason: 'out_of_order' });
  });
  it('unwanted directions are not kept', () => {
    expect(index().find(directionKey('c/1', 'd/2'), b('ignored'), 0, 103, 0)).toMatchObject({ found: false, reason: 'no_stream' });
  });
  it('never matches across a capture gap; a payload cut at a gap matches whatever its time', () => {
    const w = new WireStreamIndex(new Set([K]));
    w.data(K, b('MSRP c SEND\r\nab'), 1, 1, 0);
    w.gap(K);
    w.data(K, b('cd\r\n-------c$\r\n'), 3, 3, 0);
    expect(w.find(K, b('ab'), 0, 1, 0).found).toBe(true);
    expect(w.find(K, b('abcd'), 0, 3, 0)).toMatchObject({ found: false, reason: 'not_found' });
    expect(w.find(K, b('MSRP c SEND\r\nab'), 0, 3, 0)).toMatchObject({ found: true, match: { endsAtGap: true } });
  });
  it('past the byte cap a direction is overflow, never verified', () => {
    const w = new WireStreamIndex(new Set([K]), 8);
    w.data(K, b('12345'), 1, 1, 0);
    w.data(K, b('67890'), 2, 2, 0);
    expect(w.find(K, b('12345'), 0, 1, 0)).toMatchObject({ found: false, reason: 'overflow' });
  });
});
