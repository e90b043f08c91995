import { describe, expect, it } from 'vitest';
import { MsrpFramer, type MsrpFramerOptions } from '../../../../src/protocols/msrp/msrp-framer.js';
import { concatBytes } from '../../../../src/util/bytes.js';
import { RecordingSink, crlf, dec, enc, newCounter, sendFrame } from '../../../helpers/msrp-test-helpers.js';

const OK_FRAME = crlf('MSRP ok01 200 OK', 'To-Path: msrp://a.example.com:1/s;tcp', 'From-Path: msrp://b.example.com:2/t;tcp', '-------ok01$');

function setup(options: MsrpFramerOptions = {}) {
  const sink = new RecordingSink();
  const anomalies = newCounter();
  const framer = new MsrpFramer(sink, anomalies, options);
  return { sink, anomalies, framer };
}

describe('MsrpFramer: resynchronisation', () => {
  it('skips garbage lines and resynchronises at the next "MSRP " line', () => {
    const { sink, anomalies, framer } = setup();
    framer.push(enc(`hello\r\nworld\r\n${OK_FRAME}`), 1, 0, 0);
    framer.end();
    expect(sink.frames).toHaveLength(1);
    expect(sink.frames[0]!.head.statusCode).toBe(200);
    expect(sink.resyncs).toEqual([{ skippedBytes: 14, afterGap: false, frameNo: 1 }]);
    expect(anomalies.toJSON()).toEqual({ 'msrp.garbage_skipped': 1 });
    expect(framer.stats.bytesSkipped).toBe(14);
  });

  it('does not resynchronise on "MSRP " in the middle of a line', () => {
    const { sink, framer } = setup();
    framer.push(enc(`xxMSRP ok01 200 OK\r\n${OK_FRAME}`), 1, 0, 0);
    framer.end();
    expect(sink.frames).toHaveLength(1);
    expect(sink.resyncs[0]!.skippedBytes).toBe(20);
  });

  it('holds a partial "MSR" across pushes and drops it when it turns out to be garbage', () => {
    const { sink, anomalies, framer } = setup();
    framer.push(enc('MSR'), 1, 0, 0);
    framer.push(enc(`X\r\n${OK_FRAME.slice(0, 3)}`), 2, 0, 0);
    framer.push(enc(OK_FRAME.slice(3)), 3, 0, 0);
    framer.end();
    expect(sink.frames).toHaveLength(1);
    expect(sink.frames[0]!.head.frameNo).toBe(2);
    expect(sink.resyncs[0]!.skippedBytes).toBe(6);
    expect(anomalies.count('msrp.garbage_skipped')).toBe(1);
  });

  it('skips a bad start line and parses the next frame', () => {
    const { sink, anomalies, framer } = setup();
    framer.push(enc(`MSRP this is not valid\r\nTo-Path: x\r\n${OK_FRAME}`), 1, 0, 0);
    framer.end();
    expect(sink.frames).toHaveLength(1);
    expect(anomalies.count('msrp.bad_start_line')).toBe(1);
    expect(anomalies.count('msrp.garbage_skipped')).toBe(1);
  });

  it('drops a head cut by a new start line (unterminated frame)', () => {
    const { sink, anomalies, framer } = setup();
    framer.push(enc(`MSRP cut1 SEND\r\nTo-Path: msrp://a.example.com:1/s;tcp\r\n${OK_FRAME}`), 1, 0, 0);
    framer.end();
    expect(sink.frames.map((f) => f.head.transactionId)).toEqual(['ok01']);
    expect(dec(sink.frames[0]!.raw)).toBe(OK_FRAME);
    expect(anomalies.count('msrp.unterminated_frame')).toBe(1);
  });
});

describe('MsrpFramer: gaps', () => {
  const a = sendFrame({ tid: 'gapA', messageId: 'm1', range: '1-200/200', body: 'a'.repeat(200) });
  const b = sendFrame({ tid: 'gapB', messageId: 'm2', range: '1-5/5', body: 'hello' });

  it('reports a frame cut by a gap in its body as lost and parses the next frame', () => {
    const { sink, anomalies, framer } = setup();
    const cut = a.length - 120; // inside the body
    framer.push(a.subarray(0, cut), 1, 10, 0);
    framer.gap(50, 2, 11, 0);
    framer.push(concatBytes([a.subarray(cut + 50), b]), 3, 12, 0);
    framer.end();
    expect(sink.frames.map((f) => f.head.transactionId)).toEqual(['gapA', 'gapB']);
    const lost = sink.frames[0]!;
    expect(lost.end).toMatchObject({ flag: null, reason: 'gap', frameLength: cut, lastFrameNo: 2 });
    expect(lost.body.length).toBeLessThanOrEqual(200);
    expect(lost.raw.length).toBe(cut);
    expect(dec(sink.frames[1]!.body)).toBe('hello');
    expect(sink.frames[1]!.end?.flag).toBe('$');
    expect(anomalies.examplesOf('msrp.frame_lost_in_gap')).toEqual([{ frame: 2, detail: `received=${cut} gap=50` }]);
    // The tail of the lost frame is skipped as expected after a gap: no garbage anomaly.
    expect(anomalies.count('msrp.garbage_skipped')).toBe(0);
    expect(sink.resyncs).toEqual([{ skippedBytes: a.length - cut - 50, afterGap: true, frameNo: 3 }]);
    expect(framer.stats.framesCut).toBe(1);
  });

  it('reports a head cut by a gap; a frame starting right after the gap is parsed', () => {
    const { sink, anomalies, framer } = setup();
    framer.push(a.subarray(0, 30), 1, 0, 0);
    framer.gap(a.length - 30, 2, 0, 0);
    framer.push(b, 3, 0, 0);
    framer.end();
    expect(sink.frames.map((f) => f.head.transactionId)).toEqual(['gapB']);
    expect(anomalies.examplesOf('msrp.frame_lost_in_gap')[0]!.detail).toBe(`received=30 gap=${a.length - 30}`);
    expect(sink.resyncs).toHaveLength(0);
  });

  it('joins a stream mid-body quietly with midStream', () => {
    const { sink, anomalies, framer } = setup({ midStream: true });
    framer.push(concatBytes([a.subarray(100), b]), 1, 0, 0);
    framer.end();
    expect(sink.frames.map((f) => f.head.transactionId)).toEqual(['gapB']);
    expect(anomalies.total()).toBe(0);
    expect(sink.resyncs[0]).toMatchObject({ skippedBytes: a.length - 100, afterGap: true });
  });

  it('reports a frame truncated by the end of the stream', () => {
    const { sink, anomalies, framer } = setup();
    framer.push(a.subarray(0, a.length - 10), 1, 0, 0);
    framer.end();
    expect(sink.frames[0]!.end).toMatchObject({ flag: null, reason: 'end_of_stream' });
    expect(anomalies.count('msrp.truncated_frame')).toBe(1);
  });
});

describe('MsrpFramer: caps', () => {
  it('drops a head larger than maxHeaderBytes and resynchronises', () => {
    const { sink, anomalies, framer } = setup({ maxHeaderBytes: 256 });
    const big = crlf('MSRP huge SEND', `X-Big: ${'y'.repeat(400)}`, '-------huge$');
    framer.push(enc(big + OK_FRAME), 1, 0, 0);
    framer.end();
    expect(sink.frames.map((f) => f.head.transactionId)).toEqual(['ok01']);
    expect(anomalies.count('msrp.headers_too_large')).toBe(1);
    expect(framer.retainedBytes()).toBeLessThan(2048);
  });

  it('holds no buffer before the first frame nor after end(), and frames again after end()', () => {
    const { sink, framer } = setup();
    expect(framer.retainedBytes()).toBe(0);
    // A head read whole in one push is read in place; one cut by the push's end is kept.
    framer.push(enc(OK_FRAME).subarray(0, 12), 1, 0, 0);
    expect(framer.retainedBytes()).toBeGreaterThan(0);
    framer.push(enc(OK_FRAME).subarray(12), 1, 0, 0);
    framer.end();
    expect(framer.retainedBytes()).toBe(0);
    framer.push(enc(OK_FRAME), 2, 0, 0);
    framer.end();
    expect(sink.frames.map((f) => f.head.transactionId)).toEqual(['ok01', 'ok01']);
  });

  it('cuts a body larger than maxBodyBytes and resynchronises', () => {
    const { sink, anomalies, framer } = setup({ maxBodyBytes: 100 });
    const f = sendFrame({ tid: 'bigb', messageId: 'm', body: 'z'.repeat(1000) });
    for (let i = 0; i < f.length; i += 64) framer.push(f.subarray(i, i + 64), 1, 0, 0);
    framer.push(enc(OK_FRAME), 2, 0, 0);
    framer.end();
    expect(sink.frames.map((x) => [x.head.transactionId, x.end?.reason])).toEqual([
      ['bigb', 'body_too_large'],
      ['ok01', 'end_line'],
    ]);
    expect(sink.frames[0]!.body.length).toBeLessThanOrEqual(100 + 64);
    expect(anomalies.count('msrp.body_too_large')).toBe(1);
  });
});

describe('MsrpFramer: damaged headers', () => {
  it('reports bad header lines and values but still delivers the frame', () => {
    const text = crlf(
      'MSRP hd01 SEND',
      'To-Path: msrp://ok.example.com:1/s;tcp notauri',
      'From-Path: http://wrong.example.com/',
      'no colon here',
      ' folded: line',
      'Byte-Range: 0-5/5',
      'Success-Report: maybe',
      'Message-ID: m1',
      'Message-ID: m2',
      'Content-Type: text/plain',
      '',
      'body',
      '-------hd01+',
    );
    const { sink, anomalies, framer } = setup();
    framer.push(enc(text), 1, 0, 0);
    framer.end();
    const h = sink.frames[0]!.head.headers;
    expect(h.toPath.map((u) => u.host)).toEqual(['ok.example.com']);
    expect(h.fromPath).toEqual([]);
    expect(h.byteRange).toBeNull();
    expect(h.successReport).toBeNull();
    expect(h.messageId).toBe('m1');
    expect(dec(sink.frames[0]!.body)).toBe('body');
    expect(anomalies.toJSON()).toEqual({
      'msrp.bad_uri': 2,
      'msrp.bad_header_line': 2,
      'msrp.bad_header_value': 3,
      'msrp.duplicate_header': 1,
    });
  });

  it('reports a SEND without Message-ID and a REPORT without Status', () => {
    const text =
      crlf('MSRP mh01 SEND', 'To-Path: msrp://a.example.com:1/s;tcp', 'From-Path: msrp://b.example.com:2/t;tcp', '-------mh01$') +
      crlf('MSRP mh02 REPORT', 'To-Path: msrp://a.example.com:1/s;tcp', 'From-Path: msrp://b.example.com:2/t;tcp', 'Message-ID: x1', '-------mh02$');
    const { anomalies, framer } = setup();
    framer.push(enc(text), 1, 0, 0);
    framer.end();
    expect(anomalies.examplesOf('msrp.missing_header').map((e) => e.detail)).toEqual(['SEND Message-ID', 'REPORT Status']);
  });

  it('finds required headers in any letter case; reports each one missing, in order', () => {
    const text =
      crlf('MSRP mh03 SEND', 'to-path: msrp://a.example.com:1/s;tcp', 'FROM-PATH: msrp://b.example.com:2/t;tcp', 'message-id: m3', '-------mh03$') +
      crlf('MSRP mh04 NICKNAME', 'From-Path: msrp://b.example.com:2/t;tcp', '-------mh04$') +
      crlf('MSRP mh05 200 OK', 'To-Path: msrp://a.example.com:1/s;tcp', '-------mh05$');
    const { anomalies, framer } = setup();
    framer.push(enc(text), 1, 0, 0);
    framer.end();
    expect(anomalies.examplesOf('msrp.missing_header').map((e) => e.detail)).toEqual(['NICKNAME To-Path', 'NICKNAME Use-Nickname', 'response From-Path']);
  });

  it('reports a response with a body and streams the body', () => {
    const text = crlf('MSRP rb01 200 OK', 'To-Path: msrp://a.example.com:1/s;tcp', 'From-Path: msrp://b.example.com:2/t;tcp', '', 'oops', '-------rb01$');
    const { sink, anomalies, framer } = setup();
    framer.push(enc(text), 1, 0, 0);
    framer.end();
    expect(dec(sink.frames[0]!.body)).toBe('oops');
    expect(anomalies.count('msrp.response_with_body')).toBe(1);
  });

  it('accepts bare-LF header lines with an anomaly', () => {
    const text = 'MSRP lf01 SEND\nTo-Path: msrp://a.example.com:1/s;tcp\nFrom-Path: msrp://b.example.com:2/t;tcp\nMessage-ID: q\n\nhi\r\n-------lf01$\r\n';
    const { sink, anomalies, framer } = setup();
    framer.push(enc(text), 1, 0, 0);
    framer.end();
    expect(dec(sink.frames[0]!.body)).toBe('hi');
    expect(anomalies.count('msrp.bare_lf')).toBe(1);
  });

  it('reports transaction ids outside 4..32 characters but follows them', () => {
    const text = crlf('MSRP ab 200 OK', 'To-Path: msrp://a.example.com:1/s;tcp', 'From-Path: msrp://b.example.com:2/t;tcp', '-------ab$');
    const { sink, anomalies, framer } = setup();
    framer.push(enc(text), 1, 0, 0);
    framer.end();
    expect(sink.frames).toHaveLength(1);
    expect(anomalies.count('msrp.bad_transaction_id')).toBe(1);
  });
});
