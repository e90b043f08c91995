/**
 * The target matcher's keys of an observed identity from one URI parse, or none when the caller
 * hands the parsed URI on (observedKeys through identityKeys, issue 13) ≡ the reference:
 * normalizeIdentity, e164Key and the IMPI of the URI, each parsing the text on its own. On generated, mutated and public (From, To, PAI, R-URI of
 * ../shared/testdata/public) identities.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { observedKeys, type IdentitySource } from '../../src/correlate/target-matcher.js';
import { e164Key, normalizeIdentity } from '../../src/protocols/sip/normalize-identity.js';
import { parseUri, percentDecode } from '../../src/protocols/sip/sip-uri.js';
import { checkProperty, randOf } from '../helpers/check-property.js';
import { bytes, mutate, text } from '../helpers/sip-test-helpers.js';

const PUB = resolve(import.meta.dirname, '../../../shared/testdata/public');

/** The keys as target-matcher.ts computed them before issue 13 (three parses). */
function reference(t: string, source: IdentitySource): string[] {
  if (source === 'authorization') return [`i:${t.toLowerCase()}`];
  const out: string[] = [];
  const n = normalizeIdentity(t);
  if (n !== null) out.push(`n:${n}`);
  const e = e164Key(t);
  if (e !== null) out.push(`e:${e}`);
  const lt = t.indexOf('<');
  const gt = t.indexOf('>', lt + 1);
  const u = parseUri(lt >= 0 && gt > lt ? t.slice(lt + 1, gt) : t);
  if (u !== null && (u.scheme === 'sip' || u.scheme === 'sips') && u.user !== null) {
    const user = percentDecode(u.user);
    const semi = user.indexOf(';');
    out.push(`i:${(semi < 0 ? user : user.slice(0, semi)).toLowerCase()}@${u.host.toLowerCase()}`);
  }
  return out;
}

const SEEDS = [
  'sip:user5@ims.example.net',
  'sips:%61lice@Atlanta.Example.COM:5061;transport=tls',
  'sip:+49-151-1234;phone-context=+49@h.example;user=phone',
  'tel:+49-151-12345678;isub=1',
  'tel:1234;phone-context=Example.com',
  '"Alice <x>" <sip:alice@a.example>;tag=1',
  'Bob <sip:+4915112345678@ims.example.net>',
  ' sip:spaced@h.example ',
  '+49 151 1234-5678',
  '4915112345678',
  '<sip:only@brackets.example>',
  'mailto:x@y',
  'sip:[2001:db8::1]',
  'alice@realm.example',
];

/** From/To/PAI values and Request-URIs of the SIP messages in the public captures. */
function publicIdentities(): string[] {
  const out = new Set<string>();
  for (const f of readdirSync(PUB)) {
    if (!/\.pcap(ng)?$/.test(f)) continue;
    const s = readFileSync(join(PUB, f)).toString('latin1');
    for (const m of s.matchAll(/\r\n(?:From|To|f|t|P-Asserted-Identity|P-Preferred-Identity)[ \t]*:[ \t]*([^\r\n]{1,300})/gi)) out.add(m[1]!);
    for (const m of s.matchAll(/(?:^|\n)(?:INVITE|MESSAGE|BYE|ACK|OPTIONS|REGISTER) ([^ \r\n]{1,300}) SIP\/2\.0\r\n/g)) out.add(m[1]!);
  }
  return [...out];
}

const SOURCES: IdentitySource[] = ['pai', 'from', 'to', 'requestUri', 'cpimFrom', 'authorization'];

describe('observedKeys (one URI parse) ≡ reference (a parse per key)', () => {
  it('seeds and public identities', () => {
    const ids = [...SEEDS, ...publicIdentities()];
    expect(ids.length).toBeGreaterThan(SEEDS.length + 5);
    for (const t of ids) {
      for (const source of SOURCES) {
        expect(observedKeys({ text: t, source }), t).toEqual(reference(t, source));
        // With the URI the caller parsed already (a name-addr's uriText and uri).
        expect(observedKeys({ text: t, source, uri: parseUri(t) }), t).toEqual(reference(t, source));
      }
    }
  });

  it('mutated identities', () => {
    checkProperty(
      { seed: 0x1d5, numRuns: 5000 },
      fc.property(fc.constantFrom(...SEEDS), fc.constantFrom(...SOURCES), fc.gen(), (seed, source, g) => {
        const t = text(mutate(bytes(seed), randOf(g)));
        expect(observedKeys({ text: t, source })).toEqual(reference(t, source));
        expect(observedKeys({ text: t, source, uri: parseUri(t) })).toEqual(reference(t, source));
      }),
    );
  });
});
