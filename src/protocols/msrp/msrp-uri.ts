/**
 * MSRP URIs, RFC 4975 section 9 (grammar) and section 6 (meaning):
 *
 *   MSRP-URI    = msrp-scheme "://" authority ["/" session-id] ";" transport *( ";" URI-parameter )
 *   msrp-scheme = "msrp" / "msrps"
 *   session-id  = 1*( unreserved / "+" / "=" / "/" )
 *   transport   = "tcp" / 1*ALPHANUM
 *   URI-parameter = token ["=" token]
 *   authority   = [ userinfo "@" ] host [ ":" port ]        (RFC 3986 section 3.2)
 *
 * The session-id is optional in the grammar: RFC 4976 AUTH requests address a relay with a URI
 * that has none (`msrps://alice@intra.example.com;tcp`). Pure; shared with the SDP module
 * (`a=path`), which must not depend on the MSRP framer.
 */

/** A parsed MSRP URI. All strings are copies (the parser works on a string). */
export interface MsrpUri {
  /** Lower-cased scheme. `msrps` means TLS on every hop (RFC 4975 section 6). */
  readonly scheme: 'msrp' | 'msrps';
  /** userinfo before `@`, as written (percent-encoding kept), or null. */
  readonly user: string | null;
  /** Host as written, without the brackets of an IPv6 literal. */
  readonly host: string;
  /** True when the host was an IP-literal (`[...]`). */
  readonly ipv6: boolean;
  /** Port, or null when absent. */
  readonly port: number | null;
  /** Session id (case-sensitive, RFC 4975 section 6.1), or null when absent. */
  readonly sessionId: string | null;
  /** Transport as written, e.g. `tcp`. */
  readonly transport: string;
  /** `;name[=value]` parameters after the transport, in order. */
  readonly params: readonly { readonly name: string; readonly value: string | null }[];
  /** The URI text as parsed. */
  readonly raw: string;
}

// RFC 3986 unreserved, and the extra characters each component allows.
const SESSION_ID = /^[A-Za-z0-9\-._~+=/]+$/;
const TRANSPORT = /^[A-Za-z0-9]+$/;
// userinfo = *( unreserved / pct-encoded / sub-delims / ":" ), without ";" which ends the URI part here.
const USERINFO = /^(?:[A-Za-z0-9\-._~!$&'()*+,=:]|%[0-9A-Fa-f]{2})*$/;
// reg-name = *( unreserved / pct-encoded / sub-delims ), ";" excluded for the same reason; must be non-empty.
const REG_NAME = /^(?:[A-Za-z0-9\-._~!$&'()*+,=]|%[0-9A-Fa-f]{2})+$/;
const IPV6_BODY = /^[0-9A-Fa-f:.]+(?:%25[A-Za-z0-9\-._~]+)?$/;
// token (RFC 4975 section 9 uses the RFC 3261 token): alphanum and -.!%*_+`'~
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** Longest URI text accepted: URIs come from header lines that are themselves capped. */
const MAX_URI_LENGTH = 2048;

/**
 * Recently parsed URI texts → results. Every frame of a session repeats the same To-Path and
 * From-Path (RFC 4975 section 7.1: each request carries both), so a small table saves parsing
 * them again per chunk. Results are frozen, hence safe to share. Bounded: cleared when full.
 */
const CACHE_MAX = 1024;
const cache = new Map<string, MsrpUri | null>();

/**
 * Parses one MSRP URI.
 *
 * @returns the URI (frozen; the same object for the same text while it is cached), or null when
 *   `s` does not match RFC 4975 section 9 (the caller reports `msrp.bad_uri`).
 */
export function parseMsrpUri(s: string): MsrpUri | null {
  const hit = cache.get(s);
  if (hit !== undefined) return hit;
  if (s.length === 0 || s.length > MAX_URI_LENGTH) return null;
  const u = parseUncached(s);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(s, u);
  return u;
}

function parseUncached(s: string): MsrpUri | null {
  const sep = s.indexOf('://');
  if (sep < 0) return null;
  const scheme = s.slice(0, sep).toLowerCase();
  if (scheme !== 'msrp' && scheme !== 'msrps') return null;
  const rest = s.slice(sep + 3);

  // The first ";" after the authority and session-id starts the transport: neither the
  // session-id nor (here) the authority may contain one.
  const semi = rest.indexOf(';');
  if (semi < 0) return null; // transport is mandatory
  const hierPart = rest.slice(0, semi);
  const slash = hierPart.indexOf('/');
  const authority = slash < 0 ? hierPart : hierPart.slice(0, slash);
  let sessionId: string | null = null;
  if (slash >= 0) {
    sessionId = hierPart.slice(slash + 1);
    if (!SESSION_ID.test(sessionId)) return null;
  }

  const at = authority.lastIndexOf('@');
  let user: string | null = null;
  let hostPort = authority;
  if (at >= 0) {
    user = authority.slice(0, at);
    hostPort = authority.slice(at + 1);
    if (!USERINFO.test(user)) return null;
  }

  let host: string;
  let ipv6 = false;
  let portText: string | null = null;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) return null;
    host = hostPort.slice(1, close);
    if (!IPV6_BODY.test(host) || !host.includes(':')) return null;
    ipv6 = true;
    const after = hostPort.slice(close + 1);
    if (after.length > 0) {
      if (after[0] !== ':') return null;
      portText = after.slice(1);
    }
  } else {
    const colon = hostPort.indexOf(':');
    host = colon < 0 ? hostPort : hostPort.slice(0, colon);
    if (colon >= 0) portText = hostPort.slice(colon + 1);
    if (!REG_NAME.test(host)) return null;
  }
  let port: number | null = null;
  if (portText !== null) {
    if (!/^[0-9]{1,5}$/.test(portText)) return null;
    port = Number(portText);
    if (port > 65535) return null;
  }

  const parts = rest.slice(semi + 1).split(';');
  const transport = parts[0]!;
  if (!TRANSPORT.test(transport)) return null;
  const params: { name: string; value: string | null }[] = [];
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!;
    const eq = p.indexOf('=');
    const name = eq < 0 ? p : p.slice(0, eq);
    const value = eq < 0 ? null : p.slice(eq + 1);
    if (!TOKEN.test(name) || (value !== null && !TOKEN.test(value))) return null;
    params.push(Object.freeze({ name, value }));
  }
  return Object.freeze({ scheme, user, host, ipv6, port, sessionId, transport, params: Object.freeze(params), raw: s });
}

/** A parsed URI list (frozen: shared through {@link listCache}). */
export interface MsrpUriList {
  readonly uris: readonly MsrpUri[];
  readonly invalid: number;
}

/**
 * Recently parsed lists, for the same reason as {@link cache} one level up: a session's
 * To-Path and From-Path values repeat on every frame, and splitting them was a tenth of what
 * parsing MSRP headers allocated. Bounded: cleared when full.
 */
const listCache = new Map<string, MsrpUriList>();

/**
 * Parses a space-separated list of MSRP URIs (To-Path, From-Path, Use-Path values and the SDP
 * `a=path` attribute, RFC 4975 sections 8.2 and 9).
 *
 * @returns `uris`: the valid URIs in order; `invalid`: how many items did not parse. Frozen and
 *   shared with other callers that parsed the same text.
 */
export function parseMsrpUriList(value: string): MsrpUriList {
  let r = listCache.get(value);
  if (r !== undefined) return r;
  const uris: MsrpUri[] = [];
  let invalid = 0;
  for (const item of value.split(/[ \t]+/)) {
    if (item.length === 0) continue;
    const u = parseMsrpUri(item);
    if (u === null) invalid++;
    else uris.push(u);
  }
  r = Object.freeze({ uris: Object.freeze(uris), invalid });
  if (value.length <= MAX_URI_LENGTH) {
    if (listCache.size >= CACHE_MAX) listCache.clear();
    listCache.set(value, r);
  }
  return r;
}

/**
 * Comparison key for RFC 4975 section 6.1 URI equality: scheme and host compared
 * case-insensitively, session-id case-sensitively, transport case-insensitively, userinfo and
 * parameters ignored. Two URIs are equal per section 6.1 when their keys are equal. A missing port
 * is kept as missing (no default is substituted), which only makes the comparison stricter.
 */
export function msrpUriKey(u: MsrpUri): string {
  return `${u.scheme}://${u.host.toLowerCase()}:${u.port ?? ''}/${u.sessionId ?? ''};${u.transport.toLowerCase()}`;
}

/** Serialises a URI back to text (normalised scheme; everything else as parsed). */
export function formatMsrpUri(u: MsrpUri): string {
  let s = `${u.scheme}://`;
  if (u.user !== null) s += `${u.user}@`;
  s += u.ipv6 ? `[${u.host}]` : u.host;
  if (u.port !== null) s += `:${u.port}`;
  if (u.sessionId !== null) s += `/${u.sessionId}`;
  s += `;${u.transport}`;
  for (const p of u.params) s += p.value === null ? `;${p.name}` : `;${p.name}=${p.value}`;
  return s;
}
