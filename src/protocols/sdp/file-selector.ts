/**
 * File-transfer attributes of RFC 5547 (section 10 ABNF) that need more than a token:
 *
 * ```
 * file-selector = selector *(SP selector)
 * selector      = filename-selector / filesize-selector / filetype-selector / hash-selector
 * filename-selector = "name:" DQUOTE filename-string DQUOTE   ; '"' itself is percent-encoded
 * filesize-selector = "size:" filesize
 * filetype-selector = "type:" type "/" subtype *(";" ft-parameter)
 * hash-selector     = "hash:" hash-algorithm ":" hash-value    ; hash-value = 2HEXDIG *(":" 2HEXDIG)
 * file-date   = date-param *(SP date-param)       date-param = ("creation:" / "modification:" / "read:") DQUOTE date-time DQUOTE
 * file-range  = start-offset "-" (stop-offset / "*")
 * ```
 */

/** One hash of a file-selector. */
export interface FileHash {
  /** Algorithm as written, lower-cased (IANA "Hash Function Textual Names": `sha-1`...). */
  readonly algorithm: string;
  /** Hex octets without the colons, upper-cased (e.g. `72245FE8...`). */
  readonly hex: string;
}

/** a=file-selector (RFC 5547 5). Any field may be absent. */
export interface FileSelector {
  /** File name, percent-decoding not applied. */
  readonly name: string | null;
  /** Media type with its parameters, as written. */
  readonly type: string | null;
  readonly size: number | null;
  readonly hashes: readonly FileHash[];
}

/** a=file-date (RFC 5547 8): dates as written (RFC 5322 date-time). */
export interface FileDate {
  readonly creation: string | null;
  readonly modification: string | null;
  readonly read: string | null;
}

/** a=file-range (RFC 5547 8): 1-based inclusive octets; `stop` null for `*` (unknown end). */
export interface FileRange {
  readonly start: number;
  readonly stop: number | null;
}

/**
 * Splits at SP or HTAB outside double quotes (empty pieces dropped). Slices, not one string
 * concatenation per character: this runs for every file-transfer SDP (issue 13).
 */
export function splitSelectors(value: string): string[] {
  const out: string[] = [];
  let from = 0;
  let inQuote = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22 /* " */) inQuote = !inQuote;
    else if ((c === 0x20 || c === 0x09) && !inQuote) {
      if (i > from) out.push(value.slice(from, i));
      from = i + 1;
    }
  }
  if (value.length > from) out.push(value.slice(from));
  return out;
}

function unquote(s: string): string | null {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : null;
}

/**
 * Parses a file-selector value; null when a selector is malformed (bad size, hash or unquoted
 * name). Unknown selectors are ignored (RFC 5547 extensibility).
 */
export function parseFileSelector(value: string): FileSelector | null {
  let name: string | null = null;
  let type: string | null = null;
  let size: number | null = null;
  const hashes: FileHash[] = [];
  for (const sel of splitSelectors(value)) {
    const colon = sel.indexOf(':');
    if (colon <= 0) return null;
    const key = sel.slice(0, colon).toLowerCase();
    const v = sel.slice(colon + 1);
    if (key === 'name') {
      name = unquote(v);
      if (name === null) return null;
    } else if (key === 'size') {
      if (!/^[0-9]{1,15}$/.test(v)) return null;
      size = Number(v);
    } else if (key === 'type') {
      if (!/^[^/\s]+\/[^/\s]+/.test(v)) return null;
      type = v;
    } else if (key === 'hash') {
      const hc = v.indexOf(':');
      if (hc <= 0) return null;
      const hexPart = v.slice(hc + 1);
      if (!/^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})*$/.test(hexPart)) return null;
      hashes.push({ algorithm: v.slice(0, hc).toLowerCase(), hex: hexPart.replace(/:/g, '').toUpperCase() });
    }
  }
  return { name, type, size, hashes };
}

/** Parses a file-date value; null when malformed. */
export function parseFileDate(value: string): FileDate | null {
  const out: { creation: string | null; modification: string | null; read: string | null } = {
    creation: null,
    modification: null,
    read: null,
  };
  const items = splitSelectors(value);
  if (items.length === 0) return null;
  for (const item of items) {
    const colon = item.indexOf(':');
    if (colon <= 0) return null;
    const key = item.slice(0, colon).toLowerCase();
    const date = unquote(item.slice(colon + 1));
    if (date === null) return null;
    if (key === 'creation' || key === 'modification' || key === 'read') out[key] = date;
  }
  return out;
}

/** Parses a file-range value; null when malformed or stop < start. */
export function parseFileRange(value: string): FileRange | null {
  const m = /^([0-9]{1,15})-([0-9]{1,15}|\*)$/.exec(value.trim());
  if (m === null) return null;
  const start = Number(m[1]);
  const stop = m[2] === '*' ? null : Number(m[2]);
  if (start < 1 || (stop !== null && stop < start)) return null;
  return { start, stop };
}
