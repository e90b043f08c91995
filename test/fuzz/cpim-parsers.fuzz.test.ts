/**
 * Fuzz tests of the CPIM, IMDN, isComposing and XML parsers (fast-check): mutated valid documents and
 * random bytes. Asserts: never throws, terminates, returns a value or null.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCpim } from '../../src/protocols/msrp/parse-cpim.js';
import { parseImdn } from '../../src/protocols/msrp/parse-imdn.js';
import { parseIsComposing } from '../../src/protocols/msrp/parse-is-composing.js';
import { parseXml } from '../../src/protocols/msrp/xml-scan.js';
import { checkProperty, randOf } from '../helpers/check-property.js';
import { enc, newCounter } from '../helpers/msrp-test-helpers.js';

const SEEDS = [
  'From: Alice <im:alice@example.com>\r\nTo: Bob <im:bob@example.com>\r\nNS: imdn <urn:ietf:params:imdn>\r\nimdn.Message-ID: 34jk324j\r\nDateTime: 2006-04-04T12:16:49-05:00\r\nimdn.Disposition-Notification: positive-delivery, display\r\n\r\nContent-type: text/plain\r\nContent-length: 11\r\n\r\nHello World',
  '<?xml version="1.0" encoding="UTF-8"?>\n<imdn xmlns="urn:ietf:params:xml:ns:imdn"><message-id>34jk324j</message-id><datetime>2008-04-04T12:16:49-05:00</datetime><recipient-uri>im:bob@example.com</recipient-uri><delivery-notification><status><delivered/></status></delivery-notification></imdn>',
  '<?xml version="1.0"?><isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing"><state>active</state><contenttype>text/plain</contenttype><refresh>60</refresh></isComposing>',
];
const TOKENS = ['<', '>', '/>', '</', '&', '&amp;', '&#x', ';', '"', "'", '<![CDATA[', ']]>', '<!--', '-->', '<?', '?>', '<!DOCTYPE', 'xmlns:p="u"', '\r\n', '\r\n\r\n', ':', '.', ';lang=', '<', 'NS: '];

function mutate(rnd: () => number, s: Uint8Array): Uint8Array {
  const b = Array.from(s);
  for (let k = 1 + Math.floor(rnd() * 6); k > 0 && b.length > 0; k--) {
    const at = Math.floor(rnd() * b.length);
    const op = rnd();
    if (op < 0.3) b[at] = Math.floor(rnd() * 256);
    else if (op < 0.55) b.splice(at, 1 + Math.floor(rnd() * 10));
    else if (op < 0.85) b.splice(at, 0, ...enc(TOKENS[Math.floor(rnd() * TOKENS.length)]!));
    else b.splice(at, 0, ...b.slice(0, Math.floor(rnd() * b.length)));
  }
  return Uint8Array.from(b);
}

function all(input: Uint8Array): void {
  const a = newCounter();
  const c = parseCpim(input, a, 1, { maxHeaderBytes: 4096 });
  if (c !== null) {
    expect(c.body.length).toBeLessThanOrEqual(input.length);
    if (c.contentType === 'message/imdn+xml') parseImdn(c.body, a);
  }
  parseImdn(input, a);
  parseIsComposing(input, a);
  const x = parseXml(input, { maxBytes: 16 * 1024, maxDepth: 8, maxElements: 64 });
  expect('root' in x || 'error' in x).toBe(true);
}

describe('CPIM / IMDN / isComposing parsers fuzz', () => {
  it('never throw on mutated valid documents', () => {
    checkProperty(
      { seed: 1, numRuns: 1500 },
      fc.property(fc.constantFrom(...SEEDS), fc.gen(), (doc, g) => {
        all(mutate(randOf(g), enc(doc)));
      }),
    );
  });

  it('never throw on random bytes', () => {
    checkProperty(
      { seed: 77_001, numRuns: 500 },
      fc.property(fc.uint8Array({ maxLength: 599 }), (b) => {
        all(b);
      }),
    );
  });

  it('terminates quickly on a deeply nested and a very wide document', () => {
    const deep = enc('<a>'.repeat(5000) + '</a>'.repeat(5000));
    expect(parseXml(deep)).toEqual({ error: 'depth' });
    const wide = enc(`<r>${'<e/>'.repeat(20_000)}</r>`);
    expect(parseXml(wide, { maxBytes: 1 << 20 })).toEqual({ error: 'elements' });
  });
});
