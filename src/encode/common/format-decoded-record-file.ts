/**
 * Text output of `msrptap decode`: every X2/X3 header field and attribute, the named ASN.1 trees
 * of 33.128 / 102 232-1 payloads, protobuf records as indented JSON, with SIP/MSRP/SDP shown as
 * text where it is text.
 */
import { formatTimestamp } from '../../core/timestamp.js';
import { fromX2X3Direction } from '../../records/direction.js';
import { toHex } from '../../util/bytes.js';
import { bytesLines, formatAsnTree, formatIpAddress } from '../asn1/format-asn-tree.js';
import { ATTRIBUTE_NAMES, PAYLOAD_DIRECTION_NAMES, PAYLOAD_FORMAT_NAMES, PDU_TYPE_NAMES } from '../x2x3/x2x3-constants.js';
import { attributeType, type X2X3Attribute } from '../x2x3/x2x3-pdu.js';
import { formatDecodeError } from './decode-error.js';
import type { DecodedRecordFile, DecodedX2X3Item } from './decode-record-file.js';
import { decodeUtf8, isPrintableText } from './utf8.js';

function attributeText(a: X2X3Attribute): string {
  switch (a.kind) {
    case 'sequenceNumber':
      return String(a.value);
    case 'timestamp':
      return `${a.sec}.${String(a.nsec).padStart(9, '0')} (${formatTimestamp(a.sec, a.nsec)})`;
    case 'sourceIPv4Address':
    case 'destinationIPv4Address':
    case 'sourceIPv6Address':
    case 'destinationIPv6Address':
      return formatIpAddress(a.address);
    case 'sourcePort':
    case 'destinationPort':
      return String(a.port);
    case 'ipProtocol':
      return String(a.protocol);
    case 'matchedTargetIdentifier':
    case 'otherTargetIdentifier':
    case 'sdpSessionDescription':
      return JSON.stringify(a.text);
    case 'opaque':
      return isPrintableText(a.value) ? JSON.stringify(decodeUtf8(a.value)) : toHex(a.value);
  }
}

function x2x3Lines(it: DecodedX2X3Item, index: number): string[] {
  const p = it.pdu;
  const out = [
    `PDU ${index + 1} at offset ${it.offset}`,
    `  version: ${p.version >> 8}.${p.version & 0xff}`,
    `  pduType: ${p.pduType} (${PDU_TYPE_NAMES[p.pduType] ?? 'unknown'})`,
    `  payloadFormat: ${p.payloadFormat} (${PAYLOAD_FORMAT_NAMES[p.payloadFormat] ?? 'unknown'})`,
    `  payloadDirection: ${p.payloadDirection} (${PAYLOAD_DIRECTION_NAMES[p.payloadDirection] ?? 'unknown'}${fromX2X3Direction(p.payloadDirection) ? `, ${fromX2X3Direction(p.payloadDirection)}` : ''})`,
    `  xid: ${p.xid}`,
    `  correlationId: ${toHex(p.correlationId)}`,
  ];
  for (const a of p.attributes) {
    const t = attributeType(a);
    out.push(`  attribute ${t} (${ATTRIBUTE_NAMES[t] ?? 'unassigned'}): ${attributeText(a)}`);
  }
  out.push(`  payload: ${p.payload.length} bytes`);
  if (it.payloadTree) out.push(...formatAsnTree(it.payloadTree, '    '));
  else if (p.payload.length > 0) {
    const { inline, block } = bytesLines(p.payload, '    ');
    out.push(`    ${inline}`, ...block);
  }
  if (it.payloadError) out.push(`    payload error: ${formatDecodeError(it.payloadError)}`);
  return out;
}

function jsonReplacer(_k: string, v: unknown): unknown {
  if (v instanceof Uint8Array) return isPrintableText(v) ? decodeUtf8(v) : `hex:${toHex(v)}`;
  if (typeof v === 'object' && v !== null && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
    const b = Uint8Array.from((v as { data: number[] }).data);
    return isPrintableText(b) ? decodeUtf8(b) : `hex:${toHex(b)}`;
  }
  return v;
}

/** Renders a decoded record file as lines of text. */
export function formatDecodedRecordFile(d: DecodedRecordFile): string[] {
  const out: string[] = [`kind: ${d.kind}`];
  switch (d.kind) {
    case 'x2x3':
      d.items.forEach((it, i) => {
        out.push(...x2x3Lines(it, i));
      });
      break;
    case 'ps-pdu':
      d.items.forEach((it, i) => {
        out.push(`PS-PDU ${i + 1} at offset ${it.offset}`, ...formatAsnTree(it.tree, '  '));
      });
      break;
    case 'protobuf':
      d.items.forEach((it, i) => {
        out.push(
          `Record ${i + 1} at offset ${it.offset}`,
          ...JSON.stringify(it.record, jsonReplacer, 2)
            .split('\n')
            .map((l) => `  ${l}`),
        );
      });
      break;
    case 'unknown':
      break;
  }
  if (d.error) out.push(`error: ${formatDecodeError(d.error)}`);
  return out;
}
