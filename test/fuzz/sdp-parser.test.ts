/**
 * Fuzz/property tests of the SDP parser and the MSRP/RFC 5547 value grammars: never throw,
 * terminate, report only registered codes. fast-check runs (test/helpers/check-property.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAnomalyCode, type AnomalySink } from '../../src/core/anomaly.js';
import { parseSdp } from '../../src/protocols/sdp/parse-sdp.js';
import { parseMsrpUri } from '../../src/protocols/msrp/msrp-uri.js';
import { parseFileDate, parseFileRange, parseFileSelector } from '../../src/protocols/sdp/file-selector.js';
import { checkProperty, randOf } from '../helpers/check-property.js';
import { bytes, interestingBytes, mutate, text } from '../helpers/sip-test-helpers.js';

const sink: AnomalySink = {
  report(code) {
    if (!isAnomalyCode(code)) throw new Error(`unregistered anomaly code ${String(code)}`);
  },
};

const SEED = bytes(
  [
    'v=0',
    'o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com',
    's=-',
    'c=IN IP6 2001:db8::1',
    't=0 0',
    'm=message 7654 TCP/TLS/MSRP *',
    'a=accept-types:message/cpim text/plain',
    'a=accept-wrapped-types:*',
    'a=path:msrps://relay.example.net:2855/r;tcp msrp://[2001:db8::1]:7654/jshA7we;tcp',
    'a=max-size:2048',
    'a=setup:actpass',
    'a=msrp-cema',
    'a=file-selector:name:"p.jpg" type:image/jpeg size:32349 hash:sha-1:72:24:5F',
    'a=file-date:creation:"Mon, 15 May 2006 15:01:31 +0300"',
    'a=file-range:1-*',
    '',
  ].join('\r\n'),
);

describe('fuzz: parseSdp', () => {
  it('never throws on mutated SDP; MSRP sections have only parsed path URIs', () => {
    const t0 = Date.now();
    checkProperty(
      { seed: 0x5d9, numRuns: 4000 },
      fc.property(fc.gen(), fc.nat(), (g, frameNo) => {
        const sd = parseSdp(mutate(SEED, randOf(g)), sink, frameNo);
        for (const m of sd?.media ?? []) for (const u of m.msrp?.path ?? []) expect(u.transport).toMatch(/^[a-z0-9]+$/i);
      }),
    );
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('never throws on random bytes', () => {
    checkProperty(
      { seed: 3, numRuns: 3000 },
      fc.property(interestingBytes(800), (b) => {
        parseSdp(b, sink);
      }),
    );
  });

  it('value grammars never throw on mutated values', () => {
    const seeds = ['msrp://[2001:db8::1]:7654/jshA7we;tcp;x=1', 'name:"a b" size:1 hash:sha-1:00:11 type:a/b;c="d e"', 'creation:"x" read:"y"', '1-32349'];
    checkProperty(
      { seed: 11, numRuns: 5000 },
      fc.property(fc.constantFrom(...seeds), fc.gen(), (seed, g) => {
        const s = text(mutate(bytes(seed), randOf(g)));
        parseMsrpUri(s);
        parseFileSelector(s);
        parseFileDate(s);
        parseFileRange(s);
      }),
    );
  });
});
