/**
 * `msrptap decode --values`: one plain JSON object per record for jq. Where the default view
 * (./decoded-record-json.ts) shows the structure (ASN.1 nodes with name, type, tag, children;
 * X2/X3 attributes as a list with their numbers), this one shows only the values:
 *
 * - keys in camelCase: X2/X3 attributes by their TS 103 221-2 clause 5.3 name
 *   (`sequenceNumber`, `sourceIPv4Address`, ...), ASN.1 fields by their identifier with any
 *   hyphen removed (X.680 12.3 allows `-`; jq paths do not);
 * - plain values: INTEGER a number (a string beyond 2^53), ENUMERATED its name, strings as
 *   strings, GeneralizedTime and X2/X3 timestamps as ISO 8601 UTC, IP addresses as text
 *   (X2/X3 attributes and the 33.128 IPv4Address/IPv6Address types),
 *   OCTET STRING as its text when it is printable UTF-8 and as lowercase hex otherwise (a jq
 *   user tells them apart by the field: the default view keeps the `{hex}` form);
 * - a CHOICE is an object with the one alternative's key, SEQUENCE OF an array, CONTAINING the
 *   inner value; elements the schema does not know (extensions) are listed as hex under `"?"`.
 */
import { formatTimestamp } from '../../core/timestamp.js';
import { fromX2X3Direction } from '../../records/direction.js';
import { toHex } from '../../util/bytes.js';
import type { AsnNode } from '../asn1/ber-decoder.js';
import { formatIpAddress } from '../asn1/format-asn-tree.js';
import { PAYLOAD_FORMAT_NAMES } from '../x2x3/x2x3-constants.js';
import { attributeType, type X2X3Attribute } from '../x2x3/x2x3-pdu.js';
import { formatDecodeError } from './decode-error.js';
import type { DecodedRecordFile } from './decode-record-file.js';
import { decodeUtf8, isPrintableText } from './utf8.js';

/** TS 103 221-2 clause 5.3 attribute names (Table 5.3-1), in camelCase. */
const ATTRIBUTE_KEYS: Readonly<Record<number, string>> = {
  1: 'etsi102232DefinedAttribute',
  2: 'threeGPP33128DefinedAttribute',
  3: 'threeGPP33108DefinedAttribute',
  4: 'proprietaryAttribute',
  5: 'domainId',
  6: 'networkFunctionId',
  7: 'interceptionPointId',
  8: 'sequenceNumber',
  9: 'timestamp',
  10: 'sourceIPv4Address',
  11: 'destinationIPv4Address',
  12: 'sourceIPv6Address',
  13: 'destinationIPv6Address',
  14: 'sourcePort',
  15: 'destinationPort',
  16: 'ipProtocol',
  17: 'matchedTargetIdentifier',
  18: 'otherTargetIdentifier',
  19: 'mimeContentType',
  20: 'mimeContentTransferEncoding',
  21: 'additionalXidRelatedInformation',
  22: 'sdpSessionDescription',
};

const PDU_TYPE_KEYS: Readonly<Record<number, string>> = { 1: 'x2', 2: 'x3', 3: 'keepalive', 4: 'keepaliveAck' };

/** `lawfulInterceptionIdentifier` stays; `iRI-Begin-record` → `iRIBeginRecord`. */
export function camelKey(name: string): string {
  return name.replace(/-+([A-Za-z0-9])/g, (_m, c: string) => c.toUpperCase()).replace(/-/g, '');
}

/** OCTET STRING content: its text when printable UTF-8, else hex. */
export function bytesValue(b: Uint8Array): string {
  return isPrintableText(b) ? decodeUtf8(b)! : toHex(b);
}

function numberValue(n: number | bigint): number | string {
  if (typeof n === 'number') return n;
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

function isTime(v: unknown): v is { sec: number; nsec: number } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && Object.keys(v).length === 2 && typeof (v as { sec?: unknown }).sec === 'number' && typeof (v as { nsec?: unknown }).nsec === 'number';
}

/** Any decoded value (protobuf objects, ASN.1 leaf values) made plain. */
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return bytesValue(v);
  if (typeof v === 'bigint' || typeof v === 'number') return numberValue(v);
  if (Array.isArray(v)) return v.map(plain);
  if (isTime(v)) return formatTimestamp(v.sec, v.nsec);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[camelKey(k)] = plain(x);
    return o;
  }
  return v;
}

/** An ASN.1 node's value, without the tree's names, types and tags. */
export function asnPlainValue(n: AsnNode): unknown {
  const t = n.type;
  if (t === undefined) return n.value instanceof Uint8Array ? toHex(n.value) : plain(n.value ?? null);
  switch (t.kind) {
    case 'choice':
    case 'sequence': {
      const o: Record<string, unknown> = {};
      const unknown: unknown[] = [];
      for (const c of n.children ?? []) {
        if (c.type === undefined) unknown.push(asnPlainValue(c));
        else o[camelKey(c.name)] = asnPlainValue(c);
      }
      if (unknown.length > 0) o['?'] = unknown;
      return o;
    }
    case 'sequenceOf':
      return (n.children ?? []).map(asnPlainValue);
    case 'containing':
      return n.children?.[0] !== undefined ? asnPlainValue(n.children[0]) : null;
    default:
      // 33.128 IPv4Address / IPv6Address are OCTET STRINGs of 4 / 16 bytes: shown as addresses, as the text view does.
      if (n.value instanceof Uint8Array && ((n.typeName === 'IPv4Address' && n.value.length === 4) || (n.typeName === 'IPv6Address' && n.value.length === 16))) return formatIpAddress(n.value);
      return plain(n.value ?? null);
  }
}

function attributeValue(a: X2X3Attribute): unknown {
  switch (a.kind) {
    case 'sequenceNumber':
      return a.value;
    case 'timestamp':
      return formatTimestamp(a.sec, a.nsec);
    case 'sourceIPv4Address':
    case 'destinationIPv4Address':
    case 'sourceIPv6Address':
    case 'destinationIPv6Address':
      return formatIpAddress(a.address);
    case 'sourcePort':
    case 'destinationPort':
      return a.port;
    case 'ipProtocol':
      return a.protocol;
    case 'matchedTargetIdentifier':
    case 'otherTargetIdentifier':
    case 'sdpSessionDescription':
      return a.text;
    case 'opaque':
      return bytesValue(a.value);
  }
}

/** Attributes keyed by name; a name that occurs more than once (TS 103 221-2 allows it) holds an array. */
function attributesValue(list: readonly X2X3Attribute[]): Record<string, unknown> {
  const byKey = new Map<string, unknown[]>();
  for (const a of list) {
    const type = attributeType(a);
    const key = ATTRIBUTE_KEYS[type] ?? `attribute${type}`;
    const values = byKey.get(key) ?? [];
    byKey.set(key, values);
    values.push(attributeValue(a));
  }
  const o: Record<string, unknown> = {};
  for (const [k, v] of byKey) o[k] = v.length === 1 ? v[0] : v;
  return o;
}

/** One plain object per decoded record, then (if any) one `{error}` object, as the default view. */
export function decodedRecordsValues(d: DecodedRecordFile): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  switch (d.kind) {
    case 'x2x3':
      for (const it of d.items) {
        const p = it.pdu;
        const o: Record<string, unknown> = {
          kind: 'x2x3',
          offset: it.offset,
          pduType: PDU_TYPE_KEYS[p.pduType] ?? p.pduType,
          payloadFormat: PAYLOAD_FORMAT_NAMES[p.payloadFormat] ?? p.payloadFormat,
          direction: fromX2X3Direction(p.payloadDirection) ?? null,
          xid: p.xid,
          correlationId: toHex(p.correlationId),
          attributes: attributesValue(p.attributes),
        };
        if (it.payloadTree !== undefined) o.payload = asnPlainValue(it.payloadTree);
        else if (p.payload.length > 0) o.payload = bytesValue(p.payload);
        if (it.payloadError !== undefined) o.payloadError = formatDecodeError(it.payloadError);
        out.push(o);
      }
      break;
    case 'ps-pdu':
      for (const it of d.items) out.push({ kind: 'ps-pdu', offset: it.offset, ...(asnPlainValue(it.tree) as Record<string, unknown>) });
      break;
    case 'protobuf':
      for (const it of d.items) out.push({ kind: 'protobuf', offset: it.offset, ...(plain(it.record) as Record<string, unknown>) });
      break;
    case 'unknown':
      break;
  }
  if (d.error !== undefined) out.push({ error: { ...d.error, message: formatDecodeError(d.error) } });
  return out;
}
