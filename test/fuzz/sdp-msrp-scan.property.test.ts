/**
 * Equivalence of the SDP fast path (src/protocols/sdp/scan-msrp-sdp.ts) with the reference
 * (parseSdp): on generated, mutated and public SDP, partySdpOf gives the same result and the
 * same anomalies whichever path ran, the fast path answers only for SDP the reference reads
 * without an anomaly, and it answers for every such ASCII SDP (so it is no silent no-op).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnomalySink } from '../../src/core/anomaly.js';
import { partySdpOfBytes } from '../../src/correlate/party-sdp.js';
import { splitSelectors } from '../../src/protocols/sdp/file-selector.js';
import { parseSdp } from '../../src/protocols/sdp/parse-sdp.js';
import { scanMsrpSdp } from '../../src/protocols/sdp/scan-msrp-sdp.js';
import { checkProperty, randOf } from '../helpers/check-property.js';
import { bytes, mutate } from '../helpers/sip-test-helpers.js';

const PUB = resolve(import.meta.dirname, '../../../shared/testdata/public');

function recorder(): { sink: AnomalySink; list: string[] } {
  const list: string[] = [];
  return { sink: { report: (code, frameNo, detail) => list.push(`${code} ${frameNo} ${detail ?? ''}`) }, list };
}

const isAscii = (b: Uint8Array): boolean => b.every((x) => x < 0x80);

/** Checks one SDP; returns whether the fast path answered. */
function same(b: Uint8Array): boolean {
  const ref = recorder();
  const want = partySdpOfBytes(b, ref.sink, 7, true, null);
  const fast = scanMsrpSdp(b);
  if (fast === null) {
    // Only where the reference reports (or the bytes are not ASCII).
    if (isAscii(b)) expect(ref.list).not.toEqual([]);
    return false;
  }
  expect(ref.list).toEqual([]);
  const got = recorder();
  expect(partySdpOfBytes(b, got.sink, 7, true, fast)).toEqual(want);
  expect(got.list).toEqual([]);
  // The view agrees with the full model on what it carries.
  const sd = parseSdp(b, recorder().sink)!;
  expect(fast.media.map((m) => [m.port, m.proto, m.connection?.address ?? null, m.direction, m.msrp?.path ?? null, m.msrp?.cema ?? null, m.msrp?.fileSelector ?? null])).toEqual(
    sd.media.map((m) => [m.port, m.proto, m.connection?.address ?? null, m.direction, m.msrp?.path ?? null, m.msrp?.cema ?? null, m.msrp?.fileSelector ?? null]),
  );
  expect([fast.connection?.address ?? null, fast.direction]).toEqual([sd.connection?.address ?? null, sd.direction]);
  return true;
}

const SEEDS = [
  [
    'v=0',
    'o=- 5 1 IN IP4 10.0.5.10',
    's=-',
    'c=IN IP4 10.0.5.10',
    't=0 0',
    'm=message 20005 TCP/MSRP *',
    'a=sendonly',
    'a=accept-types:application/octet-stream',
    'a=file-selector:name:"bench-5.bin" type:application/octet-stream size:48265',
    'a=path:msrp://10.0.5.10:20005/a5x;tcp',
    '',
  ].join('\r\n'),
  [
    'v=0',
    'o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com',
    's=-',
    'c=IN IP6 2001:db8::1',
    't=0 0',
    'a=setup:active',
    'm=audio 49170 RTP/AVP 0',
    'c=IN IP4 192.0.2.9/127/3',
    'a=recvonly',
    'm=message 7654 TCP/TLS/MSRP *',
    'a=accept-types:message/cpim text/plain',
    'a=accept-wrapped-types:*',
    'a=path:msrps://relay.example.net:2855/r;tcp msrp://[2001:db8::1]:7654/jshA7we;tcp',
    'a=max-size:2048',
    'a=setup',
    'a=connection:new',
    'a=msrp-cema',
    'a=file-selector:name:"p.jpg" type:image/jpeg size:32349 hash:sha-1:72:24:5F',
    'a=file-transfer-id:vBnG916bdberum2fFEABR1FR3ExZMUrd',
    'a=file-disposition:render',
    'a=file-date:creation:"Mon, 15 May 2006 15:01:31 +0300"',
    'a=file-icon:cid:id2@alicepc.example.com',
    'a=file-range:1-*',
    'm=message 0 TCP/MSRP *',
    'a=path:msrp://x.example:9/s;tcp',
    '',
  ].join('\r\n'),
  [
    'v=0',
    'o=bob 1 1 IN IP4 b.example',
    's=chat',
    't=0 0',
    'a=inactive',
    'm=message 2855 TCP/WSS/MSRP *',
    'c=IN IP4 b.example',
    'c=IN IP4 second.example',
    'a=path:msrp://b.example:2855/s1;ws\tmsrp://B.Example:2855/s2;ws',
    'a=sendrecv',
    'a=label:1',
    '',
  ].join('\n'),
];

/** Lines a generated SDP draws from: valid ones of every kind, and near misses. */
const SESSION_LINES = [
  'o=- 1 2 IN IP4 h',
  'o=-  1 2 IN IP4 h',
  'o=- 1 2 IN IP4',
  's=-',
  's=',
  'i=info',
  'c=IN IP4 10.1.1.1',
  'c=IN IP4 10.1.1.1/2',
  'c=IN  IP4 x',
  't=0 0',
  't=0  0',
  't=x 0',
  'b=AS:64',
  'a=sendonly',
  'a=setup:passive',
  'a=setup:bogus',
  'a=connection:existing',
  'a=tool:x',
  'a=bad name',
  'k=clear:x',
  'x',
];
const MEDIA_LINES = ['m=message 1234 TCP/MSRP *', 'm=message 70000 TCP/MSRP *', 'm=message 9/2 tcp/msrps *', 'm=MESSAGE 9 TCP/TLS/MSRP * x', 'm=audio 4000 RTP/AVP 0 8', 'm=message 1 TCP/MSRP', 'm=message'];
const ATTR_LINES = [
  'a=path:msrp://h.example:1/s;tcp',
  'a=path:msrp://h.example:1/s;tcp msrp://10.0.0.1:2/t;tcp',
  'a=path:msrps://[2001:db8::2]:3/u;tcp',
  'a=path:',
  'a=path',
  'a=path:notauri',
  'a=PATH:msrp://Up.Example:4/v;tcp',
  'a=max-size:100',
  'a=max-size:x',
  'a=setup:actpass',
  'a=setup',
  'a=connection:new',
  'a=connection:old',
  'a=msrp-cema',
  'a=file-selector:name:"a b.txt" size:10',
  'a=file-selector:size:x',
  'a=file-selector',
  'a=file-transfer-id:abc',
  'a=file-transfer-id: ',
  'a=file-date:read:"x"',
  'a=file-date:',
  'a=file-range:2-9',
  'a=file-range:9-2',
  'a=file-icon:cid:x',
  'a=file-disposition:',
  'a=sendrecv',
  'a=recvonly',
  'a=label:7',
  'a=accept-types:*',
  'c=IN IP6 ::1',
  'c=bad',
  'i=media info',
];

/** A generated SDP: v= (mostly) first, session lines, then media sections, CRLF or LF. */
function generated(g: fc.GeneratorValue): Uint8Array {
  const rnd = randOf(g);
  const pick = (a: readonly string[]): string => a[rnd.int(0, a.length - 1)]!;
  const lines: string[] = rnd() < 0.95 ? ['v=0'] : [];
  if (rnd() < 0.95) lines.push('o=- 1 1 IN IP4 h');
  if (rnd() < 0.95) lines.push('s=-');
  if (rnd() < 0.95) lines.push('t=0 0');
  for (let n = rnd.int(0, 4); n > 0; n--) lines.splice(rnd.int(1, lines.length), 0, pick(SESSION_LINES));
  for (let m = rnd.int(0, 3); m > 0; m--) {
    lines.push(rnd() < 0.7 ? 'm=message 2855 TCP/MSRP *' : pick(MEDIA_LINES));
    if (rnd() < 0.8) lines.push('a=path:msrp://h.example:2855/s;tcp');
    for (let n = rnd.int(0, 6); n > 0; n--) lines.push(pick(ATTR_LINES));
  }
  const eol = rnd() < 0.7 ? '\r\n' : '\n';
  return bytes(lines.join(eol) + (rnd() < 0.9 ? eol : ''));
}

/** SDP-looking text out of the public captures: from each `v=0` line to the first binary byte. */
function publicSdps(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const f of readdirSync(PUB)) {
    if (!/\.pcap(ng)?$/.test(f)) continue;
    const b = readFileSync(join(PUB, f));
    for (let i = b.indexOf('v=0\r\n'); i >= 0; i = b.indexOf('v=0\r\n', i + 1)) {
      let e = i;
      while (e < b.length && e - i < 4096 && (b[e]! >= 0x20 || b[e] === 0x0d || b[e] === 0x0a || b[e] === 0x09)) e++;
      out.push(new Uint8Array(b.subarray(i, e)));
    }
  }
  return out;
}

describe('SDP fast path (scanMsrpSdp) ≡ parseSdp for partySdpOf', () => {
  it('the seeds: same result, and the fast path answers', () => {
    for (const s of SEEDS) expect(same(bytes(s))).toBe(true);
  });

  it('generated SDP: same result and anomalies; most answered by the fast path', () => {
    let answered = 0;
    const runs = 3000;
    checkProperty(
      { seed: 0x5d95, numRuns: runs },
      fc.property(fc.gen(), (g) => {
        if (same(generated(g))) answered++;
      }),
    );
    expect(answered).toBeGreaterThan(runs / 10);
  });

  it('mutated SDP: same result and anomalies', () => {
    checkProperty(
      { seed: 0x5d96, numRuns: 3000 },
      fc.property(fc.constantFrom(...SEEDS), fc.gen(), (s, g) => {
        same(mutate(bytes(s), randOf(g)));
      }),
    );
  });

  it('SDP of the public captures: same result and anomalies', () => {
    const sdps = publicSdps();
    expect(sdps.length).toBeGreaterThan(5);
    let answered = 0;
    for (const b of sdps) if (same(b)) answered++;
    expect(answered).toBeGreaterThan(0);
  });

  it('splitSelectors (slices) ≡ the per-character reference', () => {
    // The former implementation, kept as the reference (RFC 5547 selectors: SP/HTAB outside quotes).
    const reference = (value: string): string[] => {
      const out: string[] = [];
      let cur = '';
      let inQuote = false;
      for (const ch of value) {
        if (ch === '"') inQuote = !inQuote;
        if ((ch === ' ' || ch === '\t') && !inQuote) {
          if (cur.length > 0) out.push(cur);
          cur = '';
        } else cur += ch;
      }
      if (cur.length > 0) out.push(cur);
      return out;
    };
    const chars = fc.constantFrom(' ', '\t', '"', 'a', ':', 'é', '\ud83d', '\ude00', '\ud83d\ude00');
    checkProperty(
      { seed: 0x5e1, numRuns: 3000 },
      fc.property(fc.array(chars, { maxLength: 40 }), (a) => {
        const v = a.join('');
        expect(splitSelectors(v)).toEqual(reference(v));
      }),
    );
  });
});
