/**
 * Text rendering of decoded ASN.1 trees for the `decode` command: one line per element with
 * field name, tag and type; SIP/MSRP/SDP octets shown as text when they are text, addresses and
 * UUIDs in their usual notation, everything else as hex.
 */
import { formatUuid } from '../../records/uuid.js';
import { toHex } from '../../util/bytes.js';
import { decodeUtf8, isPrintableText } from '../common/utf8.js';
import type { AsnValue, GeneralizedTimeValue } from './asn-schema.js';
import type { AsnNode } from './ber-decoder.js';

const UUID_TYPES = new Set(['RCSConversationID', 'RCSContributionID', 'UUID']);

/** IPv4 dotted quad / IPv6 groups (not compressed; exactness matters more than brevity here). */
export function formatIpAddress(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  const groups: string[] = [];
  for (let i = 0; i < b.length; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return groups.join(':');
}

/** Lines of a text block, prefixed so content can never be mistaken for tree structure. */
export function textBlock(text: string, indent: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => `${indent}| ${l}`);
}

/** True when at least 90 % of the bytes are printable ASCII or line breaks (and there are 16+). */
function isMostlyText(b: Uint8Array): boolean {
  if (b.length < 16) return false;
  let n = 0;
  for (const c of b) if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09) n++;
  return n * 10 >= b.length * 9;
}

/** Renders bytes: text block when printable UTF-8, else hex (32 bytes per line). */
export function bytesLines(b: Uint8Array, indent: string): { inline: string; block: string[] } {
  if (b.length > 0 && isPrintableText(b)) {
    const text = decodeUtf8(b)!;
    if (!/[\r\n]/.test(text) && text.length <= 100) return { inline: JSON.stringify(text), block: [] };
    return { inline: `(${b.length} bytes, text)`, block: textBlock(text, indent) };
  }
  if (isMostlyText(b)) {
    // e.g. an MSRP chunk with a binary body: headers stay readable, other bytes as \xNN.
    let text = '';
    for (const c of b) text += (c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09 ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
    return { inline: `(${b.length} bytes, text with \\xNN escapes)`, block: textBlock(text, indent) };
  }
  if (b.length <= 32) return { inline: b.length === 0 ? '(empty)' : toHex(b), block: [] };
  const block: string[] = [];
  for (let i = 0; i < b.length; i += 32) block.push(`${indent}${toHex(b, i, Math.min(b.length, i + 32))}`);
  return { inline: `(${b.length} bytes, hex)`, block };
}

function valueText(n: AsnNode, indent: string): { inline: string; block: string[] } {
  const v = n.value as AsnValue | undefined;
  if (v instanceof Uint8Array) {
    if ((n.typeName === 'IPv4Address' && v.length === 4) || (n.typeName === 'IPv6Address' && v.length === 16)) return { inline: formatIpAddress(v), block: [] };
    if (UUID_TYPES.has(n.typeName) && v.length === 16) return { inline: formatUuid(v), block: [] };
    return bytesLines(v, indent);
  }
  if (typeof v === 'string') {
    if (n.kindName === 'ENUMERATED') return { inline: `${v} (${n.note ?? ''})`, block: [] };
    if (/[\r\n]/.test(v) || v.length > 100) return { inline: `(${v.length} characters)`, block: textBlock(v, indent) };
    return { inline: JSON.stringify(v), block: [] };
  }
  if (typeof v === 'object' && v !== null && 'sec' in v) {
    const g = v as GeneralizedTimeValue;
    return { inline: `${n.note ?? ''} (${new Date(g.sec * 1000).toISOString().slice(0, 19)}.${String(g.nsec).padStart(9, '0')}Z)`, block: [] };
  }
  return { inline: String(v), block: [] };
}

/** Renders a decoded tree, one element per line, children indented by two spaces. */
export function formatAsnTree(n: AsnNode, indent = ''): string[] {
  const head = `${indent}${n.name} ${n.tag} ${n.typeName === n.kindName ? n.kindName : `${n.typeName} (${n.kindName})`}`;
  if (n.children !== undefined) {
    const out = [head];
    for (const c of n.children) out.push(...formatAsnTree(c, indent + '  '));
    return out;
  }
  const { inline, block } = valueText(n, indent + '    ');
  return [`${head}: ${inline}`, ...block];
}
