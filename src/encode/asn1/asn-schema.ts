/**
 * Schema descriptors: each ASN.1 type msrptap encodes is described ONCE, as data, in its own file
 * under ./ts33128/ or ./li-ps-pdu/ (named after the type, ASN.1 definition quoted above it). The
 * generic DER encoder (./der-encoder.ts) and the generic BER decoder (./ber-decoder.ts) are driven
 * by these descriptors, so no type is hand-encoded twice.
 *
 * Tagging: both modules are `DEFINITIONS IMPLICIT TAGS` (33.128 also EXTENSIBILITY IMPLIED), so a
 * context tag replaces the tag of the field's type, except when the type is a CHOICE, which is
 * always tagged explicitly (X.680 31.2.7 c): a constructed [n] wrapping the chosen alternative.
 * Untagged CHOICE elements of a SEQUENCE OF are encoded as the alternative itself.
 */

export type PrimitiveKind = 'octetString' | 'utf8String' | 'printableString' | 'numericString' | 'integer' | 'boolean' | 'null' | 'relativeOid' | 'oid' | 'generalizedTime';

interface TypeBase {
  /** ASN.1 type name as written in the module (e.g. "IMSMessage", "SIPURI", "UTF8String"). */
  readonly name: string;
}

/** A field of a SEQUENCE or an alternative of a CHOICE. */
export interface AsnField {
  readonly name: string;
  /** Context-specific tag number. */
  readonly tag: number;
  readonly type: AsnType;
  readonly optional?: boolean;
}

export interface SequenceType extends TypeBase {
  readonly kind: 'sequence';
  readonly fields: readonly AsnField[];
}

export interface ChoiceType extends TypeBase {
  readonly kind: 'choice';
  readonly alternatives: readonly AsnField[];
}

export interface SequenceOfType extends TypeBase {
  readonly kind: 'sequenceOf';
  readonly of: AsnType;
  /** SIZE lower bound (1 for "SIZE (1..MAX)"). */
  readonly min?: number;
}

export interface EnumeratedType extends TypeBase {
  readonly kind: 'enumerated';
  readonly values: Readonly<Record<string, number>>;
}

export interface PrimitiveType extends TypeBase {
  readonly kind: PrimitiveKind;
  /** SIZE constraint (octets for OCTET STRING, characters for strings). */
  readonly size?: { readonly min: number; readonly max: number };
  /** Value range of INTEGER. */
  readonly range?: { readonly min: bigint; readonly max: bigint };
}

/** `OCTET STRING (CONTAINING T)`: the octets are the DER of a T value. */
export interface ContainingType extends TypeBase {
  readonly kind: 'containing';
  readonly inner: AsnType;
}

export type AsnType = SequenceType | ChoiceType | SequenceOfType | EnumeratedType | PrimitiveType | ContainingType;

/** GeneralizedTime value: UTC instant with nanoseconds. */
export interface GeneralizedTimeValue {
  readonly sec: number;
  readonly nsec: number;
}

/**
 * Encoder input shapes: SEQUENCE → object keyed by field name (absent OPTIONAL fields omitted or
 * undefined); CHOICE → object with exactly one key, the alternative's name; SEQUENCE OF → array;
 * ENUMERATED → value name; OCTET STRING → Uint8Array; UTF8String → string or UTF-8 bytes;
 * Printable/NumericString → string; INTEGER → number or bigint; BOOLEAN → boolean; NULL → null;
 * (RELATIVE-)OID → dotted string; GeneralizedTime → GeneralizedTimeValue; CONTAINING → inner value.
 */
export type AsnValue = { readonly [field: string]: AsnValue | undefined } | readonly AsnValue[] | string | number | bigint | boolean | null | Uint8Array | GeneralizedTimeValue;

// --- small builders used by the descriptor files -------------------------------------------

export function field(name: string, tag: number, type: AsnType, optional = false): AsnField {
  return optional ? { name, tag, type, optional } : { name, tag, type };
}

export function sequence(name: string, fields: readonly AsnField[]): SequenceType {
  return { kind: 'sequence', name, fields };
}

export function choice(name: string, alternatives: readonly AsnField[]): ChoiceType {
  return { kind: 'choice', name, alternatives };
}

export function sequenceOf(name: string, of: AsnType, min?: number): SequenceOfType {
  return min === undefined ? { kind: 'sequenceOf', name, of } : { kind: 'sequenceOf', name, of, min };
}

export function enumerated(name: string, values: Readonly<Record<string, number>>): EnumeratedType {
  return { kind: 'enumerated', name, values };
}

export function primitive(kind: PrimitiveKind, name: string, constraints: Omit<PrimitiveType, 'kind' | 'name'> = {}): PrimitiveType {
  return { kind, name, ...constraints };
}

export function containing(name: string, inner: AsnType): ContainingType {
  return { kind: 'containing', name, inner };
}

/** Display name of a type's kind, as written in ASN.1. */
export const KIND_NAMES: Readonly<Record<AsnType['kind'], string>> = {
  sequence: 'SEQUENCE',
  choice: 'CHOICE',
  sequenceOf: 'SEQUENCE OF',
  enumerated: 'ENUMERATED',
  octetString: 'OCTET STRING',
  utf8String: 'UTF8String',
  printableString: 'PrintableString',
  numericString: 'NumericString',
  integer: 'INTEGER',
  boolean: 'BOOLEAN',
  null: 'NULL',
  relativeOid: 'RELATIVE-OID',
  oid: 'OBJECT IDENTIFIER',
  generalizedTime: 'GeneralizedTime',
  containing: 'OCTET STRING (CONTAINING)',
};

/** X.680 universal tag numbers of the kinds (used when a type is not context-tagged). */
export const UNIVERSAL_TAG: Readonly<Record<AsnType['kind'], number>> = {
  boolean: 1,
  integer: 2,
  octetString: 4,
  containing: 4,
  null: 5,
  oid: 6,
  enumerated: 10,
  utf8String: 12,
  relativeOid: 13,
  sequence: 16,
  sequenceOf: 16,
  numericString: 18,
  printableString: 19,
  generalizedTime: 24,
  choice: -1, // a CHOICE has no tag of its own
};

/** True for kinds encoded constructed. */
export function isConstructedKind(k: AsnType['kind']): boolean {
  return k === 'sequence' || k === 'sequenceOf';
}
