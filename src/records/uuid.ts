/**
 * UUID text ↔ 16 octets in RFC 4122 (RFC 9562 section 4) byte order: the 32 hex digits in the
 * order written, most significant first. This is how sipgate writes the X2/X3 XID (msb long, then
 * lsb long) and how 33.128 `UUID ::= OCTET STRING (SIZE(16))` is filled.
 */

const UUID_RE = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

/** The nil UUID (RFC 9562 section 5.9), used where a mandatory UUID is unknown. */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (hyphens optional, any case, optional braces or
 * "urn:uuid:" prefix) into 16 bytes; undefined when the text is not a UUID.
 */
export function parseUuid(text: string): Uint8Array | undefined {
  let t = text.trim();
  if (t.toLowerCase().startsWith('urn:uuid:')) t = t.slice(9);
  if (t.startsWith('{') && t.endsWith('}')) t = t.slice(1, -1);
  if (!UUID_RE.test(t)) return undefined;
  const hex = t.replace(/-/g, '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const parsed = new Map<string, Uint8Array | undefined>();
const PARSED_MAX = 4096;

/**
 * {@link parseUuid} through a bounded cache, for the encoders: every record parses its task's
 * XID and often the nil UUID or its session's Conversation-ID, the same few texts (~2 % of the
 * record-writing thread). The bytes are shared between callers: never modify them.
 */
export function parseUuidShared(text: string): Uint8Array | undefined {
  let b = parsed.get(text);
  if (b === undefined && !parsed.has(text)) {
    if (parsed.size >= PARSED_MAX) parsed.clear();
    b = parseUuid(text);
    parsed.set(text, b);
  }
  return b;
}

/** Formats 16 bytes as lower-case canonical UUID text. Caller guarantees `b.length === 16`. */
export function formatUuid(b: Uint8Array): string {
  let h = '';
  for (let i = 0; i < 16; i++) h += (b[i]! < 16 ? '0' : '') + b[i]!.toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** True when the text parses as a UUID. */
export function isUuid(text: string): boolean {
  // Through the cache: every record's XID is checked once per output format (validate-record.ts).
  return parseUuidShared(text) !== undefined;
}
