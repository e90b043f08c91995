/**
 * The start-line watch of a bypassed MSRP direction (src/protocols/msrp/msrp-start-watch.ts):
 * bytes pass only when every frame start in them names a To-Path/From-Path pair let go.
 */
import { describe, expect, it } from 'vitest';
import { MsrpStartWatch } from '../../../../src/protocols/msrp/msrp-start-watch.js';

const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

/** Header lines of a frame of session `to` ← `from`, as the framer holds them (no CRLF). */
const lines = (to: string, from: string): string[] => [`To-Path: msrp://10.0.0.2:2855/${to};tcp`, `From-Path: msrp://10.0.0.1:2855/${from};tcp`, 'Message-ID: m1', 'Byte-Range: 1-5/5', 'Content-Type: text/plain'];

/** One whole SEND of that session, CRLF-delimited. */
const send = (tid: string, to: string, from: string, body = 'hello'): string => `MSRP ${tid} SEND\r\n${lines(to, from).join('\r\n')}\r\n\r\n${body}\r\n-------${tid}$\r\n`;

function watching(to = 'nB', from = 'nA'): MsrpStartWatch {
  const w = new MsrpStartWatch();
  expect(w.allow(lines(to, from))).toBe(true);
  return w;
}

describe('MsrpStartWatch', () => {
  it('lets pass the frames of a pair let go, and body bytes without a start line', () => {
    const w = watching();
    expect(w.passes(enc(send('t1', 'nB', 'nA') + send('t2', 'nB', 'nA')))).toBe(true);
    expect(w.passes(enc('just body bytes, no line start here'))).toBe(true);
  });

  it('refuses a frame of any other session, even after frames let go in the same bytes', () => {
    const w = watching();
    expect(w.passes(enc(send('t1', 'nB', 'nA') + send('x1', 'xB', 'xA')))).toBe(false);
    // Same To-Path, other From-Path: another session's frame.
    expect(watching().passes(enc(`body\r\n${send('x2', 'nB', 'xA')}`))).toBe(false);
  });

  it('finds the paths whatever the case of their names, and lets pass only the exact lines let go', () => {
    // The lines as let go, headers in another order: passes.
    const reordered = 'x\r\nMSRP t1 SEND\r\nMessage-ID: m2\r\nFrom-Path: msrp://10.0.0.1:2855/nA;tcp\r\nTo-Path: msrp://10.0.0.2:2855/nB;tcp\r\n-------t1$\r\n';
    expect(watching().passes(enc(reordered))).toBe(true);
    // Another spelling of the same names or values is framed: it errs on the side of framing.
    const lower = send('t1', 'nB', 'nA').replace('To-Path:', 'to-path:');
    expect(watching().passes(enc(`x\r\n${lower}`))).toBe(false);
    expect(watching().passes(enc(`x\r\n${send('t1', 'nb', 'nA')}`))).toBe(false);
    // A head without To-Path is no pair let go.
    expect(watching().passes(enc('x\r\nMSRP t1 SEND\r\nFrom-Path: msrp://10.0.0.1:2855/nA;tcp\r\n-------t1$\r\n'))).toBe(false);
  });

  it('refuses a head that does not end in these bytes, and a start line cut by their end', () => {
    const whole = send('x1', 'nB', 'nA');
    expect(watching().passes(enc(`body\r\n${whole.slice(0, whole.indexOf('Byte-Range'))}`))).toBe(false);
    for (const cut of ['\r\nM', '\r\nMS', '\r\nMSR', '\r\nMSRP', '\r\nMSRP ']) expect(watching().passes(enc(`body${cut}`))).toBe(false);
    // A line that only starts like it is not a start line.
    expect(watching().passes(enc('body\r\nMSRPX'))).toBe(true);
  });

  it('looks at offset 0 when the previous bytes ended a line or did not come just before (a gap)', () => {
    const w = watching();
    expect(w.passes(enc('body\r\n'))).toBe(true);
    expect(w.passes(enc(send('x1', 'xB', 'xA')))).toBe(false);
    const w2 = watching();
    expect(w2.passes(enc('body\r\n'))).toBe(true);
    expect(w2.passes(enc(send('t1', 'nB', 'nA')))).toBe(true);
    const w3 = watching();
    expect(w3.passes(enc('body\r\n'))).toBe(true);
    expect(w3.passes(enc('MS'))).toBe(false);
    const w4 = watching();
    expect(w4.passes(enc('body'))).toBe(true);
    // Not after a line end: offset 0 is no line start.
    expect(w4.passes(enc(send('x1', 'xB', 'xA').slice(0, 12)))).toBe(true);
    // After a gap the framer takes offset 0 as a line start, so the watch does too.
    w4.reset();
    expect(w4.passes(enc(send('x1', 'xB', 'xA')))).toBe(false);
    const w5 = watching();
    w5.reset();
    expect(w5.passes(enc(send('t1', 'nB', 'nA')))).toBe(true);
  });

  it('holds only frames that name both paths, and a bounded number of pairs', () => {
    const w = new MsrpStartWatch();
    expect(w.allow(['Message-ID: m1'])).toBe(false);
    for (let i = 0; i < 16; i++) expect(w.allow(lines(`b${i}`, `a${i}`))).toBe(true);
    expect(w.allow(lines('b0', 'a0'))).toBe(true);
    expect(w.allow(lines('b99', 'a99'))).toBe(false);
    expect(w.size).toBe(16);
  });
});
