import { describe, expect, it } from 'vitest';
import { parseUri, percentDecode } from '../../../../src/protocols/sip/sip-uri.js';

describe('parseUri (RFC 3261 19.1.1, RFC 3966)', () => {
  it.each([
    // text, scheme, user, host, port
    ['sip:alice@atlanta.com', 'sip', 'alice', 'atlanta.com', null],
    ['SIP:alice@ATLANTA.com:5060', 'sip', 'alice', 'ATLANTA.com', 5060],
    ['sips:alice@atlanta.com', 'sips', 'alice', 'atlanta.com', null],
    ['sip:atlanta.com', 'sip', null, 'atlanta.com', null],
    ['sip:192.0.2.4', 'sip', null, '192.0.2.4', null],
    ['sip:alice@[2001:db8::10]:5070;transport=tcp', 'sip', 'alice', '[2001:db8::10]', 5070],
    ['sip:+1-212-555-1212:1234@gateway.com;user=phone', 'sip', '+1-212-555-1212', 'gateway.com', null],
    ['sip:user;par=u%40example.net@example.com', 'sip', 'user;par=u%40example.net', 'example.com', null],
    ['sip:sips%3Auser%40example.com@example.net', 'sip', 'sips%3Auser%40example.com', 'example.net', null],
    ['tel:+1-201-555-0123', 'tel', '+1-201-555-0123', '', null],
    ['tel:7042;phone-context=example.com', 'tel', '7042', '', null],
  ] as const)('%s', (t, scheme, user, host, port) => {
    const u = parseUri(t)!;
    expect(u).not.toBeNull();
    expect(u.scheme).toBe(scheme);
    expect(u.user).toBe(user);
    expect(u.host).toBe(host);
    expect(u.port).toBe(port);
  });

  it('splits password, parameters and headers', () => {
    const u = parseUri('sip:alice:secretword@atlanta.com;transport=tcp;LR;maddr=239.255.255.1?subject=project%20x&priority=urgent')!;
    expect(u.password).toBe('secretword');
    expect([...u.params]).toEqual([
      ['transport', 'tcp'],
      ['lr', null],
      ['maddr', '239.255.255.1'],
    ]);
    expect([...u.headers]).toEqual([
      ['subject', 'project%20x'],
      ['priority', 'urgent'],
    ]);
  });

  it('keeps TEL parameters', () => {
    const u = parseUri('tel:+358-555-1234567;postd=pp22;isub=1411')!;
    expect(u.params.get('postd')).toBe('pp22');
    expect(u.params.get('isub')).toBe('1411');
  });

  it('returns other schemes opaque', () => {
    const u = parseUri('mailto:alice@example.com')!;
    expect(u.scheme).toBe('other');
    expect(u.schemeName).toBe('mailto');
    expect(u.opaque).toBe('alice@example.com');
  });

  it.each([
    '',
    'alice@atlanta.com',
    ':foo',
    'sip:',
    'sip:@atlanta.com',
    'sip:alice@',
    'sip:alice@atl anta.com',
    'sip:alice@atlanta.com:99999',
    'sip:alice@atlanta.com:port',
    'sip:alice@[2001:db8::1',
    'sip:alice@atlanta.com>junk',
    'tel:',
    'tel:+',
    'tel:abc-xyz',
    '1sip:a@b',
  ])('rejects %j', (t) => {
    expect(parseUri(t)).toBeNull();
  });
});

describe('percentDecode', () => {
  it.each([
    ['%75se%72', 'user'],
    ['I%20have%20spaces', 'I have spaces'],
    ['%Z%45', '%ZE'],
    ['100%', '100%'],
    ['%4', '%4'],
    ['%c3%a4', '\u00c3\u00a4'],
  ])('%s → %j', (a, b) => {
    expect(percentDecode(a)).toBe(b);
  });
});
