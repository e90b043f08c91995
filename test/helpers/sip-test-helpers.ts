/** Small builders for SIP test fixtures: text lines joined with CRLF, as bytes. */
import fc from 'fast-check';
import { AnomalyCounter } from '../../src/core/anomaly.js';

/** Bytes of `text` (latin1: one byte per char, so fixtures can hold any octet). */
export function bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

/** Lines joined with CRLF (no trailing CRLF unless the last element is ''). */
export function crlf(...lines: string[]): string {
  return lines.join('\r\n');
}

/**
 * A message: header lines, empty line, body. Content-Length is computed from the body unless
 * the headers already carry one (or `cl` overrides it; `cl === null` omits it).
 */
export function sipMessage(startLine: string, headers: string[], body = '', cl?: number | null): string {
  const hasCl = headers.some((h) => /^(content-length|l)\s*:/i.test(h));
  const all = [startLine, ...headers];
  if (!hasCl && cl !== null) all.push(`Content-Length: ${cl ?? Buffer.byteLength(body, 'latin1')}`);
  return all.join('\r\n') + '\r\n\r\n' + body;
}

/** Text of a byte view (latin1). */
export function text(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
}

export function newSink(): AnomalyCounter {
  return new AnomalyCounter(10);
}

/** A minimal valid INVITE with an MSRP SDP offer (RFC 4975 7 style). */
export function msrpInvite(callId = 'a84b4c76e66710', body?: string): string {
  const sdp = body ?? crlf('v=0', 'o=alice 2890844526 2890844527 IN IP4 alice.example.com', 's= ', 'c=IN IP4 192.0.2.1', 't=0 0', 'm=message 7654 TCP/MSRP *', 'a=accept-types:text/plain', 'a=path:msrp://192.0.2.1:7654/jshA7weztas;tcp', '');
  return sipMessage(
    'INVITE sip:bob@biloxi.example.com SIP/2.0',
    [
      'Via: SIP/2.0/TCP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
      'Max-Forwards: 70',
      'To: Bob <sip:bob@biloxi.example.com>',
      'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
      `Call-ID: ${callId}`,
      'CSeq: 314159 INVITE',
      'Contact: <sip:alice@pc33.atlanta.example.com;transport=tcp>',
      'Content-Type: application/sdp',
    ],
    sdp,
  );
}

export { mulberry32 as prng } from '../../samples/gen/lib/prng.js';

/** Bytes that stress text parsers: separators, quotes, brackets, digits, CR/LF, high bytes. */
const INTERESTING = bytes(' \t\r\n:;,="\\<>[]@%/?&+-.*#0123456789sipSIPtel\x00\xff');

/**
 * A mutated copy of `input`: a few random byte flips, interesting-byte overwrites, insertions,
 * deletions and duplicated slices.
 */
export function mutate(input: Uint8Array, rnd: () => number): Uint8Array {
  const a = Array.from(input);
  const n = 1 + Math.floor(rnd() * 8);
  for (let k = 0; k < n; k++) {
    const i = Math.floor(rnd() * (a.length + 1));
    const op = Math.floor(rnd() * 5);
    if (op === 0 && a.length > 0) a[Math.min(i, a.length - 1)] = Math.floor(rnd() * 256);
    else if (op === 1 && a.length > 0) a[Math.min(i, a.length - 1)] = INTERESTING[Math.floor(rnd() * INTERESTING.length)]!;
    else if (op === 2) a.splice(i, 0, INTERESTING[Math.floor(rnd() * INTERESTING.length)]!);
    else if (op === 3) a.splice(i, 1 + Math.floor(rnd() * 16));
    else {
      const j = Math.floor(rnd() * (a.length + 1));
      a.splice(i, 0, ...a.slice(Math.min(i, j), Math.max(i, j)).slice(0, 64));
    }
  }
  return new Uint8Array(a);
}

/** Random bytes, biased towards interesting ones half the time. */
export function randomBytes(rnd: () => number, max: number): Uint8Array {
  const out = new Uint8Array(Math.floor(rnd() * max));
  for (let i = 0; i < out.length; i++) {
    out[i] = rnd() < 0.5 ? INTERESTING[Math.floor(rnd() * INTERESTING.length)]! : Math.floor(rnd() * 256);
  }
  return out;
}

/** fast-check: up to `max` bytes, each an interesting one half the time (as {@link randomBytes}). */
export function interestingBytes(max: number): fc.Arbitrary<Uint8Array> {
  const byte = fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 }));
  return fc.array(byte, { maxLength: max }).map((a) => Uint8Array.from(a));
}

/** SDP body shared by several RFC 4475 messages: 150 octets. */
export const SDP_150 = crlf('v=0', 'o=mhandley 29739 7272939 IN IP4 192.0.2.3', 's=-', 'c=IN IP4 192.0.2.4', 't=0 0', 'm=audio 49217 RTP/AVP 0 12', 'm=video 3227 RTP/AVP 31', 'a=rtpmap:31 LPC', '');
