/**
 * SIP, SIPS and TEL URIs (RFC 3261 19.1.1 and 25.1; RFC 3966 3).
 *
 * ```
 * SIP-URI  = "sip:"  [ userinfo ] hostport uri-parameters [ headers ]
 * userinfo = ( user / telephone-subscriber ) [ ":" password ] "@"
 * hostport = host [ ":" port ]          host = hostname / IPv4address / "[" IPv6 "]"
 * uri-parameters = *( ";" uri-parameter )      headers = "?" header *( "&" header )
 * telephone-uri  = "tel:" telephone-subscriber  (global-number / local-number, then *par)
 * ```
 *
 * The parser is deliberately tolerant of characters outside the grammar in the user part and
 * parameters (real traffic has them) but rejects what would make the URI ambiguous: no scheme,
 * an empty or malformed host, a bad port.
 */

export type UriScheme = 'sip' | 'sips' | 'tel' | 'other';

/** A parsed URI. All strings are as written (still percent-escaped) unless noted. */
export interface SipUri {
  /** `sip`, `sips`, `tel`, or `other` for any other scheme (see `schemeName`). */
  readonly scheme: UriScheme;
  /** The scheme as written, lower-cased (e.g. `mailto` when `scheme` is `other`). */
  readonly schemeName: string;
  /**
   * SIP/SIPS: the user part (may include telephone-subscriber parameters such as
   * `+1234;npdi`), null when absent. TEL: the telephone-subscriber number without parameters.
   */
  readonly user: string | null;
  /** SIP/SIPS password (deprecated, RFC 3261 19.1.1), null when absent. */
  readonly password: string | null;
  /** Host as written (IPv6 references keep their brackets); '' for TEL and other schemes. */
  readonly host: string;
  /** Port, or null when absent. */
  readonly port: number | null;
  /** URI parameters (`;name[=value]`), names lower-cased, first occurrence wins. */
  readonly params: ReadonlyMap<string, string | null>;
  /** URI headers (`?name=value&...`), names as written. */
  readonly headers: ReadonlyMap<string, string>;
  /** For `other` schemes: everything after `scheme:`; '' otherwise. */
  readonly opaque: string;
}

const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+.-]*$/;
/** Hostname / IPv4 characters (RFC 3261 25.1 hostname, tolerating `_` seen in the wild). */
const HOSTNAME_RE = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_.])?$/;
const IPV6_REF_RE = /^\[[0-9A-Fa-f:.]+(?:%[A-Za-z0-9._~-]+)?\]$/;
/** RFC 3966 3: global-number-digits / local-number-digits with visual separators. */
const TEL_NUMBER_RE = /^(?:\+[0-9().-]*[0-9][0-9().-]*|[0-9A-Fa-f*#().-]*[0-9A-Fa-f*#][0-9A-Fa-f*#().-]*)$/;

const EMPTY_PARAMS: ReadonlyMap<string, string | null> = new Map();
const EMPTY_HEADERS: ReadonlyMap<string, string> = new Map();

/** Splits `;a=b;c` (leading `;` optional) into a map, names lower-cased, first one wins. */
function parseUriParams(text: string): ReadonlyMap<string, string | null> {
  if (text.length === 0) return EMPTY_PARAMS;
  const out = new Map<string, string | null>();
  for (const item of text.split(';')) {
    if (item.length === 0) continue;
    const eq = item.indexOf('=');
    const name = (eq < 0 ? item : item.slice(0, eq)).toLowerCase();
    if (name.length > 0 && !out.has(name)) out.set(name, eq < 0 ? null : item.slice(eq + 1));
  }
  return out;
}

function parsePort(text: string): number | null | undefined {
  if (!/^[0-9]{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 65535 ? n : undefined;
}

/** True when `host` is a syntactically acceptable SIP host (hostname, IPv4 or `[IPv6]`). */
export function isValidHost(host: string): boolean {
  return host.charCodeAt(0) === 0x5b /* [ */ ? IPV6_REF_RE.test(host) : HOSTNAME_RE.test(host);
}

/**
 * Parses a SIP, SIPS or TEL URI; other schemes (`mailto:`, `urn:`, `im:`...) are returned with
 * `scheme: 'other'` and their text in `opaque`. Leading/trailing white space is ignored. Does
 * not accept name-addr syntax (`"x" <sip:...>`): use {@link parseNameAddr} for header values.
 *
 * @returns the URI, or null when the text is not a URI of its scheme's grammar.
 */
export function parseUri(text: string): SipUri | null {
  const s = text.trim();
  const colon = s.indexOf(':');
  if (colon <= 0) return null;
  const schemeName = s.slice(0, colon).toLowerCase();
  if (!SCHEME_RE.test(schemeName)) return null;
  const rest = s.slice(colon + 1);
  if (schemeName === 'sip' || schemeName === 'sips') return parseSipRest(schemeName, rest);
  if (schemeName === 'tel') return parseTelRest(rest);
  if (rest.length === 0) return null;
  return {
    scheme: 'other',
    schemeName,
    user: null,
    password: null,
    host: '',
    port: null,
    params: EMPTY_PARAMS,
    headers: EMPTY_HEADERS,
    opaque: rest,
  };
}

function parseSipRest(scheme: 'sip' | 'sips', rest: string): SipUri | null {
  // '@' is not allowed unescaped in host, parameters or headers (RFC 3261 25.1 param-unreserved,
  // hnv-unreserved), so the first '@' ends the userinfo even when the user holds ';' or '?'
  // (RFC 4475 3.1.1.9 `sip:user;par=u%40example.net@example.com`).
  let user: string | null = null;
  let password: string | null = null;
  let hp = rest;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    hp = rest.slice(at + 1);
    const pc = userinfo.indexOf(':');
    user = pc < 0 ? userinfo : userinfo.slice(0, pc);
    password = pc < 0 ? null : userinfo.slice(pc + 1);
    if (user.length === 0) return null;
  }
  let host: string;
  let i: number;
  if (hp.charCodeAt(0) === 0x5b) {
    const close = hp.indexOf(']');
    if (close < 0) return null;
    host = hp.slice(0, close + 1);
    i = close + 1;
  } else {
    i = 0;
    while (i < hp.length) {
      const c = hp.charCodeAt(i);
      if (c === 0x3a || c === 0x3b || c === 0x3f) break; // : ; ?
      i++;
    }
    host = hp.slice(0, i);
  }
  if (!isValidHost(host)) return null;
  let port: number | null = null;
  if (hp.charCodeAt(i) === 0x3a) {
    let j = i + 1;
    while (j < hp.length && hp.charCodeAt(j) !== 0x3b && hp.charCodeAt(j) !== 0x3f) j++;
    const p = parsePort(hp.slice(i + 1, j));
    if (p === undefined) return null;
    port = p;
    i = j;
  }
  const q = hp.indexOf('?', i);
  const paramText = hp.slice(i, q < 0 ? hp.length : q);
  if (paramText.length > 0 && paramText.charCodeAt(0) !== 0x3b) return null;
  let headers = EMPTY_HEADERS;
  if (q >= 0) {
    const h = new Map<string, string>();
    for (const item of hp.slice(q + 1).split('&')) {
      if (item.length === 0) continue;
      const eq = item.indexOf('=');
      const name = eq < 0 ? item : item.slice(0, eq);
      if (!h.has(name)) h.set(name, eq < 0 ? '' : item.slice(eq + 1));
    }
    headers = h;
  }
  return {
    scheme,
    schemeName: scheme,
    user,
    password,
    host,
    port,
    params: parseUriParams(paramText),
    headers,
    opaque: '',
  };
}

function parseTelRest(rest: string): SipUri | null {
  const semi = rest.indexOf(';');
  const number = semi < 0 ? rest : rest.slice(0, semi);
  if (!TEL_NUMBER_RE.test(number)) return null;
  return {
    scheme: 'tel',
    schemeName: 'tel',
    user: number,
    password: null,
    host: '',
    port: null,
    params: semi < 0 ? EMPTY_PARAMS : parseUriParams(rest.slice(semi)),
    headers: EMPTY_HEADERS,
    opaque: '',
  };
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * Resolves `%XX` escapes (RFC 3261 19.1.2 / 25.1 `escaped`), one char per decoded octet (so the
 * result is in the same one-char-per-byte form as header text decoded with latin1). A `%` not
 * followed by two hex digits is kept literally (RFC 4475 3.1.1.5 shows such values).
 */
export function percentDecode(s: string): string {
  if (s.indexOf('%') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && i + 2 < s.length) {
      const hi = hexVal(s.charCodeAt(i + 1));
      const lo = hexVal(s.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        out += String.fromCharCode(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i]!;
  }
  return out;
}
