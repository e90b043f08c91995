/**
 * Fuzz/property tests of the pure SIP parsers: on mutated valid messages and random bytes they
 * never throw, terminate quickly, and report only registered anomaly codes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAnomalyCode, type AnomalySink } from '../../src/core/anomaly.js';
import { MAX_SIP_HEADER_FIELDS, parseSipMessage, SIP_PAST_CAP } from '../../src/protocols/sip/parse-sip-message.js';
import { findSdp } from '../../src/protocols/sip/find-sdp.js';
import { parseMultipart } from '../../src/protocols/sip/parse-multipart.js';
import { parseContentType } from '../../src/protocols/sip/content-type.js';
import { parseUri } from '../../src/protocols/sip/sip-uri.js';
import { parseNameAddr } from '../../src/protocols/sip/name-addr.js';
import { parseVia } from '../../src/protocols/sip/via.js';
import { e164Key, normalizeIdentity } from '../../src/protocols/sip/normalize-identity.js';
import { splitHeaderValues } from '../../src/protocols/sip/split-header-values.js';
import { checkProperty, randOf } from '../helpers/check-property.js';
import { bytes, crlf, interestingBytes, msrpInvite, mutate, sipMessage, text } from '../helpers/sip-test-helpers.js';

/** A sink that fails the test on an unregistered code. */
function checkingSink(): AnomalySink & { n: number } {
  return {
    n: 0,
    report(code) {
      if (!isAnomalyCode(code)) throw new Error(`unregistered anomaly code ${String(code)}`);
      this.n++;
    },
  };
}

const SEEDS: Uint8Array[] = [
  bytes(msrpInvite()),
  bytes(
    sipMessage(
      'INVITE sip:conf@h SIP/2.0',
      ['Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: "A, B" <sip:a@h>;tag=1', 'To: <sip:conf@h>', 'Call-ID: c', 'CSeq: 1 INVITE', 'P-Asserted-Identity: "A" <sip:a@h>, tel:+4915112345678', 'Content-Type: multipart/mixed;boundary=b'],
      crlf('--b', 'Content-Type: application/sdp', '', 'v=0', 'm=message 9 TCP/MSRP *', '--b', 'Content-Type: text/plain', '', 'x', '--b--'),
    ),
  ),
  bytes(crlf('SIP/2.0 200 OK', 'v: SIP/2.0/TCP h;branch=z9hG4bK2', 'f: <sip:a@h>;tag=1', 't: <sip:b@h>;tag=2', 'i: c', 'CSeq: 1 INVITE', 'm: <sip:b@h>', 'l: 0', '', '')),
];

describe('fuzz: parseSipMessage and its helpers', () => {
  it('never throws on mutated messages; returned views stay inside the input', () => {
    const t0 = Date.now();
    checkProperty(
      { seed: 0x5105eed, numRuns: 3000 },
      fc.property(fc.constantFrom(...SEEDS), fc.gen(), fc.nat(), (seed, g, frameNo) => {
        const input = mutate(seed, randOf(g));
        const sink = checkingSink();
        const m = parseSipMessage(input, sink, frameNo);
        if (m === null) return;
        expect(m.raw.length).toBeLessThanOrEqual(input.length);
        expect(m.body.byteOffset + m.body.length).toBeLessThanOrEqual(input.byteOffset + input.length);
        // Exercise every lazy accessor.
        void m.contact;
        void m.pAssertedIdentity;
        void m.pPreferredIdentity;
        void m.conversationId;
        m.headers('via');
        m.header('route');
        const sdp = findSdp(m, sink);
        if (sdp !== null) expect(sdp.buffer).toBe(input.buffer);
        if (m.from?.uri !== null && m.from !== null) normalizeIdentity(m.from.uriText);
      }),
    );
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('never throws on random bytes', () => {
    checkProperty(
      { seed: 42, numRuns: 3000 },
      fc.property(interestingBytes(600), fc.boolean(), (input, startLine) => {
        // Half the cases get a valid start line so the header parser sees random input.
        const withStart = startLine ? new Uint8Array([...bytes('MESSAGE sip:a@b SIP/2.0\r\n'), ...input]) : input;
        parseSipMessage(withStart, checkingSink(), 1);
      }),
    );
  });

  it('never throws in the URI, name-addr, Via, identity and multipart grammars', () => {
    const seeds = [
      '"J Rosenberg \\\\\\"" <sip:jdrosen@example.com;lr>;tag=98asjd8',
      'sip:+49-151-1234@[2001:db8::1]:5060;user=phone?x=y&z',
      'tel:+1-201-555-0123;phone-context=example.com;ext=1',
      'SIP  /   2.0 /UDP 192.0.2.2;branch=390skdjuw',
      'multipart/mixed; boundary="b"',
    ];
    checkProperty(
      { seed: 7, numRuns: 5000 },
      fc.property(fc.constantFrom(...seeds), fc.gen(), interestingBytes(300), (seed, g, body) => {
        const s = text(mutate(bytes(seed), randOf(g)));
        parseUri(s);
        parseNameAddr(s);
        parseVia(s);
        normalizeIdentity(s);
        e164Key(s);
        splitHeaderValues(s);
        const ct = parseContentType(s);
        if (ct !== null) parseMultipart(body, ct, checkingSink());
      }),
    );
  });

  it('parseMultipart never throws on mutated multipart bodies and keeps parts inside the body', () => {
    const ct = parseContentType('multipart/mixed;boundary=b')!;
    const seed = bytes(crlf('pre', '--b', 'Content-Type: application/sdp', '', 'v=0', '--b ', '', 'raw', '--b--', 'epi'));
    checkProperty(
      { seed: 99, numRuns: 3000 },
      fc.property(fc.gen(), (g) => {
        const body = mutate(seed, randOf(g));
        const parts = parseMultipart(body, ct, checkingSink());
        for (const p of parts ?? []) {
          expect(p.body.byteOffset).toBeGreaterThanOrEqual(body.byteOffset);
          expect(p.body.byteOffset + p.body.length).toBeLessThanOrEqual(body.byteOffset + body.length);
        }
      }),
    );
  });
});

describe('fuzz: parseSipMessage past the header-field cap', () => {
  it('never throws, keeps a bounded number of fields, and does bounded work on messages with hundreds of headers', () => {
    const essential = [
      'From: <sip:a@h>;tag=1',
      'f: <sip:a@h>',
      'To: <sip:b@h>',
      't: <sip:b@h>',
      'Call-ID: c',
      'i: c',
      'CSeq: 1 INVITE',
      'Via: SIP/2.0/UDP h;branch=z9hG4bK1',
      'v: SIP/2.0/UDP h',
      'Contact: <sip:a@h>',
      'm: <sip:a@h>',
      'P-Asserted-Identity: <sip:a@h>',
      'Record-Route: <sip:p;lr>',
      'c: application/sdp',
      'l: 3',
    ];
    const t0 = Date.now();
    let bytesParsed = 0;
    // A header line: one of the essential keys (15 %) or a filler X-J<k> with a 0..29-byte value.
    const line = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(essential.length - 1), fc.nat(29));
    checkProperty(
      { seed: 0xca95, numRuns: 300 },
      fc.property(fc.array(line, { minLength: 200, maxLength: 1699 }), fc.boolean(), fc.gen(), (drawn, mutated, g) => {
        const lines = drawn.map(([u, e, len], k) => (u < 0.15 ? essential[e]! : `X-J${k}: ${'x'.repeat(len)}`));
        // Keep datagram-sized inputs (the largest a UDP datagram carries is 64 KiB).
        const msg = bytes(sipMessage('INVITE sip:b@h SIP/2.0', lines, 'v=0').slice(0, 65_000));
        const input = mutated ? mutate(msg, randOf(g)) : msg;
        bytesParsed += input.length;
        const sink = checkingSink();
        const m = parseSipMessage(input, sink, 1);
        if (m === null) return;
        // At most the cap, plus SIP_PAST_CAP.maxPerKey of each essential key.
        expect(m.fields.length).toBeLessThanOrEqual(MAX_SIP_HEADER_FIELDS + SIP_PAST_CAP.keys.size * SIP_PAST_CAP.maxPerKey);
        const past = new Map<string, number>();
        for (const f of m.fields.slice(MAX_SIP_HEADER_FIELDS)) {
          expect(SIP_PAST_CAP.keys.has(f.key)).toBe(true);
          past.set(f.key, (past.get(f.key) ?? 0) + 1);
        }
        for (const c of past.values()) expect(c).toBeLessThanOrEqual(SIP_PAST_CAP.maxPerKey);
        void m.contact;
        void m.pAssertedIdentity;
        findSdp(m, sink);
      }),
    );
    expect(bytesParsed).toBeGreaterThan(1_000_000);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });
});
