/**
 * An independent DER canonical-form checker (X.690 clause 10) used by the tests: walks every
 * TLV and checks definite, minimal lengths, primitive strings (no constructed forms), minimal
 * INTEGER/ENUMERATED content and BOOLEAN 00/FF. It reads the bytes itself (not via
 * src/encode/asn1/ber-reader.ts) so a bug there cannot hide here.
 */
export interface DerProblem {
  readonly offset: number;
  readonly what: string;
}

/** Universal tags of types that must be primitive in DER. */
const PRIMITIVE_ONLY = new Set([1, 2, 4, 5, 6, 10, 12, 13, 18, 19, 24]);

export function derProblems(b: Uint8Array, start = 0, end = b.length, out: DerProblem[] = [], universalOnly = false): DerProblem[] {
  let p = start;
  while (p < end) {
    const at = p;
    const id = b[p++]!;
    const cls = id >> 6;
    const constructed = (id & 0x20) !== 0;
    let tag = id & 0x1f;
    if (tag === 0x1f) {
      tag = 0;
      if (b[p] === 0x80) out.push({ offset: p, what: 'tag with leading 0x80' });
      let c: number;
      let n = 0;
      do {
        c = b[p++]!;
        tag = tag * 128 + (c & 0x7f);
        n++;
      } while (c & 0x80 && p < end);
      if (tag < 31) out.push({ offset: at, what: `high-tag form for tag ${tag}` });
      void n;
    }
    const l0 = b[p++]!;
    let len: number;
    if (l0 === 0x80) {
      out.push({ offset: at, what: 'indefinite length' });
      return out;
    }
    if (l0 < 0x80) len = l0;
    else {
      const n = l0 & 0x7f;
      if (b[p] === 0) out.push({ offset: at, what: 'length with leading zero octet' });
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[p++]!;
      if (len < 128) out.push({ offset: at, what: `long form for length ${len}` });
    }
    if (p + len > end) {
      out.push({ offset: at, what: 'length beyond parent' });
      return out;
    }
    if (cls === 0 && constructed && PRIMITIVE_ONLY.has(tag)) out.push({ offset: at, what: `constructed universal ${tag}` });
    if (!constructed && cls === 0 && (tag === 2 || tag === 10) && len >= 2) {
      const a = b[p]!;
      const c = b[p + 1]!;
      if ((a === 0 && (c & 0x80) === 0) || (a === 0xff && (c & 0x80) !== 0)) out.push({ offset: at, what: 'non-minimal INTEGER' });
    }
    if (!constructed && cls === 0 && tag === 1 && !(len === 1 && (b[p] === 0 || b[p] === 0xff))) out.push({ offset: at, what: 'BOOLEAN not 00/FF' });
    if (constructed) derProblems(b, p, p + len, out, universalOnly);
    p += len;
  }
  return out;
}
