/**
 * The header section shared by SIP messages (RFC 3261 7.3) and MIME body parts (RFC 2045/822):
 * `field-name HCOLON field-value CRLF`, ended by an empty line, where a line starting with SP
 * or HTAB continues the previous field (folding, RFC 3261 7.3.1).
 *
 * ```
 *  raw:  Via  : SIP/2.0/UDP a.example;CRLF
 *        ·branch=z9hG4bK1CRLF            ← continuation: CRLF + WSP is equivalent to one SP
 *        CRLF                            ← empty line: bodyStart is just after it
 * ```
 */
import { latin1 } from '../../util/bytes.js';
import { canonicalHeaderKey } from './header-names.js';

/** One header field as it appeared on the wire. */
export interface HeaderField {
  /** Field name as written (e.g. `v`, `MaX-fOrWaRdS`). */
  readonly name: string;
  /** Lookup key: lower-case, compact forms expanded (`v` → `via`). */
  readonly key: string;
  /** Value with continuation lines unfolded to single spaces and outer white space trimmed. */
  readonly value: string;
  /** Byte offset of the field name in the parsed buffer. */
  readonly offset: number;
  /** Bytes from `offset` to the end of the field's last line, line terminator excluded. */
  readonly length: number;
}

/** Result of {@link parseHeaderFields}. */
export interface HeaderSection {
  readonly fields: HeaderField[];
  /** Offset just after the empty line; equals `end` when `complete` is false. */
  readonly bodyStart: number;
  /** False when the buffer ended before the empty line. */
  readonly complete: boolean;
  /** Some line ended in a bare LF. */
  readonly bareLf: boolean;
  /** Lines that were not `name: value` (skipped). */
  readonly badLines: number;
  /** Fields beyond `maxFields` that were not kept. */
  readonly dropped: number;
  /** Fields beyond `maxFields` kept by the {@link PastCapRule} (at the end of `fields`). */
  readonly keptPastCap: number;
}

/**
 * Which fields are still kept once `maxFields` is reached. A cap may limit what a tap keeps,
 * never whether it reads the headers that say who talks and in which dialog: a message with
 * hundreds of junk headers before From/To/Call-ID must not hide its parties.
 */
export interface PastCapRule {
  /** Lookup keys (see {@link HeaderField.key}) kept wherever they are. */
  readonly keys: ReadonlySet<string>;
  /**
   * At most this many fields of one key kept past the cap: repeating one essential header
   * (hundreds of Via lines) cannot use up what another one (From after them) needs.
   */
  readonly maxPerKey: number;
  /** A field whose value (folded lines included) is longer than this is not kept past the cap. */
  readonly maxValueBytes: number;
}

/** RFC 3261 25.1 token characters. */
function isTokenChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || // 0-9
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x61 && c <= 0x7a) || // a-z
    c === 0x2d ||
    c === 0x2e ||
    c === 0x21 ||
    c === 0x25 ||
    c === 0x2a || // - . ! % *
    c === 0x5f ||
    c === 0x2b ||
    c === 0x60 ||
    c === 0x27 ||
    c === 0x7e // _ + ` ' ~
  );
}

/**
 * Parses header lines of `b[start, end)` until an empty line.
 *
 * @param maxFields fields kept in wire order; further ones are counted in `dropped`, except
 *   those `pastCap` keeps (appended after them, still in wire order).
 * @param pastCap fields kept past `maxFields`; the work per line stays one name lookup.
 */
export function parseHeaderFields(b: Uint8Array, start: number, end: number, maxFields: number, pastCap?: PastCapRule): HeaderSection {
  const fields: HeaderField[] = [];
  // Decode the header section once (latin1: string index = byte offset) and slice names and
  // values out of it: one decoder call per message instead of two per field.
  const textEnd = headerSectionEnd(b, start, end);
  const str = latin1(b, start, textEnd);
  let bareLf = false;
  let badLines = 0;
  let dropped = 0;
  let keptPastCap = 0;
  /** Fields kept past the cap, per key (created when the cap is first reached). */
  let pastCounts: Map<string, number> | undefined;
  let p = start;
  while (p < end) {
    // Current logical field: its first line is [p, lineEnd).
    let lf = b.indexOf(0x0a, p);
    if (lf < 0 || lf >= end) lf = -1;
    let lineEnd = lf < 0 ? end : lf;
    if (lf >= 0) {
      if (lineEnd > p && b[lineEnd - 1] === 0x0d) lineEnd--;
      else bareLf = true;
    }
    if (lineEnd === p && lf >= 0) return { fields, bodyStart: lf + 1, complete: true, bareLf, badLines, dropped, keptPastCap };
    if (lineEnd === p && lf < 0) break; // a lone trailing CR: no empty line yet
    // Extend over continuation lines (start with SP/HTAB).
    let fieldEnd = lineEnd;
    let next = lf < 0 ? end : lf + 1;
    let folded = false;
    while (next < end && (b[next] === 0x20 || b[next] === 0x09)) {
      folded = true;
      let lf2 = b.indexOf(0x0a, next);
      if (lf2 < 0 || lf2 >= end) lf2 = -1;
      let le2 = lf2 < 0 ? end : lf2;
      if (lf2 >= 0) {
        if (le2 > next && b[le2 - 1] === 0x0d) le2--;
        else bareLf = true;
      }
      fieldEnd = le2;
      next = lf2 < 0 ? end : lf2 + 1;
    }
    // field-name *WSP ":"
    let q = p;
    while (q < lineEnd && isTokenChar(b[q]!)) q++;
    const nameEnd = q;
    while (q < lineEnd && (b[q] === 0x20 || b[q] === 0x09)) q++;
    if (nameEnd === p || q >= lineEnd || b[q] !== 0x3a) {
      badLines++;
    } else if (fields.length < maxFields) {
      fields.push(makeField(str, start, p, nameEnd, q, fieldEnd, folded));
    } else if (pastCap === undefined || fieldEnd - q - 1 > pastCap.maxValueBytes) {
      dropped++;
    } else {
      const key = canonicalHeaderKey(str.slice(p - start, nameEnd - start));
      let n = pastCap.maxPerKey;
      if (pastCap.keys.has(key)) {
        pastCounts ??= new Map();
        n = pastCounts.get(key) ?? 0;
      }
      if (n < pastCap.maxPerKey) {
        pastCounts!.set(key, n + 1);
        fields.push(makeField(str, start, p, nameEnd, q, fieldEnd, folded));
        keptPastCap++;
      } else {
        dropped++;
      }
    }
    if (lf < 0 && next >= end) break;
    p = next;
  }
  return { fields, bodyStart: end, complete: false, bareLf, badLines, dropped, keptPastCap };
}

/** The field whose name is `b[p, nameEnd)` and value `b[colon + 1, fieldEnd)` (`str` holds `b` from `start`). */
function makeField(str: string, start: number, p: number, nameEnd: number, colon: number, fieldEnd: number, folded: boolean): HeaderField {
  const name = str.slice(p - start, nameEnd - start);
  let value = str.slice(colon + 1 - start, fieldEnd - start);
  // RFC 3261 7.3.1: CRLF (or bare LF) followed by WSP is equivalent to a single SP.
  if (folded) value = value.replace(/\r?\n[ \t]+/g, ' ');
  return { name, key: canonicalHeaderKey(name), value: value.trim(), offset: p, length: fieldEnd - p };
}

/** Offset of the empty line ending the header section (or `end`): where header text stops. */
function headerSectionEnd(b: Uint8Array, start: number, end: number): number {
  let p = start;
  while (p < end) {
    const lf = b.indexOf(0x0a, p);
    if (lf < 0 || lf >= end) return end;
    const next = lf + 1;
    if (b[next] === 0x0a) return next;
    if (b[next] === 0x0d && b[next + 1] === 0x0a) return next;
    if (p === start && (lf === start || (lf === start + 1 && b[start] === 0x0d))) return start;
    p = next;
  }
  return end;
}
