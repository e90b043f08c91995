/**
 * Where a body ends when its end-line is damaged (issue 12: a damaged end-line on a connection
 * shared by several sessions must not make one frame swallow the next requests).
 *
 * RFC 4975 section 7.1: the end-line of THIS transaction is the body's only delimiter; a numeric
 * Byte-Range end bounds the body (end - start + 1 bytes; an interrupted chunk ends earlier with
 * "+"). So: with a numeric end the framer checks the end-line where the range puts it and cuts
 * there when it is missing (`msrp.body_overrun`); a start line at a line start inside a body whose
 * end is not verified, and in a body without a numeric end another transaction's end-line too,
 * is the next frame (`msrp.frame_boundary_in_body`). Every case is also fed split at every byte.
 */
import { describe, expect, it } from 'vitest';
import { MsrpFramer } from '../../../../src/protocols/msrp/msrp-framer.js';
import { classifyBodyLine, LINE_END_LIKE, LINE_MORE, LINE_NONE, LINE_OTHER_END, LINE_OWN_DAMAGED, LINE_OWN_END, LINE_START, LINE_START_LIKE, lineKind, lineLength } from '../../../../src/protocols/msrp/classify-body-line.js';
import { crlf, dec, enc, newCounter, RecordingSink } from '../../../helpers/msrp-test-helpers.js';

/** A SEND head (one header per line) with the given Byte-Range (none when null). */
function head(tid: string, range: string | null, sid: string): string {
  return crlf(
    `MSRP ${tid} SEND`, //                                    req-start
    `To-Path: msrp://10.0.1.2:2855/${sid}b;tcp`, //            session of the receiver
    `From-Path: msrp://10.0.0.1:40001/${sid}a;tcp`, //         session of the sender
    `Message-ID: m-${tid}`,
    ...(range === null ? [] : [`Byte-Range: ${range}`]),
    'Content-Type: text/plain',
    '', //                                                     blank line: the body follows
  );
}

const BODY = 'target says hello'; // 17 bytes
/** The target's SEND with a good end-line. */
const TGT = head('tgt1', '1-17/17', 'tgt') + BODY + '\r\n' + '-------tgt1$\r\n';
/** The next request on the connection: another session's SEND, with a marker in its body. */
const OTHER = head('zzq9', '1-14/14', 'zzq') + 'NONTARGET-MARK' + '\r\n' + '-------zzq9$\r\n';

function frameAll(input: string, pieces: (n: number) => number[] = (n) => [n]) {
  const bytes = enc(input);
  const sink = new RecordingSink();
  const anomalies = newCounter();
  const framer = new MsrpFramer(sink, anomalies);
  let off = 0;
  let no = 1;
  for (const len of pieces(bytes.length)) {
    framer.push(bytes.subarray(off, off + len), no++, 1_700_000_000, 0);
    off += len;
  }
  framer.end();
  return { sink, anomalies, framer };
}

/** Frames as [tid, body, flag, reason, raw] for comparison. */
function summary(input: string, pieces?: (n: number) => number[]) {
  const { sink, anomalies } = frameAll(input, pieces);
  return { frames: sink.frames.map((f) => [f.head.transactionId, dec(f.body), f.end?.flag ?? null, f.end?.reason, dec(f.raw)]), anomalies: anomalies.toJSON() };
}

/** The case must frame the same whatever the push boundaries: whole, two pieces cut anywhere, 1-byte pieces. */
function expectSplitInvariant(input: string): void {
  const whole = summary(input);
  for (let cut = 1; cut < input.length; cut++)
    expect(
      summary(input, (n) => [cut, n - cut]),
      `cut=${cut}`,
    ).toEqual(whole);
  expect(summary(input, (n) => Array.from({ length: n }, () => 1))).toEqual(whole);
}

describe('MsrpFramer: numeric Byte-Range bounds the body (RFC 4975 section 7.1)', () => {
  it('an end-line where the range puts it ends the body, whatever the body contains', () => {
    // 47 bytes that look like a start line and a foreign end-line: content, the end is verified.
    const body = 'quote:\r\nMSRP abcd SEND\r\n-------abcd$\r\nend quote';
    const frame = head('tgt1', `1-${body.length}/${body.length}`, 'tgt') + body + '\r\n-------tgt1$\r\n';
    const input = frame + OTHER;
    const s = summary(input);
    expect(s.frames.map((f) => f.slice(0, 4))).toEqual([
      ['tgt1', body, '$', 'end_line'],
      ['zzq9', 'NONTARGET-MARK', '$', 'end_line'],
    ]);
    expect(s.anomalies).toEqual({});
    // Same when the pushes split the frame anywhere, as long as the start-line look-alike and the
    // end-line arrive in the same push (the end is then verified before anything is emitted).
    const look = frame.indexOf('\r\nMSRP abcd');
    for (let cut = 1; cut <= look; cut++)
      expect(
        summary(input, (n) => [cut, n - cut]),
        `cut=${cut}`,
      ).toEqual(s);
    for (let cut = frame.length; cut < input.length; cut++)
      expect(
        summary(input, (n) => [cut, n - cut]),
        `cut=${cut}`,
      ).toEqual(s);
  });

  it('a start-line look-alike whose end-line is still to come is a boundary (cut, flagged: never swallow)', () => {
    // The end cannot be verified without holding up to the whole chunk; the framer cuts instead:
    // the target's chunk is incomplete and flagged, and no later request can be swallowed.
    const body = 'quote:\r\nMSRP abcd SEND\r\nend quote';
    const frame = head('tgt1', `1-${body.length}/${body.length}`, 'tgt') + body + '\r\n-------tgt1$\r\n';
    const cut = frame.indexOf('end quote');
    const s = summary(frame, (n) => [cut, n - cut]);
    expect(s.frames.map((f) => f.slice(0, 4))).toEqual([['tgt1', 'quote:', null, 'boundary_in_body']]);
    // The look-alike is then framed as a head that never ends (dropped at the end of the stream).
    expect(s.anomalies).toMatchObject({ 'msrp.frame_boundary_in_body': 1, 'msrp.truncated_frame': 1 });
  });

  it('a damaged end-line (flag bit flipped) cuts the frame at the declared length', () => {
    const damaged = TGT.replace('-------tgt1$', '-------tgt1%'); // 0x24 -> 0x25
    const s = summary(damaged + OTHER);
    expect(s.frames).toEqual([
      ['tgt1', BODY, null, 'body_overrun', head('tgt1', '1-17/17', 'tgt') + BODY],
      ['zzq9', 'NONTARGET-MARK', '$', 'end_line', OTHER],
    ]);
    // The damaged end-line is skipped as garbage on the way to the next start line.
    expect(s.anomalies).toEqual({ 'msrp.body_overrun': 1, 'msrp.garbage_skipped': 1 });
    expectSplitInvariant(damaged + OTHER);
  });

  it('a body longer than declared (bytes inserted) is cut at the declared length', () => {
    const longer = TGT.replace(BODY, BODY + 'XX');
    const s = summary(longer + OTHER);
    expect(s.frames.map((f) => f.slice(0, 4))).toEqual([
      ['tgt1', BODY, null, 'body_overrun'],
      ['zzq9', 'NONTARGET-MARK', '$', 'end_line'],
    ]);
    expectSplitInvariant(longer + OTHER);
  });

  it('a shorter body with a damaged end-line stops at the declared length, or before a start line within it', () => {
    // 5 body bytes lost and the end-line damaged: the declared 17 bytes end inside that end-line.
    const shorter = TGT.replace(BODY, BODY.slice(0, 12)).replace('-------tgt1$', '-------tgX1$');
    const s = summary(shorter + OTHER);
    expect(s.frames.map((f) => f.slice(0, 4))).toEqual([
      ['tgt1', 'target says \r\n---', null, 'body_overrun'],
      ['zzq9', 'NONTARGET-MARK', '$', 'end_line'],
    ]);
    expectSplitInvariant(shorter + OTHER);
    // 15 bytes lost: the next start line begins inside the declared 17 bytes; the cut is before it.
    const shortest = TGT.replace(BODY, BODY.slice(0, 2)).replace('-------tgt1$', '-------tgX1$');
    const t = summary(shortest + OTHER);
    expect(t.frames.map((f) => f.slice(0, 4))).toEqual([
      ['tgt1', 'ta\r\n-------tgX1$', null, 'boundary_in_body'],
      ['zzq9', 'NONTARGET-MARK', '$', 'end_line'],
    ]);
    expect(t.anomalies).toEqual({ 'msrp.frame_boundary_in_body': 1 });
    expectSplitInvariant(shortest + OTHER);
  });

  it('a chunk interrupted before its range end ends at its "+" end-line (no overrun)', () => {
    const input = head('tgt1', '1-100/100', 'tgt') + 'first 20 bytes......' + '\r\n-------tgt1+\r\n' + OTHER;
    const s = summary(input);
    expect(s.frames.map((f) => f.slice(0, 4))).toEqual([
      ['tgt1', 'first 20 bytes......', '+', 'end_line'],
      ['zzq9', 'NONTARGET-MARK', '$', 'end_line'],
    ]);
    expect(s.anomalies).toEqual({});
    expectSplitInvariant(input);
  });

  it('an empty chunk (range 1-0/0) whose end-line is missing is cut right after the blank line', () => {
    const input = head('tgt1', '1-0/0', 'tgt') + OTHER;
    const s = summary(input);
    expect(s.frames.map((f) => f.slice(0, 4))).toEqual([
      ['tgt1', '', null, 'boundary_in_body'],
      ['zzq9', 'NONTARGET-MARK', '$', 'end_line'],
    ]);
    expectSplitInvariant(input);
  });

  it('a large chunk spread over pushes is checked at its declared end', () => {
    const body = 'x'.repeat(70_000);
    const good = head('tgt1', '1-70000/70000', 'tgt') + body + '\r\n-------tgt1$\r\n' + OTHER;
    const bad = good.replace('-------tgt1$', '-------tgt1!');
    const seg = (n: number) => Array.from({ length: Math.ceil(n / 1448) }, (_, i) => Math.min(1448, n - i * 1448));
    expect(summary(good, seg).frames.map((f) => [f[0], String(f[1]).length, f[2]])).toEqual([
      ['tgt1', 70_000, '$'],
      ['zzq9', 14, '$'],
    ]);
    expect(summary(bad, seg).frames.map((f) => [f[0], String(f[1]).length, f[2], f[3]])).toEqual([
      ['tgt1', 70_000, null, 'body_overrun'],
      ['zzq9', 14, '$', 'end_line'],
    ]);
  });
});

describe('MsrpFramer: bodies without a numeric range end', () => {
  it.each([
    ['Byte-Range end "*"', '1-*/17'],
    ['no Byte-Range', null],
  ])('%s: a damaged end-line ends the body; so does a damaged next start line', (_n, range) => {
    // The flag flipped to "%" (an ident-char): an end-line look-alike, the body ends before it.
    const damaged = head('tgt1', range, 'tgt') + BODY + '\r\n' + '-------tgt1%\r\n';
    const s = summary(damaged + OTHER);
    expect(s.frames).toEqual([
      ['tgt1', BODY, null, 'boundary_in_body', head('tgt1', range, 'tgt') + BODY],
      ['zzq9', 'NONTARGET-MARK', '$', 'end_line', OTHER],
    ]);
    expect(s.anomalies).toEqual({ 'msrp.frame_boundary_in_body': 1, 'msrp.garbage_skipped': 1 });
    expectSplitInvariant(damaged + OTHER);
    // The next start line's id damaged: "MSRP " at a line start still stops the body.
    const worse = (head('tgt1', range, 'tgt') + BODY + '\r\n' + '-------tgt1%\r\n' + OTHER.replace('MSRP zzq9', 'MSRP zz\xce9')).replace('\r\n-------zzq9$', '\r\n-------zz\xce9$');
    const w = summary(worse);
    expect(w.frames.map((f) => f.slice(0, 4))).toEqual([['tgt1', BODY, null, 'boundary_in_body']]);
    expectSplitInvariant(worse);
    // The end-line's dashes damaged and the next start line too ("MSR\x10"): our id, flag and
    // CR LF after 7 mostly-dash bytes still end the body there.
    const dashes = head('tgt1', range, 'tgt') + BODY + '\r\n' + '---/---tgt1$\r\n' + OTHER.replace('MSRP zzq9', 'MSR\x10 zzq9');
    const d = summary(dashes);
    expect(d.frames.map((f) => f.slice(0, 4))).toEqual([['tgt1', BODY, null, 'boundary_in_body']]);
    // (The damaged end-line is only recognised within one push: whole input here.)
  });

  it("another transaction's end-line inside the body is a boundary (its frame's start line was lost)", () => {
    const input = head('tgt1', '1-*/*', 'tgt') + 'abc' + '\r\n-------zzq9$\r\n' + 'more' + '\r\n-------tgt1$\r\n';
    const s = summary(input);
    expect(s.frames.map((f) => f.slice(0, 4))).toEqual([['tgt1', 'abc', null, 'boundary_in_body']]);
    expect(s.anomalies).toEqual({ 'msrp.frame_boundary_in_body': 1, 'msrp.garbage_skipped': 1 });
    expectSplitInvariant(input);
  });

  it('an end-line that lost its CRLF (the next start line glued to it) ends the frame there', () => {
    const glued = head('tgt1', '1-*/17', 'tgt') + BODY + '\r\n' + '-------tgt1$' + OTHER;
    const s = summary(glued);
    // The non-target start line is not at a line start any more: that frame is skipped, never
    // taken into the target's.
    expect(s.frames.map((f) => f.slice(0, 4))).toEqual([['tgt1', BODY, null, 'boundary_in_body']]);
    expect(s.anomalies).toMatchObject({ 'msrp.frame_boundary_in_body': 1, 'msrp.garbage_skipped': 1 });
    expectSplitInvariant(glued);
  });

  it('a whole start line glued after a damaged end-line (its CRLF damaged too) is still the next frame', () => {
    const glued = head('tgt1', '1-*/17', 'tgt') + BODY + '\r\n' + '--/----tgt1d\r\x02' + OTHER;
    const s = summary(glued);
    expect(s.frames.map((f) => f.slice(0, 4))).toEqual([
      ['tgt1', BODY + '\r\n--/----tgt1d\r\x02', null, 'boundary_in_body'],
      ['zzq9', 'NONTARGET-MARK', '$', 'end_line'],
    ]);
    expectSplitInvariant(glued);
  });

  it('a bodiless REPORT whose end-line lost its CRLF does not take the next request as headers', () => {
    const report =
      crlf(
        'MSRP rp1 REPORT', //                                    req-start
        'To-Path: msrp://10.0.0.1:40001/tgta;tcp',
        'From-Path: msrp://10.0.1.2:2855/tgtb;tcp',
        'Message-ID: m-tgt1',
        'Byte-Range: 1-17/17',
        'Status: 000 200 OK',
      ) + '-------rp1$'; //                                       end-line without its CRLF
    const s = summary(report + OTHER);
    expect(s.frames.map((f) => f.slice(0, 4))).toEqual([['rp1', '', null, 'boundary_in_body']]);
    expect(s.frames[0]![4]).toBe(report.slice(0, report.indexOf('-------rp1$')));
    expectSplitInvariant(report + OTHER);
  });

  it('a bodiless REPORT whose end-line has bytes inserted before it does not take the next request as headers', () => {
    const report = crlf(
      'MSRP rp1 REPORT', //                                    req-start
      'To-Path: msrp://10.0.0.1:40001/tgta;tcp',
      'From-Path: msrp://10.0.1.2:2855/tgtb;tcp',
      'Message-ID: m-tgt1',
      'Status: 000 200 OK',
    );
    const damaged = report + '\xf5\x1fx-------rp1$\r\n'; //  3 bytes inserted before the end-line
    const s = summary(damaged + OTHER);
    expect(s.frames.map((f) => f.slice(0, 4))).toEqual([
      ['rp1', '', null, 'boundary_in_body'],
      ['zzq9', 'NONTARGET-MARK', '$', 'end_line'],
    ]);
    expect(s.frames[0]![4]).toBe(report);
    expectSplitInvariant(damaged + OTHER);
  });

  it('its own end-line ends it as before; "MSRP" inside a line and dash separators are content', () => {
    const body = 'see MSRP is fun\r\nwe use MSRP\r\n------- note: tgt1\r\n-------- forwarded --------';
    const input = head('tgt1', null, 'tgt') + body + '\r\n-------tgt1$\r\n';
    expect(summary(input).frames.map((f) => f.slice(0, 4))).toEqual([['tgt1', body, '$', 'end_line']]);
    expectSplitInvariant(input);
  });

  it('keeps memory bounded: held candidate bytes never exceed one line', () => {
    const { framer } = frameAll(head('tgt1', null, 'tgt') + '\r\nMSRP ' + 'a'.repeat(500), (n) => Array.from({ length: n }, () => 1));
    expect(framer.retainedBytes()).toBeLessThanOrEqual(1024 + 3 * 192);
  });
});

describe('classifyBodyLine', () => {
  const k = (s: string, tid = 'tgt1') => {
    const r = classifyBodyLine(enc(s), 0, s.length, tid);
    return [lineKind(r), lineLength(r)];
  };
  it.each([
    ['\r\n-------tgt1$\r\n', LINE_OWN_END, 16],
    ['\r\n-------tgt1+\r\n', LINE_OWN_END, 16],
    ['\r\n-------tgt1+\r\nxx', LINE_OWN_END, 16],
    ['\r\n-------tgt1a+\r\n', LINE_OTHER_END, 17], // "+" is an ident-char: the flag is the last byte
    ['\r\n-------zz$\r\n', LINE_OTHER_END, 14],
    ['\r\nMSRP abcd SEND\r\n', LINE_START, 18],
    ['\r\nMSRP abcd 200 OK\r\n', LINE_START, 20],
    ['\r\nMSRP abcd send\r\n', LINE_START_LIKE, 0], // methods are upper case: perhaps a damaged start line
    ['\r\nMSRP is great fun\r\n', LINE_START_LIKE, 0],
    ['\r\n-------tgt1X\r\n', LINE_END_LIKE, 0], // a longer id without flag: perhaps a damaged end-line
    ['\r\n-------- Original Message --------\r\n', LINE_NONE, 0], // text separators stay content
    ['\r\n------- note\r\n', LINE_NONE, 0],
    ['\r\n------tgt1$\r\n', LINE_NONE, 0],
    ['\r\n-------tgt1$ \r\n', LINE_OWN_DAMAGED, 14], // flag then not CRLF: our end-line, damaged
    ['\r\n-------tgt1$MSRP x SEND\r\n', LINE_OWN_DAMAGED, 14], // its CRLF lost, the next start line glued on
    ['\r\n-------tgt1%\r\n', LINE_END_LIKE, 0], // flag bit flipped to "%", an ident-char: a longer id without flag
    ['\r\n-------tgt1!\r\n', LINE_OWN_DAMAGED, 13], // flag damaged to a byte that is no ident-char
    ['\r\n-------tgt12$\r\n', LINE_OTHER_END, 17], // a longer id
    ['\r\n-------tg', LINE_MORE, 0],
    ['\r\nMSRP abcd SE', LINE_MORE, 0],
    ['\r\nMSRP abcd SEND\r', LINE_MORE, 0],
    ['\r', LINE_MORE, 0],
    ['\r\nhello', LINE_NONE, 0],
    [`\r\nMSRP ${'a'.repeat(300)}`, LINE_START_LIKE, 0], // longer than any start line
  ])('%j', (s, kind, len) => {
    expect(k(s)).toEqual([kind, len]);
  });
});
