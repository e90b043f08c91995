import { describe, expect, it } from 'vitest';
import { e164Key, normalizeIdentity } from '../../../../src/protocols/sip/normalize-identity.js';

describe('normalizeIdentity', () => {
  it.each([
    // input, key
    ['sip:alice@atlanta.example.com', 'sip:alice@atlanta.example.com'],
    ['SIP:alice@ATLANTA.Example.COM', 'sip:alice@atlanta.example.com'],
    ['sips:alice@atlanta.example.com', 'sip:alice@atlanta.example.com'],
    ['sip:alice@atlanta.example.com:5061;transport=tls?subject=x', 'sip:alice@atlanta.example.com'],
    ['sip:alice:pw@atlanta.example.com', 'sip:alice@atlanta.example.com'],
    ['"Alice A." <sip:alice@atlanta.example.com;lr>;tag=88', 'sip:alice@atlanta.example.com'],
    ['  <sip:alice@atlanta.example.com>  ', 'sip:alice@atlanta.example.com'],
    ['sip:%61lice@atlanta.example.com', 'sip:alice@atlanta.example.com'],
    ['sip:%75se%72@example.com', 'sip:user@example.com'],
    ['sip:I%20have%20spaces@example.net', 'sip:I%20have%20spaces@example.net'],
    ['sip:a%2bb@h', 'sip:a+b@h'],
    ['sip:\u00c3\u00a4@h', 'sip:%C3%A4@h'],
    ['sip:%c3%a4@h', 'sip:%C3%A4@h'],
    ['sip:Alice@h', 'sip:Alice@h'],
    ['sip:atlanta.example.com', 'sip:atlanta.example.com'],
    ['sip:[2001:DB8::1]', 'sip:[2001:db8::1]'],
    ['tel:+4915112345678', 'tel:+4915112345678'],
    ['TEL:+49-151-1234.5678;ext=12', 'tel:+4915112345678'],
    ['tel:+49(151)12345678;phone-context=+49', 'tel:+4915112345678'],
    ['sip:+4915112345678@ims.example.net;user=phone', 'tel:+4915112345678'],
    ['<sip:+49-151-12345678@ims.example.net;user=phone>;tag=1', 'tel:+4915112345678'],
    ['sip:%2B4915112345678@ims.example.net;user=phone', 'tel:+4915112345678'],
    ['sip:+4915112345678;npdi;rn=+4915100000@ims.example.net;user=phone', 'tel:+4915112345678'],
    ['sip:+4915112345678@ims.example.net', 'sip:+4915112345678@ims.example.net'],
    ['+49 151 1234-5678', 'tel:+4915112345678'],
    ['tel:7042;phone-context=Example.COM', 'tel:7042;phone-context=example.com'],
    ['tel:70-42;phone-context=+1-212', 'tel:7042;phone-context=+1212'],
    ['sip:7042;phone-context=example.com@gw.example.com;user=phone', 'tel:7042;phone-context=example.com'],
    ['sip:7042@gw.example.com;user=phone', 'sip:7042@gw.example.com'],
  ])('%s → %s', (input, key) => {
    expect(normalizeIdentity(input)).toBe(key);
  });

  it('distinguishes what must stay different', () => {
    const k = (s: string): string | null => normalizeIdentity(s);
    expect(k('sip:alice@a.example')).not.toBe(k('sip:Alice@a.example'));
    expect(k('sip:alice@a.example')).not.toBe(k('sip:alice@b.example'));
    expect(k('tel:+4915112345678')).not.toBe(k('tel:+4915112345679'));
    expect(k('sip:+4915112345678@h')).not.toBe(k('tel:+4915112345678'));
    expect(k('tel:7042;phone-context=a.example')).not.toBe(k('tel:7042;phone-context=b.example'));
  });

  it.each(['', 'alice', 'mailto:alice@example.com', 'urn:service:sos', '4915112345678', 'tel:7042', 'sip:', '"x" <>'])('returns null for %j', (input) => {
    expect(normalizeIdentity(input)).toBeNull();
  });
});

describe('e164Key', () => {
  it.each([
    ['tel:+49-151-12345678', '+4915112345678'],
    ['sip:+4915112345678@ims.example.net;user=phone', '+4915112345678'],
    ['sip:+4915112345678@ims.example.net', '+4915112345678'],
    ['"A" <sip:+4915112345678;npdi@h>', '+4915112345678'],
    ['+49 (151) 12345678', '+4915112345678'],
    ['4915112345678', '+4915112345678'],
    ['015112345678', null],
    ['tel:7042;phone-context=example.com', null],
    ['sip:alice@h', null],
    ['sip:4915112345678@h', null],
    ['+1234567890123456', null],
    ['mailto:a@b', null],
    ['', null],
  ])('%s → %s', (input, key) => {
    expect(e164Key(input)).toBe(key);
  });
});
