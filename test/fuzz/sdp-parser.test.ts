/**
 * Fuzz/property tests of the SDP parser and the MSRP/RFC 5547 value grammars: never throw,
 * terminate, report only registered codes.
 */
import { describe, expect, it } from 'vitest';
import { isAnomalyCode, type AnomalySink } from '../../src/core/anomaly.js';
import { parseSdp } from '../../src/protocols/sdp/parse-sdp.js';
import { parseMsrpUri } from '../../src/protocols/msrp/msrp-uri.js';
import { parseFileDate, parseFileRange, parseFileSelector } from '../../src/protocols/sdp/file-selector.js';
import { bytes, mutate, prng, randomBytes, text } from '../unit/protocols/sip/sip-test-helpers.js';

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
    const rnd = prng(0x5d9);
    const t0 = Date.now();
    for (let i = 0; i < 4000; i++) {
      const sd = parseSdp(mutate(SEED, rnd), sink, i);
      for (const m of sd?.media ?? []) for (const u of m.msrp?.path ?? []) expect(u.transport).toMatch(/^[a-z0-9]+$/i);
    }
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('never throws on random bytes', () => {
    const rnd = prng(3);
    for (let i = 0; i < 3000; i++) parseSdp(randomBytes(rnd, 800), sink);
  });

  it('value grammars never throw on mutated values', () => {
    const rnd = prng(11);
    const seeds = ['msrp://[2001:db8::1]:7654/jshA7we;tcp;x=1', 'name:"a b" size:1 hash:sha-1:00:11 type:a/b;c="d e"', 'creation:"x" read:"y"', '1-32349'];
    for (let i = 0; i < 5000; i++) {
      const s = text(mutate(bytes(seeds[i % seeds.length]!), rnd));
      parseMsrpUri(s);
      parseFileSelector(s);
      parseFileDate(s);
      parseFileRange(s);
    }
  });
});
