import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MsrpFramer } from '../../../../src/protocols/msrp/msrp-framer.js';
import type { MsrpFrameEnd, MsrpFrameHead, MsrpFrameSink } from '../../../../src/protocols/msrp/msrp-frame.js';
import { concatBytes } from '../../../../src/util/bytes.js';
import { RecordingSink, crlf, dec, enc, newCounter, prng, sendFrame } from '../../../helpers/msrp-test-helpers.js';

// RFC 4975 section 4: the first SEND of the overview and its 200 response (text as quoted by
// several public MSRP test suites). Note the RFC's Byte-Range "1-25/25" for a 23-byte body: the
// framer does not look at it; the assembler test checks the mismatch is reported.
const RFC4975_SEND = crlf(
  'MSRP a786hjs2 SEND',
  'To-Path: msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp',
  'From-Path: msrp://atlanta.example.com:7654/jshA7weztas;tcp',
  'Message-ID: 87652491',
  'Byte-Range: 1-25/25',
  'Content-Type: text/plain',
  '',
  'Hey Bob, are you there?',
  '-------a786hjs2$',
);
const RFC4975_200 = crlf('MSRP a786hjs2 200 OK', 'To-Path: msrp://atlanta.example.com:7654/jshA7weztas;tcp', 'From-Path: msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp', '-------a786hjs2$');
// RFC 4975 REPORT example (Status 000 200), bodiless.
const RFC4975_REPORT = crlf(
  'MSRP dkei38sd REPORT',
  'To-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp',
  'From-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp',
  'Message-ID: 12339sdqwer',
  'Byte-Range: 1-106/106',
  'Status: 000 200 OK',
  '-------dkei38sd$',
);
// RFC 4976 section 7.1: AUTH to a relay (To-Path without session-id), bodiless.
const RFC4976_AUTH = crlf('MSRP 49fh AUTH', 'To-Path: msrps://alice@intra.example.com;tcp', 'From-Path: msrps://alice.example.com:9892/98cjs;tcp', '-------49fh$');
// Modelled on RFC 4976 section 7.1: the relay's 401 challenge and the 200 with Use-Path.
const RFC4976_401 = crlf(
  'MSRP 49fh 401 Unauthorized',
  'To-Path: msrps://alice.example.com:9892/98cjs;tcp',
  'From-Path: msrps://alice@intra.example.com;tcp',
  'WWW-Authenticate: Digest realm="intra.example.com", qop="auth", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"',
  '-------49fh$',
);
const RFC4976_200 = crlf('MSRP 49fh 200 OK', 'To-Path: msrps://alice.example.com:9892/98cjs;tcp', 'From-Path: msrps://alice@intra.example.com;tcp', 'Use-Path: msrps://intra.example.com:9000/jui787s2f;tcp', 'Expires: 900', '-------49fh$');

function frameAll(input: Uint8Array | string, pieces: (n: number) => number[] = (n) => [n], wantRaw = true) {
  const bytes = typeof input === 'string' ? enc(input) : input;
  const sink = new RecordingSink(wantRaw);
  const anomalies = newCounter();
  const framer = new MsrpFramer(sink, anomalies);
  let off = 0;
  let frameNo = 1;
  for (const len of pieces(bytes.length)) {
    framer.push(bytes.subarray(off, off + len), frameNo++, 1_700_000_000, frameNo);
    off += len;
  }
  framer.end();
  return { sink, anomalies, framer };
}

describe('MsrpFramer: RFC examples', () => {
  it('frames the RFC 4975 section 4 SEND and its 200 response', () => {
    const { sink, anomalies } = frameAll(RFC4975_SEND + RFC4975_200);
    expect(sink.frames).toHaveLength(2);
    const [send, ok] = sink.frames;
    expect(send!.head).toMatchObject({ kind: 'request', transactionId: 'a786hjs2', method: 'SEND', statusCode: null, hasBody: true });
    const h = send!.head.headers;
    expect(h.toPath.map((u) => u.host)).toEqual(['biloxi.example.com']);
    expect(h.toPath[0]).toMatchObject({ scheme: 'msrp', port: 12763, sessionId: 'kjhd37s2s20w2a', transport: 'tcp' });
    expect(h.fromPath[0]).toMatchObject({ host: 'atlanta.example.com', port: 7654, sessionId: 'jshA7weztas' });
    expect(h.messageId).toBe('87652491');
    expect(h.byteRange).toEqual({ start: 1, end: 25, total: 25 });
    expect(h.contentType).toBe('text/plain');
    expect(dec(send!.body)).toBe('Hey Bob, are you there?');
    expect(send!.end).toMatchObject({ flag: '$', reason: 'end_line', bodyLength: 23, frameLength: RFC4975_SEND.length });
    expect(dec(send!.raw)).toBe(RFC4975_SEND);
    expect(ok!.head).toMatchObject({ kind: 'response', transactionId: 'a786hjs2', method: null, statusCode: 200, comment: 'OK', hasBody: false });
    expect(dec(ok!.raw)).toBe(RFC4975_200);
    expect(ok!.end).toMatchObject({ flag: '$', bodyLength: 0, frameLength: RFC4975_200.length });
    expect(anomalies.total()).toBe(0);
  });

  it('frames the RFC 4975 REPORT with Status 000 200', () => {
    const { sink, anomalies } = frameAll(RFC4975_REPORT);
    expect(sink.frames).toHaveLength(1);
    const f = sink.frames[0]!;
    expect(f.head.method).toBe('REPORT');
    expect(f.head.hasBody).toBe(false);
    expect(f.head.headers.status).toEqual({ namespace: 0, code: 200, comment: 'OK' });
    expect(f.head.headers.byteRange).toEqual({ start: 1, end: 106, total: 106 });
    expect(f.end?.flag).toBe('$');
    expect(dec(f.raw)).toBe(RFC4975_REPORT);
    expect(anomalies.total()).toBe(0);
  });

  it('frames the RFC 4976 AUTH exchange: 401 with WWW-Authenticate, 200 with Use-Path and Expires', () => {
    const { sink, anomalies } = frameAll(RFC4976_AUTH + RFC4976_401 + RFC4976_200);
    expect(sink.frames.map((f) => f.head.method ?? f.head.statusCode)).toEqual(['AUTH', 401, 200]);
    const auth = sink.frames[0]!.head.headers;
    expect(auth.toPath[0]).toMatchObject({ scheme: 'msrps', user: 'alice', host: 'intra.example.com', port: null, sessionId: null });
    expect(sink.frames[1]!.head.comment).toBe('Unauthorized');
    expect(sink.frames[1]!.head.headers.wwwAuthenticate).toEqual(['Digest realm="intra.example.com", qop="auth", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"']);
    const ok = sink.frames[2]!.head.headers;
    expect(ok.usePath[0]).toMatchObject({ host: 'intra.example.com', port: 9000, sessionId: 'jui787s2f' });
    expect(ok.expires).toBe(900);
    expect(anomalies.total()).toBe(0);
  });
});

describe('MsrpFramer: piece boundaries', () => {
  const stream = RFC4975_SEND + RFC4975_200 + RFC4975_REPORT;
  const reference = frameAll(stream).sink.frames;

  it.each([1, 2, 3, 5, 7, 16, 64])('gives identical frames when fed %i bytes at a time', (size) => {
    const { sink, anomalies } = frameAll(stream, (n) => Array.from({ length: Math.ceil(n / size) }, (_, i) => Math.min(size, n - i * size)));
    expect(anomalies.total()).toBe(0);
    expect(sink.frames.map((f) => [f.head.transactionId, dec(f.body), dec(f.raw), f.end?.flag, f.end?.frameLength])).toEqual(reference.map((f) => [f.head.transactionId, dec(f.body), dec(f.raw), f.end?.flag, f.end?.frameLength]));
  });

  it('finds the end-line when it is split at every byte boundary across two pushes', () => {
    // A numeric Byte-Range: the look-alike "-------a786hjs2X" is content (without one it would be
    // taken for a damaged end-line, msrp-framer.boundaries.test.ts).
    const body = 'line one\r\nline two with -------a786hjs2 inside\r\n-------a786hjs2X\r\n';
    const frame = dec(sendFrame({ tid: 'a786hjs2', messageId: 'm1', body, range: `1-${body.length}/${body.length}` })) + RFC4975_200;
    const endLineAt = frame.indexOf('\r\n-------a786hjs2$');
    for (let cut = endLineAt - 3; cut <= frame.length; cut++) {
      const { sink, anomalies } = frameAll(frame, (n) => [cut, n - cut].filter((x) => x > 0));
      expect(anomalies.total(), `cut=${cut}`).toBe(0);
      expect(sink.frames, `cut=${cut}`).toHaveLength(2);
      expect(dec(sink.frames[0]!.body), `cut=${cut}`).toBe(body);
      expect(sink.frames[0]!.end?.flag).toBe('$');
      expect(dec(sink.frames[0]!.raw), `cut=${cut}`).toBe(frame.slice(0, frame.length - RFC4975_200.length));
    }
  });

  it('tracks the first and last capture frame of a frame spread over pushes', () => {
    const f = sendFrame({ tid: 'tx12', messageId: 'm', body: 'x'.repeat(100) });
    const { sink } = frameAll(f, (n) => [10, 50, n - 60]);
    expect(sink.frames[0]!.head.frameNo).toBe(1);
    expect(sink.frames[0]!.end).toMatchObject({ firstFrameNo: 1, lastFrameNo: 3, frameLength: f.length });
  });
});

describe('MsrpFramer: bodies and end-lines', () => {
  it('does not end a body at look-alike end-lines (numeric Byte-Range: the body length is known)', () => {
    const body = [
      'start',
      '-------other$', // another transaction id
      '-------a786hjs22$', // our id as a prefix of a longer one
      '-------a786hjs2X', // wrong flag
      '-------a786hjs2$ ', // trailing space: not followed by CRLF
      'abc-------a786hjs2$', // not at a line start
      '------a786hjs2$', // six dashes
      'end',
    ].join('\r\n');
    const { sink, anomalies } = frameAll(sendFrame({ tid: 'a786hjs2', messageId: 'm', body, range: `1-${body.length}/${body.length}` }));
    expect(sink.frames).toHaveLength(1);
    expect(dec(sink.frames[0]!.body)).toBe(body);
    expect(anomalies.total()).toBe(0);
  });

  it('handles a body whose end-line look-alike is split across pushes (numeric Byte-Range: content)', () => {
    // Without a numeric range-end the same line is a damaged end-line (msrp-framer.boundaries.test.ts).
    const body = 'aa\r\n-------a786hjs2';
    const frame = dec(sendFrame({ tid: 'a786hjs2', messageId: 'm', body, range: `1-${body.length}/${body.length}` }));
    for (let cut = 1; cut < frame.length; cut++) {
      const { sink } = frameAll(frame, (n) => [cut, n - cut]);
      expect(dec(sink.frames[0]!.body), `cut=${cut}`).toBe(body);
    }
  });

  it.each([
    ['empty body (end-line right after the blank line)', ''],
    ['body that is one CRLF', '\r\n'],
    ['body ending in CRLF', 'abc\r\n'],
    ['body with only dashes', '-------'],
    ['body with bare CR before end-line', 'abc\r'],
  ])('%s', (_name, body) => {
    const f = sendFrame({ tid: 'tid1', messageId: 'm', body });
    const text = dec(f);
    // An empty body is sent as "blank line" + end-line, without the CRLF that would end data.
    const wire = body === '' ? text.replace('\r\n\r\n\r\n-------', '\r\n\r\n-------') : text;
    for (const size of [1, 3, wire.length]) {
      const { sink, anomalies } = frameAll(wire, (n) => Array.from({ length: Math.ceil(n / size) }, (_, i) => Math.min(size, n - i * size)));
      expect(sink.frames).toHaveLength(1);
      expect(sink.frames[0]!.head.hasBody).toBe(true);
      expect(dec(sink.frames[0]!.body)).toBe(body);
      expect(sink.frames[0]!.end?.frameLength).toBe(wire.length);
      expect(anomalies.total()).toBe(0);
    }
  });

  it('frames a bodiless SEND (end-line right after the headers)', () => {
    const text = crlf('MSRP k3j4 SEND', 'To-Path: msrp://b.example.com:1/s;tcp', 'From-Path: msrp://a.example.com:2/t;tcp', 'Message-ID: 44', 'Byte-Range: 1-0/0', '-------k3j4$');
    const { sink, anomalies } = frameAll(text);
    expect(sink.frames[0]!.head.hasBody).toBe(false);
    expect(sink.frames[0]!.body.length).toBe(0);
    expect(sink.frames[0]!.end).toMatchObject({ flag: '$', frameLength: text.length });
    expect(sink.frames[0]!.head.headLength).toBe(text.length);
    expect(anomalies.total()).toBe(0);
  });

  it.each(['$', '+', '#'] as const)('reports the %s continuation flag', (flag) => {
    const { sink } = frameAll(sendFrame({ tid: 'abcd', messageId: 'm', range: '1-3/*', body: 'abc', flag }));
    expect(sink.frames[0]!.end?.flag).toBe(flag);
  });

  it('keeps unknown methods, NICKNAME and other headers', () => {
    const text =
      crlf('MSRP n1ck NICKNAME', 'To-Path: msrp://b.example.com:1/s;tcp', 'From-Path: msrp://a.example.com:2/t;tcp', 'Use-Nickname: "Alice"', '-------n1ck$') +
      crlf('MSRP zz99 FROB', 'To-Path: msrp://b.example.com:1/s;tcp', 'From-Path: msrp://a.example.com:2/t;tcp', 'X-Custom: 1', '-------zz99$') +
      crlf('MSRP zz98 481 Session-does-not-exist', 'To-Path: msrp://b.example.com:1/s;tcp', 'From-Path: msrp://a.example.com:2/t;tcp', '-------zz98$') +
      crlf('MSRP zz97 200', 'To-Path: msrp://b.example.com:1/s;tcp', 'From-Path: msrp://a.example.com:2/t;tcp', '-------zz97$');
    const { sink, anomalies } = frameAll(text);
    expect(sink.frames.map((f) => f.head.method ?? f.head.statusCode)).toEqual(['NICKNAME', 'FROB', 481, 200]);
    expect(sink.frames[0]!.head.headers.useNickname).toBe('"Alice"');
    expect(sink.frames[1]!.head.headers.all).toContainEqual({ name: 'X-Custom', value: '1' });
    expect(sink.frames[2]!.head.comment).toBe('Session-does-not-exist');
    expect(sink.frames[3]!.head.comment).toBeNull();
    expect(anomalies.toJSON()).toEqual({ 'msrp.unknown_method': 1 });
  });

  it('parses MIME content headers of a SEND (Content-ID, Content-Description, Content-Disposition)', () => {
    const f = sendFrame({
      tid: 'ft01',
      messageId: 'file1',
      range: '1-4/4',
      body: 'JPEG',
      contentType: 'image/jpeg',
      extra: ['Content-ID: <img1@example.com>', 'Content-Description: holiday', 'Content-Disposition: attachment; filename="a.jpg"'],
    });
    const h = frameAll(f).sink.frames[0]!.head.headers;
    expect([h.contentId, h.contentDescription, h.contentDisposition, h.contentType]).toEqual(['<img1@example.com>', 'holiday', 'attachment; filename="a.jpg"', 'image/jpeg']);
  });

  it('works without onRaw (a consumer that does not want the raw bytes)', () => {
    const { sink } = frameAll(RFC4975_SEND, (n) => [n], false);
    expect(sink.frames[0]!.raw.length).toBe(0);
    expect(dec(sink.frames[0]!.body)).toBe('Hey Bob, are you there?');
  });
});

describe('MsrpFramer: large bodies in bounded memory', () => {
  it('streams a 5 MiB body in 1-byte..64 KiB pieces, holding only small buffers', () => {
    const rnd = prng(42);
    const size = 5 * 1024 * 1024;
    const body = new Uint8Array(size);
    for (let i = 0; i < size; i++) body[i] = Math.floor(rnd() * 256);
    // Sprinkle end-line look-alikes and CRLFs through the body.
    const decoy = enc('\r\n-------fil3tx');
    for (let at = 1000; at + decoy.length < size; at += 77_777) body.set(decoy, at);
    const frame = sendFrame({ tid: 'fil3tx', messageId: 'big', range: `1-${size}/${size}`, body, contentType: 'application/octet-stream' });
    const frames = concatBytes([frame, enc(RFC4975_200)]);

    const hash = createHash('sha256');
    const rawHash = createHash('sha256');
    let maxRetained = 0;
    let maxPiece = 0;
    let bodyLen = 0;
    const ends: MsrpFrameEnd[] = [];
    const heads: MsrpFrameHead[] = [];
    const sink: MsrpFrameSink = {
      onFrameStart: (h) => heads.push(h),
      onBody: (p) => {
        hash.update(p);
        bodyLen += p.length;
        maxPiece = Math.max(maxPiece, p.length);
      },
      onRaw: (p) => rawHash.update(p),
      onFrameEnd: (e) => ends.push(e),
    };
    const framer = new MsrpFramer(sink, newCounter());
    let off = 0;
    let n = 0;
    while (off < frames.length) {
      const len = Math.min(frames.length - off, rnd() < 0.1 ? 1 + Math.floor(rnd() * 16) : 1 + Math.floor(rnd() * 65536));
      framer.push(frames.subarray(off, off + len), ++n, 0, 0);
      off += len;
      maxRetained = Math.max(maxRetained, framer.retainedBytes());
    }
    framer.end();
    expect(heads).toHaveLength(2);
    expect(ends[0]).toMatchObject({ flag: '$', bodyLength: size, frameLength: frame.length });
    expect(bodyLen).toBe(size);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
    expect(rawHash.digest('hex')).toBe(createHash('sha256').update(frame).update(enc(RFC4975_200)).digest('hex'));
    expect(maxPiece).toBeLessThanOrEqual(65536);
    // Head buffer (1 KiB) + end-line tail: nothing proportional to the body.
    expect(maxRetained).toBeLessThan(2048);
  });
});
