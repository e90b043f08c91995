/**
 * MIME-style header blocks (RFC 2045 / RFC 5322 section 2.2: `name: value` lines ended by a blank
 * line, continuation lines start with SP or HT), as used inside message/cpim bodies (RFC 3862
 * section 2) and by its encapsulated content. Also `Content-Type` value parsing (RFC 2045 section 5.1).
 */

/** One header, value unfolded and trimmed, decoded as UTF-8 (invalid sequences become U+FFFD). */
export interface MimeHeaderField {
  readonly name: string;
  readonly value: string;
}

/** Result of {@link parseHeaderBlock}. */
export interface HeaderBlock {
  readonly fields: MimeHeaderField[];
  /** Offset just after the blank line that ended the block. */
  readonly end: number;
  /** Lines that were not `name: value` (ignored). */
  readonly badLines: number;
}

const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Parses header lines from `buf[start..]` up to and including the first blank line. Lines may end
 * in CRLF or a bare LF.
 *
 * @param maxBytes the block may not extend past `start + maxBytes`.
 * @returns the block, or null when no blank line ends it within `buf` and `maxBytes`
 *   (`tooLarge` tells which).
 */
export function parseHeaderBlock(buf: Uint8Array, start: number, maxBytes: number): HeaderBlock | { tooLarge: boolean } {
  const limit = Math.min(buf.length, start + maxBytes);
  const lines: string[] = [];
  let pos = start;
  for (;;) {
    if (pos >= limit) return { tooLarge: limit < buf.length };
    const lf = buf.indexOf(0x0a, pos);
    if (lf < 0 || lf >= limit) return { tooLarge: limit < buf.length };
    let le = lf;
    if (le > pos && buf[le - 1] === 0x0d) le--;
    const next = lf + 1;
    if (le === pos) {
      pos = next;
      break;
    }
    lines.push(Buffer.from(buf.buffer, buf.byteOffset + pos, le - pos).toString('utf8'));
    pos = next;
  }
  const fields: MimeHeaderField[] = [];
  let badLines = 0;
  let cur: { name: string; value: string } | null = null;
  for (const line of lines) {
    const c0 = line.charCodeAt(0);
    if (c0 === 0x20 || c0 === 0x09) {
      // Folded continuation (RFC 5322 section 2.2.3).
      if (cur === null) badLines++;
      else cur.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!NAME.test(name)) {
      badLines++;
      cur = null;
      continue;
    }
    cur = { name, value: line.slice(colon + 1) };
    fields.push(cur);
  }
  return { fields, end: pos, badLines };
}

/** First value of a header, by case-insensitive name. */
export function headerValue(fields: readonly MimeHeaderField[], name: string): string | null {
  const l = name.toLowerCase();
  for (const f of fields) if (f.name.toLowerCase() === l) return f.value.trim();
  return null;
}

/** A parsed Content-Type: lower-cased `type/subtype` and parameters (names lower-cased). */
export interface ContentType {
  readonly mediaType: string;
  readonly params: ReadonlyMap<string, string>;
}

/**
 * Parses `type/subtype *(; name=value)` (RFC 2045 section 5.1); quoted values are unquoted.
 * Returns null when there is no `type/subtype`.
 */
export function parseContentType(value: string): ContentType | null {
  const m = /^[ \t]*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\/([!#$%&'*+\-.^_`|~0-9A-Za-z]+)[ \t]*(.*)$/.exec(value);
  if (m === null) return null;
  const params = new Map<string, string>();
  const re = /;[ \t]*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)[ \t]*=[ \t]*("(?:[^"\\]|\\.)*"|[^;\s]*)/g;
  for (let p = re.exec(m[3]!); p !== null; p = re.exec(m[3]!)) {
    let v = p[2]!;
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    params.set(p[1]!.toLowerCase(), v);
  }
  return { mediaType: `${m[1]}/${m[2]}`.toLowerCase(), params };
}
