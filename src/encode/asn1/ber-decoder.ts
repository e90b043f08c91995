/**
 * Generic BER decoder driven by the schema descriptors (./asn-schema.ts). It yields a tree of
 * named nodes (field name, type name, tag, offsets, decoded value) for the `decode` command and
 * receivers, and `treeToValue` turns the tree back into the encoder's value shape, so
 * encode → decode → treeToValue round-trips.
 *
 * Leniency follows the modules' extensibility (33.128 EXTENSIBILITY IMPLIED, LI-PS-PDU "..."):
 * elements with tags the schema does not know are kept as `unknown` nodes (raw octets) rather
 * than rejected. Everything else that does not match (wrong tag, missing mandatory field, bad
 * UTF-8, bad lengths) is a typed error with its offset. Never throws.
 */
import { decodeFail, type DecodeResult } from '../common/decode-error.js';
import { decodeUtf8 } from '../common/utf8.js';
import { decodeIntegerContent, decodeOidContent, decodeRelativeOidContent, isNumericString, isPrintableString, parseGeneralizedTime } from './asn1-primitives.js';
import { KIND_NAMES, UNIVERSAL_TAG, isConstructedKind, type AsnType, type AsnValue, type PrimitiveType } from './asn-schema.js';
import { DEFAULT_MAX_BER_DEPTH, TagClass, readChildren, readTlv, tagText, type Tlv } from './ber-reader.js';

/** One decoded element. */
export interface AsnNode {
  /** Field/alternative name, or the type name at the top. "?" for unknown extension elements. */
  readonly name: string;
  /** ASN.1 type name ("IMSMessage", "SIPURI"); "unknown" for extension elements. */
  readonly typeName: string;
  /** Kind text, e.g. "SEQUENCE", "UTF8String". */
  readonly kindName: string;
  readonly tag: string;
  readonly offset: number;
  /** Whole element length incl. identifier and length octets. */
  readonly length: number;
  /** Decoded primitive value (strings, numbers, bytes, enumerated name, time). */
  readonly value?: AsnValue;
  /** Extra text for display, e.g. the ENUMERATED number or the GeneralizedTime text. */
  readonly note?: string;
  readonly children?: readonly AsnNode[];
  /** Set for the schema's own nodes; absent for unknown elements. */
  readonly type?: AsnType;
}

export interface BerDecodeOptions {
  readonly maxDepth?: number;
  /** Cap on nodes per decode (default 100 000). */
  readonly maxNodes?: number;
}

interface Ctx {
  readonly b: Uint8Array;
  readonly maxDepth: number;
  readonly maxNodes: number;
  nodes: number;
}

type R<T> = DecodeResult<T>;

function expectedTag(t: AsnType, ctxTag: number | undefined): string {
  return ctxTag !== undefined ? `[${ctxTag}]` : `UNIVERSAL ${UNIVERSAL_TAG[t.kind]}`;
}

/** Content octets of a primitive element, concatenating segments of a constructed (BER) string. */
function contentOf(ctx: Ctx, tlv: Tlv, depth: number): R<Uint8Array> {
  if (!tlv.constructed) return { ok: true, value: ctx.b.subarray(tlv.contentStart, tlv.contentEnd) };
  // X.690 8.7.3 / 8.23.6: constructed strings are a sequence of primitive segments.
  const kids = readChildren(ctx.b, tlv, depth, ctx.maxDepth);
  if (!kids.ok) return kids;
  const parts: Uint8Array[] = [];
  for (const k of kids.value) {
    const c = contentOf(ctx, k, depth + 1);
    if (!c.ok) return c;
    parts.push(c.value);
  }
  return { ok: true, value: Buffer.concat(parts) };
}

function decodePrimitive(ctx: Ctx, t: PrimitiveType, tlv: Tlv, depth: number): R<{ value: AsnValue; note?: string }> {
  const stringish = t.kind === 'octetString' || t.kind === 'utf8String' || t.kind === 'printableString' || t.kind === 'numericString';
  if (tlv.constructed && !stringish) return decodeFail('bad_tag', tlv.offset, `primitive ${t.name}`);
  const c = contentOf(ctx, tlv, depth);
  if (!c.ok) return c;
  const v = c.value;
  const at = tlv.contentStart;
  switch (t.kind) {
    case 'octetString':
      return { ok: true, value: { value: v } };
    case 'utf8String': {
      const s = decodeUtf8(v);
      if (s === undefined) return decodeFail('bad_value', at, `${t.name} content as valid UTF-8`);
      return { ok: true, value: { value: s } };
    }
    case 'printableString':
    case 'numericString': {
      const s = Buffer.from(v).toString('latin1');
      const okChars = t.kind === 'printableString' ? isPrintableString(s) : isNumericString(s);
      if (!okChars) return decodeFail('bad_value', at, `${t.name} characters`);
      return { ok: true, value: { value: s } };
    }
    case 'integer': {
      const n = decodeIntegerContent(v);
      if (n === undefined) return decodeFail('bad_value', at, 'at least one INTEGER content octet');
      return { ok: true, value: { value: n } };
    }
    case 'boolean':
      if (v.length !== 1) return decodeFail('bad_value', at, 'one BOOLEAN content octet');
      return { ok: true, value: { value: v[0] !== 0 } };
    case 'null':
      if (v.length !== 0) return decodeFail('bad_value', at, 'no NULL content octets');
      return { ok: true, value: { value: null } };
    case 'relativeOid':
    case 'oid': {
      const s = t.kind === 'oid' ? decodeOidContent(v) : decodeRelativeOidContent(v);
      if (s === undefined) return decodeFail('bad_value', at, `${KIND_NAMES[t.kind]} arcs`);
      return { ok: true, value: { value: s } };
    }
    case 'generalizedTime': {
      const text = Buffer.from(v).toString('latin1');
      const g = parseGeneralizedTime(text);
      if (g === undefined) return decodeFail('bad_value', at, 'GeneralizedTime YYYYMMDDHH[MM[SS[.f]]](Z|+-hhmm)');
      return { ok: true, value: { value: g, note: text } };
    }
  }
}

function unknownNode(ctx: Ctx, tlv: Tlv): AsnNode {
  return {
    name: '?',
    typeName: 'unknown',
    kindName: tlv.constructed ? 'constructed' : 'primitive',
    tag: tagText(tlv.cls, tlv.tag),
    offset: tlv.offset,
    length: tlv.end - tlv.offset,
    value: ctx.b.subarray(tlv.contentStart, tlv.contentEnd),
  };
}

/**
 * Decodes `tlv` as type `t`. `ctxTag` is the context tag the field declared (undefined when the
 * element is untagged, e.g. a SEQUENCE OF element or the top level).
 */
function decodeAs(ctx: Ctx, t: AsnType, tlv: Tlv, name: string, ctxTag: number | undefined, depth: number): R<AsnNode> {
  if (++ctx.nodes > ctx.maxNodes) return decodeFail('too_large', tlv.offset, `at most ${ctx.maxNodes} elements`);
  if (depth > ctx.maxDepth) return decodeFail('too_deep', tlv.offset, `nesting depth <= ${ctx.maxDepth}`);
  const base = { name, typeName: t.name, kindName: KIND_NAMES[t.kind], tag: tagText(tlv.cls, tlv.tag), offset: tlv.offset, length: tlv.end - tlv.offset, type: t };

  if (t.kind === 'choice') {
    let inner = tlv;
    if (ctxTag !== undefined) {
      // Explicit tag around the alternative (X.680 31.2.7).
      if (tlv.cls !== TagClass.CONTEXT || tlv.tag !== ctxTag || !tlv.constructed) return decodeFail('bad_tag', tlv.offset, `constructed [${ctxTag}] (${t.name})`);
      const kids = readChildren(ctx.b, tlv, depth, ctx.maxDepth);
      if (!kids.ok) return kids;
      if (kids.value.length !== 1) return decodeFail('bad_value', tlv.contentStart, `exactly one alternative of ${t.name}`);
      inner = kids.value[0]!;
    }
    const alt = inner.cls === TagClass.CONTEXT ? t.alternatives.find((a) => a.tag === inner.tag) : undefined;
    let child: AsnNode;
    if (alt === undefined) {
      // An alternative added by a later version (extensibility): keep it raw.
      child = unknownNode(ctx, inner);
    } else {
      const c = decodeAs(ctx, alt.type, inner, alt.name, alt.tag, depth + 1);
      if (!c.ok) return c;
      child = c.value;
    }
    return { ok: true, value: { ...base, children: [child] } };
  }

  // Every other type carries the field's tag (implicit) or its universal tag.
  const wantCls = ctxTag !== undefined ? TagClass.CONTEXT : TagClass.UNIVERSAL;
  const wantTag = ctxTag ?? UNIVERSAL_TAG[t.kind];
  if (tlv.cls !== wantCls || tlv.tag !== wantTag) return decodeFail('bad_tag', tlv.offset, `${expectedTag(t, ctxTag)} (${t.name})`);
  if (isConstructedKind(t.kind) && !tlv.constructed) return decodeFail('bad_tag', tlv.offset, `constructed ${t.name}`);

  switch (t.kind) {
    case 'sequence': {
      const kids = readChildren(ctx.b, tlv, depth, ctx.maxDepth);
      if (!kids.ok) return kids;
      const children: AsnNode[] = [];
      let fi = 0;
      for (const k of kids.value) {
        const idx = k.cls === TagClass.CONTEXT ? t.fields.findIndex((f, i) => i >= fi && f.tag === k.tag) : -1;
        if (idx < 0) {
          children.push(unknownNode(ctx, k));
          continue;
        }
        for (let i = fi; i < idx; i++) {
          if (!t.fields[i]!.optional) return decodeFail('bad_tag', k.offset, `[${t.fields[i]!.tag}] ${t.fields[i]!.name} (mandatory in ${t.name})`);
        }
        const f = t.fields[idx]!;
        const c = decodeAs(ctx, f.type, k, f.name, f.tag, depth + 1);
        if (!c.ok) return c;
        children.push(c.value);
        fi = idx + 1;
      }
      for (let i = fi; i < t.fields.length; i++) {
        if (!t.fields[i]!.optional) return decodeFail('truncated', tlv.contentEnd, `[${t.fields[i]!.tag}] ${t.fields[i]!.name} (mandatory in ${t.name})`);
      }
      return { ok: true, value: { ...base, children } };
    }
    case 'sequenceOf': {
      const kids = readChildren(ctx.b, tlv, depth, ctx.maxDepth);
      if (!kids.ok) return kids;
      const children: AsnNode[] = [];
      for (let i = 0; i < kids.value.length; i++) {
        const c = decodeAs(ctx, t.of, kids.value[i]!, `[${i}]`, undefined, depth + 1);
        if (!c.ok) return c;
        children.push(c.value);
      }
      if (t.min !== undefined && children.length < t.min) return decodeFail('bad_value', tlv.contentStart, `at least ${t.min} elements of ${t.name}`);
      return { ok: true, value: { ...base, children } };
    }
    case 'enumerated': {
      if (tlv.constructed) return decodeFail('bad_tag', tlv.offset, `primitive ${t.name}`);
      const n = decodeIntegerContent(ctx.b.subarray(tlv.contentStart, tlv.contentEnd));
      if (n === undefined) return decodeFail('bad_value', tlv.contentStart, 'ENUMERATED content');
      const nameOf = Object.entries(t.values).find(([, v]) => v === n)?.[0];
      // Unknown numbers are kept (an extension value from a newer module version).
      return { ok: true, value: { ...base, value: nameOf ?? Number(n), note: String(n) } };
    }
    case 'containing': {
      const c = contentOf(ctx, tlv, depth);
      if (!c.ok) return c;
      const inner = decodeBerWith(ctx, t.inner, c.value, tlv.constructed ? undefined : tlv.contentStart, depth + 1);
      if (!inner.ok) return inner;
      return { ok: true, value: { ...base, children: [inner.value] } };
    }
    default: {
      const p = decodePrimitive(ctx, t, tlv, depth);
      if (!p.ok) return p;
      return { ok: true, value: p.value.note === undefined ? { ...base, value: p.value.value } : { ...base, value: p.value.value, note: p.value.note } };
    }
  }
}

/**
 * Decodes the complete encoding of a value held in `bytes` (e.g. the octets of an
 * OCTET STRING (CONTAINING T)). `baseOffset` maps offsets back into the outer input when the
 * bytes are a view of it; undefined for reassembled (copied) content, whose offsets stay relative.
 */
function decodeBerWith(ctx: Ctx, t: AsnType, bytes: Uint8Array, baseOffset: number | undefined, depth: number): R<AsnNode> {
  const sub: Ctx = { b: bytes, maxDepth: ctx.maxDepth, maxNodes: ctx.maxNodes - ctx.nodes, nodes: 0 };
  const tlv = readTlv(bytes, 0, bytes.length, depth, ctx.maxDepth);
  const shift = (r: R<AsnNode>): R<AsnNode> => {
    if (r.ok || baseOffset === undefined) return r;
    return { ok: false, error: { ...r.error, offset: r.error.offset + baseOffset } };
  };
  if (!tlv.ok) return shift(tlv);
  if (tlv.value.end !== bytes.length) return shift(decodeFail('bad_length', tlv.value.end, `end of ${t.name} at ${bytes.length}`));
  const r = decodeAs(sub, t, tlv.value, t.name, undefined, depth);
  ctx.nodes += sub.nodes;
  return baseOffset === undefined || !r.ok ? shift(r) : { ok: true, value: offsetTree(r.value, baseOffset) };
}

function offsetTree(n: AsnNode, by: number): AsnNode {
  if (by === 0) return n;
  return { ...n, offset: n.offset + by, ...(n.children ? { children: n.children.map((c) => offsetTree(c, by)) } : {}) };
}

/**
 * Decodes one element of type `t` at `off`. On success also returns the element's end offset, so
 * callers can walk a stream of back-to-back PDUs.
 */
export function decodeBer(t: AsnType, b: Uint8Array, off = 0, opts: BerDecodeOptions = {}): DecodeResult<{ node: AsnNode; end: number }> {
  const ctx: Ctx = { b, maxDepth: opts.maxDepth ?? DEFAULT_MAX_BER_DEPTH, maxNodes: opts.maxNodes ?? 100_000, nodes: 0 };
  const tlv = readTlv(b, off, b.length, 0, ctx.maxDepth);
  if (!tlv.ok) return tlv;
  const r = decodeAs(ctx, t, tlv.value, t.name, undefined, 0);
  if (!r.ok) return r;
  return { ok: true, value: { node: r.value, end: tlv.value.end } };
}

/**
 * Rebuilds the encoder's value shape from a decoded tree (unknown extension elements are dropped,
 * so this is the value as far as the schema knows it).
 */
export function treeToValue(n: AsnNode): AsnValue {
  const t = n.type;
  if (t === undefined) return n.value ?? null;
  switch (t.kind) {
    case 'choice': {
      const c = n.children![0]!;
      return c.type === undefined ? {} : { [c.name]: treeToValue(c) };
    }
    case 'sequence': {
      const out: Record<string, AsnValue> = {};
      for (const c of n.children!) if (c.type !== undefined) out[c.name] = treeToValue(c);
      return out;
    }
    case 'sequenceOf':
      return n.children!.map(treeToValue);
    case 'containing':
      return treeToValue(n.children![0]!);
    default:
      return n.value ?? null;
  }
}

/** Finds the first node with the given field name, depth-first (for tests and tools). */
export function findNode(n: AsnNode, name: string): AsnNode | undefined {
  if (n.name === name) return n;
  for (const c of n.children ?? []) {
    const f = findNode(c, name);
    if (f) return f;
  }
  return undefined;
}
