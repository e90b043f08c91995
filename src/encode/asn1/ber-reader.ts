/**
 * BER TLV reader (X.690 8.1) with byte offsets, for the descriptor-driven decoder and the
 * `decode` command. Accepts everything BER allows that msrptap's inputs may use: high tag numbers,
 * long-form lengths (also non-minimal), indefinite lengths on constructed encodings (the end is
 * found by walking to the end-of-contents octets). Never throws: errors carry the offset.
 *
 * Bounds: nesting depth is capped (indefinite-length scanning recurses), lengths are checked
 * against the enclosing element before anything is sliced.
 */
import { decodeFail, type DecodeResult } from '../common/decode-error.js';

/** X.690 8.1.2.2 tag classes, as the two top bits of the identifier octet. */
export const TagClass = { UNIVERSAL: 0, APPLICATION: 1, CONTEXT: 2, PRIVATE: 3 } as const;

export interface Tlv {
  readonly cls: number;
  readonly constructed: boolean;
  readonly tag: number;
  /** Offset of the identifier octet. */
  readonly offset: number;
  /** Offset of the first content octet. */
  readonly contentStart: number;
  /** Offset after the last content octet (before the EOC octets of an indefinite form). */
  readonly contentEnd: number;
  /** Offset after the whole element (incl. EOC). */
  readonly end: number;
  readonly indefinite: boolean;
}

export const DEFAULT_MAX_BER_DEPTH = 64;
const MAX_TAG = 0x0fffffff;
const MAX_LENGTH_OCTETS = 6; // up to 2^48-1, far beyond any input we accept

/** Reads one TLV at `off`, not extending past `limit`. `depth` bounds indefinite-length recursion. */
export function readTlv(b: Uint8Array, off: number, limit: number, depth = 0, maxDepth = DEFAULT_MAX_BER_DEPTH): DecodeResult<Tlv> {
  if (depth > maxDepth) return decodeFail('too_deep', off, `nesting depth <= ${maxDepth}`);
  let p = off;
  if (p >= limit) return decodeFail('truncated', p, 'an identifier octet');
  const id = b[p++]!;
  const cls = id >> 6;
  const constructed = (id & 0x20) !== 0;
  let tag = id & 0x1f;
  if (tag === 0x1f) {
    // X.690 8.1.2.4: high tag number, base 128, first subsequent octet not 0x80.
    tag = 0;
    let first = true;
    for (;;) {
      if (p >= limit) return decodeFail('truncated', p, 'more tag number octets');
      const c = b[p++]!;
      if (first && c === 0x80) return decodeFail('bad_tag', p - 1, 'no leading 0x80 in a high tag number');
      first = false;
      tag = tag * 128 + (c & 0x7f);
      if (tag > MAX_TAG) return decodeFail('bad_tag', p - 1, `tag number <= ${MAX_TAG}`);
      if ((c & 0x80) === 0) break;
    }
  }
  if (p >= limit) return decodeFail('truncated', p, 'a length octet');
  const l0 = b[p++]!;
  if (l0 === 0x80) {
    // X.690 8.1.3.6: indefinite form, constructed only; contents end at 00 00.
    if (!constructed) return decodeFail('bad_length', p - 1, 'definite length on a primitive encoding');
    const contentStart = p;
    for (;;) {
      if (limit - p >= 2 && b[p] === 0 && b[p + 1] === 0) {
        return { ok: true, value: { cls, constructed, tag, offset: off, contentStart, contentEnd: p, end: p + 2, indefinite: true } };
      }
      const child = readTlv(b, p, limit, depth + 1, maxDepth);
      if (!child.ok) return child;
      p = child.value.end;
    }
  }
  let len: number;
  if (l0 < 0x80) len = l0;
  else {
    const n = l0 & 0x7f;
    if (n === 0x7f) return decodeFail('bad_length', p - 1, 'length octet != 0xff (reserved, X.690 8.1.3.5 c)');
    if (n > MAX_LENGTH_OCTETS) return decodeFail('bad_length', p - 1, `at most ${MAX_LENGTH_OCTETS} length octets`);
    if (limit - p < n) return decodeFail('truncated', p, `${n} length octets`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p++]!;
  }
  if (len > limit - p) return decodeFail('truncated', p, `${len} content octets, ${limit - p} available`);
  return { ok: true, value: { cls, constructed, tag, offset: off, contentStart: p, contentEnd: p + len, end: p + len, indefinite: false } };
}

/** Reads the children of a constructed TLV. */
export function readChildren(b: Uint8Array, parent: Tlv, depth: number, maxDepth = DEFAULT_MAX_BER_DEPTH): DecodeResult<Tlv[]> {
  const out: Tlv[] = [];
  let p = parent.contentStart;
  while (p < parent.contentEnd) {
    const c = readTlv(b, p, parent.contentEnd, depth + 1, maxDepth);
    if (!c.ok) return c;
    out.push(c.value);
    p = c.value.end;
  }
  return { ok: true, value: out };
}

/** "[141]", "UNIVERSAL 16", "APPLICATION 3", "PRIVATE 1". */
export function tagText(cls: number, tag: number): string {
  if (cls === TagClass.CONTEXT) return `[${tag}]`;
  return `${['UNIVERSAL', 'APPLICATION', 'CONTEXT', 'PRIVATE'][cls]} ${tag}`;
}
