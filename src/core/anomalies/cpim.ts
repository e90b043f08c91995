/**
 * Anomalies of the cpim layer: message/cpim (RFC 3862), IMDN documents (RFC 5438) and
 * isComposing documents (RFC 3994) carried in MSRP bodies. See ../anomaly.ts for the rules.
 */
import type { AnomalyDef } from '../anomaly.js';

export const CPIM_ANOMALIES = {
  'cpim.no_header_end': { severity: 'warning', mayHideTarget: false, description: 'a message/cpim body has no blank line after its message headers' },
  'cpim.no_content_headers_end': { severity: 'warning', mayHideTarget: false, description: 'a message/cpim body has no blank line after the encapsulated MIME headers' },
  'cpim.bad_header_line': { severity: 'warning', mayHideTarget: false, description: 'a CPIM or MIME header line has no "name:" part; it was ignored' },
  'cpim.headers_too_large': { severity: 'warning', mayHideTarget: true, description: 'a CPIM header block exceeds the header cap' },
  'cpim.bad_ns_declaration': { severity: 'warning', mayHideTarget: false, description: 'an NS header is not "[prefix] <uri>" (RFC 3862 section 3.3.7)' },
  'cpim.undeclared_prefix': { severity: 'info', mayHideTarget: false, description: 'a CPIM header uses a name prefix that no NS header declares' },
  'cpim.bad_address': { severity: 'info', mayHideTarget: false, description: 'a CPIM From/To/cc value has no <URI> part (RFC 3862 section 3.3.1)' },
  'cpim.content_length_mismatch': { severity: 'info', mayHideTarget: false, description: 'the encapsulated Content-Length differs from the bytes present' },
  'imdn.bad_xml': { severity: 'warning', mayHideTarget: false, description: 'an IMDN body is not well-formed XML, has a DOCTYPE, or exceeds the XML limits (detail: reason)' },
  'imdn.not_imdn': { severity: 'warning', mayHideTarget: false, description: 'the XML root is not <imdn> in namespace urn:ietf:params:xml:ns:imdn' },
  'imdn.missing_element': { severity: 'warning', mayHideTarget: false, description: 'a required IMDN element is absent (detail names it)' },
  'imdn.unknown_status': { severity: 'info', mayHideTarget: false, description: 'an IMDN status is not one RFC 5438 defines for its notification type' },
  'iscomposing.bad_xml': { severity: 'warning', mayHideTarget: false, description: 'an isComposing body is not well-formed XML, has a DOCTYPE, or exceeds the XML limits (detail: reason)' },
  'iscomposing.invalid': { severity: 'warning', mayHideTarget: false, description: 'an isComposing document violates RFC 3994 (detail names the element)' },
} as const satisfies Record<string, AnomalyDef>;
