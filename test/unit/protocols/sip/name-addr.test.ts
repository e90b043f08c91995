import { describe, expect, it } from 'vitest';
import { parseNameAddr } from '../../../../src/protocols/sip/name-addr.js';
import { splitHeaderValues } from '../../../../src/protocols/sip/split-header-values.js';
import { parseVia } from '../../../../src/protocols/sip/via.js';
import { parseContentType } from '../../../../src/protocols/sip/content-type.js';
import { parseCSeq } from '../../../../src/protocols/sip/cseq.js';
import { parseHeaderParams } from '../../../../src/protocols/sip/header-params.js';

describe('parseNameAddr (RFC 3261 20.10, 25.1)', () => {
  it.each([
    // value, displayName, uriText, tag
    ['Alice <sip:alice@atlanta.com>;tag=1928301774', 'Alice', 'sip:alice@atlanta.com', '1928301774'],
    ['"Bob" <sips:bob@biloxi.com> ;tag=a48s', 'Bob', 'sips:bob@biloxi.com', 'a48s'],
    ['<sip:+12125551212@phone2net.com>;tag=887s', null, 'sip:+12125551212@phone2net.com', '887s'],
    ['sip:+12125551212@server.phone2net.com;tag=887s', null, 'sip:+12125551212@server.phone2net.com', '887s'],
    ['Anonymous <sip:c8oqz84zk7z@privacy.org>;tag=hyh8', 'Anonymous', 'sip:c8oqz84zk7z@privacy.org', 'hyh8'],
    ['The   Operator  <sip:operator@cs.columbia.edu>', 'The Operator', 'sip:operator@cs.columbia.edu', null],
    [String.raw`"J Rosenberg \\\"" <sip:jdrosen@example.com>;tag=98asjd8`, 'J Rosenberg \\"', 'sip:jdrosen@example.com', '98asjd8'],
    ['"" <sip:a@b>', null, 'sip:a@b', null],
    ['"Smith, ;John<>" <sip:j@h;lr>;TAG=x', 'Smith, ;John<>', 'sip:j@h;lr', 'x'],
    ['tel:+14085264000', null, 'tel:+14085264000', null],
    ['<sip:a@b;user=phone>', null, 'sip:a@b;user=phone', null],
  ] as const)('%s', (v, dn, uriText, tag) => {
    const na = parseNameAddr(v)!;
    expect(na).not.toBeNull();
    expect(na.displayName).toBe(dn);
    expect(na.uriText).toBe(uriText);
    expect(na.tag).toBe(tag);
    expect(na.uri).not.toBeNull();
  });

  it('puts URI parameters of an addr-spec without <> into header parameters (RFC 3261 20.10)', () => {
    const na = parseNameAddr('sip:alice@atlanta.com;user=phone;tag=9')!;
    expect(na.uriText).toBe('sip:alice@atlanta.com');
    expect(na.params.get('user')).toBe('phone');
    expect(na.tag).toBe('9');
  });

  it('keeps an unparseable URI as text', () => {
    const na = parseNameAddr('<not a uri>')!;
    expect(na.uri).toBeNull();
    expect(na.uriText).toBe('not a uri');
  });

  it.each(['', '   ', '"unterminated <sip:a@b>', '"x" sip:a@b', '<sip:a@b', 'Name <>'])('rejects %j', (v) => {
    expect(parseNameAddr(v)).toBeNull();
  });
});

describe('splitHeaderValues (RFC 3261 7.3.1)', () => {
  it.each([
    ['a, b ,c', ['a', 'b', 'c']],
    ['"x, y" <sip:a@b>, <sip:c@d;p=1,2>', ['"x, y" <sip:a@b>', '<sip:c@d;p=1,2>']],
    [String.raw`"q \", still" <sip:a@b>, c`, [String.raw`"q \", still" <sip:a@b>`, 'c']],
    [';;,,;;,;', [';;', ';;', ';']],
    ['', []],
    [' , ,', []],
    ['"open, quote', ['"open, quote']],
  ] as const)('%j', (v, out) => {
    expect(splitHeaderValues(v)).toEqual(out);
  });
});

describe('small header grammars', () => {
  it('parseVia tolerates LWS in the sent-protocol and handles IPv6 and ports', () => {
    expect(parseVia('SIP  /   2.0 /UDP 192.0.2.2;branch=390skdjuw')).toMatchObject({
      protocol: 'SIP/2.0/UDP',
      transport: 'UDP',
      host: '192.0.2.2',
      port: null,
      branch: '390skdjuw',
    });
    expect(parseVia('SIP/2.0/tls [2001:db8::9]:5061;received=x;branch=z9hG4bK1;rport')).toMatchObject({
      transport: 'TLS',
      host: '[2001:db8::9]',
      port: 5061,
      branch: 'z9hG4bK1',
    });
    expect(parseVia('SIP/2.0/UDP 192.0.2.15;;,;,,')?.branch).toBeNull();
    expect(parseVia('garbage')).toBeNull();
    expect(parseVia('SIP/2.0/UDP host:70000')).toBeNull();
  });

  it('parseContentType', () => {
    const ct = parseContentType('Multipart/Mixed ; boundary="unique-boundary-1";charset=UTF-8')!;
    expect(ct.mediaType).toBe('multipart/mixed');
    expect(ct.params.get('boundary')).toBe('unique-boundary-1');
    expect(ct.params.get('charset')).toBe('UTF-8');
    expect(parseContentType('application')).toBeNull();
    expect(parseContentType('/sdp')).toBeNull();
  });

  it('parseCSeq', () => {
    expect(parseCSeq('0009 INVITE')).toEqual({ seq: 9, method: 'INVITE' });
    expect(parseCSeq('1 RE%47IST%45R')).toEqual({ seq: 1, method: 'RE%47IST%45R' });
    expect(parseCSeq('INVITE 1')).toBeNull();
    expect(parseCSeq('99999999999 INVITE')).toBeNull();
  });

  it('parseHeaderParams: LWS, quotes, first wins', () => {
    const p = parseHeaderParams(' ;  tag = a ; x="q;uoted" ; tag=b; ;flag');
    expect([...p]).toEqual([
      ['tag', 'a'],
      ['x', 'q;uoted'],
      ['flag', null],
    ]);
  });
});
