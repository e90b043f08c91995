/**
 * Content-Type values (RFC 3261 20.15, RFC 2045 5.1):
 * `media-type = m-type SLASH m-subtype *( SEMI m-parameter )`.
 */
import { parseHeaderParams } from './header-params.js';

export interface ContentType {
  /** `type/subtype`, lower-cased (media types are case-insensitive, RFC 2045 5.1). */
  readonly mediaType: string;
  readonly type: string;
  readonly subtype: string;
  /** Parameters (`boundary`, `charset`, `type`...), names lower-cased, values unquoted. */
  readonly params: ReadonlyMap<string, string | null>;
}

const TOKEN_RE = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** Parses a Content-Type value; null when it is not `type/subtype[;params]`. */
export function parseContentType(text: string): ContentType | null {
  const semi = text.indexOf(';');
  const mt = (semi < 0 ? text : text.slice(0, semi)).trim().toLowerCase();
  const slash = mt.indexOf('/');
  if (slash <= 0) return null;
  const type = mt.slice(0, slash).trim();
  const subtype = mt.slice(slash + 1).trim();
  if (!TOKEN_RE.test(type) || !TOKEN_RE.test(subtype)) return null;
  return {
    mediaType: `${type}/${subtype}`,
    type,
    subtype,
    params: semi < 0 ? new Map<string, string | null>() : parseHeaderParams(text.slice(semi)),
  };
}
