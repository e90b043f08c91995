/**
 * JSON output of `msrptap decode`: one plain object per record (JSON Lines), with every X2/X3
 * header field and attribute by name, ASN.1 trees as nested {name, type, value, children}, and
 * bytes shown as UTF-8 text when they are text (SIP, MSRP, SDP) or as hex otherwise.
 */
import { formatTimestamp } from '../../core/timestamp.js';
import { fromX2X3Direction } from '../../records/direction.js';
import { toHex } from '../../util/bytes.js';
import type { AsnNode } from '../asn1/ber-decoder.js';
import { formatIpAddress } from '../asn1/format-asn-tree.js';
import { ATTRIBUTE_NAMES, PAYLOAD_DIRECTION_NAMES, PAYLOAD_FORMAT_NAMES, PDU_TYPE_NAMES } from '../x2x3/x2x3-constants.js';
import { attributeType, type X2X3Attribute } from '../x2x3/x2x3-pdu.js';
import { formatDecodeError } from './decode-error.js';
import type { DecodedRecordFile } from './decode-record-file.js';
import { decodeUtf8, isPrintableText } from './utf8.js';

/** Bytes as text when they are printable UTF-8, else `{hex}`. */
export function bytesJson(b: Uint8Array): string | { hex: string } {
  return isPrintableText(b) ? decodeUtf8(b)! : { hex: toHex(b) };
}

function valueJson(v: unknown): unknown {
  if (v instanceof Uint8Array) return bytesJson(v);
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(valueJson);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = valueJson(x);
    return o;
  }
  return v;
}

/** An ASN.1 node as JSON: field name, ASN.1 type, tag, value and children. */
export function asnNodeJson(n: AsnNode): Record<string, unknown> {
  const o: Record<string, unknown> = { name: n.name, type: n.typeName, tag: n.tag };
  if (n.value !== undefined) o.value = valueJson(n.value);
  if (n.note !== undefined) o.note = n.note;
  if (n.children !== undefined) o.children = n.children.map(asnNodeJson);
  return o;
}

function attributeJson(a: X2X3Attribute): Record<string, unknown> {
  const type = attributeType(a);
  const base = { type, name: ATTRIBUTE_NAMES[type] ?? 'unassigned' };
  switch (a.kind) {
    case 'sequenceNumber':
      return { ...base, value: a.value };
    case 'timestamp':
      return { ...base, value: { seconds: a.sec, nanoseconds: a.nsec, iso: formatTimestamp(a.sec, a.nsec) } };
    case 'sourceIPv4Address':
    case 'destinationIPv4Address':
    case 'sourceIPv6Address':
    case 'destinationIPv6Address':
      return { ...base, value: formatIpAddress(a.address) };
    case 'sourcePort':
    case 'destinationPort':
      return { ...base, value: a.port };
    case 'ipProtocol':
      return { ...base, value: a.protocol };
    case 'matchedTargetIdentifier':
    case 'otherTargetIdentifier':
    case 'sdpSessionDescription':
      return { ...base, value: a.text };
    case 'opaque':
      return { ...base, value: bytesJson(a.value) };
  }
}

/** One JSON object per decoded record, then (if any) one `{error}` object. */
export function decodedRecordsJson(d: DecodedRecordFile): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  switch (d.kind) {
    case 'x2x3':
      for (const it of d.items) {
        const p = it.pdu;
        const o: Record<string, unknown> = {
          kind: 'x2x3',
          offset: it.offset,
          version: `${p.version >> 8}.${p.version & 0xff}`,
          pduType: p.pduType,
          pduTypeName: PDU_TYPE_NAMES[p.pduType] ?? 'unknown',
          payloadFormat: p.payloadFormat,
          payloadFormatName: PAYLOAD_FORMAT_NAMES[p.payloadFormat] ?? 'unknown',
          payloadDirection: p.payloadDirection,
          payloadDirectionName: PAYLOAD_DIRECTION_NAMES[p.payloadDirection] ?? 'unknown',
          direction: fromX2X3Direction(p.payloadDirection) ?? null,
          xid: p.xid,
          correlationId: toHex(p.correlationId),
          attributes: p.attributes.map(attributeJson),
          payloadLength: p.payload.length,
        };
        if (it.payloadTree !== undefined) o.payload = asnNodeJson(it.payloadTree);
        else if (p.payload.length > 0) o.payload = bytesJson(p.payload);
        if (it.payloadError !== undefined) o.payloadError = { ...it.payloadError, message: formatDecodeError(it.payloadError) };
        out.push(o);
      }
      break;
    case 'ps-pdu':
      for (const it of d.items) out.push({ kind: 'ps-pdu', offset: it.offset, pdu: asnNodeJson(it.tree) });
      break;
    case 'protobuf':
      for (const it of d.items) out.push({ kind: 'protobuf', offset: it.offset, record: valueJson(it.record) });
      break;
    case 'unknown':
      break;
  }
  if (d.error !== undefined) out.push({ error: { ...d.error, message: formatDecodeError(d.error) } });
  return out;
}
