/**
 * Header parameters (`*( SEMI generic-param )`, RFC 3261 25.1) and quoted strings. Used by
 * name-addr headers (From/To/Contact/P-Asserted-Identity), Via and Content-Type.
 */

/**
 * Removes the quotes of a quoted-string and resolves quoted-pairs (`\x` → `x`,
 * RFC 3261 25.1). A value that is not quoted is returned unchanged.
 */
export function unquoteString(s: string): string {
  if (s.length < 2 || s.charCodeAt(0) !== 0x22 || s.charCodeAt(s.length - 1) !== 0x22) return s;
  let out = '';
  for (let i = 1; i < s.length - 1; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length - 1) {
      out += s[i + 1]!;
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

/**
 * Parses `;name[=value]` pairs. Names are lower-cased (parameter names are case-insensitive,
 * RFC 3261 7.3.1); values keep their case (tags compare case-sensitively, RFC 3261 19.3) but
 * lose surrounding LWS and quotes. Text before the first `;` is ignored, empty parameters
 * (`;;`) are skipped, the first occurrence of a name wins.
 *
 * @param text the header value, or the tail of it that starts at the first `;`.
 */
export function parseHeaderParams(text: string): Map<string, string | null> {
  const params = new Map<string, string | null>();
  let i = text.indexOf(';');
  while (i >= 0 && i < text.length) {
    // Find the end of this parameter: the next `;` outside a quoted string.
    let j = i + 1;
    let inQuote = false;
    for (; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (inQuote) {
        if (c === 0x5c) j++;
        else if (c === 0x22) inQuote = false;
      } else if (c === 0x22) inQuote = true;
      else if (c === 0x3b /* ; */) break;
    }
    const item = text.slice(i + 1, j);
    const eq = item.indexOf('=');
    const name = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase();
    if (name.length > 0 && !params.has(name)) {
      params.set(name, eq < 0 ? null : unquoteString(item.slice(eq + 1).trim()));
    }
    i = j < text.length ? j : -1;
  }
  return params;
}
