/**
 * Splits a list-valued header (RFC 3261 7.3.1: `field-name: value *(COMMA value)`) into its
 * elements. Commas inside quoted strings (RFC 3261 25.1 quoted-string, with quoted-pair escapes)
 * and inside `<...>` (a name-addr's URI may hold commas in its parameters) do not split.
 */

/**
 * Splits `value` at top-level commas and trims each element; empty elements (`a,,b`, seen in
 * RFC 4475 3.1.2.1) are dropped. Never throws; an unterminated quote or `<` swallows the rest
 * of the value into the last element.
 */
export function splitHeaderValues(value: string): string[] {
  const out: string[] = [];
  let inQuote = false;
  let angle = false;
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (inQuote) {
      if (c === 0x5c /* \ */)
        i++; // quoted-pair: the next char is literal
      else if (c === 0x22 /* " */) inQuote = false;
    } else if (c === 0x22) {
      inQuote = true;
    } else if (c === 0x3c /* < */) {
      angle = true;
    } else if (c === 0x3e /* > */) {
      angle = false;
    } else if (c === 0x2c /* , */ && !angle) {
      const part = value.slice(from, i).trim();
      if (part.length > 0) out.push(part);
      from = i + 1;
    }
  }
  const last = value.slice(from).trim();
  if (last.length > 0) out.push(last);
  return out;
}
