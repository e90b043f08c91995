import { describe, expect, it } from 'vitest';
import { CPIM_HEADERS_NS, IMDN_CPIM_NS, cpimHeaderValues, parseCpim, parseCpimAddress } from '../../../../src/protocols/msrp/parse-cpim.js';
import { parseContentType } from '../../../../src/protocols/msrp/mime-header-block.js';
import { crlf, dec, enc, newCounter } from '../../../helpers/msrp-test-helpers.js';

// An RCS-style chat message with IMDN headers (RFC 5438 section 7.1.1 names these headers).
const CPIM_IMDN =
  crlf(
    'From: Alice <im:alice@example.com>',
    'To: Bob <im:bob@example.com>',
    'NS: imdn <urn:ietf:params:imdn>',
    'imdn.Message-ID: 34jk324j',
    'DateTime: 2006-04-04T12:16:49-05:00',
    'imdn.Disposition-Notification: positive-delivery, Display',
    '',
    'Content-type: text/plain; charset=utf-8',
    'Content-length: 11',
    '',
  ) + 'Hello World';

// Modelled on the RFC 3862 section 2 example: Subject with a language, a namespace with a
// prefix, several To headers and an XML body.
const CPIM_3862 = crlf(
  'From: MR SANDERS <im:piglet@100akerwood.com>',
  'To: Depressed Donkey <im:eeyore@100akerwood.com>',
  'To: <im:pooh@100akerwood.com>',
  'cc: "Owl, the wise" <im:owl@100akerwood.com>',
  'DateTime: 2000-12-13T13:40:00-08:00',
  'Subject: the weather will be fine today',
  "Subject:;lang=fr beau temps prevu pour aujourd'hui",
  'NS: MyFeatures <mid:MessageFeatures@id.foo.com>',
  'Require: MyFeatures.VitalMessageOption',
  'MyFeatures.VitalMessageOption: Confirmation-requested',
  '',
  'Content-type: text/xml; charset=utf-8',
  'Content-ID: <1234567890@foo.com>',
  '',
  '<body>',
  'Here is the text of my message.',
  '</body>',
);

describe('parseCpim (RFC 3862)', () => {
  it('parses CPIM with IMDN headers resolved to urn:ietf:params:imdn', () => {
    const a = newCounter();
    const m = parseCpim(enc(CPIM_IMDN), a)!;
    expect(m.from).toEqual({ name: 'Alice', uri: 'im:alice@example.com' });
    expect(m.to).toEqual([{ name: 'Bob', uri: 'im:bob@example.com' }]);
    expect(m.dateTime).toBe('2006-04-04T12:16:49-05:00');
    expect(m.namespaces).toEqual([{ prefix: 'imdn', uri: IMDN_CPIM_NS }]);
    expect(m.imdn).toEqual({ messageId: '34jk324j', dispositionNotification: ['positive-delivery', 'display'] });
    expect(m.headers.find((h) => h.name === 'Message-ID')).toMatchObject({ prefix: 'imdn', namespace: IMDN_CPIM_NS });
    expect(cpimHeaderValues(m, IMDN_CPIM_NS, 'message-id')).toEqual(['34jk324j']);
    expect(m.contentType).toBe('text/plain');
    expect(dec(m.body)).toBe('Hello World');
    expect(m.outerHeaders).toEqual([]);
    expect(a.total()).toBe(0);
  });

  it('parses the RFC 3862 example shape: several To, cc, Subject languages, prefixed headers', () => {
    const a = newCounter();
    const m = parseCpim(enc(CPIM_3862), a)!;
    expect(m.to.map((t) => t.uri)).toEqual(['im:eeyore@100akerwood.com', 'im:pooh@100akerwood.com']);
    expect(m.to[1]!.name).toBeNull();
    expect(m.cc).toEqual([{ name: 'Owl, the wise', uri: 'im:owl@100akerwood.com' }]);
    expect(m.subjects).toEqual([
      { lang: null, value: 'the weather will be fine today' },
      { lang: 'fr', value: "beau temps prevu pour aujourd'hui" },
    ]);
    expect(cpimHeaderValues(m, 'mid:MessageFeatures@id.foo.com', 'VitalMessageOption')).toEqual(['Confirmation-requested']);
    expect(cpimHeaderValues(m, CPIM_HEADERS_NS, 'Require')).toEqual(['MyFeatures.VitalMessageOption']);
    expect(m.contentHeaders).toContainEqual({ name: 'Content-ID', value: '<1234567890@foo.com>' });
    expect(m.contentType).toBe('text/xml');
    expect(dec(m.body)).toBe('<body>\r\nHere is the text of my message.\r\n</body>\r\n');
    expect(a.total()).toBe(0);
  });

  it('parses a self-contained object with outer MIME headers', () => {
    const m = parseCpim(enc(crlf('Content-Type: message/cpim', '') + CPIM_IMDN))!;
    expect(m.outerHeaders).toEqual([{ name: 'Content-Type', value: ' message/cpim' }]);
    expect(m.from?.uri).toBe('im:alice@example.com');
    expect(dec(m.body)).toBe('Hello World');
  });

  it('accepts bare LF line ends', () => {
    const m = parseCpim(enc(CPIM_IMDN.replace(/\r\n/g, '\n')))!;
    expect(m.imdn.messageId).toBe('34jk324j');
    expect(dec(m.body)).toBe('Hello World');
  });

  it.each([
    ['no blank line after the CPIM headers', 'From: A <im:a@x>\r\nTo: B <im:b@x>\r\n', 'cpim.no_header_end'],
    ['no blank line after the content headers', 'From: A <im:a@x>\r\n\r\nContent-Type: text/plain\r\nHello', 'cpim.no_content_headers_end'],
    ['empty input', '', 'cpim.no_header_end'],
  ])('returns null for %s', (_name, text, code) => {
    const a = newCounter();
    expect(parseCpim(enc(text), a)).toBeNull();
    expect(a.count(code as 'cpim.no_header_end')).toBe(1);
  });

  it('returns null with headers_too_large past the cap', () => {
    const a = newCounter();
    expect(parseCpim(enc(`X: ${'a'.repeat(200)}\r\n\r\n\r\n`), a, 1, { maxHeaderBytes: 64 })).toBeNull();
    expect(a.count('cpim.headers_too_large')).toBe(1);
  });

  it('reports undeclared prefixes, bad NS, bad addresses, bad lines and Content-Length mismatches', () => {
    const a = newCounter();
    const text = crlf('From: nobody', 'NS: not a namespace', 'foo.Bar: 1', 'junk line', '', 'Content-Length: 99', '') + 'abc';
    const m = parseCpim(enc(text), a)!;
    expect(m.from).toBeNull();
    expect(m.headers.find((h) => h.name === 'Bar')).toMatchObject({ prefix: 'foo', namespace: null });
    expect(dec(m.body)).toBe('abc');
    expect(a.toJSON()).toEqual({
      'cpim.bad_address': 1,
      'cpim.bad_header_line': 1,
      'cpim.bad_ns_declaration': 1,
      'cpim.content_length_mismatch': 1,
      'cpim.undeclared_prefix': 1,
    });
  });

  it('honours a Content-Length shorter than the bytes present', () => {
    const m = parseCpim(enc(crlf('From: <im:a@x>', '', 'Content-Length: 3', '') + 'abcdef'))!;
    expect(dec(m.body)).toBe('abc');
  });

  it('parses addresses', () => {
    expect(parseCpimAddress('"Quoted \\"Name\\"" <sip:a@b>')).toEqual({ name: 'Quoted "Name"', uri: 'sip:a@b' });
    expect(parseCpimAddress('<tel:+1234>')).toEqual({ name: null, uri: 'tel:+1234' });
    expect(parseCpimAddress('sip:a@b')).toBeNull();
    expect(parseCpimAddress('A <>')).toBeNull();
  });

  it('parses Content-Type parameters', () => {
    const ct = parseContentType('Message/CPIM; charset="utf-8"; x=y')!;
    expect(ct.mediaType).toBe('message/cpim');
    expect([...ct.params]).toEqual([
      ['charset', 'utf-8'],
      ['x', 'y'],
    ]);
    expect(parseContentType('nonsense')).toBeNull();
  });
});
