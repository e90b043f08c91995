import { describe, expect, it } from 'vitest';
import { msrpUriEquals, parseMsrpUri } from '../../../../src/protocols/sdp/msrp-uri.js';

describe('parseMsrpUri (RFC 4975 9)', () => {
  it.each([
    // uri, scheme, user, host, ipv6, port, sessionId, transport
    ['msrp://atlanta.example.com:7654/jshA7weztas;tcp', 'msrp', null, 'atlanta.example.com', false, 7654, 'jshA7weztas', 'tcp'],
    ['MSRPS://Relay.Example.Net;TCP', 'msrps', null, 'Relay.Example.Net', false, null, null, 'tcp'],
    ['msrp://bob@biloxi.example.com:12763/kjhd37s2s20w2a;tcp', 'msrp', 'bob', 'biloxi.example.com', false, 12763, 'kjhd37s2s20w2a', 'tcp'],
    ['msrp://192.0.2.1:2855/a+b=c/d;tcp', 'msrp', null, '192.0.2.1', false, 2855, 'a+b=c/d', 'tcp'],
    ['msrp://[2001:db8::1]:2855/s1;tcp', 'msrp', null, '2001:db8::1', true, 2855, 's1', 'tcp'],
    ['msrp://[::1]/s;ws', 'msrp', null, '::1', true, null, 's', 'ws'],
  ] as const)('%s', (t, scheme, user, host, ipv6, port, sessionId, transport) => {
    expect(parseMsrpUri(t)).toMatchObject({ scheme, user, host, ipv6, port, sessionId, transport, raw: t });
  });

  it('keeps URI parameters', () => {
    const u = parseMsrpUri('msrp://h:1/s;tcp;Foo=bar;flag')!;
    expect([...u.params]).toEqual([
      ['foo', 'bar'],
      ['flag', null],
    ]);
  });

  it.each([
    '',
    'msrp://h:1/s',
    'msrp://h:1/s;',
    'msrp://h:1/s;t-c',
    'http://h:1/s;tcp',
    'msrp:h:1/s;tcp',
    'msrp://:1/s;tcp',
    'msrp://h:99999/s;tcp',
    'msrp://h:x/s;tcp',
    'msrp://[2001:db8::1/s;tcp',
    'msrp://[zz]/s;tcp',
    'msrp://h/;tcp',
    'msrp://h/a b;tcp',
  ])('rejects %j', (t) => {
    expect(parseMsrpUri(t)).toBeNull();
  });
});

describe('msrpUriEquals (RFC 4975 6.1)', () => {
  const eq = (a: string, b: string): boolean => msrpUriEquals(parseMsrpUri(a)!, parseMsrpUri(b)!);
  it('ignores case of scheme, host and transport and ignores userinfo and parameters', () => {
    expect(eq('msrp://Alice.Example.com:7654/abc;tcp', 'MSRP://alice.example.com:7654/abc;TCP')).toBe(true);
    expect(eq('msrp://u@h:1/abc;tcp;x=1', 'msrp://h:1/abc;tcp')).toBe(true);
  });
  it('distinguishes session-id case, ports, explicit vs absent port, and scheme', () => {
    expect(eq('msrp://h:1/abc;tcp', 'msrp://h:1/ABC;tcp')).toBe(false);
    expect(eq('msrp://h:1/abc;tcp', 'msrp://h:2/abc;tcp')).toBe(false);
    expect(eq('msrp://h:2855/abc;tcp', 'msrp://h/abc;tcp')).toBe(false);
    expect(eq('msrp://h:1/abc;tcp', 'msrps://h:1/abc;tcp')).toBe(false);
  });
});
