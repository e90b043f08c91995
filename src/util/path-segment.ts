/**
 * The one mapping from an identifier (LIID, XID, DID) to the name of the folder that holds its
 * files: `OUT/<LIID>/`, `receive --out DIR/<XID>/`, `--spool-dir DIR/<DID>/`.
 *
 * It must be injective: two warrants must never share a folder (a lossy mapping such as
 * "replace anything unsafe by `_`" sent `a/b` and `a_b` to the same one, interleaving two
 * warrants' records in one file set). So every byte outside `[A-Za-z0-9_-]` of the identifier's
 * UTF-8 encoding is percent-encoded (`%XX`, upper-case hex; `%` itself included, as in RFC 3986
 * section 2.1), and so is a `.` in first position (no `.`/`..`, no hidden folder). `.` elsewhere
 * is kept. Identifiers made of `[A-Za-z0-9._-]` that do not start with `.` (every LIID of the
 * samples, every canonical UUID) keep their name.
 *
 * A JS string may hold an unpaired surrogate (JSON `"\ud800"` parses to one); UTF-8 has no
 * encoding for it and TextEncoder would turn it into U+FFFD, i.e. the same bytes as a real
 * U+FFFD. Surrogate code points are therefore encoded as their 3-byte generalised UTF-8 form
 * (WTF-8: ED A0 80..ED BF BF), which no valid UTF-8 sequence uses: still injective.
 *
 * The empty identifier maps to `%`, which no other identifier's name can be (every `%` of a
 * non-empty one is followed by two hex digits); the tasks file refuses empty LIIDs anyway.
 */

const HEX = '0123456789ABCDEF';

function isPlain(c: number, first: boolean): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d || (c === 0x2e && !first);
}

function pct(b: number): string {
  return `%${HEX[b >> 4]}${HEX[b & 15]}`;
}

/** The folder name of `id` (see the file comment). At most 3 × 4 × id.length characters. */
export function pathSegment(id: string): string {
  if (id === '') return '%';
  let out = '';
  for (let i = 0; i < id.length; i++) {
    const cp = id.codePointAt(i)!;
    if (cp > 0xffff) i++;
    if (cp < 0x80) {
      out += isPlain(cp, out === '') ? String.fromCharCode(cp) : pct(cp);
    } else if (cp < 0x800) {
      out += pct(0xc0 | (cp >> 6)) + pct(0x80 | (cp & 63));
    } else if (cp < 0x10000) {
      out += pct(0xe0 | (cp >> 12)) + pct(0x80 | ((cp >> 6) & 63)) + pct(0x80 | (cp & 63));
    } else {
      out += pct(0xf0 | (cp >> 18)) + pct(0x80 | ((cp >> 12) & 63)) + pct(0x80 | ((cp >> 6) & 63)) + pct(0x80 | (cp & 63));
    }
  }
  return out;
}

/**
 * The identifier whose folder name is `name`, or undefined when `name` is not one
 * {@link pathSegment} produces (a folder msrptap did not name). `parsePathSegment(pathSegment(x)) === x`.
 */
export function parsePathSegment(name: string): string | undefined {
  if (name === '%') return '';
  const bytes: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x25) {
      const h = name.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(h)) return undefined;
      bytes.push(parseInt(h, 16));
      i += 2;
    } else if (isPlain(c, i === 0)) bytes.push(c);
    else return undefined;
  }
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (n === 0 || i + n > bytes.length) return undefined;
    let cp = n === 1 ? b : b & (0xff >> (n + 1));
    for (let k = 1; k < n; k++) {
      const t = bytes[i + k]!;
      if ((t & 0xc0) !== 0x80) return undefined;
      cp = (cp << 6) | (t & 63);
    }
    // Overlong or out-of-range forms are not produced by pathSegment.
    if ((n === 3 && cp < 0x800) || (n === 4 && (cp < 0x10000 || cp > 0x10ffff))) return undefined;
    out += String.fromCodePoint(cp);
    i += n;
  }
  // Plain characters must not have been encoded (pathSegment encodes only what it must).
  return pathSegment(out) === name ? out : undefined;
}
