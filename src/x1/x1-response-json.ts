/**
 * An X1 response document as plain JSON, for the lab ADMF's output (`msrptap x1 ... | jq`):
 * elements by local name (namespaces are X1 or TS 103 280 by construction), a repeated element
 * becomes an array, simple elements their text, and each message's `xsi:type` its `type`.
 * Parsed with the same safe parser as requests (./x1-xml.ts): a response is untrusted input too.
 */
import type { Element } from '@xmldom/xmldom';
import { children, parseXml, textOf, xsiType } from './x1-xml.js';

export type JsonValue = string | JsonValue[] | { [k: string]: JsonValue };

function toJson(el: Element): JsonValue {
  const kids = children(el);
  const t = xsiType(el);
  if (kids.length === 0 && t === undefined) return textOf(el) ?? '';
  const o: { [k: string]: JsonValue } = {};
  if (t !== undefined) o.type = t.local;
  for (const c of kids) {
    const v = toJson(c);
    const k = c.localName ?? c.nodeName;
    const prev = o[k];
    if (prev === undefined) o[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else o[k] = [prev, v];
  }
  return o;
}

/** `{ root: <local name>, messages: [...] }` or `{ error }` when the body is not XML we accept. */
export function responseToJson(body: Uint8Array): { root: string; value: JsonValue } | { error: string } {
  const p = parseXml(body);
  if (!p.ok) return { error: p.reason };
  const v = toJson(p.root);
  // One message or several: always a list, so scripts index the same way.
  if (typeof v === 'object' && !Array.isArray(v) && v.x1ResponseMessage !== undefined && !Array.isArray(v.x1ResponseMessage)) v.x1ResponseMessage = [v.x1ResponseMessage];
  return { root: p.root.localName ?? '', value: v };
}
