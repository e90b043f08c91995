import { describe, expect, it } from 'vitest';
import { CLASSIFY_WINDOW, classifyStream, StreamKind } from '../../../src/analyzers/stream-classifier.js';

const b = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));
const cls = (s: string, atStart = true): number => {
  const x = b(s);
  return classifyStream(x, x.length, atStart);
};

describe('classifyStream', () => {
  it.each([
    ['MSRP a786hjs2 SEND\r\nTo-Path: msrp://b/x;tcp\r\n', StreamKind.MSRP],
    ['MSRP 1 200 OK\r\n', StreamKind.MSRP],
    ['INVITE sip:bob@example.com SIP/2.0\r\nVia: x\r\n', StreamKind.SIP],
    ['SIP/2.0 200 OK\r\n', StreamKind.SIP],
    ['\r\n\r\nOPTIONS sip:x@y SIP/2.0\r\n', StreamKind.SIP], // RFC 5626 keep-alive first
    ['GET / HTTP/1.1\r\nHost: x\r\n', StreamKind.HTTP], // perhaps a WebSocket handshake (RFC 6455 4)
    ['HTTP/1.1 101 Switching Protocols\r\n', StreamKind.HTTP],
    ['POST', StreamKind.UNDECIDED],
    ['\x16\x03\x01\x02\x00\x01\x00', StreamKind.OTHER], // TLS ClientHello: rejected at once
    ['MSRP -bad SEND\r\n', StreamKind.OTHER], // transaction id must start alphanumeric
    ['MSR', StreamKind.UNDECIDED],
    ['INVITE sip:bob@exa', StreamKind.UNDECIDED],
  ])('at stream start: %j', (text, kind) => {
    expect(cls(text)).toBe(kind);
  });

  it('mid-stream: finds a frame start after body bytes', () => {
    expect(cls('xx body bytes\r\n-------abc$\r\nMSRP t2 SEND\r\nTo-Path: x\r\n', false)).toBe(StreamKind.MSRP);
    expect(cls('tail of a body\r\nSIP/2.0 180 Ringing\r\n', false)).toBe(StreamKind.SIP);
    expect(cls('no protocol line here', false)).toBe(StreamKind.UNDECIDED);
  });

  it('mid-stream: an HTTP line is not taken for a handshake (WebSocket frames are never guessed)', () => {
    expect(cls(`${'x'.repeat(CLASSIFY_WINDOW)}\r\nGET / HTTP/1.1\r\n`, false)).toBe(StreamKind.OTHER);
    expect(cls('\r\nGET / HTTP/1.1\r\nHost: x\r\n', true)).toBe(StreamKind.OTHER);
  });

  it('gives up after the window', () => {
    const junk = 'x'.repeat(CLASSIFY_WINDOW + 10);
    expect(cls(junk, false)).toBe(StreamKind.OTHER);
    expect(cls(`GARBAGE${junk}`, true)).toBe(StreamKind.OTHER);
  });

  it('TLS (RFC 8446 5.1): a handshake record at the true start, on any port, when TLS is wanted', () => {
    // ContentType 22 handshake, legacy_record_version 0x0301, length 0x00c4, then ClientHello (type 1).
    const hello = Uint8Array.from([0x16, 0x03, 0x01, 0x00, 0xc4, 0x01, 0x00, 0x00, 0xc0, 0x03, 0x03]);
    expect(classifyStream(hello, hello.length, true, true)).toBe(StreamKind.TLS);
    // Fewer than the 5 header bytes: wait for more.
    expect(classifyStream(hello, 3, true, true)).toBe(StreamKind.UNDECIDED);
    // Not asked for (plaintext already decrypted from TLS), or mid-stream (cannot be decrypted): not TLS.
    expect(classifyStream(hello, hello.length, true, false)).toBe(StreamKind.OTHER);
    expect(classifyStream(hello, hello.length, false, true)).toBe(StreamKind.UNDECIDED);
    // An application_data record (23) at the start is no handshake.
    const appData = Uint8Array.from([0x17, 0x03, 0x03, 0x00, 0x20]);
    expect(classifyStream(appData, appData.length, true, true)).toBe(StreamKind.OTHER);
    // SIP and MSRP are still recognised with TLS wanted.
    expect(classifyStream(new TextEncoder().encode('MSRP a1 SEND\r\n'), 15, true, true)).toBe(StreamKind.MSRP);
  });
});
