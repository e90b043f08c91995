import { describe, expect, it } from 'vitest';
import { parseMultipart } from '../../../../src/protocols/sip/parse-multipart.js';
import { findSdp } from '../../../../src/protocols/sip/find-sdp.js';
import { parseContentType } from '../../../../src/protocols/sip/content-type.js';
import { parseSipMessage } from '../../../../src/protocols/sip/parse-sip-message.js';
import { bytes, crlf, newSink, sipMessage, text } from '../../../helpers/sip-test-helpers.js';

const SDP = crlf('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', 'm=message 9 TCP/MSRP *', 'a=path:msrp://192.0.2.1:9/x;tcp', '');
const LIST = crlf('<?xml version="1.0" encoding="UTF-8"?>', '<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists">', '<list><entry uri="sip:bob@example.com"/></list></resource-lists>');

/** RCS group-chat INVITE body (RFC 5366 style): SDP and a resource list. */
function groupChatBody(boundary: string): string {
  return crlf(
    'This is the preamble.',
    `--${boundary}`,
    'Content-Type: application/sdp',
    'Content-Length: ' + SDP.length,
    '',
    SDP,
    `--${boundary}  `,
    'Content-Type: application/resource-lists+xml',
    'Content-Disposition: recipient-list',
    '',
    LIST,
    `--${boundary}--`,
    'epilogue',
  );
}

function ct(s: string) {
  return parseContentType(s)!;
}

describe('parseMultipart (RFC 2046 5.1.1)', () => {
  it('splits parts, their headers and bodies (preamble, transport padding, epilogue)', () => {
    const sink = newSink();
    const parts = parseMultipart(bytes(groupChatBody('boundary1')), ct('multipart/mixed;boundary=boundary1'), sink)!;
    expect(sink.total()).toBe(0);
    expect(parts).toHaveLength(2);
    expect(parts[0]!.contentType?.mediaType).toBe('application/sdp');
    expect(text(parts[0]!.body)).toBe(SDP);
    expect(parts[1]!.header('content-disposition')).toBe('recipient-list');
    expect(parts[1]!.contentType?.mediaType).toBe('application/resource-lists+xml');
    expect(text(parts[1]!.body)).toBe(LIST);
  });

  it('handles a body that starts with the delimiter, a part without headers, and LF-only lines', () => {
    const body = '--b\n\nplain text\n--b\nContent-Type: application/sdp\n\nv=0\n--b--\n';
    const parts = parseMultipart(bytes(body), ct('multipart/related; type="application/sdp"; boundary="b"'))!;
    expect(parts).toHaveLength(2);
    expect(parts[0]!.fields).toHaveLength(0);
    expect(parts[0]!.contentType).toBeNull();
    expect(text(parts[0]!.body)).toBe('plain text');
    expect(text(parts[1]!.body)).toBe('v=0');
  });

  it('does not take a longer boundary-prefixed line for a delimiter', () => {
    const body = crlf('--b', 'Content-Type: text/plain', '', 'x', '--bb not a delimiter', 'y', '--b--');
    const parts = parseMultipart(bytes(body), ct('multipart/mixed;boundary=b'))!;
    expect(parts).toHaveLength(1);
    expect(text(parts[0]!.body)).toBe(crlf('x', '--bb not a delimiter', 'y'));
  });

  it.each([
    ['no boundary parameter', 'multipart/mixed', 'a', 'boundary'],
    ['no delimiter in the body', 'multipart/mixed;boundary=zz', 'just text', 'no_delimiter'],
  ])('returns null and reports: %s', (_n, type, body, detail) => {
    const sink = newSink();
    expect(parseMultipart(bytes(body), ct(type), sink)).toBeNull();
    expect(sink.examplesOf('sip.bad_multipart')[0]!.detail).toBe(detail);
  });

  it('reports a missing close delimiter and keeps the last part', () => {
    const sink = newSink();
    const parts = parseMultipart(bytes(crlf('--b', 'Content-Type: text/plain', '', 'cut off')), ct('multipart/mixed;boundary=b'), sink)!;
    expect(parts).toHaveLength(1);
    expect(text(parts[0]!.body)).toBe('cut off');
    expect(sink.examplesOf('sip.bad_multipart')[0]!.detail).toBe('unterminated');
  });

  it('returns null for non-multipart types', () => {
    expect(parseMultipart(bytes('x'), ct('application/sdp'))).toBeNull();
  });
});

describe('findSdp', () => {
  const headers = ['Via: SIP/2.0/TCP h;branch=z9hG4bK1', 'From: <sip:a@h>;tag=1', 'To: <sip:conf@h>', 'Call-ID: gc1', 'CSeq: 1 INVITE'];

  it('returns an application/sdp body itself', () => {
    const m = parseSipMessage(bytes(sipMessage('INVITE sip:b@h SIP/2.0', [...headers, 'Content-Type: application/sdp'], SDP)), newSink())!;
    expect(text(findSdp(m)!)).toBe(SDP);
  });

  it('finds the SDP part of a multipart/mixed body', () => {
    const m = parseSipMessage(bytes(sipMessage('INVITE sip:b@h SIP/2.0', [...headers, 'Content-Type: multipart/mixed;boundary="boundary1"'], groupChatBody('boundary1'))), newSink())!;
    const sdp = findSdp(m)!;
    expect(text(sdp)).toBe(SDP);
    expect(sdp.buffer).toBe(m.raw.buffer);
  });

  it('finds SDP in a nested multipart', () => {
    const inner = crlf('--in', 'Content-Type: application/sdp', '', SDP, '--in--');
    const outer = crlf('--out', 'Content-Type: multipart/related;boundary=in', '', inner, '--out--');
    const m = parseSipMessage(bytes(sipMessage('INVITE sip:b@h SIP/2.0', [...headers, 'Content-Type: multipart/mixed;boundary=out'], outer)), newSink())!;
    expect(text(findSdp(m)!)).toBe(SDP);
  });

  it('returns null without SDP', () => {
    const m1 = parseSipMessage(bytes(sipMessage('MESSAGE sip:b@h SIP/2.0', [...headers, 'Content-Type: text/plain'], 'hi')), newSink())!;
    expect(findSdp(m1)).toBeNull();
    const m2 = parseSipMessage(bytes(sipMessage('INVITE sip:b@h SIP/2.0', headers)), newSink())!;
    expect(findSdp(m2)).toBeNull();
    const m3 = parseSipMessage(bytes(sipMessage('INVITE sip:b@h SIP/2.0', [...headers, 'Content-Type: multipart/mixed;boundary=b'], crlf('--b', 'Content-Type: text/plain', '', 'x', '--b--'))), newSink())!;
    expect(findSdp(m3)).toBeNull();
  });
});
