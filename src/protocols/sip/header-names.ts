/**
 * SIP header field names: case-insensitive matching and compact forms (RFC 3261 7.3.1, 7.3.3,
 * 20; compact forms registered by IANA in the "Header Fields" sub-registry of the SIP
 * Parameters registry).
 */

/**
 * Compact form → full name, lower-case. RFC 3261 7.3.3 defines i f t m v l c k s e; the others
 * come from later RFCs (o/u RFC 6665, r RFC 3515, b RFC 3892, x RFC 4028, y RFC 8224,
 * a/j/d RFC 3841, n RFC 4474).
 */
const COMPACT_FORMS: Readonly<Record<string, string>> = {
  a: 'accept-contact',
  b: 'referred-by',
  c: 'content-type',
  d: 'request-disposition',
  e: 'content-encoding',
  f: 'from',
  i: 'call-id',
  j: 'reject-contact',
  k: 'supported',
  l: 'content-length',
  m: 'contact',
  n: 'identity-info',
  o: 'event',
  r: 'refer-to',
  s: 'subject',
  t: 'to',
  u: 'allow-events',
  v: 'via',
  x: 'session-expires',
  y: 'identity',
};

/**
 * Headers whose grammar is a comma-separated list (`#element`), so that RFC 3261 7.3.1 allows
 * several header lines to be combined into one and vice versa. Anything not listed is kept as
 * one value per header line: From, To, Call-ID, CSeq, Date, Subject, the authentication
 * headers (commas belong to their parameters, RFC 3261 7.3.1 last paragraph) and unknown
 * headers, where splitting could tear a value apart.
 */
const LIST_HEADERS: ReadonlySet<string> = new Set([
  'accept',
  'accept-contact',
  'accept-encoding',
  'accept-language',
  'alert-info',
  'allow',
  'allow-events',
  'call-info',
  'contact',
  'content-encoding',
  'content-language',
  'error-info',
  'history-info',
  'in-reply-to',
  'p-asserted-identity',
  'p-associated-uri',
  'p-preferred-identity',
  'path',
  'proxy-require',
  'reason',
  'record-route',
  'reject-contact',
  'require',
  'route',
  'security-client',
  'security-server',
  'security-verify',
  'service-route',
  'supported',
  'unsupported',
  'via',
  'warning',
]);

/**
 * The lookup key of a header name: lower-case, compact forms expanded, surrounding white space
 * removed. `canonicalHeaderKey('i') === canonicalHeaderKey('CALL-ID') === 'call-id'`.
 */
export function canonicalHeaderKey(name: string): string {
  const lower = name.trim().toLowerCase();
  if (lower.length === 1) return COMPACT_FORMS[lower] ?? lower;
  return lower;
}

/** True when the header (given by its canonical key) is a comma-separated list (RFC 3261 7.3.1). */
export function isListHeader(key: string): boolean {
  return LIST_HEADERS.has(key);
}

/**
 * Headers read wherever they are in a message, even past the header-field cap (a cap limits
 * what is kept, never whether a target is seen): the identities the target matcher looks at
 * (From, To, P-Asserted-Identity and P-Preferred-Identity RFC 3325, Authorization usernames),
 * what dialog tracking and the records need (Call-ID, CSeq, Via, Contact, Record-Route,
 * RFC 3261 12.1), where the body and its SDP are (Content-Type, Content-Length), and the RCS
 * service hints of the records (Conversation-ID, Contribution-ID, Accept-Contact,
 * P-Asserted-Service; GSMA RCC.07). Compact forms map onto these keys (f t i v m c l a).
 */
export const ESSENTIAL_HEADER_KEYS: ReadonlySet<string> = new Set([
  'from',
  'to',
  'p-asserted-identity',
  'p-preferred-identity',
  'authorization',
  'proxy-authorization',
  'call-id',
  'cseq',
  'via',
  'contact',
  'record-route',
  'content-type',
  'content-length',
  'conversation-id',
  'contribution-id',
  'accept-contact',
  'p-asserted-service',
]);
