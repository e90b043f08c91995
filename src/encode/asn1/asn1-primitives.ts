/**
 * Content octets of the primitive types (X.690 clause 8 for BER, clause 10/11 for the DER
 * restrictions). The TLV framing around them is ./der-encoder.ts's job or the BER
 * reader's (./ber-reader.ts).
 */
import type { GeneralizedTimeValue } from './asn-schema.js';

/** INTEGER content: minimal two's complement, big-endian (X.690 8.3.2: no redundant leading 00/FF). */
export function encodeIntegerContent(v: number | bigint): Uint8Array {
  // Fast path for 32-bit values (sequence numbers, enumerations, ports): same bytes, no BigInt.
  if (typeof v === 'number' && (v | 0) === v) {
    let len = 1;
    // Each extra byte is needed while the value does not fit in a signed `len`-byte integer.
    while (len < 4 && (v < -(2 ** (8 * len - 1)) || v >= 2 ** (8 * len - 1))) len++;
    const out = new Uint8Array(len);
    for (let i = len - 1, x = v; i >= 0; i--, x >>= 8) out[i] = x & 0xff;
    return out;
  }
  let n = typeof v === 'bigint' ? v : BigInt(v);
  const bytes: number[] = [];
  for (;;) {
    const byte = Number(n & 0xffn);
    bytes.unshift(byte);
    n >>= 8n;
    // Stop when the remaining value is pure sign extension of the byte's top bit.
    if ((n === 0n && (byte & 0x80) === 0) || (n === -1n && (byte & 0x80) !== 0)) break;
  }
  return Uint8Array.from(bytes);
}

/** INTEGER content → number when it is a safe integer, else bigint. Empty content is invalid. */
export function decodeIntegerContent(c: Uint8Array): number | bigint | undefined {
  if (c.length === 0) return undefined;
  let n = (c[0]! & 0x80) !== 0 ? -1n : 0n;
  for (const b of c) n = (n << 8n) | BigInt(b);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

function pushArc(out: number[], arc: bigint): void {
  const tmp: number[] = [Number(arc & 0x7fn)];
  arc >>= 7n;
  while (arc > 0n) {
    tmp.unshift(Number(arc & 0x7fn) | 0x80);
    arc >>= 7n;
  }
  out.push(...tmp);
}

function parseArcs(dotted: string): bigint[] | undefined {
  if (!/^\d+(\.\d+)*$/.test(dotted)) return undefined;
  return dotted.split('.').map((s) => BigInt(s));
}

/** RELATIVE-OID content (X.690 8.20): each arc base-128, high bit = more. undefined if malformed text. */
export function encodeRelativeOidContent(dotted: string): Uint8Array | undefined {
  const arcs = parseArcs(dotted);
  if (arcs === undefined) return undefined;
  const out: number[] = [];
  for (const a of arcs) pushArc(out, a);
  return Uint8Array.from(out);
}

/** OBJECT IDENTIFIER content (X.690 8.19): first two arcs combined as 40*a + b. */
export function encodeOidContent(dotted: string): Uint8Array | undefined {
  const arcs = parseArcs(dotted);
  if (arcs === undefined || arcs.length < 2 || arcs[0]! > 2n || (arcs[0]! < 2n && arcs[1]! > 39n)) return undefined;
  const out: number[] = [];
  pushArc(out, arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) pushArc(out, a);
  return Uint8Array.from(out);
}

function readArcs(c: Uint8Array): bigint[] | undefined {
  const arcs: bigint[] = [];
  let cur = 0n;
  let inArc = false;
  for (let i = 0; i < c.length; i++) {
    const b = c[i]!;
    // X.690 8.19.2: the first octet of an arc is never 0x80 (no leading zero groups).
    if (!inArc && b === 0x80) return undefined;
    cur = (cur << 7n) | BigInt(b & 0x7f);
    inArc = (b & 0x80) !== 0;
    if (!inArc) {
      arcs.push(cur);
      cur = 0n;
    }
  }
  if (inArc || arcs.length === 0) return undefined;
  return arcs;
}

/** RELATIVE-OID content → dotted text; undefined when malformed. */
export function decodeRelativeOidContent(c: Uint8Array): string | undefined {
  return readArcs(c)?.join('.');
}

/** OBJECT IDENTIFIER content → dotted text; undefined when malformed. */
export function decodeOidContent(c: Uint8Array): string | undefined {
  const arcs = readArcs(c);
  if (arcs === undefined) return undefined;
  const first = arcs[0]!;
  const a = first < 40n ? 0n : first < 80n ? 1n : 2n;
  return [a, first - a * 40n, ...arcs.slice(1)].join('.');
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/**
 * GeneralizedTime as DER requires (X.690 11.7): UTC with "Z", seconds always present, fractional
 * seconds only when non-zero and without trailing zeros, "." as decimal mark.
 * e.g. 20261128090000.1234Z.
 */
export function formatGeneralizedTime(t: GeneralizedTimeValue): string {
  const d = new Date(t.sec * 1000);
  let s = pad(d.getUTCFullYear(), 4) + pad(d.getUTCMonth() + 1, 2) + pad(d.getUTCDate(), 2) + pad(d.getUTCHours(), 2) + pad(d.getUTCMinutes(), 2) + pad(d.getUTCSeconds(), 2);
  if (t.nsec > 0) s += '.' + pad(t.nsec, 9).replace(/0+$/, '');
  return s + 'Z';
}

/**
 * Parses GeneralizedTime text in the UTC forms (X.680 46.3 b: "YYYYMMDDHH[MM[SS[.f+]]]Z", also
 * with a ",", or a +hhmm/-hhmm offset). Local time without zone cannot be placed on the UTC axis:
 * undefined. Fractions beyond nanoseconds are truncated.
 */
export function parseGeneralizedTime(text: string): GeneralizedTimeValue | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{4})$/.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  let ms = Date.UTC(Number(y), month - 1, day, hour, minute, second);
  if (zone !== 'Z') {
    const sign = zone![0] === '-' ? -1 : 1;
    ms -= sign * (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(3, 5))) * 60_000;
  }
  // Fractions apply to the last unit present (X.680 46.2); msrptap only writes fractional seconds.
  const unitNs = s !== undefined ? 1e9 : mi !== undefined ? 60e9 : 3600e9;
  const fracNs = frac === undefined ? 0 : Math.floor(Number('0.' + frac) * unitNs);
  const totalSec = Math.floor(ms / 1000) + Math.floor(fracNs / 1e9);
  if (!Number.isFinite(totalSec)) return undefined;
  return { sec: totalSec, nsec: fracNs % 1e9 };
}

/** X.680 41.4 PrintableString characters. */
export function isPrintableString(s: string): boolean {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s);
}

/** X.680 41.2 NumericString characters (digits and space). */
export function isNumericString(s: string): boolean {
  return /^[0-9 ]*$/.test(s);
}
