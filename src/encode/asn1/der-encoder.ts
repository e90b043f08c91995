/**
 * Generic DER encoder driven by the schema descriptors (./asn-schema.ts); content octets of the
 * primitive types come from ./asn1-primitives.ts. The output is canonical DER (X.690 clause 10):
 * definite minimal lengths, BOOLEAN TRUE as FF, INTEGER minimal, GeneralizedTime per 11.7,
 * SEQUENCE fields in definition order, absent OPTIONAL fields omitted. DER is valid BER, so the
 * same bytes serve the BER interfaces (HI2/HI3 PS-PDUs).
 *
 * The TLV level is written here, in two passes over a small tree (sizes, then one output buffer):
 * it used to be asn1js (Constructed blocks and their ArrayBuffer concatenations), which cost ~10 %
 * of a whole `run` in allocations. asn1js stays the independent decoder of the tests, and the
 * golden fixtures pin the bytes.
 *
 * A value that does not fit its type (missing mandatory field, two CHOICE keys, bad UTF-8, size
 * constraint violated) throws InvariantError with the path of the offending field: records are
 * validated before encoding, so this is a bug, never input data.
 */
import { InvariantError } from '../../core/errors.js';
import { isValidUtf8, isWellFormedString } from '../common/utf8.js';
import { encodeIntegerContent, encodeOidContent, encodeRelativeOidContent, formatGeneralizedTime, isNumericString, isPrintableString } from './asn1-primitives.js';
import { UNIVERSAL_TAG, type AsnType, type AsnValue, type GeneralizedTimeValue, type PrimitiveType } from './asn-schema.js';

/** Tag classes (X.690 8.1.2.2, table 1), numbered 1..4 as in the descriptors. */
const UNIVERSAL = 1;
const CONTEXT = 3;

interface Tag {
  readonly cls: number;
  readonly num: number;
}

function fail(path: string, what: string): never {
  throw new InvariantError(`DER encode ${path}: ${what}`);
}

/** Identifier octets by (class, number, constructed): few distinct tags, each built once. */
const identifiers = new Map<number, Uint8Array>();

/** X.690 8.1.2: class bits, the constructed bit (8.1.2.5), low tag numbers in one octet, high ones base 128 (8.1.2.4). */
function identifierOctets(tag: Tag, constructed: boolean): Uint8Array {
  const key = (tag.num * 8 + tag.cls) * 2 + (constructed ? 1 : 0);
  let id = identifiers.get(key);
  if (id === undefined) {
    const first = ((tag.cls - 1) << 6) | (constructed ? 0x20 : 0);
    if (tag.num < 31) id = Uint8Array.of(first | tag.num);
    else {
      const groups: number[] = [];
      for (let v = tag.num; ; v = Math.floor(v / 128)) {
        groups.unshift(v % 128);
        if (v < 128) break;
      }
      id = Uint8Array.from([first | 0x1f, ...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g))]);
    }
    identifiers.set(key, id);
  }
  return id;
}

/** Octets of a definite length (X.690 8.1.3.3-8.1.3.5; 10.1: the short form when it fits). */
function lengthOctets(n: number): number {
  if (n < 0x80) return 1;
  let k = 1;
  for (let v = n; v > 0; v = Math.floor(v / 256)) k++;
  return k;
}

/** One TLV of the tree: content for a primitive, children for a constructed encoding. */
class Tlv {
  /** Length of the content octets. */
  readonly len: number;

  constructor(
    readonly id: Uint8Array,
    readonly content: Uint8Array | null,
    readonly children: readonly Tlv[] | null,
  ) {
    let n = 0;
    if (content !== null) n = content.length;
    else for (const c of children!) n += c.size;
    this.len = n;
  }

  /** Identifier, length and content octets. */
  get size(): number {
    return this.id.length + lengthOctets(this.len) + this.len;
  }

  /** Writes the TLV at `p`; returns the offset after it. */
  write(out: Uint8Array, p: number): number {
    out.set(this.id, p);
    p += this.id.length;
    const n = this.len;
    if (n < 0x80) out[p++] = n;
    else {
      const k = lengthOctets(n) - 1;
      out[p++] = 0x80 | k;
      for (let i = k - 1; i >= 0; i--) out[p++] = Math.floor(n / 2 ** (8 * i)) & 0xff;
    }
    if (this.content !== null) {
      out.set(this.content, p);
      return p + this.content.length;
    }
    for (const c of this.children!) p = c.write(out, p);
    return p;
  }
}

function prim(tag: Tag, content: Uint8Array): Tlv {
  return new Tlv(identifierOctets(tag, false), content, null);
}

function cons(tag: Tag, children: Tlv[]): Tlv {
  return new Tlv(identifierOctets(tag, true), null, children);
}

function isRecord(v: unknown): v is Readonly<Record<string, AsnValue | undefined>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function checkSize(t: PrimitiveType, n: number, path: string): void {
  if (t.size && (n < t.size.min || n > t.size.max)) fail(path, `${t.name} size ${n} not in ${t.size.min}..${t.size.max}`);
}

function stringBytes(t: PrimitiveType, v: AsnValue, path: string): Uint8Array {
  if (t.kind === 'utf8String') {
    if (v instanceof Uint8Array) {
      // X.690 8.23.10: UTF8String content is UTF-8; bytes must already be well-formed.
      if (!isValidUtf8(v)) fail(path, `${t.name} bytes are not valid UTF-8`);
      // Counting characters costs a decode; only constrained types need it.
      if (t.size) checkSize(t, [...new TextDecoder().decode(v)].length, path);
      return v;
    }
    if (typeof v !== 'string') fail(path, `${t.name} needs a string`);
    if (!isWellFormedString(v)) fail(path, `${t.name} has a lone surrogate`);
    if (t.size) checkSize(t, [...v].length, path);
    return Buffer.from(v, 'utf8');
  }
  if (typeof v !== 'string') fail(path, `${t.name} needs a string`);
  if (t.kind === 'printableString' && !isPrintableString(v)) fail(path, `${t.name} has characters outside PrintableString`);
  if (t.kind === 'numericString' && !isNumericString(v)) fail(path, `${t.name} has characters outside NumericString`);
  checkSize(t, v.length, path);
  return Buffer.from(v, 'latin1');
}

function primitiveContent(t: PrimitiveType, v: AsnValue, path: string): Uint8Array {
  switch (t.kind) {
    case 'octetString':
      if (!(v instanceof Uint8Array)) fail(path, `${t.name} needs bytes`);
      checkSize(t, v.length, path);
      return v;
    case 'utf8String':
    case 'printableString':
    case 'numericString':
      return stringBytes(t, v, path);
    case 'integer': {
      if (typeof v !== 'number' && typeof v !== 'bigint') fail(path, `${t.name} needs an integer`);
      if (typeof v === 'number' && !Number.isSafeInteger(v)) fail(path, `${t.name} ${v} is not a safe integer`);
      const big = BigInt(v);
      if (t.range && (big < t.range.min || big > t.range.max)) fail(path, `${t.name} ${v} out of range`);
      return encodeIntegerContent(big);
    }
    case 'boolean':
      if (typeof v !== 'boolean') fail(path, `${t.name} needs a boolean`);
      // X.690 11.1: DER encodes TRUE as all ones.
      return Uint8Array.of(v ? 0xff : 0x00);
    case 'null':
      if (v !== null) fail(path, 'NULL needs null');
      return new Uint8Array(0);
    case 'relativeOid':
    case 'oid': {
      if (typeof v !== 'string') fail(path, `${t.name} needs dotted text`);
      const c = t.kind === 'oid' ? encodeOidContent(v) : encodeRelativeOidContent(v);
      if (c === undefined) fail(path, `${t.name} "${v}" is not a valid identifier`);
      return c;
    }
    case 'generalizedTime': {
      const g = v as GeneralizedTimeValue;
      if (!isRecord(g) || !Number.isInteger(g.sec) || !Number.isInteger(g.nsec) || g.nsec < 0 || g.nsec > 999_999_999) {
        fail(path, 'GeneralizedTime needs { sec, nsec }');
      }
      return Buffer.from(formatGeneralizedTime(g), 'latin1');
    }
  }
}

/** Builds the TLV of `v` of type `t`; `tag` is the context tag of the field, if any. */
function build(t: AsnType, v: AsnValue | undefined, tag: Tag | undefined, path: string): Tlv {
  if (v === undefined) fail(path, `missing value of ${t.name}`);
  switch (t.kind) {
    case 'choice': {
      if (!isRecord(v)) fail(path, `${t.name} needs { alternative: value }`);
      const keys = Object.keys(v).filter((k) => v[k] !== undefined);
      if (keys.length !== 1) fail(path, `${t.name} needs exactly one alternative, got ${keys.length}`);
      const alt = t.alternatives.find((a) => a.name === keys[0]);
      if (alt === undefined) fail(path, `${t.name} has no alternative ${keys[0]}`);
      const inner = build(alt.type, v[alt.name], { cls: CONTEXT, num: alt.tag }, `${path}.${alt.name}`);
      // X.680 31.2.7: a tagged CHOICE is explicitly tagged even in an IMPLICIT TAGS module.
      return tag ? cons(tag, [inner]) : inner;
    }
    case 'sequence': {
      if (!isRecord(v)) fail(path, `${t.name} needs an object`);
      const children: Tlv[] = [];
      for (const f of t.fields) {
        const fv = v[f.name];
        if (fv === undefined) {
          if (!f.optional) fail(`${path}.${f.name}`, `mandatory field of ${t.name} missing`);
          continue;
        }
        children.push(build(f.type, fv, { cls: CONTEXT, num: f.tag }, `${path}.${f.name}`));
      }
      for (const k of Object.keys(v)) {
        if (v[k] !== undefined && !t.fields.some((f) => f.name === k)) fail(path, `${t.name} has no field ${k}`);
      }
      return cons(tag ?? { cls: UNIVERSAL, num: 16 }, children);
    }
    case 'sequenceOf': {
      if (!Array.isArray(v)) fail(path, `${t.name} needs an array`);
      const items = v as readonly AsnValue[];
      if (t.min !== undefined && items.length < t.min) fail(path, `${t.name} needs at least ${t.min} elements`);
      return cons(
        tag ?? { cls: UNIVERSAL, num: 16 },
        items.map((item, i) => build(t.of, item, undefined, `${path}[${i}]`)),
      );
    }
    case 'enumerated': {
      const n = typeof v === 'string' ? t.values[v] : typeof v === 'number' && Object.values(t.values).includes(v) ? v : undefined;
      if (n === undefined) fail(path, `${t.name} has no value ${String(v)}`);
      return prim(tag ?? { cls: UNIVERSAL, num: 10 }, encodeIntegerContent(n));
    }
    case 'containing': {
      // OCTET STRING (CONTAINING T): the octets are the complete encoding of the T value.
      const inner = encodeDer(t.inner, v, `${path}<${t.inner.name}>`);
      return prim(tag ?? { cls: UNIVERSAL, num: 4 }, inner);
    }
    default:
      return prim(tag ?? { cls: UNIVERSAL, num: UNIVERSAL_TAG[t.kind] }, primitiveContent(t, v, path));
  }
}

/**
 * Encodes `value` as DER of `type` (untagged, i.e. with the type's universal tag, or the chosen
 * alternative's tag for a CHOICE).
 */
export function encodeDer(type: AsnType, value: AsnValue, path: string = type.name): Uint8Array {
  const tlv = build(type, value, undefined, path);
  const out = new Uint8Array(tlv.size);
  tlv.write(out, 0);
  return out;
}
