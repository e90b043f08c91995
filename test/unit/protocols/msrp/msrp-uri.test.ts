import { describe, expect, it } from 'vitest';
import { formatMsrpUri, msrpUriKey, parseMsrpUri, parseMsrpUriList } from '../../../../src/protocols/msrp/msrp-uri.js';

describe('parseMsrpUri (RFC 4975 section 9)', () => {
  it.each([
    ['msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp', { scheme: 'msrp', user: null, host: 'biloxi.example.com', ipv6: false, port: 12763, sessionId: 'kjhd37s2s20w2a', transport: 'tcp', params: [] }],
    ['MSRPS://alice@intra.example.com;tcp', { scheme: 'msrps', user: 'alice', host: 'intra.example.com', port: null, sessionId: null, transport: 'tcp' }],
    [
      'msrp://[2001:db8::1]:2855/a+b=c/d;tcp;p1=x;flag',
      {
        host: '2001:db8::1',
        ipv6: true,
        port: 2855,
        sessionId: 'a+b=c/d',
        params: [
          { name: 'p1', value: 'x' },
          { name: 'flag', value: null },
        ],
      },
    ],
    ['msrp://[::127]/s1;tcp', { host: '::127', ipv6: true, port: null }],
    ['msrp://192.0.2.7:7777/iau39;sctp', { host: '192.0.2.7', transport: 'sctp' }],
    ['msrp://us%40er:pw@h.example.com:1/x;tcp', { user: 'us%40er:pw', host: 'h.example.com' }],
  ])('parses %s', (text, expected) => {
    expect(parseMsrpUri(text)).toMatchObject({ ...expected, raw: text });
  });

  it.each([
    'sip:alice@example.com',
    'msrp://host.example.com/s1', // no transport
    'msrp://host.example.com:99999/s1;tcp', // port out of range
    'msrp://host.example.com:12ab/s1;tcp',
    'msrp://[2001:db8::1/s;tcp', // unclosed literal
    'msrp://[zz]/s;tcp',
    'msrp:///s;tcp', // empty host
    'msrp://h.example.com/s id;tcp', // space in session-id
    'msrp://h.example.com/s;t-c-p', // transport not alphanumeric
    'msrp://h.example.com/s;tcp;=x', // empty parameter name
    'msrp://h.example.com/s#frag;tcp',
    '',
  ])('rejects %j', (text) => {
    expect(parseMsrpUri(text)).toBeNull();
  });

  it('parses a path list and counts invalid items', () => {
    const r = parseMsrpUriList('msrp://relay.example.com:2855/r1;tcp  msrp://bob.example.com:8888/9di4;tcp bogus');
    expect(r.uris.map((u) => u.sessionId)).toEqual(['r1', '9di4']);
    expect(r.invalid).toBe(1);
  });

  it('compares per section 6.1: scheme/host/transport case-insensitive, session-id case-sensitive, userinfo ignored', () => {
    const key = (s: string): string => msrpUriKey(parseMsrpUri(s)!);
    expect(key('MSRP://u@Host.Example.COM:1/AbC;TCP')).toBe(key('msrp://host.example.com:1/AbC;tcp'));
    expect(key('msrp://host.example.com:1/abc;tcp')).not.toBe(key('msrp://host.example.com:1/AbC;tcp'));
    expect(key('msrp://host.example.com:1/abc;tcp')).not.toBe(key('msrp://host.example.com:2/abc;tcp'));
  });

  it('formats back to the same text', () => {
    for (const s of ['msrp://a@[2001:db8::1]:2855/s;tcp;x=1', 'msrps://relay.example.com;tcp', 'msrp://h.example.com:1/s/t;tcp;y']) {
      expect(formatMsrpUri(parseMsrpUri(s)!)).toBe(s);
    }
  });
});

describe('parseMsrpUri: repeated texts', () => {
  it('returns the same frozen result for the same text, and distinct results for distinct texts', () => {
    const a = parseMsrpUri('msrp://10.0.0.1:2855/cache-test-1;tcp;x=y');
    const b = parseMsrpUri('msrp://10.0.0.1:2855/cache-test-1;tcp;x=y');
    expect(a).not.toBeNull();
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a!.params)).toBe(true);
    expect(parseMsrpUri('msrp://10.0.0.1:2855/cache-test-2;tcp')!.sessionId).toBe('cache-test-2');
    // An invalid text stays invalid when met again.
    expect(parseMsrpUri('msrp://10.0.0.1:2855/bad id;tcp')).toBeNull();
    expect(parseMsrpUri('msrp://10.0.0.1:2855/bad id;tcp')).toBeNull();
  });
});
