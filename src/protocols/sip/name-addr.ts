/**
 * name-addr / addr-spec header values (RFC 3261 20.10, 20.20, 20.39, 25.1; RFC 3325 9.1 for
 * P-Asserted-Identity / P-Preferred-Identity):
 *
 * ```
 * (from-spec / to / contact-param) = ( name-addr / addr-spec ) *( SEMI param )
 * name-addr    = [ display-name ] LAQUOT addr-spec RAQUOT
 * display-name = *(token LWS) / quoted-string
 * ```
 */
import { parseHeaderParams, unquoteString } from './header-params.js';
import { parseUri, type SipUri } from './sip-uri.js';

/** A parsed name-addr or addr-spec with its header parameters. */
export interface NameAddr {
  /** Display name without quotes and quoted-pair escapes; null when absent or empty. */
  readonly displayName: string | null;
  /** The URI text as written (between `<>`, or the addr-spec up to the first `;`). */
  readonly uriText: string;
  /** The parsed URI, or null when `uriText` is not a URI. */
  readonly uri: SipUri | null;
  /** Header parameters after the URI (e.g. `tag`, `expires`, `q`), names lower-cased. */
  readonly params: ReadonlyMap<string, string | null>;
  /** The `tag` parameter (RFC 3261 19.3), null when absent. */
  readonly tag: string | null;
}

/**
 * Parses one name-addr or addr-spec (one element of a list header: split lists first with
 * {@link splitHeaderValues}). Without angle brackets, the URI ends at the first `;` and what
 * follows are header parameters (RFC 3261 20.10: a URI with `;`, `,` or `?` must be bracketed).
 *
 * @returns null for an empty value, an unterminated quoted display name or `<` without `>`.
 *   A syntactically placed but unparseable URI yields `uri: null` with `uriText` set.
 */
export function parseNameAddr(text: string): NameAddr | null {
  const s = text.trim();
  if (s.length === 0) return null;
  let displayName: string | null = null;
  let uriText: string;
  let rest: string;
  let i = 0;
  if (s.charCodeAt(0) === 0x22) {
    // quoted-string display name, with quoted-pair escapes
    i = 1;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x5c) i++;
      else if (c === 0x22) break;
    }
    if (i >= s.length) return null;
    displayName = unquoteString(s.slice(0, i + 1));
    i++;
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
    if (s.charCodeAt(i) !== 0x3c) return null;
  } else {
    const lt = s.indexOf('<');
    if (lt < 0) {
      // addr-spec: the URI runs to the first ';' (header parameters follow).
      const semi = s.indexOf(';');
      uriText = (semi < 0 ? s : s.slice(0, semi)).trim();
      rest = semi < 0 ? '' : s.slice(semi);
      return finish(null, uriText, rest);
    }
    const name = s
      .slice(0, lt)
      .trim()
      .replace(/[ \t]+/g, ' ');
    displayName = name.length > 0 ? name : null;
    i = lt;
  }
  const gt = s.indexOf('>', i + 1);
  if (gt < 0) return null;
  uriText = s.slice(i + 1, gt).trim();
  rest = s.slice(gt + 1);
  if (displayName !== null && displayName.length === 0) displayName = null;
  return finish(displayName, uriText, rest);
}

function finish(displayName: string | null, uriText: string, rest: string): NameAddr | null {
  if (uriText.length === 0) return null;
  const params = parseHeaderParams(rest);
  return { displayName, uriText, uri: parseUri(uriText), params, tag: params.get('tag') ?? null };
}
