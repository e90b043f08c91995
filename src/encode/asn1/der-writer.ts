/**
 * The hot-path DER writer (issue 13 direction 2): the same bytes as the validating builder
 * (./der-encoder.ts, X.690 clause 10 canonical DER), but each schema type is compiled once into a
 * pair of closures, and an encoding is two passes over the value: sizes first (content lengths
 * noted in pre-order), then one output buffer written front to back. No tree of TLV objects, no
 * per-node validation, strings written straight into the output (no intermediate Buffer).
 *
 * Values must already fit their types: records are checked by src/records/validate-record.ts
 * before encoding and the value builders (./ts33128-record-values.ts) only produce fitting
 * values. What a malformed value would give here is unspecified; the validating builder stays
 * for `decode`'s re-encoding and for the tests, which check that both give identical bytes on
 * every record of every sample and on generated values (test/unit/encode/asn1/der-writer.test.ts,
 * test/fuzz/encode-der-writer.test.ts).
 *
 * {@link DerTlv} carries a TLV encoded earlier, inserted verbatim: X2 (XIRIPayload) and HI2
 * (IRIPayload) share the DER of one event ([2] XIRIEvent / IRIEvent have the same alternatives
 * and tags), encoded once per record.
 */
import { encodeIntegerContent, encodeOidContent, encodeRelativeOidContent, formatGeneralizedTime } from './asn1-primitives.js';
import { UNIVERSAL_TAG, type AsnType, type AsnValue, type GeneralizedTimeValue } from './asn-schema.js';

/** A complete TLV encoded earlier, written as is where a field's value would be encoded. */
export class DerTlv {
  constructor(readonly bytes: Uint8Array) {}
}

/** Per-encoding state: the pass-1 notes (content lengths, computed contents) and the output. */
interface State {
  /** Content length of each TLV, in pre-order. */
  lens: number[];
  li: number;
  /** Contents computed in pass 1 that pass 2 writes (big INTEGERs, GeneralizedTime text), in order. */
  objs: (Uint8Array | string)[];
  oi: number;
  out: Buffer;
  p: number;
}

interface Compiled {
  /** Pass 1: the TLV's total size (identifier + length + content); notes content lengths. */
  size(v: AsnValue, st: State): number;
  /** Pass 2: writes the TLV at st.p. */
  write(v: AsnValue, st: State): void;
}

const UNIVERSAL = 1;
const CONTEXT = 3;

/** X.690 8.1.2: identifier octets (class, constructed bit, tag number; base 128 from 31). */
function identifier(cls: number, num: number, constructed: boolean): Uint8Array {
  const first = ((cls - 1) << 6) | (constructed ? 0x20 : 0);
  if (num < 31) return Uint8Array.of(first | num);
  const groups: number[] = [];
  for (let v = num; ; v = Math.floor(v / 128)) {
    groups.unshift(v % 128);
    if (v < 128) break;
  }
  return Uint8Array.from([first | 0x1f, ...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g))]);
}

/** Octets of a definite length in its shortest form (X.690 8.1.3, 10.1). */
function lengthSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x1000000 ? 4 : 5;
}

function writeHeader(id: Uint8Array, n: number, st: State): void {
  const out = st.out;
  let p = st.p;
  if (id.length === 1) out[p++] = id[0]!;
  else {
    out.set(id, p);
    p += id.length;
  }
  if (n < 0x80) out[p++] = n;
  else {
    const k = lengthSize(n) - 1;
    out[p++] = 0x80 | k;
    for (let i = k - 1; i >= 0; i--) out[p++] = (n >>> (8 * i)) & 0xff;
  }
  st.p = p;
}

/** Size and writer of a TLV with identifier `id` around content computed by the two functions. */
function tlv(id: Uint8Array, contentSize: (v: AsnValue, st: State) => number, contentWrite: (v: AsnValue, st: State) => void): Compiled {
  return {
    size(v, st) {
      const slot = st.lens.length;
      st.lens.push(0);
      const n = contentSize(v, st);
      st.lens[slot] = n;
      return id.length + lengthSize(n) + n;
    },
    write(v, st) {
      writeHeader(id, st.lens[st.li++]!, st);
      contentWrite(v, st);
    },
  };
}

/** INTEGER content octets of a 32-bit value (X.690 8.3.2, minimal two's complement). */
function int32Size(v: number): number {
  return v >= -0x80 && v < 0x80 ? 1 : v >= -0x8000 && v < 0x8000 ? 2 : v >= -0x800000 && v < 0x800000 ? 3 : 4;
}

function integerSize(v: number | bigint, st: State): number {
  if (typeof v === 'number' && (v | 0) === v) return int32Size(v);
  const c = encodeIntegerContent(typeof v === 'bigint' ? v : BigInt(v));
  st.objs.push(c);
  return c.length;
}

function integerWrite(v: number | bigint, st: State): void {
  if (typeof v === 'number' && (v | 0) === v) {
    const n = int32Size(v);
    for (let i = n - 1; i >= 0; i--) st.out[st.p++] = (v >> (8 * i)) & 0xff;
    return;
  }
  const c = st.objs[st.oi++] as Uint8Array;
  st.out.set(c, st.p);
  st.p += c.length;
}

function bytesWrite(b: Uint8Array, st: State): void {
  st.out.set(b, st.p);
  st.p += b.length;
}

/** Constant identifiers (OIDs in the records are the schema's fixed OIDs): encoded once. */
const oidCache = new Map<string, Uint8Array>();
function oidContent(kind: 'oid' | 'relativeOid', dotted: string): Uint8Array {
  const key = `${kind}:${dotted}`;
  let c = oidCache.get(key);
  if (c === undefined) {
    c = (kind === 'oid' ? encodeOidContent(dotted) : encodeRelativeOidContent(dotted)) ?? new Uint8Array(0);
    if (oidCache.size < 256) oidCache.set(key, c);
  }
  return c;
}

function primitiveContent(t: AsnType): [(v: AsnValue, st: State) => number, (v: AsnValue, st: State) => void] {
  switch (t.kind) {
    case 'octetString':
      return [(v) => (v as Uint8Array).length, (v, st) => bytesWrite(v as Uint8Array, st)];
    case 'utf8String':
      // A string's UTF-8 length is noted by the TLV (content length) and written in place.
      return [
        (v) => (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : (v as Uint8Array).length),
        (v, st) => {
          if (typeof v === 'string') st.p += st.out.write(v, st.p, 'utf8');
          else bytesWrite(v as Uint8Array, st);
        },
      ];
    case 'printableString':
    case 'numericString':
      return [
        (v) => (v as string).length,
        (v, st) => {
          st.p += st.out.write(v as string, st.p, 'latin1');
        },
      ];
    case 'integer':
      return [(v, st) => integerSize(v as number | bigint, st), (v, st) => integerWrite(v as number | bigint, st)];
    case 'boolean':
      // X.690 11.1: TRUE is FF.
      return [
        () => 1,
        (v, st) => {
          st.out[st.p++] = v === true ? 0xff : 0x00;
        },
      ];
    case 'null':
      return [() => 0, () => undefined];
    case 'oid':
    case 'relativeOid': {
      const kind = t.kind;
      return [(v) => oidContent(kind, v as string).length, (v, st) => bytesWrite(oidContent(kind, v as string), st)];
    }
    case 'generalizedTime':
      return [
        (v, st) => {
          const s = formatGeneralizedTime(v as GeneralizedTimeValue);
          st.objs.push(s);
          return s.length;
        },
        (_v, st) => {
          st.p += st.out.write(st.objs[st.oi++] as string, st.p, 'latin1');
        },
      ];
    default:
      throw new Error(`not a primitive kind: ${t.kind}`);
  }
}

type Obj = { readonly [k: string]: AsnValue | undefined };

const compiledUntagged = new Map<AsnType, Compiled>();
const compiledTagged = new Map<AsnType, Map<number, Compiled>>();

/** The compiled writer of `t`, with context tag `tag` (implicit, or explicit for a CHOICE) or its own tag. */
function compile(t: AsnType, tag?: number): Compiled {
  const byTag = tag === undefined ? undefined : (compiledTagged.get(t) ?? compiledTagged.set(t, new Map()).get(t)!);
  const hit = tag === undefined ? compiledUntagged.get(t) : byTag!.get(tag);
  if (hit !== undefined) return hit;
  // Children are compiled on first use, so a (hypothetical) recursive type cannot loop here.
  const c = build(t, tag);
  if (tag === undefined) compiledUntagged.set(t, c);
  else byTag!.set(tag, c);
  return c;
}

function lazy(f: () => Compiled): () => Compiled {
  let c: Compiled | undefined;
  return () => (c ??= f());
}

function build(t: AsnType, tag: number | undefined): Compiled {
  const ownId = (num: number, constructed: boolean): Uint8Array => (tag !== undefined ? identifier(CONTEXT, tag, constructed) : identifier(UNIVERSAL, num, constructed));
  switch (t.kind) {
    case 'sequence': {
      const fields = t.fields.map((f) => ({ name: f.name, node: lazy(() => compile(f.type, f.tag)) }));
      return tlv(
        ownId(16, true),
        (v, st) => {
          let n = 0;
          const o = v as Obj;
          for (const f of fields) {
            const fv = o[f.name];
            if (fv === undefined) continue;
            n += fv instanceof DerTlv ? fv.bytes.length : f.node().size(fv, st);
          }
          return n;
        },
        (v, st) => {
          const o = v as Obj;
          for (const f of fields) {
            const fv = o[f.name];
            if (fv === undefined) continue;
            if (fv instanceof DerTlv) bytesWrite(fv.bytes, st);
            else f.node().write(fv, st);
          }
        },
      );
    }
    case 'sequenceOf': {
      const of = lazy(() => compile(t.of));
      return tlv(
        ownId(16, true),
        (v, st) => {
          let n = 0;
          for (const item of v as readonly AsnValue[]) n += of().size(item, st);
          return n;
        },
        (v, st) => {
          for (const item of v as readonly AsnValue[]) of().write(item, st);
        },
      );
    }
    case 'choice': {
      const alts = t.alternatives.map((a) => ({ name: a.name, node: lazy(() => compile(a.type, a.tag)) }));
      const pick = (v: AsnValue): [Compiled, AsnValue] => {
        const o = v as Obj;
        for (const a of alts) {
          const av = o[a.name];
          if (av !== undefined) return [a.node(), av];
        }
        throw new Error(`${t.name}: no alternative`);
      };
      const inner: Compiled = {
        size: (v, st) => {
          const [c, av] = pick(v);
          return c.size(av, st);
        },
        write: (v, st) => {
          const [c, av] = pick(v);
          c.write(av, st);
        },
      };
      // X.680 31.2.7: a tagged CHOICE is explicitly tagged; untagged it is the alternative itself.
      return tag === undefined ? inner : tlv(identifier(CONTEXT, tag, true), inner.size, inner.write);
    }
    case 'enumerated': {
      const values = t.values;
      const num = (v: AsnValue): number => (typeof v === 'number' ? v : values[v as string]!);
      return tlv(
        ownId(10, false),
        (v) => int32Size(num(v)),
        (v, st) => integerWrite(num(v), st),
      );
    }
    case 'containing': {
      // OCTET STRING (CONTAINING T): the content octets are T's complete encoding.
      const inner = lazy(() => compile(t.inner));
      return tlv(
        ownId(4, false),
        (v, st) => inner().size(v, st),
        (v, st) => inner().write(v, st),
      );
    }
    default: {
      const [size, write] = primitiveContent(t);
      return tlv(ownId(UNIVERSAL_TAG[t.kind], false), size, write);
    }
  }
}

/** Pass 1 done: the encoding's size, and pass 2 writing it into any buffer at any offset. */
export interface PreparedDer {
  readonly length: number;
  writeTo(out: Uint8Array, at: number): void;
}

function prepare(c: Compiled, value: AsnValue): PreparedDer {
  const st: State = { lens: [], li: 0, objs: [], oi: 0, out: EMPTY, p: 0 };
  const length = c.size(value, st);
  return {
    length,
    writeTo(out, at) {
      st.out = Buffer.from(out.buffer, out.byteOffset, out.length);
      st.p = at;
      st.li = 0;
      st.oi = 0;
      c.write(value, st);
    },
  };
}

function run(c: Compiled, value: AsnValue): Uint8Array {
  const d = prepare(c, value);
  const out = new Uint8Array(d.length);
  d.writeTo(out, 0);
  return out;
}
const EMPTY = Buffer.alloc(0);

/** DER of `value` as `type` (its own tag, or the alternative's for an untagged CHOICE); same bytes as encodeDer. */
export function writeDer(type: AsnType, value: AsnValue): Uint8Array {
  return run(compile(type), value);
}

/** DER of `value` as a field of context tag `tag` of type `type` (implicit, or explicit for a CHOICE), to insert as a {@link DerTlv}. */
export function writeDerField(type: AsnType, tag: number, value: AsnValue): Uint8Array {
  return run(compile(type, tag), value);
}

/** The DER of `value` as `type`, sized but not yet written: for a caller that writes it inside a larger buffer (the X2 PDU). */
export function prepareDer(type: AsnType, value: AsnValue): PreparedDer {
  return prepare(compile(type), value);
}
