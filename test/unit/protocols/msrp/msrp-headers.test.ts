import { describe, expect, it } from 'vitest';
import { isMsrpIdent, parseMsrpStatus } from '../../../../src/protocols/msrp/msrp-headers.js';
import { parseByteRange, parseMsrpHeaderLines } from '../../../../src/protocols/msrp/parse-msrp-header-block.js';
import { newCounter } from '../../../helpers/msrp-test-helpers.js';

describe('Byte-Range (RFC 4975 section 7.1.1)', () => {
  it.each([
    ['1-25/25', { start: 1, end: 25, total: 25 }],
    ['1-*/*', { start: 1, end: '*', total: '*' }],
    ['2049-4096/*', { start: 2049, end: 4096, total: '*' }],
    ['11-*/40', { start: 11, end: '*', total: 40 }],
    ['1-0/0', { start: 1, end: 0, total: 0 }],
    [' 5-9/10 ', { start: 5, end: 9, total: 10 }],
  ])('parses %j', (v, expected) => expect(parseByteRange(v)).toEqual(expected));

  it.each(['0-5/5', '5-3/10', '1-25/20', '12-*/10', '1-5', 'a-b/c', '1-5/5/5', '', '1- 5/5', '9999999999999999-1/2'])('rejects %j', (v) => expect(parseByteRange(v)).toBeNull());
});

describe('Status (RFC 4975 section 9)', () => {
  it.each([
    ['000 200 OK', { namespace: 0, code: 200, comment: 'OK' }],
    ['000 413', { namespace: 0, code: 413, comment: null }],
    ['000 408 Request Timeout here', { namespace: 0, code: 408, comment: 'Request Timeout here' }],
  ])('parses %j', (v, expected) => expect(parseMsrpStatus(v)).toEqual(expected));
  it.each(['200 OK', '000 20 OK', '0000 200', 'abc 200'])('rejects %j', (v) => expect(parseMsrpStatus(v)).toBeNull());
});

describe('parseMsrpHeaderLines', () => {
  it('types known headers, keeps every header and tolerates spacing', () => {
    const a = newCounter();
    const h = parseMsrpHeaderLines(
      [
        'To-Path: msrp://relay.example.com:2855/r1;tcp msrp://bob.example.com:8888/b;tcp',
        'From-Path:msrp://alice.example.com:7777/a;tcp',
        'message-id:   abc.123 ',
        'Success-Report: YES',
        'Failure-Report: partial',
        'Min-Expires: 60',
        'Max-Expires: 3600',
        'Authorization: Digest username="alice"',
        'Authentication-Info: nextnonce="x"',
        'X-Other: kept',
      ],
      a,
    );
    expect(h.toPath.map((u) => u.host)).toEqual(['relay.example.com', 'bob.example.com']);
    expect(h.fromPath[0]!.sessionId).toBe('a');
    expect(h.messageId).toBe('abc.123');
    expect([h.successReport, h.failureReport, h.minExpires, h.maxExpires]).toEqual(['yes', 'partial', 60, 3600]);
    expect(h.authorization).toEqual(['Digest username="alice"']);
    expect(h.authenticationInfo).toBe('nextnonce="x"');
    expect(h.all).toHaveLength(10);
    expect(h.all[9]).toEqual({ name: 'X-Other', value: 'kept' });
    expect(a.total()).toBe(0);
  });

  it('reports invalid values and keeps going', () => {
    const a = newCounter();
    const h = parseMsrpHeaderLines(['Expires: soon', 'Failure-Report: always', 'Content-Type: nonsense', 'Message-ID: has space'], a);
    expect([h.expires, h.failureReport, h.contentType, h.messageId]).toEqual([null, null, null, null]);
    expect(a.count('msrp.bad_header_value')).toBe(4);
  });

  it('checks idents', () => {
    expect(isMsrpIdent('a786hjs2')).toBe(true);
    expect(isMsrpIdent('x.y-z+1%2=3')).toBe(true);
    expect(isMsrpIdent('-abc')).toBe(false);
    expect(isMsrpIdent('a b')).toBe(false);
    expect(isMsrpIdent('a'.repeat(65))).toBe(false);
  });
});
