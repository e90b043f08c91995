/**
 * Identities of IMS/RCS parties as the 33.128 records carry them: IMPU (SIP URI or TEL URI,
 * TS 23.003 13.4) or IMPI (NAI). The correlator fills them from SIP headers (P-Asserted-Identity,
 * From, To) without the display name or header parameters.
 */
export interface ImsIdentity {
  readonly type: 'sipUri' | 'telUri' | 'impi';
  /** The URI or NAI text, e.g. "sip:alice@example.com", "tel:+4930123456", "alice@ims.example.com". */
  readonly value: string;
}

/**
 * Classifies an identifier text: "sip:"/"sips:" URIs are SIP URIs, "tel:" URIs TEL URIs (RFC 3966),
 * anything else is taken as an IMPI (NAI, RFC 7542). Scheme matching is case-insensitive (RFC 3986 3.1).
 */
export function imsIdentityFromText(text: string): ImsIdentity {
  const lower = text.slice(0, 5).toLowerCase();
  if (lower.startsWith('sip:') || lower.startsWith('sips:')) return { type: 'sipUri', value: text };
  if (lower.startsWith('tel:')) return { type: 'telUri', value: text };
  return { type: 'impi', value: text };
}
