/**
 * Identity keys for target matching: two identities match when their keys are equal.
 *
 * {@link normalizeIdentity} equivalences (everything else distinguishes):
 * - Input forms: a bare URI, a name-addr (`"Alice" <sip:alice@x>;tag=1`) or a bare global
 *   number (`+49 151 1234-5678`). Display names, header parameters, URI parameters, URI headers,
 *   password and port are dropped: an identity is an address-of-record, not a contact.
 * - `sip:` and `sips:` give the same key (RFC 3261 19.1.4 keeps them apart for routing; for
 *   interception the subscriber is the same). Scheme names are case-insensitive.
 * - Host: case-insensitive (lower-cased). IPv6 references are not re-written (no zero
 *   compression normalisation).
 * - User part: case-sensitive, compared after percent-decoding (RFC 3261 19.1.4:
 *   `sip:%61lice@x` ≡ `sip:alice@x`); the key re-escapes octets outside unreserved /
 *   user-unreserved (RFC 3261 25.1) as upper-case `%XX`, so every spelling has one key.
 * - TEL global numbers (RFC 3966 5.1.1): visual separators `- . ( )` removed, parameters
 *   (isub, ext, phone-context...) dropped → `tel:+<digits>`. A SIP URI with `;user=phone`
 *   whose user part is a global number (before any `;` of the telephone-subscriber, RFC 3261
 *   19.1.6) has the same key: `sip:+49-151@h;user=phone` ≡ `tel:+49151`.
 * - TEL local numbers keep their phone-context (required, RFC 3966 5.1.5) →
 *   `tel:<digits>;phone-context=<+digits or lower-case domain>`; a `user=phone` SIP URI with a
 *   local number and a phone-context in its user part maps to the same key.
 * - A SIP URI without `user=phone` keeps its SIP key even when its user looks like a number
 *   (RFC 3261 19.1.6); use {@link e164Key} for number-based matching.
 * - Other schemes (mailto, urn, im...) and unparseable text: null.
 *
 * Text is taken one char per octet (header text decoded with latin1, as the parser does);
 * chars above U+00FF are taken as Unicode and UTF-8 encoded. Pass identities with non-ASCII
 * characters from configuration as `Buffer.from(s, 'utf8').toString('latin1')` or
 * percent-encoded.
 */
import { parseNameAddr } from './name-addr.js';
import { parseUri, percentDecode, type SipUri } from './sip-uri.js';

const GLOBAL_NUMBER_RE = /^\+[0-9().-]*[0-9][0-9().-]*$/;
const LOCAL_NUMBER_RE = /^[0-9A-Fa-f*#().-]*[0-9A-Fa-f*#][0-9A-Fa-f*#().-]*$/;
const BARE_NUMBER_RE = /^\+?[0-9 ().-]*[0-9][0-9 ().-]*$/;

/** RFC 3261 25.1 unreserved (alphanum, mark) and user-unreserved characters. */
function isUserChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || "-_.!~*'()&=+$,;?/".includes(String.fromCharCode(c));
}

function escapeOctet(o: number): string {
  return `%${o < 16 ? '0' : ''}${o.toString(16).toUpperCase()}`;
}

/** Decodes escapes, then re-escapes so each user part has exactly one spelling. */
function canonicalUser(user: string): string {
  const decoded = percentDecode(user);
  let out = '';
  for (let i = 0; i < decoded.length; i++) {
    const c = decoded.charCodeAt(i);
    if (c < 0x80 && isUserChar(c)) out += decoded[i]!;
    else if (c <= 0xff) out += escapeOctet(c);
    else for (const o of Buffer.from(decoded[i]!, 'utf8')) out += escapeOctet(o);
  }
  return out;
}

/** Global number → `+digits` (RFC 3966 5.1.1: visual separators carry no meaning). */
function globalDigits(n: string): string {
  return '+' + n.replace(/[^0-9]/g, '');
}

function phoneContextKey(ctx: string): string {
  return ctx.startsWith('+') ? globalDigits(ctx) : ctx.toLowerCase();
}

/** Finds the URI in a bare URI or a name-addr; null when there is none. */
function extractUri(text: string): SipUri | null {
  return locateUri(text).uri;
}

/** {@link extractUri}, with the exact text it gave {@link parseUri} (null when it parsed none). */
function locateUri(text: string): { readonly uri: SipUri | null; readonly parsed: string | null } {
  const s = text.trim();
  if (s.length === 0) return NO_URI;
  if (s.includes('<') || s.charCodeAt(0) === 0x22) {
    const na = parseNameAddr(s);
    return na === null ? NO_URI : { uri: na.uri, parsed: na.uriText };
  }
  return { uri: parseUri(s), parsed: s };
}

const NO_URI = { uri: null, parsed: null } as const;

function telKey(number: string, phoneContext: string | null | undefined): string | null {
  if (GLOBAL_NUMBER_RE.test(number)) return 'tel:' + globalDigits(number);
  if (!LOCAL_NUMBER_RE.test(number) || phoneContext === undefined || phoneContext === null || phoneContext === '') return null;
  return `tel:${number.replace(/[().-]/g, '').toUpperCase()};phone-context=${phoneContextKey(phoneContext)}`;
}

/**
 * The matching key of an identity (see the file comment for the exact equivalences), or null
 * when the text holds no SIP/SIPS/TEL URI or global number.
 */
export function normalizeIdentity(text: string): string | null {
  const s = text.trim();
  if (BARE_NUMBER_RE.test(s)) return s.startsWith('+') ? 'tel:' + globalDigits(s) : null;
  return normalizedUri(extractUri(s));
}

/**
 * The keys {@link normalizeIdentity} and {@link e164Key} give `text`, from one parse of its URI
 * (the target matcher asks both of every identity a request shows, issue 13), and that URI with
 * the text it was parsed from (so the caller can reuse it instead of parsing the same text again).
 */
export function identityKeys(text: string, known?: KnownUri): IdentityKeys {
  const s = text.trim();
  if (BARE_NUMBER_RE.test(s)) return { normalized: normalizeIdentity(s), e164: e164Key(s), uri: null, parsed: null };
  // The URI the caller already parsed, when it is the very text locateUri would parse (a bare
  // URI as written: no white space around it, no name-addr form).
  const { uri, parsed } = known !== undefined && known.text === s && s.length > 0 && !s.includes('<') && s.charCodeAt(0) !== 0x22 ? { uri: known.uri, parsed: s } : locateUri(s);
  return { normalized: normalizedUri(uri), e164: e164OfUri(uri), uri, parsed };
}

/** A URI text and its {@link parseUri} result (e.g. a {@link NameAddr}'s `uriText` and `uri`). */
export interface KnownUri {
  readonly text: string;
  readonly uri: SipUri | null;
}

/** Result of {@link identityKeys}. */
export interface IdentityKeys {
  readonly normalized: string | null;
  readonly e164: string | null;
  /** `parseUri(parsed)`: the URI the keys were taken from. */
  readonly uri: SipUri | null;
  /** The text given to parseUri for the keys; null when none was (a bare number, no URI form). */
  readonly parsed: string | null;
}

/** {@link normalizeIdentity} of a text that is no bare number, from its URI ({@link extractUri}). */
function normalizedUri(uri: SipUri | null): string | null {
  if (uri === null) return null;
  if (uri.scheme === 'tel') {
    return telKey(uri.user ?? '', uri.params.get('phone-context'));
  }
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') return null;
  const host = uri.host.toLowerCase();
  if (uri.user === null) return `sip:${host}`;
  if (uri.params.get('user') === 'phone') {
    // RFC 3261 19.1.6: user = telephone-subscriber; its own parameters follow a ';'.
    const decoded = percentDecode(uri.user);
    const semi = decoded.indexOf(';');
    const number = semi < 0 ? decoded : decoded.slice(0, semi);
    let ctx: string | null = null;
    if (semi >= 0) {
      const m = /;phone-context=([^;]*)/i.exec(decoded.slice(semi));
      if (m !== null) ctx = m[1]!;
    }
    const k = telKey(number, ctx);
    if (k !== null) return k;
  }
  return `sip:${canonicalUser(uri.user)}@${host}`;
}

/**
 * A looser, number-only key: `+<digits>` for
 * - TEL global numbers,
 * - SIP/SIPS URIs whose user part (percent-decoded, before any `;`) is a global number, with or
 *   without `user=phone` (IMS networks often omit it),
 * - bare numbers: `+49 151 ...` and also digit strings without `+` (LI target identifiers carry
 *   E.164 numbers in international format without the plus), unless they start with 0.
 * The number must have 1 to 15 digits (ITU-T E.164 6.1). Null otherwise.
 */
export function e164Key(text: string): string | null {
  const s = text.trim();
  let number: string | null = null;
  if (BARE_NUMBER_RE.test(s)) {
    const digits = s.replace(/[^0-9]/g, '');
    if (!s.startsWith('+') && digits.startsWith('0')) return null;
    number = '+' + digits;
  } else return e164OfUri(extractUri(s));
  const n = number.length - 1;
  return n >= 1 && n <= 15 ? number : null;
}

/** {@link e164Key} of a text that is no bare number, from its URI ({@link extractUri}). */
function e164OfUri(uri: SipUri | null): string | null {
  if (uri === null || uri.user === null) return null;
  let number: string;
  if (uri.scheme === 'tel') number = uri.user;
  else if (uri.scheme === 'sip' || uri.scheme === 'sips') {
    const decoded = percentDecode(uri.user);
    const semi = decoded.indexOf(';');
    number = semi < 0 ? decoded : decoded.slice(0, semi);
  } else return null;
  if (!GLOBAL_NUMBER_RE.test(number)) return null;
  number = globalDigits(number);
  const n = number.length - 1;
  return n >= 1 && n <= 15 ? number : null;
}
