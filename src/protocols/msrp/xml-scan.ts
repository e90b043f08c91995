/**
 * A small, safe, non-validating XML reader for the short documents MSRP carries (IMDN,
 * RFC 5438; isComposing, RFC 3994). It builds a bounded element tree with namespaces resolved
 * (Namespaces in XML 1.0), and refuses anything that could expand or reach out: a DOCTYPE
 * (so no entity declarations, no external entities) is an error, only the five predefined
 * entities and character references are decoded. Size, depth and element count are capped.
 */

/** An element: namespace URI (null when none), local name, attributes by qualified name, children, text. */
export interface XmlElement {
  readonly ns: string | null;
  readonly name: string;
  readonly attrs: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** Character data directly inside this element (CDATA included), concatenated. */
  readonly text: string;
}

/** Why a document was refused. */
export type XmlError = 'size' | 'doctype' | 'depth' | 'elements' | 'syntax' | 'entity' | 'namespace';

export interface XmlLimits {
  readonly maxBytes?: number;
  readonly maxDepth?: number;
  readonly maxElements?: number;
}

interface Building {
  ns: string | null;
  name: string;
  qname: string;
  attrs: Map<string, string>;
  children: XmlElement[];
  text: string;
  scope: Map<string, string>;
}

const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;
const NAME_RE = /[A-Za-z_:\u00C0-\uFFFF][A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFF]*/y;
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** Decodes the predefined entities and character references; null on anything else. */
function decodeEntities(s: string): string | null {
  if (!s.includes('&')) return s;
  let bad = false;
  const out = s.replace(/&([^;&]{0,10});/g, (_m, e: string) => {
    switch (e) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default: {
        const m = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(e);
        const cp = m === null ? NaN : m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]);
        if (!(cp >= 1 && cp <= 0x10ffff) || (cp >= 0xd800 && cp <= 0xdfff)) {
          bad = true;
          return '';
        }
        return String.fromCodePoint(cp);
      }
    }
  });
  // A lone "&" that did not form an entity is not well-formed.
  if (bad || /&(?![^;&]{0,10};)/.test(s)) return null;
  return out;
}

/**
 * Parses `bytes` (UTF-8; a BOM is skipped) into its root element.
 *
 * @returns the root, or the reason the document was refused.
 */
export function parseXml(bytes: Uint8Array, limits: XmlLimits = {}): { root: XmlElement } | { error: XmlError } {
  const maxBytes = limits.maxBytes ?? 64 * 1024;
  const maxDepth = limits.maxDepth ?? 16;
  const maxElements = limits.maxElements ?? 512;
  if (bytes.length > maxBytes) return { error: 'size' };
  let s = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);

  const stack: Building[] = [];
  let root: XmlElement | null = null;
  let elements = 0;
  let i = 0;
  const n = s.length;
  const fail = (e: XmlError): { error: XmlError } => ({ error: e });

  while (i < n) {
    const lt = s.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i) {
      const raw = s.slice(i, textEnd);
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (raw.trim() !== '') return fail('syntax');
      } else {
        const t = decodeEntities(raw);
        if (t === null) return fail('entity');
        top.text += t;
      }
    }
    if (lt < 0) break;
    i = lt;
    if (s.startsWith('<?', i)) {
      const e = s.indexOf('?>', i + 2);
      if (e < 0) return fail('syntax');
      i = e + 2;
    } else if (s.startsWith('<!--', i)) {
      const e = s.indexOf('-->', i + 4);
      if (e < 0) return fail('syntax');
      i = e + 3;
    } else if (s.startsWith('<![CDATA[', i)) {
      const e = s.indexOf(']]>', i + 9);
      const top = stack[stack.length - 1];
      if (e < 0 || top === undefined) return fail('syntax');
      top.text += s.slice(i + 9, e);
      i = e + 3;
    } else if (s.startsWith('<!', i)) {
      // DOCTYPE / ENTITY declarations are refused outright: no entity expansion, no external fetches.
      return fail('doctype');
    } else if (s.startsWith('</', i)) {
      NAME_RE.lastIndex = i + 2;
      const m = NAME_RE.exec(s);
      const top = stack.pop();
      if (m === null || top === undefined || m[0] !== top.qname) return fail('syntax');
      let j = i + 2 + m[0].length;
      while (j < n && /\s/.test(s[j]!)) j++;
      if (s[j] !== '>') return fail('syntax');
      i = j + 1;
      const el: XmlElement = { ns: top.ns, name: top.name, attrs: top.attrs, children: top.children, text: top.text };
      const parent = stack[stack.length - 1];
      if (parent === undefined) root = el;
      else parent.children.push(el);
    } else {
      if (root !== null) return fail('syntax'); // a second root element
      if (!NAME_START.test(s[i + 1] ?? '')) return fail('syntax');
      NAME_RE.lastIndex = i + 1;
      const m = NAME_RE.exec(s);
      if (m === null) return fail('syntax');
      const qname = m[0];
      let j = i + 1 + qname.length;
      const attrs = new Map<string, string>();
      let selfClose = false;
      for (;;) {
        const ws = j;
        while (j < n && /\s/.test(s[j]!)) j++;
        if (j >= n) return fail('syntax');
        if (s[j] === '>') {
          j++;
          break;
        }
        if (s.startsWith('/>', j)) {
          j += 2;
          selfClose = true;
          break;
        }
        if (j === ws) return fail('syntax'); // attributes must be separated by white space
        NAME_RE.lastIndex = j;
        const a = NAME_RE.exec(s);
        if (a === null) return fail('syntax');
        j += a[0].length;
        while (j < n && /\s/.test(s[j]!)) j++;
        if (s[j] !== '=') return fail('syntax');
        j++;
        while (j < n && /\s/.test(s[j]!)) j++;
        const q = s[j];
        if (q !== '"' && q !== "'") return fail('syntax');
        const close = s.indexOf(q, j + 1);
        if (close < 0) return fail('syntax');
        const rawVal = s.slice(j + 1, close);
        if (rawVal.includes('<')) return fail('syntax');
        const val = decodeEntities(rawVal);
        if (val === null) return fail('entity');
        if (attrs.has(a[0]) || attrs.size >= 64) return fail('syntax');
        attrs.set(a[0], val);
        j = close + 1;
      }
      if (++elements > maxElements) return fail('elements');
      if (stack.length + 1 > maxDepth) return fail('depth');
      const parentScope = stack[stack.length - 1]?.scope;
      let scope = parentScope ?? new Map<string, string>([['xml', XML_NS]]);
      for (const [k, v] of attrs) {
        if (k === 'xmlns' || k.startsWith('xmlns:')) {
          if (scope === parentScope) scope = new Map(scope);
          scope.set(k === 'xmlns' ? '' : k.slice(6), v);
        }
      }
      const colon = qname.indexOf(':');
      const prefix = colon < 0 ? '' : qname.slice(0, colon);
      const local = colon < 0 ? qname : qname.slice(colon + 1);
      const nsUri = scope.get(prefix);
      if (prefix !== '' && nsUri === undefined) return fail('namespace');
      const b: Building = { ns: nsUri === undefined || nsUri === '' ? null : nsUri, name: local, qname, attrs, children: [], text: '', scope };
      i = j;
      if (selfClose) {
        const el: XmlElement = { ns: b.ns, name: b.name, attrs, children: [], text: '' };
        const parent = stack[stack.length - 1];
        if (parent === undefined) root = el;
        else parent.children.push(el);
      } else {
        stack.push(b);
      }
    }
  }
  if (stack.length > 0 || root === null) return fail('syntax');
  return { root };
}

/** First child element with this namespace and local name. */
export function xmlChild(el: XmlElement, ns: string | null, name: string): XmlElement | undefined {
  for (const c of el.children) if (c.ns === ns && c.name === name) return c;
  return undefined;
}
