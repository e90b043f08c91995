/**
 * MSRP URIs (RFC 4975 9), as found in SDP a=path and in MSRP To-Path/From-Path:
 *
 * ```
 * MSRP-URI    = msrp-scheme "://" authority ["/" session-id] ";" transport *( ";" URI-parameter )
 * msrp-scheme = "msrp" / "msrps"
 * session-id  = 1*( unreserved / "+" / "=" / "/" )
 * transport   = "tcp" / 1*ALPHANUM
 * authority   = [ userinfo "@" ] host [ ":" port ]          (RFC 3986 3.2; IPv6 in "[...]")
 * ```
 *
 * This file depends on nothing but the standard library so the MSRP module can share it
 * (it may not import the SDP module): it is meant to move to a shared place.
 */

/** A parsed MSRP URI. */
export interface MsrpUri {
  /** `msrp` or `msrps` (lower-cased). */
  readonly scheme: 'msrp' | 'msrps';
  /** userinfo as written, null when absent. */
  readonly user: string | null;
  /** Host as written, without the brackets of an IPv6 literal. */
  readonly host: string;
  /** True when the host was an IPv6 literal (`[...]`). */
  readonly ipv6: boolean;
  /** Port, null when absent (RFC 4975 6.1: then it never equals a URI with a port). */
  readonly port: number | null;
  /** session-id (case-sensitive), null when absent (relay URIs usually have none). */
  readonly sessionId: string | null;
  /** Transport, lower-cased (`tcp`, `ws`...). */
  readonly transport: string;
  /** URI parameters after the transport, names lower-cased. */
  readonly params: ReadonlyMap<string, string | null>;
  /** The URI text as given (trimmed). */
  readonly raw: string;
}

const SCHEME_RE = /^(msrps?):\/\//i;
const REG_NAME_RE = /^[A-Za-z0-9\-._~%!$&'()*+,=]+$/;
const IPV6_RE = /^[0-9A-Fa-f:.]+(?:%[A-Za-z0-9._~-]+)?$/;
const SESSION_ID_RE = /^[A-Za-z0-9\-._~+=/%]+$/;
const ALNUM_RE = /^[A-Za-z0-9]+$/;

/**
 * Parses one MSRP URI.
 * @returns null when the text breaks the grammar above (missing transport, bad host or port).
 */
export function parseMsrpUri(text: string): MsrpUri | null {
  const raw = text.trim();
  const sm = SCHEME_RE.exec(raw);
  if (sm === null) return null;
  const scheme = sm[1]!.toLowerCase() as 'msrp' | 'msrps';
  let i = sm[0].length;
  // authority ends at the first "/" or ";"
  let authEnd = i;
  while (authEnd < raw.length && raw[authEnd] !== '/' && raw[authEnd] !== ';') authEnd++;
  const authority = raw.slice(i, authEnd);
  const at = authority.lastIndexOf('@');
  const user = at < 0 ? null : authority.slice(0, at);
  const hostport = at < 0 ? authority : authority.slice(at + 1);
  let host: string;
  let portText: string | null = null;
  let ipv6 = false;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) return null;
    host = hostport.slice(1, close);
    if (!IPV6_RE.test(host)) return null;
    ipv6 = true;
    const tail = hostport.slice(close + 1);
    if (tail.length > 0) {
      if (tail[0] !== ':') return null;
      portText = tail.slice(1);
    }
  } else {
    const colon = hostport.indexOf(':');
    host = colon < 0 ? hostport : hostport.slice(0, colon);
    if (colon >= 0) portText = hostport.slice(colon + 1);
    if (!REG_NAME_RE.test(host)) return null;
  }
  let port: number | null = null;
  if (portText !== null) {
    if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65535) return null;
    port = Number(portText);
  }
  i = authEnd;
  let sessionId: string | null = null;
  if (raw[i] === '/') {
    const semi = raw.indexOf(';', i);
    const end = semi < 0 ? raw.length : semi;
    sessionId = raw.slice(i + 1, end);
    if (!SESSION_ID_RE.test(sessionId)) return null;
    i = end;
  }
  // ";" transport is mandatory.
  if (raw[i] !== ';') return null;
  const items = raw.slice(i + 1).split(';');
  const transport = items[0]!;
  if (!ALNUM_RE.test(transport)) return null;
  const params = new Map<string, string | null>();
  for (let k = 1; k < items.length; k++) {
    const item = items[k]!;
    if (item.length === 0) continue;
    const eq = item.indexOf('=');
    const name = (eq < 0 ? item : item.slice(0, eq)).toLowerCase();
    if (!params.has(name)) params.set(name, eq < 0 ? null : item.slice(eq + 1));
  }
  return { scheme, user, host, ipv6, port, sessionId, transport: transport.toLowerCase(), params, raw };
}

/**
 * MSRP URI equality (RFC 4975 6.1): scheme and host case-insensitive, userinfo ignored, ports
 * equal (an explicit port never equals an absent one), session-id case-sensitive, transport
 * case-insensitive. URI parameters are not compared.
 */
export function msrpUriEquals(a: MsrpUri, b: MsrpUri): boolean {
  return (
    a.scheme === b.scheme &&
    a.host.toLowerCase() === b.host.toLowerCase() &&
    a.port === b.port &&
    a.sessionId === b.sessionId &&
    a.transport === b.transport
  );
}
