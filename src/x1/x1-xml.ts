/**
 * Safe, namespace-aware XML for X1 (ETSI TS 103 221-1): reading a request body into a DOM and
 * building responses with createElementNS, on @xmldom/xmldom (a maintained DOM Level 2 parser
 * and serializer with namespace support and no network or file access of its own).
 *
 * Why the checks before parsing: an X1 body comes from the network. A DOCTYPE may declare
 * entities (billion laughs, or external ones reading files: the `xxe.xml` fixture), so any markup
 * declaration (`<!DOCTYPE`, `<!ENTITY`, ...) is refused before the parser sees the text: no
 * entity can be declared, expanded or fetched. Element count and nesting depth are capped so a
 * 1 MiB body cannot make a huge or deep tree (a deep tree would also overflow recursive walks).
 *
 * Elements are matched by namespace URI and local name, never by prefix (the fixtures use
 * `ns1:`, a default namespace, or both), and the message type by the `xsi:type` QName resolved
 * against the namespaces in scope.
 */
import { DOMImplementation, DOMParser, XMLSerializer, onErrorStopParsing } from '@xmldom/xmldom';
import type { Document, Element, Node } from '@xmldom/xmldom';

/** TS 103 221-1 X1 namespace (clause 6, schema `TS_103_221_01.xsd`). */
export const X1_NS = 'http://uri.etsi.org/03221/X1/2017/10';
/** TS 103 280 common types (addresses, ports, ...). */
export const COMMON_NS = 'http://uri.etsi.org/03280/common/2017/07';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** Caps on what one body may build (an X1 request of 100 tasks needs ~3000 elements). */
export interface XmlLimits {
  readonly maxElements: number;
  readonly maxDepth: number;
}
export const DEFAULT_XML_LIMITS: XmlLimits = { maxElements: 20_000, maxDepth: 32 };

export type XmlParseResult = { readonly ok: true; readonly root: Element } | { readonly ok: false; readonly reason: string };

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_NODE = 4;

/**
 * Parses an X1 body. Never throws: every problem is `{ ok: false, reason }` (the reason names
 * the rule broken, never echoes the body).
 */
export function parseXml(body: Uint8Array, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlParseResult {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return { ok: false, reason: 'body is not UTF-8' };
  }
  // Any markup declaration (DOCTYPE, ENTITY, ELEMENT, ATTLIST, NOTATION): refused outright.
  // Comments and CDATA sections are the only `<!` constructs a document needs.
  for (let i = text.indexOf('<!'); i >= 0; i = text.indexOf('<!', i + 2)) {
    if (!text.startsWith('<!--', i) && !text.startsWith('<![CDATA[', i)) return { ok: false, reason: 'DTD or markup declaration refused (no entities allowed)' };
  }
  // Cheap upper bound before building anything: each element needs at least one '<'.
  let lt = 0;
  for (let i = text.indexOf('<'); i >= 0; i = text.indexOf('<', i + 1)) if (++lt > 2 * limits.maxElements + 16) return { ok: false, reason: `more than ${limits.maxElements} elements` };
  let doc: Document;
  try {
    doc = new DOMParser({ onError: onErrorStopParsing, locator: false }).parseFromString(text, 'text/xml');
  } catch {
    return { ok: false, reason: 'not well-formed XML' };
  }
  const root = doc.documentElement;
  if (root === null) return { ok: false, reason: 'no root element' };
  // Iterative walk: the depth cap is what protects recursive readers.
  let count = 0;
  const stack: [Node, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [n, depth] = stack.pop()!;
    if (n.nodeType !== ELEMENT_NODE) continue;
    if (++count > limits.maxElements) return { ok: false, reason: `more than ${limits.maxElements} elements` };
    if (depth > limits.maxDepth) return { ok: false, reason: `nesting deeper than ${limits.maxDepth}` };
    for (let c = n.firstChild; c !== null; c = c.nextSibling) stack.push([c, depth + 1]);
  }
  return { ok: true, root };
}

/** Child elements of `el` (document order), optionally only `ns`:`local`. */
export function children(el: Element, ns?: string, local?: string): Element[] {
  const out: Element[] = [];
  for (let c = el.firstChild; c !== null; c = c.nextSibling) {
    if (c.nodeType !== ELEMENT_NODE) continue;
    const e = c as Element;
    if (ns !== undefined && (e.namespaceURI !== ns || e.localName !== local)) continue;
    out.push(e);
  }
  return out;
}

/** The one child `ns`:`local` of `el`, or undefined when absent. More than one → 'many'. */
export function child(el: Element, local: string, ns = X1_NS): Element | undefined | 'many' {
  const c = children(el, ns, local);
  return c.length > 1 ? 'many' : c[0];
}

/** Text content of a simple element (text and CDATA only), trimmed; undefined when it has child elements. */
export function textOf(el: Element): string | undefined {
  let s = '';
  for (let c = el.firstChild; c !== null; c = c.nextSibling) {
    if (c.nodeType === TEXT_NODE || c.nodeType === CDATA_NODE) s += c.nodeValue ?? '';
    else if (c.nodeType === ELEMENT_NODE) return undefined;
  }
  return s.trim();
}

/**
 * The `xsi:type` of `el` as {ns, local}, the prefix resolved in scope (XML Schema 1.0 part 1,
 * 2.6.1: the value is a QName). Undefined when absent or its prefix is not declared.
 */
export function xsiType(el: Element): { ns: string | null; local: string } | undefined {
  const v = el.getAttributeNS(XSI_NS, 'type');
  if (v === null || v === '') return undefined;
  const t = v.trim();
  const colon = t.indexOf(':');
  const prefix = colon < 0 ? null : t.slice(0, colon);
  const local = colon < 0 ? t : t.slice(colon + 1);
  const ns = namespaceOfPrefix(el, prefix);
  if (prefix !== null && ns === null) return undefined;
  return { ns, local };
}

/**
 * The namespace bound to `prefix` (null: the default namespace) in scope at `el`, read from the
 * xmlns attributes of `el` and its ancestors (Namespaces in XML 1.0 section 6.1/6.2; xmldom's
 * lookupNamespaceURI does not resolve the default namespace).
 */
function namespaceOfPrefix(el: Element, prefix: string | null): string | null {
  if (prefix === 'xml') return 'http://www.w3.org/XML/1998/namespace';
  const attr = prefix === null ? 'xmlns' : `xmlns:${prefix}`;
  for (let n: Node | null = el; n !== null && n.nodeType === ELEMENT_NODE; n = n.parentNode) {
    const e = n as Element;
    if (e.hasAttribute(attr)) {
      const v = e.getAttribute(attr) ?? '';
      return v === '' ? null : v;
    }
  }
  return null;
}

/**
 * Builds one X1 document with qualified elements: X1 elements take the prefix `x1` (any prefix
 * is valid; fixed ones keep the output stable for tests), TS 103 280 ones `etsi280`, those of an
 * extension's namespace `ext`.
 */
export class XmlBuilder {
  readonly doc: Document;
  readonly root: Element;

  constructor(rootLocal: string) {
    this.doc = new DOMImplementation().createDocument(X1_NS, `x1:${rootLocal}`, null);
    this.root = this.doc.documentElement!;
    this.root.setAttributeNS('http://www.w3.org/2000/xmlns/', 'xmlns:xsi', XSI_NS);
    this.root.setAttributeNS('http://www.w3.org/2000/xmlns/', 'xmlns:etsi280', COMMON_NS);
  }

  /** Appends `<x1:local>` (or the common namespace's) to `parent`, with `text` when given. */
  add(parent: Element, local: string, text?: string, ns: string = X1_NS): Element {
    // Elements of an extension's own namespace (xs:any ##other) take the prefix `ext`.
    const e = this.doc.createElementNS(ns, `${ns === COMMON_NS ? 'etsi280' : ns === X1_NS ? 'x1' : 'ext'}:${local}`);
    if (text !== undefined) e.appendChild(this.doc.createTextNode(text));
    parent.appendChild(e);
    return e;
  }

  /** Sets `xsi:type="x1:<type>"`. */
  setType(el: Element, type: string): void {
    el.setAttributeNS(XSI_NS, 'xsi:type', `x1:${type}`);
  }

  toString(): string {
    return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(this.doc)}\n`;
  }
}
